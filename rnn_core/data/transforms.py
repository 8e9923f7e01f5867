"""How a window's values are prepared before scaling: the lecture's answers to "are there trends?".

A scaler fitted on the training part cannot extrapolate: on a rising series every test value
lies above anything the network saw, and it answers with what it knows. Four standard remedies
change *what* the network is asked to predict; the forecast is always turned back into the
series' own units before it is scored.

- ``"none"``:       the values as they are;
- ``"difference"``: predict the change ``v[t] - v[t-1]``; the forecast is added back onto the
  last known value (several steps ahead: the predicted changes are summed);
- ``"seasonal"``:   seasonal differencing ``v[t] - v[t-m]`` with the series' period ``m``; the
  forecast is added onto the value one season before it;
- ``"last"``:       every window's inputs and targets minus that window's last input value;
- ``"mean"``:       every window's inputs and targets minus the mean of that window's inputs.

The differencing options need ``extra`` values of history before a window's ``lookback``
inputs (1, or ``m``), so a series gives that many fewer windows.

Examples
--------
>>> import numpy as np
>>> history = np.array([[1.0, 2.0, 4.0]])          # one window's inputs (and what came before)
>>> inputs(history, "difference", lookback=2)
array([[1., 2.]])
>>> restore(history, np.array([[3.0, 1.0]]), "difference")   # changes +3 then +1 after 4
array([[7., 8.]])
"""

from __future__ import annotations

import numpy as np

from rnn_core.config import TRANSFORMS
from rnn_core.errors import ConfigError, DataError

SERIES_WISE = ("difference", "seasonal")  # the same new series under every window
WINDOW_WISE = ("last", "mean")            # relative to a reference that belongs to each window


def check(transform: str, period: int = 0) -> None:
    """ConfigError unless ``transform`` is known and seasonal differencing has a period of 2 or more."""
    if transform not in TRANSFORMS:
        raise ConfigError(f"Unknown window preparation {transform!r}: choose one of {', '.join(TRANSFORMS)}.")
    if transform == "seasonal" and not (isinstance(period, (int, np.integer)) and period >= 2):
        raise ConfigError("Seasonal differencing needs the series' season length (a period of at least 2 steps); "
                          "this series has none known, so pick another preparation.")


def lag(transform: str, period: int = 0) -> int:
    """How far back a differencing option looks (0 for the others)."""
    return {"difference": 1, "seasonal": int(period)}.get(transform, 0)


def extra(transform: str, period: int = 0) -> int:
    """Values of history needed before a window's ``lookback`` inputs."""
    return lag(transform, period)


def differenced(values: np.ndarray, transform: str, period: int = 0) -> np.ndarray:
    """``u[j] = v[j + lag] - v[j]`` (length n - lag): the series a differencing option trains on."""
    k = lag(transform, period)
    return values[k:] - values[:-k]


def reference(inputs_raw: np.ndarray, transform: str) -> np.ndarray:
    """Each window's reference value, (N,): its last input or the mean of its inputs."""
    return inputs_raw[:, -1] if transform == "last" else inputs_raw.mean(axis=1)


def inputs(history: np.ndarray, transform: str, period: int = 0, lookback: int | None = None) -> np.ndarray:
    """The unscaled network inputs (N, L) of windows whose past is ``history`` (N, extra + L).

    ``history[i]`` holds the values just before window i's origin, oldest first.
    """
    L = history.shape[1] - extra(transform, period) if lookback is None else lookback
    recent = history[:, -L:]
    if transform in SERIES_WISE:
        k = lag(transform, period)
        return recent - history[:, -L - k:history.shape[1] - k]
    if transform in WINDOW_WISE:
        return recent - reference(recent, transform)[:, None]
    return recent


def restore(history: np.ndarray, forecast: np.ndarray, transform: str, period: int = 0,
            lookback: int | None = None) -> np.ndarray:
    """Forecasts in the transformed units (N, h) back to the series' units (N, h).

    ``history`` (N, >= extra + L) are the values before each origin, as for :func:`inputs`.
    """
    y = np.asarray(forecast, dtype=np.float64)
    if transform == "difference":
        return history[:, -1:] + np.cumsum(y, axis=1)
    if transform == "seasonal":
        m, out = int(period), np.empty_like(y)
        for k in range(y.shape[1]):  # step k adds onto the value one season before it, a forecast itself when k >= m
            out[:, k] = (history[:, k - m] if k < m else out[:, k - m]) + y[:, k]
        return out
    if transform in WINDOW_WISE:
        L = lookback or history.shape[1]
        return y + reference(history[:, -L:], transform)[:, None]
    return y


# ---------------------------------------------------------------- does the test part stay in the training range?

def range_check(values, window_cfg) -> dict:
    """How many test targets lie outside the range of the training targets, as the network sees them.

    The targets are what the network is asked to output (the values, the changes, or the values
    relative to their window), one per test window and step ahead. Scaling does not change
    the count: it stretches both parts alike.

    Returns
    -------
    dict
        ``outside``, ``total`` (test targets), ``above`` (beyond the training maximum),
        ``train`` and ``test`` as (min, max) in the prepared, unscaled units.
    """
    from rnn_core.data import windows  # windows uses this module: import when first needed

    cfg = window_cfg if window_cfg.mode != "seq2seq" else _replace(window_cfg, mode="multi")
    p = windows.prepare(values, cfg)
    train, test = p.scaler.inverse(p.train.Y), p.scaler.inverse(p.test.Y)
    lo, hi = float(train.min()), float(train.max())
    # float32 windows: a value equal to the training maximum must not count as beyond it
    tol = 1e-6 * max(abs(lo), abs(hi), 1e-12)
    above = int(np.sum(test > hi + tol))
    return {"outside": above + int(np.sum(test < lo - tol)), "above": above, "total": int(test.size),
            "train": (lo, hi), "test": (float(test.min()), float(test.max()))}


def _replace(cfg, **changes):
    import dataclasses

    return dataclasses.replace(cfg, **changes)


def compare(values, window_cfg, periods=()) -> list[dict]:
    """:func:`range_check` under every preparation (seasonal differencing once per known period).

    A preparation the series cannot take (too short for the season) gets ``error`` instead.
    """
    rows = []
    options = [(t, 0) for t in TRANSFORMS if t != "seasonal"] + [("seasonal", int(p)) for p in periods if p]
    for transform, period in options:
        row = {"transform": transform, "period": period}
        try:
            row.update(range_check(values, _replace(window_cfg, transform=transform, period=period)))
        except (ConfigError, DataError) as err:
            row["error"] = str(err)
        rows.append(row)
    return rows
