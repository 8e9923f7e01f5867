"""What an RNN has to beat: the simple forecasts, and ARIMA's one-call forecast.

Every model here gets the same information as the RNN: at a window's origin ``o``
it sees the true history ``values[:o]`` and forecasts ``values[o:o+horizon]``.
ARIMA itself (fits, the order search, rolling forecasts, intervals) lives in
:mod:`rnn_core.forecasting.arima`; :func:`arima_forecast` is its one-call form.

Examples
--------
>>> naive_forecast([1.0, 2.0, 5.0], 2)
array([5., 5.])
>>> seasonal_naive_forecast([1.0, 2.0, 3.0, 4.0], 3, period=2)
array([3., 4., 3.])
"""

from __future__ import annotations

import numpy as np

from rnn_core._checks import as_values as _values
from rnn_core._checks import whole_number as _whole
from rnn_core.errors import ConfigError, DataError
from rnn_core.forecasting import metrics
from rnn_core.forecasting.arima import arima_forecast

__all__ = ["METHODS", "arima_forecast", "drift_forecast", "mean_forecast", "naive_forecast", "rolling_forecasts",
           "seasonal_naive_forecast"]

METHODS = ("naive", "seasonal_naive", "drift", "mean")


# ---------------------------------------------------------------- simple forecasts

def rolling_forecasts(method: str, values, origins, horizon: int, period: int | None = None) -> np.ndarray:
    """One simple forecast per origin ``o``, each using only ``values[:o]``.

    Parameters
    ----------
    method : {"naive", "seasonal_naive", "drift", "mean"}
    values : array_like, 1-D
    origins : array_like of int, (N,)
        Index of the first value each forecast is for; 1 <= o <= len(values).
    horizon : int
    period : int, optional
        Season length m, needed for "seasonal_naive".

    Returns
    -------
    np.ndarray, float64, (N, horizon)
    """
    if method not in METHODS:
        raise ConfigError(f"Unknown baseline {method!r}: choose one of {', '.join(METHODS)}.")
    v = _values(values)
    h = _whole(horizon, 1, "Horizon")
    o = np.asarray(origins, dtype=np.int64).reshape(-1)
    if len(o) and (o.min() < 1 or o.max() > len(v)):
        raise DataError(f"Forecast origins must lie between 1 and {len(v)} (the series' length).")
    k = np.arange(1, h + 1)                       # steps ahead, (h,)
    last = v[o - 1][:, None]                      # (N, 1)
    if method == "naive":
        return np.repeat(last, h, axis=1)
    if method == "mean":
        return np.repeat((np.cumsum(v)[o - 1] / o)[:, None], h, axis=1)
    if method == "drift":
        slope = np.where(o > 1, (v[o - 1] - v[0]) / np.maximum(o - 1, 1), 0.0)
        return last + slope[:, None] * k
    if period is None:
        raise ConfigError("The seasonal naive forecast needs a period (the season length in steps).")
    m = _whole(period, 1, "Period")
    if len(o) and o.min() < m:
        raise DataError(f"The seasonal naive forecast needs a full season ({m} values) of history "
                        f"before every origin; the earliest origin has only {o.min()}.")
    # Step k repeats the value one (or more) whole seasons before it: index o-1+k - m*ceil(k/m).
    return v[o[:, None] - 1 + k - m * ((k - 1) // m + 1)]


def naive_forecast(history, horizon: int) -> np.ndarray:
    """Repeat the last observed value ``horizon`` times, (horizon,)."""
    v = _values(history, "history")
    return rolling_forecasts("naive", v, [len(v)], horizon)[0]


def seasonal_naive_forecast(history, horizon: int, period: int) -> np.ndarray:
    """Each step takes the value one season (``period`` steps) before it, (horizon,)."""
    v = _values(history, "history")
    return rolling_forecasts("seasonal_naive", v, [len(v)], horizon, period)[0]


def drift_forecast(history, horizon: int) -> np.ndarray:
    """The last value plus the average step of the line from the first to the last value."""
    v = _values(history, "history")
    return rolling_forecasts("drift", v, [len(v)], horizon)[0]


def mean_forecast(history, horizon: int) -> np.ndarray:
    """The mean of the whole history, repeated, (horizon,)."""
    v = _values(history, "history")
    return rolling_forecasts("mean", v, [len(v)], horizon)[0]




def today_at(n: int, percent: float) -> int:
    """The index of *today* for a series of ``n`` values, ``percent`` % of the way in (at least 2 past values,
    at least 1 future one)."""
    return max(2, min(n - 1, round(n * percent / 100)))


def from_today(values, today: int, methods, period: int | None = None, one_step: bool = False) -> tuple[dict, dict]:
    """Each simple method's forecast of ``values[today:]``, scored on it with MASE scaled on ``values[:today]``.

    ``one_step``: at every future point forecast one step from the true history up to it;
    otherwise forecast the whole future at once from today. ``seasonal_naive`` is skipped
    when there is no ``period``.

    Returns
    -------
    forecasts : {method: (n - today,)}
    scores : {method: {"mae", "rmse", "mase", ...}} (:func:`rnn_core.forecasting.metrics.score`)

    Examples
    --------
    >>> f, s = from_today(np.arange(10.0), 6, ("naive", "drift"))
    >>> f["naive"].tolist(), f["drift"].tolist(), round(s["drift"]["mae"], 6)
    ([5.0, 5.0, 5.0, 5.0], [6.0, 7.0, 8.0, 9.0], 0.0)
    """
    values = _values(values, "series")
    today = _whole(today, 1, "Today")
    if not 1 <= today < len(values):
        raise DataError(f"Today must fall inside the series (1 to {len(values) - 1}); got {today}.")
    past, future = values[:today], values[today:]
    forecasts = {}
    for method in methods:
        if method == "seasonal_naive" and not period:
            continue
        if one_step:
            forecasts[method] = rolling_forecasts(method, values, np.arange(today, len(values)), 1, period)[:, 0]
        else:
            forecasts[method] = rolling_forecasts(method, values, [today], len(future), period)[0]
    return forecasts, {m: metrics.score(future[:, None], f[:, None], past) for m, f in forecasts.items()}
