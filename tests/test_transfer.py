"""Transfer learning: copying keeps the function, frozen layers never move, the optimizer holds only
trainable parameters, the race is fair (same seed, batches and data), and the layer probes measure
what they say."""

import numpy as np
import pytest
import torch

from rnn_core import data
from rnn_core.config import DataConfig
from rnn_core.data import windows
from rnn_core.errors import ConfigError
from rnn_core.labs.transfer import probe
from rnn_core.labs.transfer import race as tc
from rnn_core.labs.transfer import setup as transfer
from rnn_core.training.trainer import Trainer

TCFG = transfer.TransferConfig(source="sines", pretrain_epochs=1, n_train=24, plan=("freeze", "keep"),
                               new_head=True).replace(model={"hidden_size": 8}, train={"epochs": 3})


@pytest.fixture(scope="module")
def pre():
    return transfer.pretrain(TCFG, max_windows=300)


@pytest.fixture(scope="module")
def traffic():
    return data.load("traffic", n=400)


def _params(params):
    return [p.detach().clone() for p in params]


def _same(a, b) -> bool:
    return all(torch.equal(x, y) for x, y in zip(a, b, strict=True))


# ---------------------------------------------------------------- settings

@pytest.mark.parametrize("changes, words", [
    ({"plan": ("freeze",)}, "one choice per layer"),
    ({"plan": ("freeze", "melt")}, "layer choice"),
    ({"source": "moon"}, "source task"),
    ({"pretrain_epochs": 0}, "Pretraining epochs"),
    ({"model": {"cell": "mlp"}}, "cells"),
    ({"window": {"mode": "multi", "horizon": 3}}, "next value"),
    ({"new_head": "yes"}, "head"),
])
def test_bad_settings_raise_config_error(changes, words):
    with pytest.raises(ConfigError, match=words):
        transfer.validate(TCFG.replace(**changes))


def test_replace_reaches_both_the_fields_and_the_target_sections():
    t = TCFG.replace(model={"num_layers": 1}, plan=("keep",), train={"lr": 0.5})
    assert t.target.model.num_layers == 1 and t.plan == ("keep",) and t.train.lr == 0.5
    assert TCFG.target.model.num_layers == 2, "frozen: the original is unchanged"


def test_a_generated_source_is_another_draw_not_the_target_itself():
    tcfg = TCFG.replace(source="traffic", data=DataConfig("traffic"))
    assert dict(transfer.source_data(tcfg).params)["seed"] == data.DATASETS["traffic"].defaults["seed"] + 1
    assert not transfer.same_series(tcfg)
    assert transfer.same_series(tcfg.replace(data=DataConfig("traffic", (("seed", 1),))))
    assert transfer.same_series(TCFG.replace(source="nile", data=DataConfig("nile")))
    assert not transfer.same_series(TCFG)


def test_sine_family_is_seeded_and_split_by_wave():
    a, b = transfer.sine_family(seed=3), transfer.sine_family(seed=3)
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    assert not np.array_equal(a[0], transfer.sine_family(seed=4)[0])
    prepared = transfer.source_windows(TCFG, max_windows=10**6)
    L, waves = TCFG.target.window.lookback, len(a)
    n_val = waves // 4
    assert len(prepared.train) == (waves - n_val) * 40 and len(prepared.val) == n_val * 40, "40 windows a wave"
    assert prepared.scaler.kind == "none"
    # the first validation window is the first wave's start: no window mixes two waves
    family = transfer.sine_family(length=L + 40, seed=TCFG.train.seed)
    np.testing.assert_allclose(prepared.val.X[0, :, 0], family[0][:L], rtol=1e-6)
    np.testing.assert_allclose(prepared.val.Y[0, 0], family[0][L], rtol=1e-6)


def test_source_windows_are_capped(traffic):
    prepared = transfer.source_windows(TCFG.replace(source="traffic"), max_windows=100)
    assert len(prepared.train) == 100 and len(prepared.val) <= 100


# ---------------------------------------------------------------- copy, freeze, retrain

def test_copying_preserves_the_outputs_before_fine_tuning(pre, traffic):
    X = torch.tensor(tc.target_windows(traffic.values, TCFG.target.window, 24).val.X)
    original = transfer.model_from(pre).eval()
    for plan in [("keep", "keep"), ("freeze", "keep"), ("freeze", "freeze")]:
        copied = transfer.transfer_model(pre, plan, new_head=False, seed=5).eval()
        with torch.no_grad():
            assert torch.equal(copied(X), original(X)), plan
    with torch.no_grad():  # a new head (or a retrained layer) changes what it computes
        assert not torch.equal(transfer.transfer_model(pre, ("keep", "keep"), True, 5).eval()(X), original(X))
        assert not torch.equal(transfer.transfer_model(pre, ("retrain", "keep"), False, 5).eval()(X), original(X))


