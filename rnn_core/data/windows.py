"""Cut a series into (input, target) windows, split it in time and scale it.

A window ``i`` reads the inputs ``values[i : i + lookback]``. Its *origin* is
``o = i + lookback``, the index of the first value it forecasts, and its forecast
targets are ``values[o : o + horizon]``. The three modes only differ in what the
network is asked to output:

- ``"next"``:    Y (N, 1)                  the next value
- ``"multi"``:   Y (N, horizon)            the next ``horizon`` values
- ``"seq2seq"``: Y (N, lookback, horizon)  every time step t predicts its next
  ``horizon`` values; the last step's row is the window's forecast targets.

Every mode makes ``N = n - lookback - horizon + 1`` windows, so no target lies past
the end of the series.

Examples
--------
>>> import numpy as np
>>> X, Y = make_windows(np.arange(10.0), lookback=3)
>>> X[0, :, 0], Y[0]
(array([0., 1., 2.]), array([3.]))
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from rnn_core.config import MAX_HORIZON, MAX_LOOKBACK
from rnn_core.data import transforms
from rnn_core.errors import ConfigError, DataError

MODES = ("next", "multi", "seq2seq")
SCALERS = ("none", "minmax", "standard")


def _as_series(values) -> np.ndarray:
    try:
        v = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise DataError(f"The values must be numbers ({exc}).") from None
    if v.ndim != 1:
        raise DataError(f"Expected a 1-D series of values, got an array of shape {v.shape}.")
    if not np.all(np.isfinite(v)):
        raise DataError("The series contains missing or infinite values: fill or drop them first.")
    return v


def _check_shape(lookback, horizon, mode) -> None:
    for what, x in (("Lookback", lookback), ("Horizon", horizon)):
        if not isinstance(x, (int, np.integer)) or isinstance(x, bool) or x < 1:
            raise ConfigError(f"{what} must be a whole number of at least 1 (got {x!r}).")
    if mode not in MODES:
        raise ConfigError(f"Unknown window mode {mode!r}: choose one of {', '.join(MODES)}.")
    if mode == "next" and horizon != 1:
        raise ConfigError("Next-value windows have a horizon of 1; pick 'multi' for more.")


def _window_views(v: np.ndarray, lookback: int, horizon: int, mode: str):
    """Read-only views (no copies) of all N windows: X (N, L), Y (N, 1 | h | L, h)."""
    n_win = len(v) - lookback - horizon + 1
    X = sliding_window_view(v, lookback)[:n_win]
    if mode == "seq2seq":
        # S[j] = v[j+1 : j+1+h] are the targets of time step j; window i holds steps i..i+L-1.
        S = sliding_window_view(v[1:], horizon)
        Y = sliding_window_view(S, lookback, axis=0)[:n_win].transpose(0, 2, 1)
    else:
        Y = sliding_window_view(v[lookback:], horizon)[:n_win]
    return X, Y


def _owned(view: np.ndarray) -> np.ndarray:
    """A writable C-ordered copy: sliding-window views are read-only and overlap."""
    return np.array(view, order="C", copy=True)


def make_windows(values, lookback: int, horizon: int = 1, mode: str = "next"):
    """Cut ``values`` into overlapping windows, as in the lecture's table.

    Parameters
    ----------
    values : array_like, 1-D
        The series, chronological.
    lookback : int
        Input length L of each window.
    horizon : int
        How many values each window forecasts (1 for ``mode="next"``).
    mode : {"next", "multi", "seq2seq"}

    Returns
    -------
    X : np.ndarray, float64, (N, L, 1)
    Y : np.ndarray, float64, (N, 1), (N, h) or, for seq2seq, (N, L, h)

    Examples
    --------
    >>> X, Y = make_windows(np.arange(10.0), 3, horizon=2, mode="seq2seq")
    >>> Y[0].tolist()
    [[1.0, 2.0], [2.0, 3.0], [3.0, 4.0]]
    """
    _check_shape(lookback, horizon, mode)
    v = _as_series(values)
    need = lookback + horizon
    if len(v) < need:
        raise DataError(
            f"The series has {len(v)} values, too short for even one window: a window needs "
            f"lookback + horizon = {lookback} + {horizon} = {need} values. "
            "Lower the lookback or the horizon, or use a longer series."
        )
    X, Y = _window_views(v, lookback, horizon, mode)
    return _owned(X[:, :, None]), _owned(Y)


def window_origins(n: int, lookback: int, horizon: int) -> np.ndarray:
    """Origin ``o = i + lookback`` (index of the first forecast target) of each window i."""
    return np.arange(lookback, max(lookback, n - horizon + 1))


def split_bounds(n: int, split) -> tuple[int, int]:
    """Chronological split points: train is ``[:a]``, validation ``[a:b]``, test ``[b:]``."""
    train, val = split
    return int(n * train), int(n * (train + val))


def as_forecasts(y, mode: str) -> np.ndarray:
    """The (N, h) forecasts in ``y``: seq2seq outputs keep only their last time step."""
    y = np.asarray(y)
    return y[:, -1, :] if mode == "seq2seq" else y.reshape(len(y), -1)


@dataclass(frozen=True)
class Scaler:
    """``x_scaled = (x - shift) / scale``, fitted on the training part only."""

    kind: str
    shift: float
    scale: float
    n_fit: int = 0

    @classmethod
    def fit(cls, kind: str, train_values) -> Scaler:
        """Fit a scaler of ``kind`` ("none", "minmax" or "standard") to ``train_values``.

        Examples
        --------
        >>> Scaler.fit("minmax", [2.0, 4.0, 6.0]).transform([4.0])
        array([0.5])
        """
        if kind not in SCALERS:
            raise ConfigError(f"Unknown scaler {kind!r}: choose one of {', '.join(SCALERS)}.")
        v = _as_series(train_values)
        if len(v) == 0:
            raise DataError("The training part is empty: there is nothing to fit the scaler on.")
        if kind == "none":
            return cls(kind, 0.0, 1.0, len(v))
        if np.ptp(v) == 0:
            raise DataError(
                f"All training values are equal ({v[0]:g}), so the {kind} scaler would divide "
                "by zero; choose scaler none, or a series that varies in its training part."
            )
        if kind == "minmax":
            return cls(kind, float(v.min()), float(np.ptp(v)), len(v))
        return cls(kind, float(v.mean()), float(v.std()), len(v))

    def transform(self, x) -> np.ndarray:
        return (np.asarray(x, dtype=np.float64) - self.shift) / self.scale

    def inverse(self, x) -> np.ndarray:
        return np.asarray(x, dtype=np.float64) * self.scale + self.shift

    def describe(self) -> str:
        """One line for the page, e.g. ``"standard: mean 3.2, std 1.1, fitted on 700 training values"``."""
        fitted = f"fitted on {self.n_fit} training values"
        if self.kind == "minmax":
            return f"minmax: min {self.shift:.4g}, max {self.shift + self.scale:.4g}, {fitted}"
        if self.kind == "standard":
            return f"standard: mean {self.shift:.4g}, std {self.scale:.4g}, {fitted}"
        return "none: the values are used as they are"


@dataclass
class Part:
    """One chronological part: scaled float32 windows, their origins and true targets."""

    X: np.ndarray        # (N, L, 1) float32, prepared and scaled
    Y: np.ndarray        # (N, 1) | (N, h) | (N, L, h) float32, prepared and scaled
    origins: np.ndarray  # (N,) int: index of each window's first forecast target
    targets: np.ndarray  # (N, h) float64 in series units: values[o : o + h]

    def __len__(self) -> int:
        return len(self.origins)


@dataclass
class Prepared:
    """The three parts, the fitted scaler, and what turns a forecast back into series units.

    ``values`` is the series itself (None for windows that were not cut from a series, e.g.
    text or a synthetic task; those use ``transform="none"``).
    """

    train: Part
    val: Part
    test: Part
    scaler: Scaler
    a: int
    b: int
    n: int
    lookback: int
    horizon: int
    mode: str
    transform: str = "none"
    period: int = 0
    values: np.ndarray | None = None

    @property
    def extra(self) -> int:
        """Values of history a window needs before its ``lookback`` inputs (1 or the period when differencing)."""
        return transforms.extra(self.transform, self.period)

    def histories(self, origins) -> np.ndarray:
        """The values before each origin that a window and its forecast depend on, (N, extra + L)."""
        o = np.asarray(origins, dtype=np.int64)
        width = self.extra + self.lookback
        return self.values[o[:, None] - width + np.arange(width)]

    def inputs(self, histories) -> np.ndarray:
        """Scaled float32 network inputs (N, L, 1) for windows whose past is ``histories`` (N, extra + L).

        A recursive forecast calls this with its own predictions appended to the history.
        """
        raw = transforms.inputs(np.asarray(histories, dtype=np.float64), self.transform, self.period, self.lookback)
        return self.scaler.transform(raw).astype(np.float32)[:, :, None]

    def restore_from(self, histories, y_scaled) -> np.ndarray:
        """Scaled forecasts (N, h) back to series units, given each window's past (N, extra + L)."""
        y = self.scaler.inverse(np.asarray(y_scaled, dtype=np.float64))
        return transforms.restore(np.asarray(histories, dtype=np.float64), y, self.transform, self.period,
                                  self.lookback)

    def recursive(self, predict, origins, horizon: int) -> np.ndarray:
        """``horizon`` forecasts from each origin by a next-value network fed its own forecasts, series units (N, h).

        ``predict`` maps scaled inputs (N, L, 1) float32 to scaled next values (N, 1). After each step
        the forecast joins the history as if it were a true value, and the inputs are prepared
        from that history again (a predicted change is fed back as a change).
        """
        history = self.histories(origins)                          # (N, extra + L)
        out = np.empty((len(history), horizon))
        for k in range(horizon):
            out[:, k] = self.restore_from(history, np.asarray(predict(self.inputs(history))).reshape(-1, 1))[:, 0]
            history = np.concatenate([history[:, 1:], out[:, k:k + 1]], axis=1)
        return out

    def to_units(self, y_scaled, origins) -> np.ndarray:
        """Scaled forecasts (N, h) made at ``origins`` back to the series' units, float64 (N, h).

        Undoes the scaler, then the transform: a predicted change is added onto the last known
        value, a seasonal change onto the value one season before, a relative value onto its
        window's last value or mean.
        """
        if self.transform == "none":
            return self.scaler.inverse(y_scaled)
        return self.restore_from(self.histories(origins), y_scaled)


