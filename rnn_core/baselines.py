"""What an RNN has to beat: simple forecasts and ARIMA, plus the classic series diagnostics.

Every model here gets the same information as the RNN: at a window's origin ``o``
it sees the true history ``values[:o]`` and forecasts ``values[o:o+horizon]``.
All statistics come from statsmodels (imported inside the functions: it is slow to
import). Its warnings are caught and turned into short ``notes`` for the page.
The diagnostics (ADF, differencing, STL, ACF/PACF) live in :mod:`rnn_core.stats`
and are re-exported here, so ``baselines.adf_test`` and the rest keep working.

Examples
--------
>>> naive_forecast([1.0, 2.0, 5.0], 2)
array([5., 5.])
>>> seasonal_naive_forecast([1.0, 2.0, 3.0, 4.0], 3, period=2)
array([3., 4., 3.])
"""

from __future__ import annotations

import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from rnn_core._checks import as_values as _values
from rnn_core._checks import whole_number as _whole
from rnn_core.errors import ConfigError, DataError
from rnn_core.stats import ADFResult, acf_pacf, adf_test, difference, stl_decompose, suggest_d

if TYPE_CHECKING:  # pandas loads inside the function that builds a table
    import pandas as pd

__all__ = [
    "METHODS", "ArimaFit", "OrderSearch", "arima_forecast", "drift_forecast", "fit_arima", "mean_forecast",
    "naive_forecast", "rolling_arima_forecasts", "rolling_forecasts", "seasonal_naive_forecast", "select_order",
    # from rnn_core.stats
    "ADFResult", "acf_pacf", "adf_test", "difference", "stl_decompose", "suggest_d",
]

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


# ---------------------------------------------------------------- ARIMA

_NOTES = {
    "failed to converge": "the optimiser stopped before it fully converged; the numbers may be slightly off.",
    "Non-stationary starting autoregressive": "the starting AR guess looked non-stationary, so the fit "
                                              "started from zeros (differencing may help).",
    "Non-invertible starting MA": "the starting MA guess was not invertible, so the fit started from zeros.",
    "Non-invertible starting seasonal moving": "the starting seasonal MA guess was not invertible.",
    "Too few observations": "few values for this order: the starting values were rough guesses.",
}


def _short_note(w: warnings.WarningMessage) -> str:
    text = str(w.message)
    for key, note in _NOTES.items():
        if key in text:
            return note
    first = text.strip().splitlines()[0] if text.strip() else w.category.__name__
    return f"{w.category.__name__}: {first[:120]}"


