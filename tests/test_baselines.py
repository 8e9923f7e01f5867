"""Baselines against hand-worked examples and against statsmodels called directly; metrics."""

import warnings

import numpy as np
import pytest

from rnn_core.data import stats as S
from rnn_core.errors import ConfigError, DataError
from rnn_core.forecasting import arima as A
from rnn_core.forecasting import baselines as B
from rnn_core.forecasting import metrics as M


def arma_sample(ar, ma, n, seed, mean=0.0):
    from statsmodels.tsa.arima_process import ArmaProcess

    process = ArmaProcess(np.r_[1, -np.asarray(ar, float)], np.r_[1, np.asarray(ma, float)])
    return process.generate_sample(n, distrvs=np.random.default_rng(seed).standard_normal) + mean


@pytest.fixture(scope="module")
def ar2():
    """A strongly autocorrelated AR(2): y_t = 1.2 y_{t-1} - 0.5 y_{t-2} + e_t, around 10."""
    return arma_sample([1.2, -0.5], [], 1000, seed=7, mean=10.0)


@pytest.fixture(scope="module")
def walk():
    return np.cumsum(np.random.default_rng(3).standard_normal(400))


# ---------------------------------------------------------------- simple forecasts

def test_simple_forecasts_on_small_examples():
    h = [1.0, 3.0, 2.0, 7.0]
    assert B.naive_forecast(h, 3).tolist() == [7, 7, 7]
    assert B.mean_forecast(h, 2).tolist() == [3.25, 3.25]
    assert B.drift_forecast(h, 3).tolist() == [9, 11, 13]         # slope (7 - 1) / 3 = 2
    assert B.drift_forecast([5.0], 2).tolist() == [5, 5]          # one value: no slope
    assert B.seasonal_naive_forecast(h, 2, period=2).tolist() == [2, 7]
    assert B.seasonal_naive_forecast(h, 5, period=3).tolist() == [3, 2, 7, 3, 2]
    assert B.seasonal_naive_forecast(h, 2, period=1).tolist() == [7, 7]   # m = 1 is naive
    assert B.naive_forecast(h, 1).shape == (1,)


@pytest.mark.parametrize("method", ["naive", "seasonal_naive", "drift", "mean"])
@pytest.mark.parametrize("horizon", [1, 5])
def test_rolling_forecasts_match_one_forecast_per_origin(method, horizon):
    values = np.random.default_rng(0).normal(size=60).cumsum()
    origins = np.arange(12, 56)
    single = {"naive": lambda hist: B.naive_forecast(hist, horizon),
              "seasonal_naive": lambda hist: B.seasonal_naive_forecast(hist, horizon, 4),
              "drift": lambda hist: B.drift_forecast(hist, horizon),
              "mean": lambda hist: B.mean_forecast(hist, horizon)}[method]
    got = B.rolling_forecasts(method, values, origins, horizon, period=4)
    assert got.shape == (len(origins), horizon)
    np.testing.assert_allclose(got, [single(values[:o]) for o in origins], rtol=1e-12)


def test_rolling_forecasts_use_only_the_past():
    values = np.arange(20.0)
    spoiled = values.copy()
    spoiled[10:] = 1e6
    for method in ("naive", "seasonal_naive", "drift", "mean"):
        a = B.rolling_forecasts(method, values, [10], 3, period=5)
        b = B.rolling_forecasts(method, spoiled, [10], 3, period=5)
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "call, error",
    [
        (lambda: B.naive_forecast([], 2), DataError),
        (lambda: B.naive_forecast([1.0, np.nan], 2), DataError),
        (lambda: B.naive_forecast([1.0], 0), ConfigError),
        (lambda: B.seasonal_naive_forecast([1.0, 2.0], 2, period=3), DataError),
        (lambda: B.rolling_forecasts("magic", [1.0, 2.0], [1], 1), ConfigError),
        (lambda: B.rolling_forecasts("seasonal_naive", [1.0, 2.0], [2], 1), ConfigError),
        (lambda: B.rolling_forecasts("naive", [1.0, 2.0], [3], 1), DataError),
        (lambda: B.rolling_forecasts("naive", [1.0, 2.0], [0], 1), DataError),
    ],
)
def test_simple_forecast_errors(call, error):
    with pytest.raises(error):
        call()


# ---------------------------------------------------------------- ARIMA

