"""The classic series diagnostics: stationarity (ADF), differencing, STL, ACF and PACF.

What a student looks at before choosing an ARIMA order, each in plain words where it
gives a verdict. All statistics come from statsmodels, imported inside the functions
(it is slow to import). :mod:`rnn_core.forecasting.baselines` re-exports every name here.

Examples
--------
>>> difference([1.0, 4.0, 9.0, 16.0]).tolist()
[3.0, 5.0, 7.0]
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from rnn_core._checks import as_values as _values
from rnn_core._checks import whole_number as _whole
from rnn_core.errors import DataError

if TYPE_CHECKING:  # pandas loads inside the function that builds a table
    import pandas as pd

__all__ = ["ADFResult", "acf_pacf", "adf_test", "difference", "stl_decompose", "suggest_d"]


MAX_TEST_VALUES = 5000  # tests run on at most the latest this many values: their cost grows steeply with length


@dataclass
class ADFResult:
    """The ADF test's numbers (statsmodels ``adfuller``) and its ``verdict`` in plain words."""

    statistic: float
    pvalue: float
    used_lag: int
    nobs: int
    critical_values: dict
    stationary: bool
    verdict: str


def adf_test(values) -> ADFResult:
    """Augmented Dickey-Fuller test (statsmodels ``adfuller``, lag chosen by AIC) in plain words."""
    from statsmodels.tsa.stattools import adfuller

    v = _values(values)
    if np.ptp(v) == 0:
        raise DataError("The series is constant: a constant is trivially stationary, there is nothing to test.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            stat, pvalue, lag, nobs, crit, _ = adfuller(v, autolag="AIC")
    except Exception as exc:
        raise DataError(f"The ADF test could not run on these {len(v)} values ({exc}); "
                        "it needs a longer series.") from exc
    stationary = bool(pvalue < 0.05)
    if stationary:
        verdict = f"Likely stationary: the ADF test rejects a unit root (p = {pvalue:.3g})."
    else:
        verdict = (f"Probably not stationary: the ADF test cannot reject a unit root (p = {pvalue:.3g}); "
                   "the level wanders, as with a trend or drift. Try differencing once.")
    return ADFResult(float(stat), float(pvalue), int(lag), int(nobs), dict(crit), stationary, verdict)


def suggest_d(values) -> int:
    """0 if the ADF test says stationary (or the series is constant), else 1."""
    v = _values(values)
    if np.ptp(v) == 0:
        return 0
    return 0 if adf_test(v).stationary else 1


def difference(values, d: int = 1, lag: int = 1) -> np.ndarray:
    """Apply ``y_t - y_{t-lag}`` ``d`` times; the result is ``d * lag`` values shorter."""
    v = _values(values)
    d, lag = _whole(d, 0, "d"), _whole(lag, 1, "The lag")
    if len(v) <= d * lag:
        raise DataError(f"Differencing {d} time(s) at lag {lag} needs more than {d * lag} values; "
                        f"there are {len(v)}.")
    for _ in range(d):
        v = v[lag:] - v[:-lag]
    return v


def stl_decompose(values, period: int) -> pd.DataFrame:
    """STL decomposition (statsmodels): columns observed, trend, seasonal, resid (they add up)."""
    import pandas as pd
    from statsmodels.tsa.seasonal import STL

    v = _values(values)
    if not isinstance(period, (int, np.integer)) or isinstance(period, bool) or period < 2:
        raise DataError(f"STL needs a season of at least 2 steps (got period {period!r}).")
    if len(v) < 2 * period:
        raise DataError(f"STL needs at least two full seasons: 2 x {period} = {2 * period} values; "
                        f"there are {len(v)}.")
    try:
        res = STL(v, period=int(period)).fit()
    except Exception as exc:
        raise DataError(f"STL could not decompose this series ({exc}).") from exc
    return pd.DataFrame({"observed": res.observed, "trend": res.trend,
                         "seasonal": res.seasonal, "resid": res.resid})


def acf_pacf(values, nlags: int = 40):
    """Autocorrelations (statsmodels acf, pacf) and the ~95% band 1.96 / sqrt(n).

    ``nlags`` is clipped to what the series allows (pacf needs nlags < n / 2).

    Returns
    -------
    acf : np.ndarray (nlags + 1,)
    pacf : np.ndarray (nlags + 1,)
    band : float
    """
    from statsmodels.tsa.stattools import acf, pacf

    v = _values(values)
    nlags = min(_whole(nlags, 1, "nlags"), len(v) // 2 - 1)
    if nlags < 1:
        raise DataError(f"Autocorrelations need at least 4 values; there are {len(v)}.")
    if np.ptp(v) == 0:
        raise DataError("The series is constant: its autocorrelation is undefined.")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = acf(v, nlags=nlags, fft=True)
        pa = pacf(v, nlags=nlags)
    return np.asarray(a), np.asarray(pa), float(1.96 / np.sqrt(len(v)))
