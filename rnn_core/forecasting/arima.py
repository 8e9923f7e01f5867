"""ARIMA, the one module every page and export uses: fits, the AIC order search, rolling
forecasts from every origin without refitting, 95% intervals and residual checks.

Fitted with statsmodels (imported when first needed); every number here comes from it, and
its warnings are caught and turned into short ``notes`` for the page.
"""

from __future__ import annotations

import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from rnn_core._checks import as_values
from rnn_core._checks import as_values as _values
from rnn_core._checks import whole_number as _whole
from rnn_core.data import stats
from rnn_core.errors import ConfigError, DataError, PlaygroundError
from rnn_core.forecasting.arma_equation import ArmaFormula, arma_formula

if TYPE_CHECKING:  # pandas loads inside the function that builds a table
    import pandas as pd

ARIMA_MAX_TRAIN = 2000     # ARIMA is fitted on at most the latest 2,000 training values (speed)
SEASONAL_MAX_PERIOD = 60   # a longer season gives the state-space model too many states for a page
SEASONAL_SEASONS = 8       # seasonal ARIMA is fitted on the last 8 seasons (at least 200 values)
SEASONAL_ORDER = (0, 1, 1)  # (P, D, Q): one seasonal difference and a seasonal MA term



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


@dataclass
class OrderSearch:
    order: tuple
    aic: float
    table: pd.DataFrame      # p, d, q, aic_hr (the screen), aic (full fit, NaN when not refined)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0



@dataclass
class ResidualCheck:
    """Are ARIMA's one-step errors on the training part white noise? Ljung-Box and the ACF."""

    acf: np.ndarray   # (lags + 1,)
    band: float
    lags: int
    lb_stat: float
    lb_pvalue: float
    white: bool
    verdict: str


@dataclass
class ArimaPart:
    """A fitted ARIMA's test forecasts, 95% interval, order search and residual check (no statsmodels objects)."""

    label: str
    order: tuple
    seasonal_order: tuple | None
    aic: float
    forecasts: np.ndarray     # (N, horizon)
    lower: np.ndarray         # (N, horizon)
    upper: np.ndarray
    residuals: np.ndarray     # one-step errors on the training part
    check: ResidualCheck | None
    search: object = None     # pandas DataFrame of the AIC search, or None for a chosen order
    notes: list = field(default_factory=list)
    seconds: float = 0.0
    n_fit: int = 0
    formula: ArmaFormula | None = None  # the fitted equation (non-seasonal orders only)


def select_order(train_values, max_p: int = 3, max_q: int = 3, d: int | None = None, refine: int = 2):
    """A quick AIC search: Hannan-Rissanen estimates for every (p, q), full fits for the best few.

    ``d`` comes from the ADF test (:func:`rnn_core.data.stats.suggest_d`) unless given. Every
    candidate ARIMA(p, d, q) is estimated by Hannan-Rissanen regressions (statsmodels, fast)
    and scored by its exact AIC; the ``refine`` best are then fitted by maximum likelihood
    (:func:`fit_arima`) and the lowest AIC among those wins.

    Returns
    -------
    search : OrderSearch
        ``table`` columns p, d, q, aic_hr (screen), aic (full fit, NaN when not refined).
    fit : ArimaFit or None
        The winner's full fit (None when ``refine`` is 0).
    """
    import warnings

    import pandas as pd
    from statsmodels.tsa.arima.model import ARIMA

    v = as_values(train_values, "training part")
    if len(v) < 10 or np.ptp(v) == 0:
        raise DataError("An order search needs at least 10 training values that are not all equal.")
    start = time.perf_counter()
    if d is None:
        d = stats.suggest_d(v)
        notes = [f"d = {d} from the ADF test on the training part."]
    else:
        d, notes = int(d), []
    rows, skipped = [], []
    for p in range(int(max_p) + 1):
        for q in range(int(max_q) + 1):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # rough starting estimates: their warnings say nothing
                    aic = float(ARIMA(v, order=(p, d, q)).fit(method="hannan_rissanen").aic)
            except Exception:  # noqa: BLE001 - statsmodels raises many kinds; the candidate is skipped
                aic = np.nan
            if np.isfinite(aic):
                rows.append((p, d, q, aic))
            else:
                skipped.append(f"({p},{d},{q})")
    if skipped:
        notes.append(f"ARIMA{', '.join(skipped)} could not be estimated and {'was' if len(skipped) == 1 else 'were'} "
                     "left out of the search.")
    if not rows:
        raise DataError("No ARIMA order could be estimated on the training part; try a longer series.")
    table = pd.DataFrame(rows, columns=["p", "d", "q", "aic_hr"]).sort_values("aic_hr", ignore_index=True)
    table["aic"] = np.nan
    best = None
    for i in range(min(int(refine), len(table))):
        order = tuple(int(x) for x in table.loc[i, ["p", "d", "q"]])
        try:
            fit = fit_arima(v, order)
        except PlaygroundError:
            continue
        table.loc[i, "aic"] = fit.aic
        if best is None or fit.aic < best.aic:
            best = fit
    order = best.order if best else tuple(int(x) for x in table.loc[0, ["p", "d", "q"]])
    aic = best.aic if best else float(table.loc[0, "aic_hr"])
    return OrderSearch(order, aic, table, notes, time.perf_counter() - start), best