@pytest.mark.parametrize("order", [(1, 0, 0), (0, 1, 1), (2, 0, 1)])
def test_arima_forecast_equals_statsmodels(order, ar2):
    from statsmodels.tsa.arima.model import ARIMA

    history = ar2[:150]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = ARIMA(history, order=order).fit().forecast(4)
    got = B.arima_forecast(history, 4, order=order)
    assert got.shape == (4,)
    np.testing.assert_allclose(got, expected, rtol=1e-10)


def test_seasonal_arima_forecast_equals_statsmodels():
    from statsmodels.tsa.arima.model import ARIMA

    t = np.arange(96)
    history = 5 * np.sin(2 * np.pi * t / 12) + np.random.default_rng(2).normal(size=96)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = ARIMA(history, order=(1, 0, 0), seasonal_order=(1, 0, 0, 12)).fit().forecast(3)
    got = B.arima_forecast(history, 3, order=(1, 0, 0), seasonal_order=(1, 0, 0, 12))
    np.testing.assert_allclose(got, expected, rtol=1e-10)


def test_fit_arima_turns_warnings_into_notes():
    # a steep trend fitted without differencing: statsmodels warns about its starting values
    values = np.arange(30.0) + np.random.default_rng(0).normal(size=30) * 0.01
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = A.fit_arima(values, (1, 0, 1))
    assert caught == []
    assert any("non-stationary" in note for note in fit.notes)
    assert fit.order == (1, 0, 1) and fit.seasonal_order is None
    assert fit.aic == pytest.approx(fit.results.aic) and fit.seconds > 0


@pytest.mark.parametrize(
    "values, order, error",
    [
        (np.arange(5.0), (1, 0, 0), DataError),
        (np.arange(50.0), (1, 0), ConfigError),
        (np.arange(50.0), (-1, 0, 0), ConfigError),
        (np.arange(50.0), (1, 3, 0), ConfigError),
        (np.r_[np.arange(49.0), np.inf], (1, 0, 0), DataError),
    ],
)
def test_fit_arima_bad_input(values, order, error):
    with pytest.raises(error):
        A.fit_arima(values, order)


@pytest.mark.parametrize("order", [(2, 0, 1), (1, 1, 1)])
@pytest.mark.parametrize("horizon", [1, 5])
def test_rolling_arima_equals_per_origin_apply(order, horizon, ar2):
    values = ar2[:400]
    fit = A.fit_arima(values[:280], order)
    origins = np.arange(340, 400 - horizon + 1)
    got = A.rolling_arima_forecasts(fit, values, origins, horizon)
    assert got.shape == (len(origins), horizon)
    for i in (0, 7, len(origins) - 1):
        o = origins[i]
        expected = fit.results.apply(values[:o]).forecast(horizon)
        np.testing.assert_allclose(got[i], expected, rtol=1e-9, atol=1e-9)
    # origin == len(values): a forecast past the end is fine too
    past_end = A.rolling_arima_forecasts(fit, values, [400], horizon)[0]
    np.testing.assert_allclose(past_end, fit.results.apply(values).forecast(horizon), rtol=1e-9)


def test_select_order_finds_the_ar2(ar2):
    search, fit = A.select_order(ar2)
    p, d, q = search.order
    table = search.table
    assert d == 0 and p >= 2                            # AR(2) family, not differenced
    assert list(table.columns) == ["p", "d", "q", "aic_hr", "aic"]
    assert table.aic_hr.is_monotonic_increasing and 10 <= len(table) <= 16  # (p, q) up to (3, 3); HR may skip some
    assert any("ADF" in note for note in search.notes)  # d from the ADF test
    # the winner is a full maximum-likelihood fit: exactly fit_arima's AIC
    assert fit.order == search.order
    assert A.fit_arima(ar2, search.order).aic == pytest.approx(search.aic, abs=1e-6)


def test_select_order_differences_a_random_walk(walk):
    search, _ = A.select_order(walk, max_p=1, max_q=1)
    assert search.order[1] == 1 and set(search.table.d) == {1}
    forced, _ = A.select_order(walk, max_p=1, max_q=1, d=0)
    assert set(forced.table.d) == {0} and 2 <= len(forced.table) <= 4 and forced.order[1] == 0


def test_select_order_rejects_constant_series():
    with pytest.raises(DataError, match="all equal"):
        A.select_order(np.full(50, 2.0))