@contextmanager
def _capture(notes: list[str], prefix: str = ""):
    """Collect statsmodels' warnings as short notes instead of printing them."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for w in caught:
        note = prefix + _short_note(w)
        if note not in notes:
            notes.append(note)


def _check_order(order, seasonal_order):
    try:
        p, d, q = (int(x) for x in order)
    except (TypeError, ValueError):
        raise ConfigError(f"An ARIMA order is three whole numbers (p, d, q), not {order!r}.") from None
    if min(p, d, q) < 0 or max(p, q) > 10 or d > 2:
        raise ConfigError(f"ARIMA order {order!r} is out of range: use p, q in 0..10 and d in 0..2.")
    if seasonal_order is None:
        return (p, d, q), None
    try:
        sp, sd, sq, s = (int(x) for x in seasonal_order)
    except (TypeError, ValueError):
        raise ConfigError("A seasonal order is four whole numbers (P, D, Q, s).") from None
    if min(sp, sd, sq) < 0 or (s < 2 and (sp, sd, sq) != (0, 0, 0)):
        raise ConfigError(f"Seasonal order {seasonal_order!r} needs P, D, Q >= 0 and a period s >= 2.")
    return (p, d, q), (sp, sd, sq, s)


@dataclass
class ArimaFit:
    order: tuple
    seasonal_order: tuple | None
    results: object          # statsmodels ARIMAResults
    aic: float
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _arima(v, order, seasonal_order, notes, prefix="", **fit_kwargs):
    from statsmodels.tsa.arima.model import ARIMA

    try:
        with _capture(notes, prefix):
            model = ARIMA(v, order=order, seasonal_order=seasonal_order or (0, 0, 0, 0))
            return model.fit(**fit_kwargs)
    except Exception as exc:  # statsmodels raises many kinds (LinAlgError, ValueError, ...)
        raise DataError(f"ARIMA{order} could not be fitted to these {len(v)} values "
                        f"({type(exc).__name__}: {str(exc)[:120]}). "
                        "Try a smaller order or a longer series.") from exc


def fit_arima(train_values, order, seasonal_order=None) -> ArimaFit:
    """Fit ``statsmodels.tsa.arima.model.ARIMA(train_values, order, seasonal_order).fit()``.

    Returns
    -------
    ArimaFit
        The statsmodels results, its AIC, warnings as ``notes`` and the fit time.
    """
    order, seasonal_order = _check_order(order, seasonal_order)
    v = _values(train_values, "training part")
    if len(v) < 10:
        raise DataError(f"ARIMA needs at least 10 training values; there are {len(v)}.")
    t0, notes = time.perf_counter(), []
    res = _arima(v, order, seasonal_order, notes)
    return ArimaFit(order, seasonal_order, res, float(res.aic), notes, time.perf_counter() - t0)


def arima_forecast(history, horizon: int, order=(1, 0, 0), seasonal_order=None) -> np.ndarray:
    """Fit ARIMA on ``history`` and forecast ``horizon`` steps, (horizon,).

    The same numbers as ``ARIMA(history, order=order).fit().forecast(horizon)``.
    """
    h = _whole(horizon, 1, "Horizon")
    fit = fit_arima(history, order, seasonal_order)
    return np.asarray(fit.results.forecast(h), dtype=np.float64)


def rolling_arima_forecasts(fit: ArimaFit, values, origins, horizon: int) -> np.ndarray:
    """Forecasts from each origin ``o`` given ``values[:o]``, with ``fit``'s parameters (no refit).

    The parameters are applied to the whole series once (``results.apply``); the Kalman
    filter's predicted state at ``o`` is then exactly the state given ``values[:o]``, and
    the model's own system matrices carry it ``horizon`` steps ahead for all origins at once.
    This equals ``fit.results.apply(values[:o]).forecast(horizon)`` for every ``o``.

    Returns
    -------
    np.ndarray, float64, (N, horizon)
    """
    v = _values(values)
    h = _whole(horizon, 1, "Horizon")
    o = np.asarray(origins, dtype=np.int64).reshape(-1)
    if len(o) and (o.min() < 1 or o.max() > len(v)):
        raise DataError(f"Forecast origins must lie between 1 and {len(v)} (the series' length).")
    notes: list[str] = []
    try:
        with _capture(notes):
            fr = fit.results.apply(v).filter_results
    except Exception as exc:
        raise DataError(f"The fitted ARIMA could not be run over the series ({exc}).") from exc

    mats = [fr.design, fr.obs_intercept, fr.transition, fr.state_intercept]
    if any(np.ptp(m, axis=-1).max() > 0 for m in mats) or (len(o) and o.min() <= fr.nobs_diffuse):
        # Not time-invariant (cannot happen with our default trends): the slow, obvious way.
        with _capture(notes):
            rows = [fit.results.apply(v[:oi]).forecast(h) for oi in o]
        return np.array(rows, dtype=np.float64).reshape(len(o), h)
    Z, d = fr.design[0, :, 0], fr.obs_intercept[0, 0]              # (k,), scalar
    T, c = fr.transition[:, :, 0], fr.state_intercept[:, 0]        # (k, k), (k,)
    state = fr.predicted_state[:, o]                               # (k, N): state at o given values[:o]
    out = np.empty((len(o), h))
    for step in range(h):
        out[:, step] = Z @ state + d
        state = T @ state + c[:, None]
    return out


def _converged(res) -> bool:
    return bool((getattr(res, "mle_retvals", None) or {}).get("converged", True))


@dataclass
class OrderSearch:
    order: tuple
    aic: float
    table: pd.DataFrame      # p, d, q, aic, converged; best first
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


def select_order(train_values, max_p: int = 3, max_q: int = 3, d_values=(0, 1),
                 adf_screen: bool = True, maxiter: int = 20) -> OrderSearch:
    """Choose (p, d, q) by the lowest AIC over p <= max_p, q <= max_q and d in ``d_values``.

    With ``adf_screen`` (the default) the ADF test first rules out a d it is sure about:
    p < 0.01 (clearly stationary) skips d = 1, which would over-difference; p > 0.10
    (clearly a unit root) skips d = 0. This halves the search on most series.

    Each model is ``ARIMA(...).fit()`` as in :func:`fit_arima`, stopped after ``maxiter``
    optimiser iterations (statsmodels' default is 50). Most models converge well before
    that, and then their AIC is exactly :func:`fit_arima`'s; the few that do not (usually
    over-parameterised ones, the slowest to fit) are flagged ``converged = False``: their
    AIC is an upper estimate of a full fit's. Models that fail to fit are skipped and noted.

    Returns
    -------
    OrderSearch
        ``order``, its ``aic``, the ``table`` (p, d, q, aic, converged; best first),
        ``notes`` and ``seconds``.
    """
    v = _values(train_values, "training part")
    if len(v) < 10:
        raise DataError(f"Choosing an ARIMA order needs at least 10 training values; there are {len(v)}.")
    if np.ptp(v) == 0:
        raise DataError("The training part is constant: there is nothing for ARIMA to model.")
    max_p, max_q = _whole(max_p, 0, "max_p"), _whole(max_q, 0, "max_q")
    maxiter = _whole(maxiter, 1, "maxiter")
    t0, notes = time.perf_counter(), []
    ds = sorted({_whole(d, 0, "d") for d in d_values})
    if not ds or ds[-1] > 2:
        raise ConfigError(f"d_values must be differencing orders between 0 and 2 (got {d_values!r}).")
    try:
        adf = adf_test(v) if adf_screen and ds == [0, 1] else None
    except DataError:  # too short for the test: search every d
        adf = None
    if adf is not None:
        if adf.pvalue < 0.01:
            ds = [0]
            notes.append(f"The ADF test is clear (p = {adf.pvalue:.2g} < 0.01): stationary, so d = 1 was not tried.")
        elif adf.pvalue > 0.10:
            ds = [1]
            notes.append(f"The ADF test is clear (p = {adf.pvalue:.2g} > 0.10): a unit root, so d = 0 was not tried.")
    rows, said = [], {}  # said: note -> the models it was said about
    for d in ds:
        for p in range(max_p + 1):
            for q in range(max_q + 1):
                model_notes = []
                try:
                    # low_memory and no parameter covariance: the same optimum and AIC, less work.
                    res = _arima(v, (p, d, q), None, model_notes,
                                 low_memory=True, cov_type="none", method_kwargs={"maxiter": maxiter})
                except DataError:
                    notes.append(f"ARIMA({p},{d},{q}) could not be fitted and was skipped.")
                    continue
                for note in model_notes:
                    said.setdefault(note, []).append(f"({p},{d},{q})")
                if np.isfinite(res.aic):
                    rows.append((p, d, q, float(res.aic), _converged(res)))
    if not rows:
        raise DataError("No ARIMA model could be fitted to the training part; try a longer series.")
    import pandas as pd

    table = pd.DataFrame(rows, columns=["p", "d", "q", "aic", "converged"])
    table = table.sort_values("aic", ignore_index=True, kind="stable")
    # Non-convergence is expected with a short maxiter and said once, below.
    notes += [f"ARIMA{', '.join(models)}: {note}" for note, models in said.items() if "fully converged" not in note]
    slow = table[~table.converged]
    if len(slow):
        names = ", ".join(f"({r.p},{r.d},{r.q})" for r in slow.itertuples())
        notes.append(f"Not converged within {maxiter} iterations (their AIC is an upper estimate): {names}.")
    best = table.iloc[0]
    order = (int(best.p), int(best.d), int(best.q))
    return OrderSearch(order, float(best.aic), table, notes, time.perf_counter() - t0)