def _no_room(n, lookback, horizon, name, share, size, extra=0) -> DataError:
    hz = f" and horizon {horizon}" if horizon > 1 else ""
    if size < horizon:
        why = f"it is shorter than the horizon, and all {horizon} targets of a window must lie inside one part"
    else:
        what = "a window's target" if horizon == 1 else f"all {horizon} targets of a window"
        past = f"{lookback} values of history" if not extra else \
            f"{lookback + extra} values of history ({extra} more for the differencing)"
        why = f"{what} must lie inside it, after {past}"
    return DataError(
        f"With {n} values and lookback {lookback}{hz}, the {name} ({share}, {size} values) has no "
        f"room for a window: {why}. Lower the lookback or the horizon, or use a longer series."
    )


MAX_WINDOW_CELLS = 20_000_000  # about 80 MB of float32 windows per run


def _check_config(v: np.ndarray, window_cfg) -> tuple[float, float]:
    L, h, mode = window_cfg.lookback, window_cfg.horizon, window_cfg.mode
    _check_shape(L, h, mode)
    if L > MAX_LOOKBACK or h > MAX_HORIZON:  # the app's hard limits, whatever a URL asks for
        raise ConfigError(f"Lookback and horizon are limited to {MAX_LOOKBACK} and {MAX_HORIZON} "
                          f"(got {L} and {h}).")
    transforms.check(getattr(window_cfg, "transform", "none"), getattr(window_cfg, "period", 0))
    n = len(v)
    cells = max(n - L - h + 1, 0) * L * (1 + (h if mode == "seq2seq" else 0))
    if cells > MAX_WINDOW_CELLS:  # memory: a shared server holds many sessions' windows
        raise ConfigError(
            f"{n:,} values cut into windows of lookback {L}"
            f"{f' and horizon {h} at every step' if mode == 'seq2seq' else ''} make {cells:,} numbers, more "
            f"than the {MAX_WINDOW_CELLS:,} the app holds per run. Lower the lookback or the horizon, "
            "or use a shorter series.")
    try:
        train_f, val_f = (float(f) for f in window_cfg.split)
    except (TypeError, ValueError):
        raise ConfigError(f"The split is two fractions (train, validation), not {window_cfg.split!r}.") from None
    if not (0 < train_f < 1 and 0 < val_f < 1 and train_f + val_f < 1):
        raise ConfigError(f"Split fractions must leave room for all three parts (got {train_f}, {val_f}).")
    return train_f, val_f


