"""Gradient lab: the exploding flag, clipping as applied, the heatmap matrix, keep-gate bias, groups."""

import math
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnn_core import config, data
from rnn_core.errors import ConfigError
from rnn_core.labs import gradients as gradient_lab
from rnn_core.labs import memory as memory_task
from rnn_core.networks import models
from rnn_core.training.trainer import Trainer


def _task_trainer(lag=19, n_train=64, keep_bias=0.0, **model):
    task = memory_task.recall_task(lag, n_train=n_train, n_val=16, n_test=16)
    clip = model.pop("clip", 1.0)
    cfg = memory_task.task_config(lag, **{"hidden_size": 16, "keep_bias": keep_bias, **model})
    cfg = cfg.replace(train={"epochs": 4, "grad_every": 1, "clip": clip})
    return Trainer(cfg, task.values, prepared=task.prepared)


@pytest.mark.parametrize("norms, kind", [
    ([1e-9, 1e-5, 1e-2, 1.0], "vanishing"),
    ([1e5, 1e3, 10.0, 1.0], "exploding"),
    ([0.5, 0.8, 1.0], "steady"),
    ([np.nan, 1.0], "exploding"),
    ([np.inf, 1.0], "exploding"),
])
def test_verdict_kinds(norms, kind):
    v = gradient_lab.verdict(norms)
    assert v.kind == kind and v.reason
    assert v.exploding == (kind == "exploding")


def test_verdict_a_huge_total_norm_is_exploding_whatever_the_shape():
    assert gradient_lab.verdict([0.5, 1.0], total_norm=5e3).exploding
    assert not gradient_lab.verdict([0.5, 1.0], total_norm=5.0).exploding
    with pytest.raises(ConfigError):
        gradient_lab.verdict([])


@pytest.mark.parametrize("radius", [2.0, 3.0])
def test_the_exploding_flag_fires_for_a_large_recurrent_scale(radius):
    tr = _task_trainer(lag=49, cell="rnn", hidden_size=32, init="orthogonal", radius=radius)
    before = gradient_lab.latest_verdict(tr)  # the untrained network already explodes
    assert before.exploding and before.growth > gradient_lab.EXPLODE_GROWTH
    tr.run(max_epochs=1)
    assert gradient_lab.latest_verdict(tr).exploding
    assert tr.history[-1].grad_norm > 10 * tr.cfg.train.clip  # the raw gradient is far past the clip


def test_the_default_vanilla_cell_vanishes_and_does_not_explode():
    tr = _task_trainer(lag=49, cell="rnn", hidden_size=32)
    v = gradient_lab.latest_verdict(tr)
    assert v.kind == "vanishing" and not v.exploding


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(clip=st.floats(0.01, 5.0), radius=st.floats(0.5, 3.0), cell=st.sampled_from(["rnn", "lstm", "gru"]))
def test_clipping_never_lets_the_applied_gradient_norm_exceed_the_threshold(clip, radius, cell):
    tr = _task_trainer(lag=9, n_train=32, cell=cell, init="orthogonal", radius=radius, clip=clip)
    with gradient_lab.record_applied_norms(tr) as applied:
        tr.run(max_epochs=2)
    assert len(applied) == 2  # two epochs of one batch (32 sequences, batch size 32)
    assert max(applied) <= clip * (1 + 1e-5)
    assert "step" not in vars(tr.optimizer), "the optimizer is left as it was"


def test_without_clipping_the_applied_norm_is_the_raw_one():
    tr = _task_trainer(lag=49, n_train=32, cell="rnn", hidden_size=32, init="orthogonal", radius=3.0, clip=None)
    with gradient_lab.record_applied_norms(tr) as applied:
        tr.run(max_epochs=1)
    assert max(applied) > 10
    assert np.mean(applied) == pytest.approx(tr.history[-1].grad_norm, rel=1e-4)


def test_grad_matrix_rows_are_epochs_and_profiles_align_on_the_last_step():
    epochs, m = gradient_lab.grad_matrix([(1, np.array([1.0, 2.0, 3.0])), (5, np.array([4.0, 5.0]))])
    assert epochs.tolist() == [1, 5]
    np.testing.assert_array_equal(m[0], [1, 2, 3])
    assert math.isnan(m[1, 0]) and m[1, 1:].tolist() == [4, 5]
    epochs, m = gradient_lab.grad_matrix([])
    assert epochs.size == 0 and m.size == 0


