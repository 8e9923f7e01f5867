"""Trainer: chunked training that resumes exactly, survives divergence, stops early, obeys limits."""

import math

import numpy as np
import pytest
import torch

from rnn_core import config, data
from rnn_core.errors import ConfigError, DataError
from rnn_core.training.trainer import Trainer

TINY = config.PRESETS["tiny"]


@pytest.fixture(scope="module")
def sine():
    return data.load(TINY.data.name, **TINY.data.kwargs())


def losses(tr):
    return [(r.epoch, r.train_loss, r.val_loss, r.grad_norm) for r in tr.history]


def test_same_config_and_seed_give_identical_history(sine):
    a, b = Trainer(TINY, sine), Trainer(TINY, sine)
    a.run(), b.run()
    assert losses(a) == losses(b)
    assert a.status == "done" and a.epoch == TINY.train.epochs


def test_two_chunks_equal_one_run(sine):
    cfg = TINY.replace(train={"epochs": 6})
    one, two = Trainer(cfg, sine), Trainer(cfg, sine)
    one.run(max_epochs=4)
    two.run(max_epochs=2)
    assert two.status == "paused"
    two.run(max_epochs=2)
    assert losses(one) == losses(two)
    np.testing.assert_array_equal(one.predict("val"), two.predict("val"))


def test_run_never_passes_the_configured_epochs(sine):
    tr = Trainer(TINY, sine)
    assert tr.status == "ready"
    tr.run(max_epochs=100)
    assert tr.epoch == TINY.train.epochs and tr.status == "done"
    assert tr.run(max_epochs=1) == 0 and tr.epoch == TINY.train.epochs


def test_a_chunk_ends_on_time_inside_an_epoch_and_the_next_resumes_it(sine):
    long_epoch = TINY.replace(train={"epochs": 3, "batch_size": 4})  # many batches per epoch
    chunked, whole = Trainer(long_epoch, sine), Trainer(long_epoch, sine)
    assert chunked.run(budget_s=0.0) == 0 and chunked.in_epoch and chunked.epoch == 0, "one batch, then out of time"
    assert chunked.status == "paused"
    calls = 1
    while not chunked.finished:
        chunked.run(budget_s=0.0)
        calls += 1
    whole.run()
    assert calls > 3 * 2, "the budget was checked between batches, not only between epochs"
    assert [r.train_loss for r in chunked.history] == [r.train_loss for r in whole.history]
    assert [r.val_loss for r in chunked.history] == [r.val_loss for r in whole.history]
    for a, b in zip(chunked.model.parameters(), whole.model.parameters(), strict=True):
        assert torch.equal(a, b), "chunks change when the work is done, never what is done"


def test_budget_runs_at_least_one_batch_and_returns(sine):
    tr = Trainer(TINY.replace(train={"epochs": 500}), sine)
    tr.run(budget_s=0.0)
    assert tr.status == "paused" and tr.epoch <= 1
    before = tr.epoch
    assert tr.step() == 1 and tr.epoch == before + 1 and not tr.in_epoch, "Step finishes one whole epoch"


def test_a_loss_that_grows_a_millionfold_counts_as_diverged_though_finite(sine):
    import dataclasses

    from rnn_core.training import trainer as trainer_module

    tr = Trainer(TINY.replace(train={"epochs": 5}), sine)
    tr.run(max_epochs=1)
    first = tr.history[0]
    # pretend epoch 1 ended with a far smaller loss: epoch 2's ordinary loss is then a blow-up
    tr.history[0] = dataclasses.replace(first, train_loss=first.train_loss / (10 * trainer_module.BLOW_UP))
    tr.run()
    assert tr.status == "diverged" and tr.diverged_epoch == 2 and len(tr.history) == 2, "the epoch is drawn"
    assert "grew to" in tr.message and "times epoch 1's" in tr.message
    assert tr.run() == 0, "a diverged run does not go on"
    fine = Trainer(TINY.replace(train={"epochs": 3}), sine)
    fine.run()
    assert fine.status == "done", "an ordinary run is untouched"


def test_learning_rate_change_between_chunks_keeps_the_model(sine):
    tr = Trainer(TINY.replace(train={"epochs": 4}), sine)
    tr.run(max_epochs=2)
    before = {k: v.clone() for k, v in tr.model.state_dict().items()}
    tr.set_lr(0.001)
    assert all((before[k] == v).all() for k, v in tr.model.state_dict().items())
    tr.run()
    assert [r.lr for r in tr.history] == [0.01, 0.01, 0.001, 0.001]
    assert tr.optimizer.param_groups[0]["lr"] == 0.001
    with pytest.raises(ConfigError):
        tr.set_lr(-1)


def test_divergence_stops_without_exception_and_keeps_finite_weights(sine):
    cfg = TINY.replace(train={"lr": 1e6, "optimizer": "sgd", "clip": None, "epochs": 50})
    tr = Trainer(cfg, sine)
    tr.run()
    assert tr.status == "diverged"
    assert tr.diverged_epoch == tr.epoch + 1
    assert "diverged" in tr.message
    assert all(np.isfinite(p.detach().numpy()).all() for p in tr.model.parameters())
    assert np.isfinite(tr.predict("val")).all()
    assert tr.run() == 0