def test_model_from_leaves_the_pretrained_weights_alone(pre):
    before = {k: v.clone() for k, v in pre.state.items()}
    model = transfer.model_from(pre)
    with torch.no_grad():
        for p in model.parameters():
            p.add_(1.0)
    assert all(torch.equal(before[k], pre.state[k]) for k in before)


def test_retrained_layers_and_new_heads_get_the_scratch_networks_fresh_weights(pre):
    scratch = transfer.fresh_model(TCFG.target, seed=7)
    model = transfer.transfer_model(pre, ("retrain", "freeze"), new_head=True, seed=7)
    assert _same(transfer.layer_parameters(model, 0), transfer.layer_parameters(scratch, 0))
    assert _same(model.head.parameters(), scratch.head.parameters())
    kept = transfer.model_from(pre)
    assert _same(transfer.layer_parameters(model, 1), transfer.layer_parameters(kept, 1))
    flags = [p.requires_grad for p in transfer.layer_parameters(model, 1)]
    assert flags and not any(flags)


def test_learned_initial_states_belong_to_their_layer():
    tcfg = TCFG.replace(model={"h0": "learned", "cell": "lstm"})
    model = transfer.fresh_model(tcfg.target, 0)
    names = {id(p) for p in transfer.layer_parameters(model, 1)}
    assert id(model.h0[1]) in names and id(model.c0[1]) in names and id(model.h0[0]) not in names
    transfer.apply_plan(model, ("keep", "freeze"), False, transfer.fresh_model(tcfg.target, 1))
    assert not model.h0[1].requires_grad and model.h0[0].requires_grad


def test_plan_rows_count_every_parameter(pre):
    model = transfer.transfer_model(pre, TCFG.plan, True, 0)
    rows = transfer.plan_rows(model, TCFG.plan, True)
    assert [r["part"] for r in rows] == ["layer 1", "layer 2", "head"]
    assert sum(r["parameters"] for r in rows) == sum(p.numel() for p in model.parameters())
    assert sum(r["parameters"] for r in rows if r["trainable"]) == \
        sum(p.numel() for p in transfer.trainable_parameters(model))


# ---------------------------------------------------------------- the target task

def test_target_windows_keep_the_most_recent_training_windows_and_whole_val_test(traffic):
    w = TCFG.target.window
    full = windows.prepare(traffic.values, w)
    cut = tc.target_windows(traffic.values, w, 24)
    assert len(cut.train) == 24
    np.testing.assert_array_equal(cut.train.origins, full.train.origins[-24:])
    for part in ("val", "test"):
        np.testing.assert_array_equal(getattr(cut, part).origins, getattr(full, part).origins)
        np.testing.assert_array_equal(getattr(cut, part).targets, getattr(full, part).targets)
    first = cut.train.origins[0] - w.lookback
    seen = traffic.values[first:full.a]  # the scaler only knows the values the kept windows read
    assert cut.scaler.shift == pytest.approx(seen.mean()) and cut.scaler.scale == pytest.approx(seen.std())
    np.testing.assert_allclose(cut.train.X[0, :, 0], cut.scaler.transform(traffic.values[first:first + w.lookback]),
                               rtol=1e-5, atol=1e-5)
    assert len(tc.target_windows(traffic.values, w, 10**6).train) == len(full.train)
    with pytest.raises(ConfigError):
        tc.target_windows(traffic.values, w, 0)


# ---------------------------------------------------------------- the race

@pytest.fixture(scope="module")
def race(pre, traffic):
    race = tc.TransferRace(TCFG, traffic, pre)
    race.run()
    return race


def test_frozen_layers_do_not_change_during_fine_tuning(pre, race):
    kept = transfer.model_from(pre)
    model = race.trainers["transfer"].model
    assert race.trainers["transfer"].epoch == TCFG.train.epochs
    assert _same(transfer.layer_parameters(model, 0), transfer.layer_parameters(kept, 0)), "frozen layer moved"
    assert not _same(transfer.layer_parameters(model, 1), transfer.layer_parameters(kept, 1)), "kept layer trains"
    full = race.trainers["finetune"].model
    assert not _same(transfer.layer_parameters(full, 0), transfer.layer_parameters(kept, 0))


def test_the_optimizer_holds_only_trainable_parameters(race):
    for arm, tr in race.trainers.items():
        held = {id(p) for group in tr.optimizer.param_groups for p in group["params"]}
        trainable = {id(p) for p in transfer.trainable_parameters(tr.model)}
        assert held == trainable, arm
    frozen = transfer.layer_parameters(race.trainers["transfer"].model, 0)
    held = {id(p) for group in race.trainers["transfer"].optimizer.param_groups for p in group["params"]}
    assert not held & {id(p) for p in frozen}