def test_grad_matrix_of_a_training_run():
    tr = _task_trainer(lag=5, cell="gru")
    tr.run(max_epochs=3)
    epochs, m = gradient_lab.grad_matrix(tr.grad_history)
    assert epochs.tolist() == [1, 2, 3] and m.shape == (3, 6)


def test_profile_so_far_shows_the_untrained_model_then_the_recorded_ones():
    tr = _task_trainer(lag=5, cell="lstm")
    first = gradient_lab.profile_so_far(tr)
    assert [e for e, _ in first] == [0] and first[0][1].shape == (6,)
    tr.run(max_epochs=1)
    assert gradient_lab.profile_so_far(tr) is tr.grad_history


@pytest.mark.parametrize("cell, block", [("lstm", 1), ("gru", 1)])
def test_keep_bias_opens_only_the_keep_gate(cell, block):
    cfg = memory_task.task_config(4, cell=cell, hidden_size=6)
    build = lambda c: (torch.manual_seed(0), models.build_model(c.model, "next", 5, 1))[1]  # noqa: E731
    plain, kept = build(cfg), build(cfg.replace(model={"keep_bias": 3.0}))
    diff = (kept.cells[0].bias_hh - plain.cells[0].bias_hh).detach().numpy()
    expected = np.zeros_like(diff)
    expected[block * 6:(block + 1) * 6] = 3.0
    np.testing.assert_allclose(diff, expected, atol=1e-6)
    assert torch.equal(kept.cells[0].weight_hh, plain.cells[0].weight_hh)
    with pytest.raises(ConfigError, match="keep-gate"):
        config.validate(cfg.replace(model={"keep_bias": float("nan")}))


def test_keep_bias_is_a_setting_only_gated_cells_use():
    assert "keep_bias" in config.model_settings("lstm") and "keep_bias" not in config.model_settings("rnn")
    cfg = config.PRESETS["tiny"].replace(model={"cell": "rnn", "keep_bias": 2.0})
    assert config.only_what_matters(cfg) == cfg.replace(model={"keep_bias": 0.0})
    gru = cfg.replace(model={"cell": "gru"})
    assert config.only_what_matters(gru).model.keep_bias == 2.0
    series = data.load(cfg.data.name, **cfg.data.kwargs())
    ours, theirs = Trainer(cfg, series), Trainer(cfg.replace(model={"keep_bias": 0.0}), series)
    for a, b in zip(ours.model.parameters(), theirs.model.parameters(), strict=True):
        assert torch.equal(a, b), "the vanilla cell ignores it"


def _group(together, stop_when=None):
    trainers = {c: _task_trainer(lag=3, n_train=32, cell=c) for c in ("rnn", "gru")}
    return gradient_lab.TrainerGroup(trainers, trainers["rnn"].cfg, together=together, stop_when=stop_when)


def test_a_group_side_by_side_trains_every_member_in_turn():
    group = _group(True)
    assert group.status == "ready" and group.epoch == 0 and group.epochs_total == 8
    group.step()
    assert [t.epoch for t in group.trainers.values()] == [1, 1] and group.status == "paused"
    group.set_lr(0.5)
    assert all(t.lr == 0.5 for t in group.trainers.values()) and group.lr == 0.5
    group.run(budget_s=60)
    assert group.finished and group.status == "done" and group.epoch == 8


def test_a_group_one_by_one_finishes_the_first_member_first_and_stop_when_ends_a_member():
    group = _group(False, stop_when=lambda tr: tr.cfg.model.cell == "rnn" and tr.epoch >= 2)
    group.run(max_epochs=3)
    rnn, gru = group.trainers["rnn"], group.trainers["gru"]
    assert rnn.epoch == 2 and group.member_done("rnn"), "stopped after its second epoch"
    assert gru.epoch == 1
    with pytest.raises(ConfigError):
        gradient_lab.TrainerGroup({}, rnn.cfg)


def test_diagnostics_overhead_reports_the_probe_cost_and_an_interval():
    cfg = config.PRESETS["tiny"]
    o = gradient_lab.diagnostics_overhead(cfg, data.load("sine", n=200, period=20), seconds=0.3)
    assert o["epoch_ms"] > 0 and o["probe_ms"] > 0 and o["grad_every"] == cfg.train.grad_every
    assert o["overhead"] == pytest.approx(o["probe_ms"] / (o["grad_every"] * o["epoch_ms"]))
    every = o["suggested_grad_every"]
    assert o["probe_ms"] / (every * o["epoch_ms"]) <= gradient_lab.OVERHEAD_LIMIT
    assert every == 1 or o["probe_ms"] / ((every - 1) * o["epoch_ms"]) > gradient_lab.OVERHEAD_LIMIT