def _fit_scaler(kind: str, fit_on: np.ndarray, transform: str) -> Scaler:
    try:
        return Scaler.fit(kind, fit_on)
    except DataError:
        if transform == "none":
            raise
        raise DataError(f"After the preparation '{transform}' every training value is the same "
                        f"({fit_on[0]:g}), so the {kind} scaler would divide by zero; choose scaler none "
                        "or another preparation.") from None


def prepare(values, window_cfg) -> Prepared:
    """Split ``values`` in time, prepare and scale them (fitted on the training part), cut each part into windows.

    A window belongs to the part that holds all its forecast targets ``values[o:o+h]``;
    windows whose targets straddle a boundary are dropped. A part's first windows may
    read their inputs from the part before: that is the past, not a leak.

    ``window_cfg.transform`` (see :mod:`rnn_core.data.transforms`) changes what the network
    reads and predicts; the scaler is fitted on the transformed training part. ``targets``
    stay in the series' units, and :meth:`Prepared.to_units` turns forecasts back into them.

    Parameters
    ----------
    values : array_like, 1-D
    window_cfg : rnn_core.config.WindowConfig

    Returns
    -------
    Prepared
        ``train``, ``val``, ``test`` parts, the fitted ``scaler`` and the bounds ``a``, ``b``.
    """
    v = _as_series(values)
    train_f, val_f = _check_config(v, window_cfg)
    L, h, mode = window_cfg.lookback, window_cfg.horizon, window_cfg.mode
    transform, period = getattr(window_cfg, "transform", "none"), int(getattr(window_cfg, "period", 0))
    E = transforms.extra(transform, period)
    n = len(v)
    a, b = split_bounds(n, window_cfg.split)
    origins = window_origins(n, L + E, h)
    parts = (
        ("training part", f"first {train_f:.0%}", 0, a),
        ("validation part", f"next {val_f:.0%}", a, b),
        ("test part", f"last {1 - train_f - val_f:.0%}", b, n),
    )
    ranges = []
    for name, share, lo, hi in parts:
        # Origins increase with the window index, so each part is one contiguous run.
        i0, i1 = np.searchsorted(origins, lo), np.searchsorted(origins, hi - h, side="right")
        if i1 <= i0:
            raise _no_room(n, L, h, name, share, hi - lo, E)
        ranges.append((i0, i1))

    T = sliding_window_view(v, h)
    if transform in transforms.WINDOW_WISE:
        X, Y = _window_views(v, L, h, mode)  # raw; each part subtracts its windows' references below
        i0, i1 = ranges[0]
        ref = transforms.reference(X[i0:i1], transform)
        fit_on = np.concatenate([(X[i0:i1] - ref[:, None]).ravel(), (T[origins[i0:i1]] - ref[:, None]).ravel()])
        scaler = _fit_scaler(window_cfg.scaler, fit_on, transform)
    else:
        # u[j] is the value at time j + E (the change, for differencing): windows of u line up with `origins`
        u = transforms.differenced(v, transform, period) if E else v
        scaler = _fit_scaler(window_cfg.scaler, u[:a - E], transform)
        X, Y = _window_views(scaler.transform(u).astype(np.float32), L, h, mode)

    built = []
    for i0, i1 in ranges:
        Xp, Yp = X[i0:i1], Y[i0:i1]
        if transform in transforms.WINDOW_WISE:
            ref = transforms.reference(Xp, transform)
            Xp = scaler.transform(Xp - ref[:, None]).astype(np.float32)
            Yp = scaler.transform(Yp - ref.reshape((-1,) + (1,) * (Yp.ndim - 1))).astype(np.float32)
        built.append(Part(_owned(Xp[:, :, None]), _owned(Yp), origins[i0:i1].copy(), _owned(T[origins[i0:i1]])))
    return Prepared(*built, scaler=scaler, a=a, b=b, n=n, lookback=L, horizon=h, mode=mode,
                    transform=transform, period=period if transform == "seasonal" else 0, values=v)


def inverse_targets(prepared: Prepared, y_scaled, origins=None) -> np.ndarray:
    """Scaled network outputs (numpy or a CPU tensor) back to series units, float64, same shape.

    With a transform other than ``"none"``, pass the windows' ``origins`` and (N, h) forecasts:
    undoing a difference needs the values before each origin.
    """
    if hasattr(y_scaled, "detach"):
        y_scaled = y_scaled.detach().cpu().numpy()
    if prepared.transform == "none":
        return prepared.scaler.inverse(y_scaled)
    if origins is None:
        raise ConfigError("Undoing the window preparation needs each forecast's origin.")
    return prepared.to_units(y_scaled, origins)
