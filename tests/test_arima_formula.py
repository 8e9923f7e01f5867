"""The ARMA equation the arena shows is the model statsmodels fitted: its forecast, worked by hand, is statsmodels' own."""

import numpy as np
import pytest

from rnn_core.errors import ConfigError
from rnn_core.forecasting import arima


def _walk(n=300, seed=0):
    return 50 + np.cumsum(np.random.default_rng(seed).normal(size=n))


@pytest.mark.parametrize("order", [(2, 0, 1), (1, 1, 1), (0, 1, 0), (2, 2, 0), (0, 0, 2), (3, 1, 2)])
def test_the_equation_worked_by_hand_gives_statsmodels_one_step_forecast(order):
    y = _walk()
    fit = arima.fit_arima(y, order)
    formula = arima.arma_formula(fit, y)
    assert formula.by_hand == pytest.approx(formula.statsmodels, abs=1e-6 * np.ptp(y))
    p, d, q = order
    assert len(formula.terms) == p + q + (d == 0)
    params = dict(zip(fit.results.param_names, fit.results.params, strict=True))
    assert all(params[name] == value for name, value in formula.terms.values())


def test_a_wrong_coefficient_would_show_a_different_forecast():
    y = _walk(seed=1)
    fit = arima.fit_arima(y, (1, 0, 0))
    right = arima.arma_formula(fit, y)
    mu, a1 = right.terms["μ"][1], right.terms["α₁"][1]
    assert mu + a1 * (y[-2] - mu) == pytest.approx(right.by_hand)
    assert mu + (a1 + 0.1) * (y[-2] - mu) != pytest.approx(right.statsmodels)  # the check can fail


def test_the_equation_reads_like_the_lecture():
    y = _walk(seed=2)
    text = arima.arma_formula(arima.fit_arima(y, (1, 0, 1)), y).latex
    assert text.startswith(r"\hat{y}_t = ") and "y_{t-1}" in text and r"\varepsilon_{t-1}" in text
    differenced = arima.arma_formula(arima.fit_arima(y, (1, 1, 0)), y).latex
    assert differenced.startswith(r"\widehat{y'}_t = ") and "y'_{t-1}" in differenced


def test_arena_parts_carry_the_equation_except_seasonal_ones():
    y = _walk(200)
    part = arima.arima_part(y, 150, np.arange(150, 190), 1, order=(1, 1, 0))
    assert part.formula is not None and part.formula.latex.startswith(r"\widehat{y'}_t")
    seasonal = arima.fit_arima(y[:120], (0, 0, 0), (0, 1, 1, 4))
    with pytest.raises(ConfigError, match="non-seasonal"):
        arima.arma_formula(seasonal, y[:120])


def test_an_over_differenced_fit_is_explained_not_hidden():
    noise = np.random.default_rng(0).normal(size=400)  # white noise needs no difference
    formula = arima.arma_formula(arima.fit_arima(noise, (0, 1, 1)), noise)
    assert formula.ma_root < 1.01 and not formula.agrees
    assert "edge of invertibility" in formula.why_not() and "differenced more" in formula.why_not()
    walk = _walk(seed=4)
    fine = arima.arma_formula(arima.fit_arima(walk, (1, 1, 1)), walk)
    assert fine.agrees and fine.why_not() == ""
