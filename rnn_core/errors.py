"""Errors a student can read: every bad input ends in one of these."""


class PlaygroundError(ValueError):
    """Base class: the message is meant to be shown to the user as it is."""


class DataError(PlaygroundError):
    """A series or an uploaded file cannot be used (empty, junk, too short...)."""


class ConfigError(PlaygroundError):
    """A setting is outside what the app supports (too large, unknown name...)."""
