"""One way to score a forecast, used by the Train page, the arena, the exports and ``experiment.run``.

Every forecaster (naive, seasonal naive, drift, mean, ARIMA, seasonal ARIMA, a network) is
asked for the same thing: at each origin ``o`` of the test windows, given the true history
``values[:o]``, the next ``horizon`` values. Every forecast is scored on the same targets, in
the series' own units, with MASE measured against the one-step naive forecast on the
training part (:func:`rnn_core.forecasting.metrics.score`). ARIMA always comes from
:func:`rnn_core.forecasting.arima.arima_part`: one order search, fitted once on the training
part, run over the series without refitting.

Examples
--------
>>> import numpy as np
>>> values = np.sin(np.arange(120) / 3.0)
>>> out = classical_forecasts(values, 100, np.arange(100, 118), 2, ("naive", "drift"))
>>> sorted(out.forecasts), out.forecasts["naive"].shape
(['drift', 'naive'], (18, 2))
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np

from rnn_core import config as config_mod
from rnn_core.errors import ConfigError, PlaygroundError
from rnn_core.forecasting import arima as arima_mod
from rnn_core.forecasting import baselines, metrics

SIMPLE = ("naive", "seasonal_naive", "drift", "mean")
ARIMAS = ("arima", "sarima")
CLASSICAL = SIMPLE + ARIMAS
# what every page calls each forecaster (ARIMA's label adds its order once it is known)
LABELS = {"naive": "naive (last value)", "seasonal_naive": "seasonal naive", "drift": "drift", "mean": "mean",
          "arima": "ARIMA", "sarima": "seasonal ARIMA", **config_mod.CELL_LABELS}


@dataclass
class Classical:
    """The classical forecasters' test forecasts: ``forecasts[name]`` (N, horizon), the ARIMA
    parts behind ``arima``/``sarima`` (order, intervals, residual check), the season seasonal
    naive used (``season``) and notes."""

    forecasts: dict = field(default_factory=dict)
    arima: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    season: int | None = None

    @property
    def arima_order(self) -> tuple | None:
        part = self.arima.get("arima")
        return part.order if part is not None else None


def known_periods(series) -> tuple:
    """Every season length a series is known to have (``series.periods``, else its ``period``), as a tuple."""
    periods = tuple(getattr(series, "periods", ()) or ())
    period = getattr(series, "period", None)
    return periods or ((period,) if period else ())


def seasonal_choice(values, train_end: int, periods, horizon: int = 1) -> tuple[int | None, str]:
    """The season seasonal naive uses, and a sentence saying why.

    With several known periods (hourly traffic: a day, 24, and a week, 168), each one forecasts
    the training part from every origin there; the one with the lower MAE is used. Only
    ``values[:train_end]`` is read: the test part never chooses its own forecaster.
    """
    values = np.asarray(values, dtype=np.float64)
    periods = tuple(sorted({int(p) for p in (periods or ()) if p and int(p) > 1}))
    if len(periods) <= 1:
        return (periods[0] if periods else None), (f"seasonal naive: period {periods[0]}" if periods else "")
    fits = [p for p in periods if p < train_end - horizon]
    if not fits:
        return periods[0], f"seasonal naive: period {periods[0]} (the training part is too short to compare seasons)"
    origins = np.arange(max(fits), train_end - horizon + 1)  # the same training origins for every candidate
    targets = np.lib.stride_tricks.sliding_window_view(values, horizon)[origins]
    errors = {p: metrics.mae(targets, baselines.rolling_forecasts("seasonal_naive", values, origins, horizon, p))
              for p in fits}
    best = min(errors, key=errors.get)
    others = ", ".join(f"{p}: {e:.4g}" for p, e in errors.items() if p != best)
    return best, (f"seasonal naive: period {best}, the better season on the training part "
                  f"(MAE there {errors[best]:.4g}; {others})")


def simple_forecasts(name: str, values, origins, horizon: int, period: int | None = None) -> np.ndarray:
    """One simple forecaster from every origin, (N, horizon); seasonal naive needs a season the history covers."""
    origins = np.asarray(origins)
    if name == "seasonal_naive" and not (period and 1 < period <= origins.min()):
        raise ConfigError("it needs a known season shorter than the history.")
    return baselines.rolling_forecasts(name, values, origins, horizon, period)


def classical_forecasts(values, train_end: int, origins, horizon: int, models=("naive", "seasonal_naive", "arima"),
                        period: int | None = None, order=None, max_p: int = 3, max_q: int = 3,
                        arima_part=None, periods=None) -> Classical:
    """Forecasts of each classical model in ``models`` from every origin; one that cannot run is a note.

    ``arima_part`` computes ARIMA (default :func:`rnn_core.forecasting.arima.arima_part`; a page
    passes a cached function with the same signature). ``order`` None means the AIC search.
    ``periods``: the season lengths seasonal naive may use (default ``(period,)``); with several,
    :func:`seasonal_choice` picks one on the training part and a note says which. Seasonal
    ARIMA always uses ``period``.
    """
    values = np.asarray(values, dtype=np.float64)
    origins = np.asarray(origins)
    fit = arima_part or arima_mod.arima_part
    out = Classical()
    if "seasonal_naive" in models:
        out.season, note = seasonal_choice(values, train_end, periods or ((period,) if period else ()), horizon)
        if note and len(set(periods or ())) > 1:
            out.notes.append(note)
    for name in models:
        if name not in CLASSICAL:
            raise ConfigError(f"Unknown forecaster {name!r}: choose from {', '.join(CLASSICAL)}.")
        try:
            if name in SIMPLE:
                season = out.season if name == "seasonal_naive" else period
                out.forecasts[name] = simple_forecasts(name, values, origins, horizon, season)
                continue
            if name == "sarima" and not period:
                raise ConfigError("it needs a known season length, and this series has none.")
            part = fit(values, train_end, origins, horizon, order, period if name == "sarima" else None, max_p, max_q)
        except PlaygroundError as err:
            out.notes.append(f"{LABELS[name]} skipped: {err}")
            continue
        out.arima[name], out.forecasts[name] = part, part.forecasts
        out.notes += [f"{part.label}: {n}" for n in part.notes]
    return out


def score_all(targets, forecasts: dict, train_values) -> dict:
    """name -> {"mae", "rmse", "mase"} for every forecast, on the same targets."""
    return {name: metrics.score(targets, pred, train_values) for name, pred in forecasts.items()}


_CACHE: OrderedDict = OrderedDict()
_CACHE_SIZE = 16


def cached_arima_part(values, a, origins, horizon, order=None, period=None, max_p=3, max_q=3):
    """:func:`rnn_core.forecasting.arima.arima_part`, remembered for the last few inputs (a notebook's
    repeated ``experiment.run`` on one series fits ARIMA once)."""
    import hashlib

    h = hashlib.sha256()
    for arr in (np.ascontiguousarray(values, dtype=np.float64), np.ascontiguousarray(origins, dtype=np.int64)):
        h.update(arr.tobytes())
    key = (h.hexdigest(), int(a), int(horizon), order, period, max_p, max_q)
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    part = arima_mod.arima_part(values, a, origins, horizon, order, period, max_p, max_q)
    _CACHE[key] = part
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return part