def test_the_race_is_fair_scratch_equals_a_plain_trainer(pre, traffic, race):
    plain = Trainer(TCFG.target, traffic.values, model=transfer.fresh_model(TCFG.target, TCFG.train.seed),
                    prepared=race.prepared)
    plain.run()
    assert [r.train_loss for r in plain.history] == [r.train_loss for r in race.trainers["scratch"].history]


def test_race_curves_start_before_training_and_scores_cover_every_arm(race):
    curves = race.curves()
    assert set(curves) == set(tc.ARMS)
    for arm, (epochs, losses) in curves.items():
        assert epochs.tolist() == list(range(TCFG.train.epochs + 1))
        assert losses[0] == pytest.approx(race.start_loss[arm]) and np.isfinite(losses).all()
    scores = race.scores()
    assert set(scores) == {*tc.ARMS, "naive"} and all(s["rmse"] > 0 for s in scores.values())
    assert race.status == "done" and race.finished


def test_race_runs_in_chunks_exactly_like_one_go(pre, traffic):
    one, two = tc.TransferRace(TCFG, traffic, pre), tc.TransferRace(TCFG, traffic, pre)
    assert one.status == "ready"
    one.run(max_epochs=2)
    two.step()
    assert two.status == "paused"
    two.step()
    for arm in tc.ARMS:
        assert [r.val_loss for r in one.trainers[arm].history] == [r.val_loss for r in two.trainers[arm].history]
    two.set_lr(0.001)
    assert all(tr.lr == 0.001 for tr in two.trainers.values())


def test_the_race_refuses_a_network_pretrained_for_other_settings(pre, traffic):
    with pytest.raises(ConfigError, match="pretrain again"):
        tc.TransferRace(TCFG.replace(model={"hidden_size": 9}), traffic, pre)


def test_pretraining_on_sines_gives_a_head_start_on_another_sine():
    tcfg = TCFG.replace(model={"num_layers": 1}, plan=("freeze",), pretrain_epochs=4, data=DataConfig("sine"))
    pre = transfer.pretrain(tcfg, max_windows=600)
    race = tc.TransferRace(tcfg, data.load("sine", n=300, period=17, noise=0.05), pre)
    assert race.start_loss["finetune"] < 0.5 * race.start_loss["scratch"]


def test_size_sweep_gives_every_size_the_same_number_of_steps(pre, traffic):
    sweep = tc.SizeSweep(TCFG, traffic, pre, sizes=(8, 40, 10**6), steps=4)
    available = len(tc.target_windows(traffic.values, TCFG.target.window, 10**6).train)
    assert sweep.sizes == [8, 40, available]
    assert sweep._epochs[:2] == [4, 2]  # 8 windows: 1 batch/epoch; 40 windows: 2 batches of 32
    sweep.run(max_epochs=1)
    assert not sweep.finished and sweep.epoch == 1
    while not sweep.finished:
        sweep.run(budget_s=0.5)
    table = sweep.table()
    assert [n for n, _ in table["scratch"]] == sweep.sizes and sweep.status == "done"
    assert sweep.epoch == sweep.epochs_total


# ---------------------------------------------------------------- what the layers see

def test_linear_cka_is_one_for_the_same_information_and_small_for_unrelated():
    rng = np.random.default_rng(0)
    A = rng.normal(size=(400, 6))
    Q, _ = np.linalg.qr(rng.normal(size=(6, 6)))
    assert probe.linear_cka(A, 3.0 * A @ Q + 1.0) == pytest.approx(1.0)
    assert probe.linear_cka(A, rng.normal(size=(400, 6))) < 0.1


def test_hidden_comparison_projects_on_the_source_directions(pre, race):
    model = transfer.model_from(pre)
    hc = probe.hidden_comparison(model, pre.source_X, race.prepared.val.X, target_model=model,
                              random_model=transfer.fresh_model(TCFG.target, 3), max_windows=40)
    assert len(hc.source_pcs) == 2 and hc.source_pcs[0].shape[1] == 2
    assert hc.similarity == pytest.approx([1.0, 1.0]), "a network compared with itself"
    assert all(0 <= s <= 1 for s in hc.random_similarity)
    # the share matches a plain SVD of the same states
    S = probe._states(model, np.asarray(pre.source_X)[:40], 4)[0]
    sv = np.linalg.svd(S - S.mean(0), compute_uv=False)
    assert hc.source_share[0] == pytest.approx((sv[:2] ** 2).sum() / (sv ** 2).sum())
    assert np.allclose(np.abs(hc.source_pcs[0]).sum(0), np.abs((S - S.mean(0)) @
                       np.linalg.svd(S - S.mean(0), full_matrices=False)[2][:2].T).sum(0))
    assert hc.target_pcs[1].shape == (40 * (TCFG.target.window.lookback - 4), 2)
