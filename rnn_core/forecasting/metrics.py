"""Forecast errors, computed the same way for every model (RNN, naive, ARIMA...).

Inputs are forecasts and true targets in the series' own units, shaped (N, horizon)
or (N,). MASE divides the MAE by the in-sample MAE of the m-step naive forecast on
the training part, so 1.0 means "as good as repeating the value m steps back".

Examples
--------
>>> score([1.0, 2.0, 3.0], [1.0, 2.0, 5.0], train_values=[0.0, 1.0, 2.0])
{'mae': 0.6666666666666666, 'rmse': 1.1547005383792515, 'mase': 0.6666666666666666}
"""

from __future__ import annotations

import numpy as np

from rnn_core.errors import DataError


def _pair(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    t = np.asarray(y_true, dtype=np.float64)
    p = np.asarray(y_pred, dtype=np.float64)
    if t.shape != p.shape:
        raise DataError(f"Forecasts and targets differ in shape: {p.shape} vs {t.shape}.")
    if t.ndim == 0 or t.size == 0:
        raise DataError("There are no forecasts to score.")
    return t, p


def mae(y_true, y_pred) -> float:
    """Mean absolute error."""
    t, p = _pair(y_true, y_pred)
    return float(np.mean(np.abs(t - p)))


def rmse(y_true, y_pred) -> float:
    """Root mean squared error."""
    t, p = _pair(y_true, y_pred)
    e = t - p
    scale = float(np.max(np.abs(e))) if e.size else 0.0
    if not np.isfinite(scale) or scale == 0.0:
        return scale
    return scale * float(np.sqrt(np.mean((e / scale) ** 2)))  # scaled first, so huge errors do not overflow


def naive_scale(train_values, m: int = 1) -> float:
    """In-sample MAE of the m-step naive forecast: mean |y_t - y_{t-m}| on the training part.

    NaN when the training part has m values or fewer (no such pairs).
    """
    v = np.asarray(train_values, dtype=np.float64).reshape(-1)
    if not isinstance(m, (int, np.integer)) or m < 1:
        raise DataError(f"The MASE season m must be a whole number of at least 1 (got {m!r}).")
    if len(v) <= m:
        return float("nan")
    return float(np.mean(np.abs(v[m:] - v[:-m])))


def mase(y_true, y_pred, train_values, m: int = 1) -> float:
    """Mean absolute scaled error: MAE / (in-sample m-step naive MAE on ``train_values``).

    Returns NaN (not inf) when that scale is 0, e.g. a constant training part.
    """
    scale = naive_scale(train_values, m)
    if not np.isfinite(scale) or scale == 0:
        return float("nan")
    return mae(y_true, y_pred) / scale


def score(y_true, y_pred, train_values, m: int = 1) -> dict:
    """``{"mae", "rmse", "mase"}`` for one model's forecasts, (N, h) or (N,).

    Examples
    --------
    >>> score([[2.0, 4.0]], [[2.0, 2.0]], [0.0, 2.0])["mae"]
    1.0
    """
    return {"mae": mae(y_true, y_pred), "rmse": rmse(y_true, y_pred),
            "mase": mase(y_true, y_pred, train_values, m)}


def by_horizon(y_true, y_pred) -> dict:
    """Error per forecast step: ``{"mae": (h,), "rmse": (h,)}``; (N,) counts as h = 1."""
    t, p = _pair(y_true, y_pred)
    t, p = t.reshape(len(t), -1), p.reshape(len(p), -1)   # (N, h)
    err = t - p
    return {"mae": np.mean(np.abs(err), axis=0), "rmse": np.sqrt(np.mean(err**2, axis=0))}