def _occlude_one_by_one(model, X):
    """The definition of input_influence, step by step: what the batched version must equal."""
    X = torch.as_tensor(X)
    fill = X.mean(dim=(0, 1))
    with torch.no_grad():
        base = model(X)
        out = []
        for t in range(X.shape[1]):
            Z = X.clone()
            Z[:, t] = fill
            out.append(float((model(Z) - base).abs().sum(1).mean()))
    return np.array(out)


@pytest.mark.parametrize("cell", ["rnn", "gru", "mlp"])
def test_input_influence_is_occlusion_one_step_at_a_time(cell):
    torch.manual_seed(0)
    model = models.build_model(config.ModelConfig(cell=cell, hidden_size=6), "multi", 7, 2)
    X = np.random.default_rng(1).normal(size=(90, 7, 1)).astype(np.float32)  # 90 windows: several chunks
    model.train()
    got = gradient_lab.input_influence(model, X)
    assert model.training, "the model's mode is restored"
    np.testing.assert_allclose(got, _occlude_one_by_one(model.eval(), X), rtol=1e-5, atol=1e-7)


def test_input_influence_sees_a_latched_value_the_gradient_misses():
    """One saturated unit holds the sign of x_1: its slope is ~0, yet removing x_1 changes the answer."""
    model = models.build_model(config.ModelConfig(cell="rnn", hidden_size=1), "next", 12, 1)
    with torch.no_grad():
        cell = model.cells[0]
        cell.weight_ih.fill_(0.2)
        cell.weight_hh.fill_(8.0)  # a strong self-loop: once pushed off 0 the unit latches at ±1
        cell.bias_ih.zero_()
        cell.bias_hh.zero_()
        model.head.weight.fill_(1.0)
        model.head.bias.zero_()
    X = np.zeros((2, 12, 1), dtype=np.float32)
    X[:, 0, 0] = [0.5, -0.5]  # only the first value is non-zero; the mean input stays 0
    influence = gradient_lab.input_influence(model, X)
    from rnn_core.training import diagnostics

    slopes = diagnostics.input_connectivity(model, X)
    assert influence[0] > 0.9 and np.all(influence[1:] < 1e-6)
    assert slopes[0] < 1e-3 * influence[0]


def test_page_config_is_the_gradients_page_setting_and_keeps_race_settings():
    cfg = gradient_lab.page_config(cell="rnn", lookback=40, seed=3)
    assert cfg.data.name == "memory_recall" and dict(cfg.data.params) == {"lookback": 40, "seed": 3}
    assert cfg.window.scaler == "none" and cfg.model.hidden_size == gradient_lab.PAGE_HIDDEN_SIZE
    assert cfg.train.epochs == gradient_lab.PAGE_TRAIN["epochs"] and cfg.train.seed == 3
    assert cfg.model.keep_bias == gradient_lab.PAGE_KEEP_BIAS, "kept for the race's gated cells"
    sine = gradient_lab.page_config(cell="gru", lookback=12, data_cfg=config.DataConfig("sine"))
    assert sine.window.scaler == "standard" and sine.data.name == "sine"
    with pytest.raises(ConfigError):
        gradient_lab.page_config(lookback=0)
    task = memory_task.page_task(40, seed=3)
    assert len(task.prepared.train) == memory_task.PAGE_N_TRAIN and task.prepared.lookback == 40


def test_trainer_influence_averages_over_fewer_windows_for_long_lookbacks(monkeypatch):
    seen = []
    monkeypatch.setattr(gradient_lab, "input_influence", lambda model, X: seen.append(len(X)) or np.zeros(X.shape[1]))
    for lookback in (10, 100, 300):
        fake = SimpleNamespace(model=None, prepared=SimpleNamespace(val=SimpleNamespace(X=np.zeros((80, lookback, 1)))))
        assert gradient_lab.trainer_influence(fake).shape == (lookback,)
    assert seen == [gradient_lab.INFLUENCE_WINDOWS, 6, 4]
