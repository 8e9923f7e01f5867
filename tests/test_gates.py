"""rnn_core.labs.gates: recorded gates are the real ones, parameter counts are torch's, speed is measured."""

import math

import numpy as np
import pytest
import torch

from rnn_core import config, data
from rnn_core.data import windows
from rnn_core.errors import ConfigError
from rnn_core.labs import gates
from rnn_core.networks import models
from rnn_core.training import diagnostics

SINE = config.DataConfig("sine")


@pytest.fixture(scope="module")
def sine():
    return data.load("sine", n=300, period=20)


def _cfg(cell, **kw):
    return gates.inside_config(SINE, cell, **{"hidden_size": 4, "lookback": 10, "epochs": 2, **kw})


@pytest.fixture(scope="module")
def runs(sine):
    return {cell: gates.train_and_record(_cfg(cell), sine) for cell in gates.GATED}


# ---------------------------------------------------------------- parameter counts

@pytest.mark.parametrize("hidden_size", [1, 8, 32])
@pytest.mark.parametrize("input_size", [1, 3])
def test_parameter_counts_equal_torchs_own_layers(hidden_size, input_size):
    counts = gates.parameter_counts(hidden_size, input_size)
    for cell, cls, blocks in (("rnn", torch.nn.RNN, 1), ("lstm", torch.nn.LSTM, 4), ("gru", torch.nn.GRU, 3)):
        theirs = sum(p.numel() for p in cls(input_size, hidden_size).parameters())
        n = counts[cell]
        assert n["recurrent"] == theirs == blocks * (hidden_size * input_size + hidden_size ** 2 + 2 * hidden_size)
        assert n["blocks"] == blocks and n["head"] == hidden_size + 1 and n["total"] == theirs + hidden_size + 1
        assert n["macs_per_step"] == blocks * hidden_size * (input_size + hidden_size)
    assert counts["lstm"]["recurrent"] == 4 * counts["rnn"]["recurrent"] == 4 / 3 * counts["gru"]["recurrent"]


# ---------------------------------------------------------------- recording the insides

def _torch_reference(model, X):
    """torch's own LSTM/GRU with the model's weights: h_1..h_T, (B, T, H)."""
    cell = model.cells[0]
    ref = (torch.nn.LSTM if model.cell_name == "lstm" else torch.nn.GRU)(1, cell.hidden_size, batch_first=True)
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(ref, f"{name}_l0").copy_(getattr(cell, name))
        return ref(X)[0]


@pytest.mark.parametrize("cell", gates.GATED)
def test_recorded_states_are_torchs_and_obey_the_cell_equations(cell, sine):
    torch.manual_seed(3)
    model = models.build_model(config.ModelConfig(cell=cell, hidden_size=5), "next", 12, 1)
    prepared = windows.prepare(sine.values, config.WindowConfig(lookback=12))
    rec = gates.record(model, prepared, "val", max_windows=7)
    assert len(rec["index"]) == 7 and rec["index"][0] == 0 and rec["index"][-1] == len(prepared.val) - 1
    h = rec["hidden"]  # (N, T, H)
    ref = _torch_reference(model, torch.as_tensor(prepared.val.X[rec["index"]])).numpy()
    np.testing.assert_allclose(h, ref, atol=1e-5)
    g = rec["gates"]
    h_prev = np.concatenate([np.zeros_like(h[:, :1]), h[:, :-1]], axis=1)
    if cell == "lstm":
        c = rec["cell_state"]
        c_prev = np.concatenate([np.zeros_like(c[:, :1]), c[:, :-1]], axis=1)
        np.testing.assert_allclose(c, g["f"] * c_prev + g["i"] * g["g"], atol=1e-5)
        np.testing.assert_allclose(h, g["o"] * np.tanh(c), atol=1e-5)
    else:
        assert rec["cell_state"] is None
        np.testing.assert_allclose(h, (1 - g["z"]) * g["n"] + g["z"] * h_prev, atol=1e-5)
    with torch.no_grad():
        expected = prepared.scaler.inverse(model(torch.as_tensor(prepared.val.X[rec["index"]])).numpy())[:, 0]
    np.testing.assert_allclose(rec["prediction"], expected, rtol=1e-5)


def test_record_refuses_a_cell_without_gates(sine):
    model = models.build_model(config.ModelConfig(cell="rnn", hidden_size=3), "next", 5, 1)
    prepared = windows.prepare(sine.values, config.WindowConfig(lookback=5))
    with pytest.raises(ConfigError, match="LSTM or a GRU"):
        gates.record(model, prepared)