# ---------------------------------------------------------------- diagnostics

def test_adf_verdicts(walk):
    noise = np.random.default_rng(5).standard_normal(400)
    white = S.adf_test(noise)
    assert white.stationary and white.pvalue < 0.01
    assert white.verdict.startswith("Likely stationary")
    rw = S.adf_test(walk)
    assert not rw.stationary and rw.pvalue > 0.05
    assert rw.verdict.startswith("Probably not stationary") and "differencing" in rw.verdict
    assert set(rw.critical_values) == {"1%", "5%", "10%"} and rw.nobs > 300
    assert S.suggest_d(noise) == 0 and S.suggest_d(walk) == 1
    assert S.adf_test(S.difference(walk)).stationary


def test_adf_on_constant_or_tiny_series():
    with pytest.raises(DataError, match="constant"):
        S.adf_test(np.ones(50))
    assert S.suggest_d(np.ones(50)) == 0
    with pytest.raises(DataError):
        S.adf_test([1.0, 2.0, 1.5])


def test_difference():
    v = np.array([1.0, 4.0, 9.0, 16.0, 25.0])
    assert S.difference(v).tolist() == [3, 5, 7, 9]
    assert S.difference(v, d=2).tolist() == [2, 2, 2]
    assert S.difference(v, lag=2).tolist() == [8, 12, 16]
    assert S.difference(v, d=0).tolist() == v.tolist()
    with pytest.raises(DataError):
        S.difference(v, d=3, lag=2)
    with pytest.raises(ConfigError):
        S.difference(v, lag=0)


def test_stl_components_add_up():
    t = np.arange(120)
    values = 0.1 * t + 3 * np.sin(2 * np.pi * t / 12) + np.random.default_rng(4).normal(size=120) * 0.3
    df = S.stl_decompose(values, 12)
    assert list(df.columns) == ["observed", "trend", "seasonal", "resid"] and len(df) == 120
    np.testing.assert_allclose(df.trend + df.seasonal + df.resid, df.observed, atol=1e-9)
    np.testing.assert_array_equal(df.observed, values)
    assert df.seasonal.std() > 1.5 > df.resid.std()   # it found the season


@pytest.mark.parametrize("n, period", [(100, 1), (30, 20), (100, 2.5)])
def test_stl_bad_period(n, period):
    with pytest.raises(DataError):
        S.stl_decompose(np.random.default_rng(0).normal(size=n), period)


def test_acf_pacf():
    ar1 = arma_sample([0.8], [], 2000, seed=1)
    acf, pacf, band = S.acf_pacf(ar1, nlags=10)
    assert acf.shape == pacf.shape == (11,)
    assert acf[0] == pytest.approx(1) and acf[1] == pytest.approx(0.8, abs=0.05)
    assert acf[3] == pytest.approx(0.8**3, abs=0.07)
    assert abs(pacf[2]) < 3 * band                    # AR(1): the PACF cuts off after lag 1
    assert band == pytest.approx(1.96 / np.sqrt(2000))
    acf, pacf, _ = S.acf_pacf(ar1[:20], nlags=40)     # clipped: pacf needs nlags < n / 2
    assert len(acf) == len(pacf) == 10
    with pytest.raises(DataError):
        S.acf_pacf(np.ones(30))


# ---------------------------------------------------------------- metrics

def test_metrics_hand_computed():
    y = np.array([[1.0, 2.0], [3.0, 4.0]])
    f = np.array([[2.0, 2.0], [3.0, 1.0]])               # errors -1, 0, 0, 3
    assert M.mae(y, f) == 1.0
    assert M.rmse(y, f) == pytest.approx(np.sqrt(10 / 4))
    train = [0.0, 2.0, 1.0, 3.0]                         # naive steps 2, 1, 2: scale 5/3
    assert M.mase(y, f, train) == pytest.approx(0.6)
    assert M.mase(y, f, train, m=2) == pytest.approx(1.0)   # |1-0|, |3-2|: scale 1
    assert M.score(y, f, train) == pytest.approx({"mae": 1.0, "rmse": np.sqrt(2.5), "mase": 0.6})
    per = M.by_horizon(y, f)
    np.testing.assert_allclose(per["mae"], [0.5, 1.5])
    np.testing.assert_allclose(per["rmse"], [np.sqrt(0.5), np.sqrt(4.5)])
    assert M.by_horizon([1.0, 2.0], [1.0, 4.0])["mae"].tolist() == [1.0]


