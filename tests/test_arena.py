"""The forecast arena: same targets for every model, ARIMA checked against statsmodels, the two presets."""

import warnings

import numpy as np
import pytest

from rnn_core import bench, config, data
from rnn_core.errors import ConfigError
from rnn_core.forecasting import arena, arima, baselines, metrics
from rnn_core.training.trainer import Trainer

TINY = config.PRESETS["tiny"]
AR1 = data.load("ar1", n=300, phi=0.8, seed=3)


def _statsmodels_fit(train, order, seasonal_order=(0, 0, 0, 0)):
    from statsmodels.tsa.arima.model import ARIMA

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ARIMA(train, order=order, seasonal_order=seasonal_order).fit()


def test_arima_forecast_equals_statsmodels_called_directly():
    history = AR1.values[:200]
    ours = baselines.arima_forecast(history, 6, order=(2, 0, 1))
    theirs = _statsmodels_fit(history, (2, 0, 1)).forecast(6)
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


@pytest.fixture(scope="module")
def part():
    v = AR1.values
    return arima.arima_part(v, 200, np.array([230, 250, 290]), 4, order=(1, 0, 1))


def test_arima_part_forecasts_and_intervals_equal_statsmodels_at_every_origin(part):
    res = _statsmodels_fit(AR1.values[:200], (1, 0, 1))
    for i, o in enumerate([230, 250, 290]):
        fc = res.apply(AR1.values[:o]).get_forecast(4)
        np.testing.assert_allclose(part.forecasts[i], fc.predicted_mean, rtol=1e-7)
        ci = fc.conf_int(alpha=0.05)
        np.testing.assert_allclose(part.lower[i], ci[:, 0], rtol=1e-6)
        np.testing.assert_allclose(part.upper[i], ci[:, 1], rtol=1e-6)
    assert part.label == "ARIMA(1, 0, 1)" and part.search is None


def test_residual_check_is_statsmodels_ljung_box_in_plain_words(part):
    from statsmodels.stats.diagnostic import acorr_ljungbox

    lb = acorr_ljungbox(part.residuals, lags=[10], model_df=2)
    assert part.check.lb_pvalue == pytest.approx(float(lb["lb_pvalue"].iloc[0]))
    assert part.check.white and "white noise" in part.check.verdict  # AR(1) data, ARMA(1,1) fit: nothing left
    correlated = arima.residual_check(AR1.values, model_df=0)  # the raw AR(1) values are far from white
    assert not correlated.white and "still correlated" in correlated.verdict
    assert correlated.acf[1] > correlated.band


def test_order_search_finds_an_ar1_and_its_refined_aic_is_a_full_fit():
    search, fit = arima.select_order(AR1.values[:210])
    assert search.order[1] == 0 and search.order[0] >= 1
    assert fit.order == search.order
    assert search.aic == pytest.approx(arima.fit_arima(AR1.values[:210], search.order).aic)
    assert {"p", "d", "q", "aic_hr", "aic"} <= set(search.table.columns)


def test_seasonal_arima_is_guarded_and_fits_a_short_season():
    with pytest.raises(ConfigError, match="too long"):
        arima.arima_part(AR1.values, 200, np.array([250]), 1, order=(1, 0, 0), period=168)
    assert arima.seasonal_seconds(1000, 52) > arima.seasonal_seconds(1000, 12) > 0
    s = data.load("sine", n=160, period=4, noise=0.1)
    part = arima.arima_part(s.values, 110, np.array([130, 140]), 2, order=(1, 0, 0), period=4)
    assert part.label == "SARIMA(1, 0, 0)(0, 1, 1, 4)" and part.forecasts.shape == (2, 2)


@pytest.fixture(scope="module")
def tiny_result():
    cfg = TINY.replace(window={"horizon": 3, "mode": "multi"})
    s = data.load("sine", n=200, period=20, noise=0.1)
    spec = arena.ArenaSpec(("naive", "seasonal_naive", "drift", "mean", "arima", "mlp", "rnn"), order=(2, 0, 0))
    return s, arena.run_arena(s, cfg, spec)


def test_every_model_is_scored_on_the_same_targets(tiny_result):
    s, res = tiny_result
    for i, o in enumerate(res.origins):
        np.testing.assert_array_equal(res.targets[i], s.values[o:o + 3])
    assert res.origins.min() >= res.b  # test part only
    np.testing.assert_array_equal(res.forecasts["naive"], baselines.rolling_forecasts("naive", s.values, res.origins, 3))
    for name, pred in res.forecasts.items():
        assert pred.shape == res.targets.shape
        assert res.metrics[name] == metrics.score(res.targets, pred, s.values[:res.a])
        assert res.mae_by_step[name].shape == (3,)
    assert set(res.lower) == {"arima"} and np.all(res.lower["arima"] <= res.upper["arima"])
    assert list(res.metrics_frame().index)[4] == "ARIMA(2, 0, 0)"


def test_networks_are_trained_by_the_trainer_on_the_arena_windows(tiny_result):
    s, res = tiny_result
    cfg = arena.network_config(TINY.replace(window={"horizon": 3}), "rnn")
    tr = Trainer(cfg, s.values)
    tr.run()
    np.testing.assert_allclose(res.forecasts["rnn"], tr.predict("test"), rtol=1e-6)
    assert res.networks["rnn"].epochs == TINY.train.epochs