def test_a_run_holds_the_windows_in_series_units_with_gates_in_range(runs, sine):
    for cell, run in runs.items():
        N, T = run.x.shape
        assert T == 10 and 1 < N <= gates.MAX_RECORDED_WINDOWS
        for k in (0, N // 2, N - 1):  # the inputs and the target are the series' own values
            o = run.origins[k]
            np.testing.assert_allclose(run.x[k], sine.values[o - T:o], rtol=1e-5, atol=1e-5)
            assert run.target[k] == sine.values[o]
        names = set(gates.GATE_LABELS[cell])
        assert set(run.gates) == names == set(run.means)
        for name, g in run.gates.items():
            assert g.shape == (N, T, 4)
            lo = -1 if gates.GATE_LABELS[cell][name] == "candidate" else 0
            assert lo <= g.min() and g.max() <= 1
        assert run.epochs == 2 and len(run.val_losses) == 2 and run.parameters > 0
        assert np.isfinite(run.prediction).all()
    assert runs["lstm"].state() is runs["lstm"].cell_state
    assert runs["gru"].cell_state is None and runs["gru"].state() is runs["gru"].hidden


def test_means_are_diagnostics_gate_summary(sine):
    cfg = _cfg("gru")
    run = gates.train_and_record(cfg, sine)
    tr_model_means = run.means
    # the same seed and config retrain to the same network, so the summary can be recomputed
    from rnn_core.training.trainer import Trainer

    tr = Trainer(cfg, sine.values)
    tr.run()
    assert tr_model_means == pytest.approx(diagnostics.gate_summary(tr.model, tr.prepared.val.X))


def test_the_same_config_gives_the_same_run(runs, sine):
    again = gates.train_and_record(_cfg("lstm"), sine)
    np.testing.assert_array_equal(again.gates["f"], runs["lstm"].gates["f"])
    assert again.val_losses == runs["lstm"].val_losses


def test_window_gives_one_window_and_refuses_a_missing_one(runs):
    run = runs["lstm"]
    w = run.window(1)
    np.testing.assert_array_equal(w["x"], run.x[1])
    np.testing.assert_array_equal(w["gates"]["f"], run.gates["f"][1])
    np.testing.assert_array_equal(w["state"], run.cell_state[1])
    assert w["origin"] == run.origins[1] and w["target"] == run.target[1]
    with pytest.raises(ConfigError, match="does not exist"):
        run.window(len(run.x))


def test_a_long_series_is_cut_to_its_recent_values_and_origins_still_index_it(monkeypatch, sine):
    monkeypatch.setattr(gates, "MAX_VALUES", 120)
    values, offset = gates.recent_values(sine)
    assert offset == len(sine) - 120 and len(values) == 120
    run = gates.train_and_record(_cfg("gru"), sine)
    assert run.origins.min() >= offset
    for k in (0, len(run.x) - 1):
        o = run.origins[k]
        np.testing.assert_allclose(run.x[k], sine.values[o - 10:o], rtol=1e-5, atol=1e-5)


def test_inside_config_validates():
    assert _cfg("lstm").window.mode == "next" and _cfg("lstm").model.num_layers == 1
    with pytest.raises(ConfigError, match="Unknown cell"):
        gates.inside_config(SINE, "mlp")
    with pytest.raises(ConfigError, match="Lookback"):
        gates.inside_config(SINE, "lstm", lookback=0)
    with pytest.raises(ConfigError, match="Unknown cell"):
        gates.train_and_record(_cfg("rnn"), np.sin(np.arange(100.0)))


# ---------------------------------------------------------------- measured speed

@pytest.mark.parametrize("fused", [True, False])
def test_measure_speed_times_each_cell_with_the_trainer(sine, fused):
    rows = gates.measure_speed(_cfg("rnn"), sine, epochs=3, fused=fused)
    assert [r.cell for r in rows] == list(gates.SPEED_CELLS)
    counts = gates.parameter_counts(4)
    for r in rows:
        assert r.epochs == 3 and len(r.ms_each) == 2, "the first epoch is not timed"
        assert all(ms > 0 for ms in r.ms_each) and r.ms_per_epoch == pytest.approx(float(np.median(r.ms_each)))
        assert r.parameters == counts[r.cell]["total"]
        assert math.isfinite(r.val_loss)


def test_measure_speed_trains_each_cell_like_a_plain_trainer(sine):
    """Same windows, seed and settings as a Trainer on its own: the validation losses agree."""
    from rnn_core.training.trainer import Trainer

    rows = gates.measure_speed(_cfg("rnn"), sine, cells=("lstm",), epochs=2)
    cfg = _cfg("lstm", epochs=2)
    tr = Trainer(cfg.replace(train={"grad_every": config.MAX_EPOCHS}), sine.values)
    tr.run()
    assert rows[0].val_loss == pytest.approx(tr.history[-1].val_loss, rel=1e-5)


def test_measure_speed_refuses_bad_settings(sine):
    with pytest.raises(ConfigError, match="at least 2 epochs"):
        gates.measure_speed(_cfg("rnn"), sine, epochs=1)
    with pytest.raises(ConfigError, match="Unknown cell"):
        gates.measure_speed(_cfg("rnn"), sine, cells=("mlp",))