def test_early_stopping_restores_the_best_weights(sine):
    cfg = TINY.replace(train={"epochs": 300, "patience": 3, "lr": 0.05})
    tr = Trainer(cfg, sine)
    tr.run()
    assert tr.status == "stopped_early"
    best = min(r.val_loss for r in tr.history)
    assert tr.history[tr.best_epoch - 1].val_loss == best
    assert tr.epoch - tr.best_epoch == 3
    assert tr._val_loss() == pytest.approx(best, rel=1e-6)


def test_records_losses_gradients_and_time(sine):
    tr = Trainer(TINY.replace(train={"epochs": 3, "grad_every": 2, "clip": 0.01}), sine)
    tr.run()
    r = tr.history[-1]
    assert r.seconds > 0 and math.isfinite(r.val_loss)
    assert all(h.grad_norm_clipped <= 0.01 + 1e-6 for h in tr.history)
    assert all(h.grad_norm >= h.grad_norm_clipped for h in tr.history)
    assert [e for e, _ in tr.grad_history] == [1, 2]
    assert tr.grad_history[0][1].shape == (TINY.window.lookback,)
    assert list(tr.history_frame().columns)[:3] == ["epoch", "train_loss", "val_loss"]


def test_predictions_are_in_series_units(sine):
    tr = Trainer(TINY, sine)
    tr.run()
    pred, target = tr.predict("test"), tr.targets("test")
    assert pred.shape == target.shape
    # a sine of amplitude 1: forecasts in series units stay near [-1, 1], not in scaled units
    assert np.abs(pred).max() < 3
    np.testing.assert_array_equal(target[:, 0], sine.values[tr.prepared.test.origins])


@pytest.mark.parametrize("mode,horizon", [("multi", 3), ("seq2seq", 2)])
def test_every_window_mode_trains(sine, mode, horizon):
    cfg = TINY.replace(window={"mode": mode, "horizon": horizon})
    tr = Trainer(cfg, sine)
    tr.run()
    assert tr.predict("test").shape == (len(tr.prepared.test.origins), horizon)


@pytest.mark.parametrize("cell", config.CELLS)
def test_every_cell_trains(sine, cell):
    tr = Trainer(TINY.replace(model={"cell": cell}, train={"epochs": 2}), sine)
    tr.run()
    assert tr.status == "done" and math.isfinite(tr.history[-1].val_loss)


@pytest.mark.parametrize(
    "section,change",
    [
        ("model", {"hidden_size": 1000}),
        ("model", {"num_layers": 5}),
        ("window", {"lookback": 600}),
        ("train", {"epochs": 5000}),
        ("train", {"lr": float("nan")}),
        ("model", {"cell": "transformer"}),
    ],
)
def test_limits_raise_clear_errors(sine, section, change):
    with pytest.raises(ConfigError) as err:
        Trainer(TINY.replace(**{section: change}), sine)
    assert len(str(err.value)) > 10


def test_series_length_limit():
    with pytest.raises(ConfigError, match="at most"):
        Trainer(TINY, np.zeros(config.MAX_SERIES_LENGTH + 1))


def test_lookback_longer_than_the_data_is_a_data_error(sine):
    with pytest.raises(DataError):
        Trainer(TINY.replace(window={"lookback": 190}), sine)


def test_every_live_run_follows_the_protocol(sine):
    """ui.live drives all of them alike: the Trainer, groups, sweeps, the transfer race and the text model."""
    from rnn_core.labs import gradients, memory, text
    from rnn_core.labs.transfer import race, setup
    from rnn_core.training.live import LiveRun

    tcfg = setup.TransferConfig(pretrain_epochs=1, n_train=16).replace(model={"hidden_size": 4}, train={"epochs": 2})
    pretrained = setup.pretrain(tcfg, max_windows=100)
    group = gradients.TrainerGroup({"a": Trainer(TINY, sine), "b": Trainer(TINY, sine)}, TINY)
    runs = {
        "trainer": Trainer(TINY, sine),
        "group": group,
        "sweep": memory.LagSweep(memory.SweepPreset(("rnn",), (2,), "test", hidden_size=4, epochs=2, n_train=32), "t"),
        "race": race.TransferRace(tcfg, sine, pretrained),
        "sizes": race.SizeSweep(tcfg, sine, pretrained, sizes=(8,)),
        "text": text.CharTrainer(text.text_config(epochs=2, hidden_size=8), "hello world, " * 40),
    }
    for name, live in runs.items():
        assert isinstance(live, LiveRun), name
        assert live.step() == 1 and not live.finished and live.status == "paused", name
        done = live.run()
        assert isinstance(done, int) and done >= 1 and live.finished and live.run() == 0, name
        assert live.status in ("done", "stopped_early"), name


def test_a_chunk_that_ends_inside_an_epoch_says_how_far_it_got():
    from rnn_core import config, data
    from rnn_core.training.trainer import Trainer

    cfg = config.PRESETS["tiny"].replace(train={"batch_size": 8, "epochs": 2})
    tr = Trainer(cfg, data.load(cfg.data.name, **cfg.data.kwargs()))
    assert tr.epoch_fraction == 0.0
    tr.run(budget_s=0.0)  # one batch, then out of time
    assert tr.in_epoch and 0.0 < tr.epoch_fraction < 1.0
    tr.run(max_epochs=1)
    assert not tr.in_epoch and tr.epoch_fraction == 0.0 and tr.epoch == 1