def seasonal_seconds(n_train: int, period: int, order=(1, 0, 1)) -> float:
    """A rough, generous estimate of the seconds a seasonal ARIMA fit takes here.

    The Kalman filter's cost per value grows with the square of the number of states,
    about d + 2s + q + 1 for (p, d, q)(0, 1, 1, s); a fit evaluates it ~150 times.
    Calibrated on a busy 2-core machine.
    """
    p, d, q = order
    k = d + period + max(p, q + period + 1)
    n = min(n_train, max(SEASONAL_SEASONS * period, 200))
    return 150 * (0.015 + 6e-8 * n * k * k)


def forecast_intervals(applied, origins, horizon: int, alpha: float = 0.05) -> np.ndarray:
    """Half-widths (N, horizon) of the (1 - alpha) forecast intervals from each origin.

    ``applied`` is a statsmodels ARIMA result run over the whole series (``results.apply``).
    The state covariance at origin ``o`` given ``values[:o]`` is carried ``horizon`` steps
    ahead: P <- T P T' + R Q R'; the forecast variance is Z P Z' + H. This equals
    ``results.apply(values[:o]).get_forecast(horizon).conf_int(alpha)`` for every origin.
    """
    from scipy.stats import norm

    fr = applied.filter_results
    Z, T, H = fr.design[0, :, 0], fr.transition[:, :, 0], fr.obs_cov[0, 0, 0]   # (k,), (k, k), scalar
    R, Q = fr.selection[:, :, 0], fr.state_cov[:, :, 0]
    RQR = R @ Q @ R.T
    P = np.moveaxis(fr.predicted_state_cov[:, :, np.asarray(origins)], -1, 0)    # (N, k, k)
    var = np.empty((len(P), horizon))
    for step in range(horizon):
        var[:, step] = np.einsum("i,nij,j->n", Z, P, Z) + H
        P = T @ P @ T.T + RQR
    return norm.ppf(1 - alpha / 2) * np.sqrt(np.maximum(var, 0))


