"""The memory task: right targets, trains with the Trainer, the lag sweep and its cached table."""

from types import SimpleNamespace

import numpy as np
import pytest

from rnn_core.errors import ConfigError, DataError
from rnn_core.labs import memory as mt
from rnn_core.training.trainer import Trainer


@pytest.mark.parametrize("lag, lookback", [(0, None), (3, None), (3, 10), (7, 8)])
def test_the_target_is_the_value_seen_lag_steps_before_the_last(lag, lookback):
    task = mt.recall_task(lag, lookback, n_train=20, n_val=5, n_test=6, seed=3)
    T = lag + 1 if lookback is None else lookback
    assert task.lookback == T
    for part, n in ((task.prepared.train, 20), (task.prepared.val, 5), (task.prepared.test, 6)):
        assert part.X.shape == (n, T, 1) and part.Y.shape == (n, 1) and part.targets.shape == (n, 1)
        np.testing.assert_array_equal(part.Y[:, 0], part.X[:, T - 1 - lag, 0])
        np.testing.assert_allclose(part.targets[:, 0], part.X[:, T - 1 - lag, 0])
        assert part.X.dtype == np.float32 and np.abs(part.X).max() <= 1
    np.testing.assert_array_equal(task.values, task.prepared.train.X[:, :, 0].ravel())


def test_by_default_the_answer_is_the_first_value_and_the_rest_is_noise():
    task = mt.recall_task(5, n_train=400, n_val=1, n_test=1)
    X, Y = task.prepared.train.X[:, :, 0], task.prepared.train.Y[:, 0]
    np.testing.assert_array_equal(Y, X[:, 0])
    # every later step is independent of the answer, and as large: only step 1 predicts it
    assert all(abs(np.corrcoef(X[:, t], Y)[0, 1]) < 0.15 for t in range(1, 6))
    assert X[:, 1:].std() == pytest.approx(X[:, 0].std(), rel=0.15)


def test_same_seed_same_sequences_parts_independent():
    a, b, c = mt.recall_task(4, seed=1), mt.recall_task(4, seed=1), mt.recall_task(4, seed=2)
    np.testing.assert_array_equal(a.prepared.train.X, b.prepared.train.X)
    assert not np.array_equal(a.prepared.train.X, c.prepared.train.X)
    assert not np.array_equal(a.prepared.val.X, a.prepared.train.X[:len(a.prepared.val)])
    assert a.prepared.scaler.kind == "none" and a.prepared.mode == "next"


@pytest.mark.parametrize("kwargs, error", [
    ({"lag": -1}, ConfigError), ({"lag": 2.5}, ConfigError), ({"lag": 5, "lookback": 5}, DataError),
    ({"lag": mt.MAX_LAG + 1}, ConfigError), ({"lag": 3, "n_train": 0}, ConfigError),
    ({"lag": 299, "n_train": 1000}, ConfigError),
])
def test_bad_settings_are_explained(kwargs, error):
    with pytest.raises(error):
        mt.recall_task(**kwargs)


def test_the_trainer_trains_on_it():
    task = mt.recall_task(4, n_train=64, n_val=16, n_test=16)
    cfg = mt.task_config(4, cell="gru", hidden_size=8).replace(train={"epochs": 2})
    tr = Trainer(cfg, task.values, prepared=task.prepared)
    tr.run()
    assert tr.status == "done" and len(tr.history) == 2
    assert tr.predict("test").shape == (16, 1)
    assert set(mt.scores(tr)) == {"error", "accuracy", "solved"}


def _fake(pred, truth):
    return SimpleNamespace(predict=lambda part: np.asarray(pred)[:, None], targets=lambda part: np.asarray(truth)[:, None])


def test_scores():
    truth = np.array([-0.8, -0.2, 0.3, 0.9])
    perfect = mt.scores(_fake(truth, truth))
    assert perfect == {"error": 0.0, "accuracy": 1.0, "solved": True}
    zero = mt.scores(_fake(np.zeros(4), truth))
    assert zero["error"] == pytest.approx(np.mean(truth**2) / np.var(truth)) and not zero["solved"]
    assert zero["accuracy"] == 0.25  # only -0.2 lies within the tolerance of 0
    sign = mt.scores(_fake(np.sign(truth) * 0.5, truth))
    assert 0.1 < sign["error"] < 0.5  # keeping only the sign is better than nothing, not solved