def test_a_finished_train_page_run_with_the_same_settings_is_reused():
    s = data.load("sine", n=200, period=20)
    cfg = arena.network_config(TINY.replace(window={"horizon": 2}), "rnn")
    tr = Trainer(cfg.replace(window={"mode": "seq2seq"}), s)
    assert arena.reuse(tr, cfg, s.values) is None  # not trained yet
    tr.run()
    part = arena.reuse(tr, cfg, s.values)
    assert part.reused and np.array_equal(part.forecasts, tr.predict("test"))
    assert arena.reuse(tr, cfg.replace(model={"hidden_size": 9}), s.values) is None
    assert arena.reuse(tr, cfg, s.values + 1) is None
    res = arena.run_arena(s, cfg, arena.ArenaSpec(("naive", "rnn")), reused={"rnn": part})
    assert res.networks["rnn"] is part


def test_network_config_ignores_settings_the_cell_does_not_use():
    cfg = TINY.replace(model={"alpha": 0.2, "skip": 5}, window={"horizon": 4})
    gru = arena.network_config(cfg, "gru")
    assert gru.model.alpha == config.ModelConfig().alpha and gru.window.mode == "multi"
    assert arena.network_config(cfg, "leaky").model.alpha == 0.2


def test_ar1_preset_arima_beats_a_briefly_trained_rnn():
    preset = arena.PRESETS["ar1_arima_wins"]
    s = data.load(preset.cfg.data.name, **preset.cfg.data.kwargs())
    res = arena.run_arena(s, preset.cfg, preset.spec)
    assert res.label("arima") == "ARIMA(1, 0, 0)"
    assert res.metrics["arima"]["mae"] < 0.95 * res.metrics["gru"]["mae"]
    assert preset.reason


def test_chaotic_map_preset_the_rnn_beats_arima():
    preset = arena.PRESETS["logistic_rnn_wins"]
    s = data.load(preset.cfg.data.name, **preset.cfg.data.kwargs())
    res = arena.run_arena(s, preset.cfg.replace(train={"epochs": 40}), arena.ArenaSpec(("arima", "gru")))
    assert res.metrics["gru"]["mae"] < 0.5 * res.metrics["arima"]["mae"]
    assert not res.arima["arima"].check.white  # ARIMA leaves the nonlinear structure in its residuals


def test_rolling_origin_refits_on_successive_splits():
    splits = arena.fold_splits(300, (0.7, 0.15), 3)
    assert [m for m, _ in splits] == [210, 255, 300]
    for m, split in splits:
        assert config.validate(TINY.replace(window={"split": split}))
        a, b = int(m * split[0]), int(m * (split[0] + split[1]))
        assert m - b == 45 and a == round(b * 0.7 / 0.85)
    table = arena.rolling_origin(AR1, TINY, arena.ArenaSpec(("naive", "arima"), order=(1, 0, 0)), folds=3)
    assert len(table) == 6 and list(table["fold"].unique()) == [1, 2, 3]
    assert list(table["start"].unique()) == [165, 210, 255]
    with pytest.raises(ConfigError):
        arena.rolling_origin(AR1, TINY, folds=1)


def test_bad_choices_are_config_errors_and_missing_seasons_are_notes():
    with pytest.raises(ConfigError, match="Unknown model"):
        arena.run_arena(AR1, TINY, arena.ArenaSpec(("oracle",)))
    with pytest.raises(ConfigError, match="at least one"):
        arena.run_arena(AR1, TINY, arena.ArenaSpec(()))
    res = arena.run_arena(AR1, TINY, arena.ArenaSpec(("naive", "seasonal_naive", "sarima")))
    assert list(res.metrics) == ["naive"]
    assert any("season" in n for n in res.notes)


def test_bench_arena_reports_first_and_cached_seconds():
    out = bench.bench_arena(n=200)
    assert out["first_s"] > 0 and out["cached_s"] > 0 and out["arima"].startswith("ARIMA(")


def test_a_network_too_slow_for_the_page_is_skipped_with_a_pointer_to_the_train_page(monkeypatch):
    assert arena.network_seconds(1000, TINY.replace(train={"epochs": 200})) > arena.network_seconds(1000, TINY)
    monkeypatch.setattr(arena, "NETWORK_LIMIT_S", 0.0)
    res = arena.run_arena(AR1, TINY, arena.ArenaSpec(("naive", "rnn")))
    assert list(res.forecasts) == ["naive"]
    assert any("Train page" in n for n in res.notes)


def test_the_stationarity_test_reads_a_bounded_stretch_of_a_long_upload(monkeypatch):
    from rnn_core.data import stats

    seen = []
    monkeypatch.setattr(stats, "adf_test", lambda v: seen.append(len(v)) or stats.ADFResult(-5.0, 0.001, 1, 100, {}, True, "stationary"))
    s = data.load("sine", n=20000)
    arena.run_arena(s, TINY.replace(window={"lookback": 8, "horizon": 1}), arena.ArenaSpec(("naive",)))
    assert seen and seen[0] == stats.MAX_TEST_VALUES