def residual_check(resid, model_df: int, lags: int = 10) -> ResidualCheck:
    """Ljung-Box test (statsmodels ``acorr_ljungbox``) and the ACF of ARIMA's residuals, in plain words."""
    from statsmodels.stats.diagnostic import acorr_ljungbox

    r = as_values(resid, "residuals")
    lags = max(model_df + 1, min(lags, len(r) // 5))
    acf, _, band = stats.acf_pacf(r, nlags=min(max(lags, 48), len(r) // 2 - 1))  # 48: a daily season shows
    lb = acorr_ljungbox(r, lags=[lags], model_df=model_df)
    stat, p = float(lb["lb_stat"].iloc[0]), float(lb["lb_pvalue"].iloc[0])
    white = bool(p >= 0.05)
    if white:
        verdict = (f"The residuals look like white noise (Ljung-Box p = {p:.2g} over {lags} lags): "
                   "ARIMA has used the linear patterns in the training part.")
    else:
        verdict = (f"The residuals are still correlated (Ljung-Box p = {p:.2g} over {lags} lags): "
                   "there is structure this ARIMA misses; another order, a season, or a nonlinear model may catch it.")
    return ResidualCheck(acf, band, lags, stat, p, white, verdict)


def _one_blas_thread():
    """One BLAS thread while statsmodels fits, restored afterwards: scipy's own OpenBLAS loads with
    statsmodels, and on a busy machine two spinning threads make a fit ~5x slower."""
    from statsmodels.tsa.arima.model import ARIMA  # noqa: F401 - loads scipy's BLAS, so the limit reaches it
    from threadpoolctl import threadpool_limits

    return threadpool_limits(1)


def arima_part(values: np.ndarray, a: int, origins: np.ndarray, horizon: int, order=None,
               period: int | None = None, max_p: int = 3, max_q: int = 3) -> ArimaPart:
    """Fit ARIMA on ``values[:a]`` (``order`` or an AIC search), forecast every origin, check residuals.

    With ``period`` it is seasonal ARIMA (p, d, q)(0, 1, 1, period), fitted on the last
    :data:`SEASONAL_SEASONS` seasons; its (p, q) search runs on the seasonally differenced values.
    Parameters are estimated once on the training part, then run over the series without refitting.

    Parameters
    ----------
    values : np.ndarray (n,)
    a : int
        End of the training part.
    origins : np.ndarray of int (N,)
        Where each forecast starts; forecast i is for ``values[origins[i] : origins[i] + horizon]``.
    horizon : int
    order : tuple (p, d, q), optional
        None searches by AIC (:func:`select_order`).
    period : int, optional
        A season length: seasonal ARIMA.

    Returns
    -------
    ArimaPart
        Forecasts and 95% interval bounds (N, horizon), the residual check, the search table.
    """
    with _one_blas_thread():
        return _arima_part(values, a, origins, horizon, order, period, max_p, max_q)


def _arima_part(values, a, origins, horizon, order, period, max_p, max_q) -> ArimaPart:
    start = time.perf_counter()
    values, origins = np.asarray(values, dtype=np.float64), np.asarray(origins)
    seasonal_order, keep = None, ARIMA_MAX_TRAIN
    if period:
        if not 2 <= period <= SEASONAL_MAX_PERIOD:
            raise ConfigError(f"A season of {period} steps is too long for seasonal ARIMA here (at most "
                              f"{SEASONAL_MAX_PERIOD}): its model would track about {2 * period} numbers per step. "
                              "Seasonal naive, or a network whose lookback covers a season, can use it instead.")
        seasonal_order, keep = (*SEASONAL_ORDER, int(period)), max(SEASONAL_SEASONS * int(period), 200)
    offset = max(0, a - keep)
    train = values[offset:a]
    search, fit, notes = None, None, []
    if order is None:
        screen = stats.difference(train, 1, int(period)) if period else train
        search, fit = select_order(screen, max_p, max_q, refine=0 if period else 2)
        order, notes = search.order, list(search.notes)
    if fit is None:
        fit = fit_arima(train, order, seasonal_order)
    notes += fit.notes
    if offset:
        notes.append(f"fitted on the last {a - offset:,} training values to stay quick.")
    rel = origins - offset
    forecasts = rolling_arima_forecasts(fit, values[offset:], rel, horizon)
    applied = fit.results.apply(values[offset:])
    half = forecast_intervals(applied, rel, horizon)
    resid = np.asarray(applied.resid)[applied.loglikelihood_burn:a - offset]
    model_df = fit.order[0] + fit.order[2] + (1 if seasonal_order else 0)
    try:
        check = residual_check(resid, model_df, lags=2 * period if period else 10)
    except PlaygroundError as err:
        check = None
        notes.append(f"no residual check ({err})")
    label = f"ARIMA{fit.order}" if not seasonal_order else f"SARIMA{fit.order}{seasonal_order}"
    formula = None if seasonal_order else arma_formula(fit, train)
    return ArimaPart(label, fit.order, seasonal_order, fit.aic, forecasts, forecasts - half, forecasts + half,
                     resid, check, None if search is None else search.table, notes,
                     time.perf_counter() - start, a - offset, formula)