def test_mase_is_nan_when_the_naive_scale_is_zero():
    with warnings.catch_warnings():
        warnings.simplefilter("error")                   # no divide-by-zero warning either
        assert np.isnan(M.mase([1.0, 2.0], [1.0, 3.0], np.full(10, 4.0)))
        assert np.isnan(M.mase([1.0], [2.0], [5.0]))          # too short for a naive step
        assert np.isnan(M.score([1.0], [2.0], [5.0, 5.0])["mase"])


def test_metrics_shape_mismatch():
    with pytest.raises(DataError):
        M.mae(np.zeros((3, 2)), np.zeros((3, 1)))
    with pytest.raises(DataError):
        M.rmse([], [])


def test_naive_mase_on_the_training_part_is_one():
    # scoring the 1-step naive forecast on the training part itself gives exactly MASE 1
    train = np.random.default_rng(0).normal(size=50).cumsum()
    pred = B.rolling_forecasts("naive", train, np.arange(1, 50), 1)
    assert M.mase(train[1:, None], pred, train) == pytest.approx(1.0)


def test_rmse_of_huge_errors_is_finite_and_exact_for_plain_ones():
    assert M.rmse([1e200, -1e200], [0.0, 0.0]) == pytest.approx(1e200)
    assert M.rmse([3.0, 4.0], [0.0, 0.0]) == pytest.approx(np.sqrt(12.5)) and M.rmse([1.0], [1.0]) == 0.0


# ---------------------------------------------------------------- which season seasonal naive uses

def test_seasonal_naive_picks_the_better_season_on_the_training_part_only():
    from rnn_core import data
    from rnn_core.forecasting import evaluation

    s = data.load("traffic")
    assert evaluation.known_periods(s) == (24, 168)
    a = int(len(s.values) * 0.7)
    period, note = evaluation.seasonal_choice(s.values, a, s.periods)
    assert period == 168 and "168" in note and "training part" in note
    # the test part never chooses: wild values after the training part change nothing
    wild = s.values.copy()
    wild[a:] = np.where(np.arange(len(s.values) - a) % 24 == 0, 1e6, 0.0)
    assert evaluation.seasonal_choice(wild, a, s.periods)[0] == 168
    # a series whose daily pattern never changes: the day is as good as the week, the first such wins
    daily = np.tile(np.arange(24.0), 60)
    assert evaluation.seasonal_choice(daily, 1000, (24, 168))[0] == 24
    assert evaluation.seasonal_choice(daily, 1000, (12,)) == (12, "seasonal naive: period 12")
    assert evaluation.seasonal_choice(daily, 1000, ()) == (None, "")


def test_classical_forecasts_say_which_season_they_used():
    from rnn_core import data
    from rnn_core.forecasting import evaluation

    s = data.load("traffic")
    a = int(len(s.values) * 0.7)
    origins = np.arange(a + 10, a + 60)
    out = evaluation.classical_forecasts(s.values, a, origins, 2, ("naive", "seasonal_naive"), period=24,
                                         periods=s.periods)
    assert out.season == 168 and any("period 168" in n for n in out.notes)
    np.testing.assert_array_equal(out.forecasts["seasonal_naive"],
                                  B.rolling_forecasts("seasonal_naive", s.values, origins, 2, 168))
    one = evaluation.classical_forecasts(s.values, a, origins, 2, ("seasonal_naive",), period=24)
    assert one.season == 24 and not one.notes


def test_forecasts_from_today_are_the_rolling_forecasts_scored_on_the_future():
    values = 0.2 * np.sin(np.arange(60) / 3) + np.arange(60) / 5
    today = B.today_at(len(values), 80)
    assert today == 48 and B.today_at(3, 99) == 2
    whole, scores = B.from_today(values, today, ("naive", "drift", "seasonal_naive"))
    assert set(whole) == {"naive", "drift"}, "no period: no seasonal naive"
    assert np.allclose(whole["naive"], values[today - 1])
    one, _ = B.from_today(values, today, ("naive",), one_step=True)
    assert np.allclose(one["naive"], values[today - 1:-1])
    assert scores["drift"]["mae"] < scores["naive"]["mae"], "the trend: drift follows it"
    with pytest.raises(DataError):
        B.from_today(values, 60, ("naive",))