@pytest.fixture(scope="module")
def quick():
    return mt.lag_sweep("quick")


def test_vanilla_rnn_fails_at_a_shorter_lag_than_lstm(quick):
    """The lecture's claim, on a fixed seed: the vanilla cell gives up first."""
    assert list(quick.columns) == mt.COLUMNS
    failures = mt.first_failure(quick)
    longest = max(mt.SWEEP_PRESETS["quick"].lags)
    assert failures["rnn"] is not None, "the vanilla RNN fails at some lag"
    assert failures["rnn"] < (failures["lstm"] or longest + 1)
    solved = quick.set_index(["cell", "lag"])["solved"]
    assert solved[("rnn", 10)] and solved[("lstm", 10)], "both solve the short lag"


def test_solved_runs_stop_early_failed_ones_train_to_the_end(quick):
    epochs = mt.SWEEP_PRESETS["quick"].epochs
    assert (quick.loc[~quick["solved"], "epochs"] == epochs).all()
    assert (quick.loc[quick["solved"], "epochs"] < epochs).all()


def test_the_cached_table_is_what_the_code_makes(quick):
    """The shipped table has the presets' shape, and the code gives the same verdicts today.

    Training trajectories differ between CPUs (other vector instructions round differently),
    so epochs and errors are not compared exactly: each run must reach the same verdict where
    the cached error is clearly on one side of the line, and a failed run still trains to the end.
    """
    cache = mt.read_cache()
    assert list(cache.columns) == mt.COLUMNS
    assert list(dict.fromkeys(cache["preset"])) == list(mt.SWEEP_PRESETS)
    for name, preset in mt.SWEEP_PRESETS.items():
        rows = cache[cache["preset"] == name]
        assert sorted(set(rows["cell"])) == sorted(preset.cells) and sorted(set(rows["lag"])) == sorted(preset.lags)
        assert len(rows) == len(preset.cells) * len(preset.lags)
        assert (rows.loc[~rows["solved"], "epochs"] == preset.epochs).all()
    assert cache["error"].between(0, 5).all() and cache["accuracy"].between(0, 1).all()
    assert (cache["solved"] == (cache["error"] < mt.SOLVED_ERROR)).all()
    cached = cache[cache["preset"] == "quick"].set_index(["cell", "lag"])
    fresh = quick.set_index(["cell", "lag"])
    assert sorted(cached.index) == sorted(fresh.index)
    clear = (cached["error"] < 0.6 * mt.SOLVED_ERROR) | (cached["error"] > 3 * mt.SOLVED_ERROR)
    assert clear.sum() >= 3, "the quick preset has runs whose verdict is not a close call"
    for key in cached.index[clear]:
        assert fresh.loc[key, "solved"] == cached.loc[key, "solved"], f"{key}: the verdict changed"


def test_read_cache_explains_a_missing_or_wrong_file(tmp_path):
    with pytest.raises(DataError, match="write-cache"):
        mt.read_cache(tmp_path / "none.csv")
    (tmp_path / "bad.csv").write_text("a,b\n1,2\n")
    with pytest.raises(DataError, match="columns"):
        mt.read_cache(tmp_path / "bad.csv")


def test_a_sweep_runs_in_chunks_like_a_trainer():
    preset = mt.SweepPreset(("rnn", "gru"), (2, 4), "test", hidden_size=4, epochs=2, n_train=32)
    sweep = mt.LagSweep(preset, "mine")
    assert sweep.status == "ready" and sweep.frame().empty and sweep.epochs_total == 8
    sweep.step()
    assert sweep.epoch == 1 and sweep.status == "paused"
    sweep.run(max_epochs=1)
    assert len(sweep.frame()) == 1, "the first run is finished before the next starts"
    sweep.run()
    assert sweep.finished and len(sweep.frame()) == 4
    assert set(sweep.frame()["preset"]) == {"mine"}


def test_unknown_preset():
    with pytest.raises(ConfigError, match="lecture"):
        mt.lag_sweep("nope")
