"""experiment.run: every model scored on identical test targets, in the series' units."""

import numpy as np
import pytest
import torch

from rnn_core import config, data, experiment
from rnn_core.forecasting import arena, arima, baselines


@pytest.fixture(scope="module")
def tiny_result():
    return experiment.run(config.PRESETS["tiny"])


def test_every_baseline_is_scored(tiny_result):
    assert set(tiny_result.metrics) == {"rnn", "naive", "seasonal_naive", "drift", "arima"}
    for scores in tiny_result.metrics.values():
        assert set(scores) >= {"mae", "rmse", "mase"}
        assert all(np.isfinite(v) for v in scores.values())
    assert tiny_result.train_seconds > 0
    assert tiny_result.arima_order is not None


def test_all_models_forecast_the_same_targets(tiny_result):
    res = tiny_result
    values = res.trainer.values
    assert all(p.shape == res.targets.shape for p in res.predictions.values())
    np.testing.assert_array_equal(res.targets[:, 0], values[res.origins])
    # naive repeats the last value observed before each origin
    np.testing.assert_array_equal(res.predictions["naive"][:, 0], values[res.origins - 1])
    # the rnn's scores are recomputable from what the result holds
    mae = np.mean(np.abs(res.predictions["rnn"] - res.targets))
    assert res.metrics["rnn"]["mae"] == pytest.approx(mae)


def test_arima_uses_the_training_part_only(tiny_result):
    res = tiny_result
    a = res.trainer.prepared.a
    search, fit = arima.select_order(res.trainer.values[:a])
    assert fit.order == res.arima_order
    first = res.origins[0]
    expected = fit.results.apply(res.trainer.values[:first]).forecast(1)
    np.testing.assert_allclose(res.predictions["arima"][0], np.asarray(expected), rtol=1e-6)


def test_mlp_is_scored_as_the_rnn_entry():
    cfg = config.PRESETS["tiny"].replace(model={"cell": "mlp"})
    res = experiment.run(cfg, arima=False)
    assert "rnn" in res.metrics and "arima" not in res.metrics


def test_series_can_be_passed_in():
    series = data.load("sine", n=150, period=15)
    res = experiment.run(config.PRESETS["tiny"], series=series, arima=False)
    assert len(res.trainer.values) == 150
    assert baselines is not None


@pytest.mark.parametrize("name", ["tiny", "default"])
def test_train_and_the_arena_give_the_same_arima_and_the_same_scores(name):
    """One evaluation path: the same series and split give the same ARIMA order and scores on both pages."""
    cfg = config.PRESETS[name].replace(train={"epochs": 2}, model={"cell": "gru"})
    series = data.load(cfg.data.name, **cfg.data.kwargs())
    res = experiment.run(cfg, series)
    ring = arena.run_arena(series, cfg, arena.ArenaSpec(("naive", "seasonal_naive", "drift", "arima")))
    assert ring.arima["arima"].order == res.arima_order
    np.testing.assert_array_equal(ring.origins, res.origins)
    for model in ("naive", "seasonal_naive", "drift", "arima"):
        assert (model in ring.metrics) == (model in res.metrics), model
        if model in res.metrics:
            np.testing.assert_allclose(ring.forecasts[model], res.predictions[model], rtol=1e-9)
            assert ring.metrics[model] == pytest.approx(res.metrics[model], rel=1e-9)


def test_a_prepared_network_is_scored_in_series_units_on_the_same_points():
    """Predict the change: the forecasts come back in the series' units, on the baselines' test points."""
    series = data.load("noisy_trend", n=400)
    cfg = config.PRESETS["tiny"].replace(data=config.DataConfig("noisy_trend", (("n", 400),)),
                                         window={"lookback": 12}, train={"epochs": 3})
    plain = experiment.run(cfg, series, arima=False)
    changed = experiment.run(cfg.replace(window={"transform": "difference"}), series, arima=False)
    np.testing.assert_array_equal(changed.origins, plain.origins)
    np.testing.assert_array_equal(changed.targets, plain.targets)
    tr = changed.trainer
    raw = tr.model(torch.tensor(tr.prepared.test.X)).detach().numpy().astype(np.float64)  # scaled changes
    expected = tr.values[changed.origins - 1][:, None] + tr.prepared.scaler.inverse(raw)
    np.testing.assert_allclose(changed.predictions["rnn"], expected, rtol=1e-6)
    for name in ("naive", "drift"):
        np.testing.assert_array_equal(changed.predictions[name], plain.predictions[name])


@pytest.mark.parametrize("transform", ["mean", "difference"])
def test_the_arena_scores_a_prepared_network_like_the_train_page(transform):
    cfg = config.PRESETS["tiny"].replace(window={"transform": transform}, train={"epochs": 2})
    series = data.load(cfg.data.name, **cfg.data.kwargs())
    res = experiment.run(cfg, series, arima=False)
    ring = arena.run_arena(series, cfg, arena.ArenaSpec(("naive", "rnn")))
    np.testing.assert_array_equal(ring.origins, res.origins)
    np.testing.assert_allclose(ring.forecasts["rnn"], res.predictions["rnn"], rtol=1e-6)


def test_the_recursive_strategy_feeds_back_prepared_forecasts():
    from rnn_core.forecasting import multistep

    cfg = config.PRESETS["tiny"].replace(window={"transform": "difference"}, train={"epochs": 1})
    series = data.load(cfg.data.name, **cfg.data.kwargs())
    origins, targets, _ = multistep.shared_targets(series.values, cfg.window, 3)
    result, tr = multistep.train_strategy(cfg, series, "recursive", 3, origins)
    assert result.forecasts.shape == targets.shape and np.isfinite(result.forecasts).all()
    # step one is the next-value network's own forecast at those origins, back in series units
    X = torch.tensor(tr.prepared.inputs(tr.prepared.histories(origins)))
    with torch.no_grad():
        first = tr.prepared.to_units(tr.model(X).numpy().astype(np.float64), origins)[:, 0]
    np.testing.assert_allclose(result.forecasts[:, 0], first, rtol=1e-5)
