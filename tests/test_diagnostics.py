"""Diagnostics: vanishing gradients show, the model is left untouched, connectivity, saturation, gates."""

import math

import numpy as np
import pytest
import torch

from rnn_core.config import ModelConfig
from rnn_core.errors import ConfigError, DataError
from rnn_core.networks import models
from rnn_core.training import diagnostics


def _build(mode="next", lookback=6, horizon=1, seed=0, **model):
    torch.manual_seed(seed)
    model.setdefault("hidden_size", 8)
    return models.build_model(ModelConfig(**model), mode, lookback, horizon)


def _windows(n=8, T=6, target=(1,), seed=0):
    g = np.random.default_rng(seed)
    return g.normal(size=(n, T, 1)), g.normal(size=(n, *target))


def test_vanilla_gradients_vanish_and_an_lstm_keeps_them_longer():
    X, Y = _windows(n=16, T=100, seed=0)
    rnn = _build(lookback=100, cell="rnn", hidden_size=16, radius=0.5)
    norms = diagnostics.hidden_grad_norms(rnn, X, Y)
    assert norms.shape == (100,) and norms[-1] > 0
    assert norms[-11] < 0.1 * norms[-1]  # ten steps back: an order of magnitude gone already
    assert norms[:50].max() < 1e-10 * norms[-1]
    rnn_ratio = norms[0] / norms[-1]

    lstm = _build(lookback=100, cell="lstm", hidden_size=16)
    with torch.no_grad():  # forget gate open (sigmoid(2 + ...) ~ 0.86): the cell state carries the gradient
        lstm.cells[0].bias_hh[16:32] += 2.0
    norms = diagnostics.hidden_grad_norms(lstm, X, Y)
    lstm_ratio = norms[0] / norms[-1]
    assert rnn_ratio < 1e-10 and lstm_ratio > 1e-7


def test_hidden_grad_norms_equal_the_retained_gradients():
    model = _build(cell="gru", num_layers=2)
    X, Y = _windows()
    out, trace = model(torch.as_tensor(X, dtype=torch.float32), record=True)
    torch.nn.functional.mse_loss(out, torch.as_tensor(Y, dtype=torch.float32)).backward()
    expected = [float(s.grad.norm()) for s in trace.states]
    np.testing.assert_allclose(diagnostics.hidden_grad_norms(model, X, Y), expected, rtol=1e-5)


@pytest.mark.parametrize("training", [True, False])
def test_hidden_grad_norms_leave_the_model_untouched(training):
    model = _build(cell="lstm")
    model.train(training)
    X, Y = _windows()
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    model.head.weight.grad = torch.full_like(model.head.weight, 7.0)  # a gradient someone is accumulating
    diagnostics.hidden_grad_norms(model, X, Y)
    assert model.training == training
    assert torch.equal(model.head.weight.grad, torch.full_like(model.head.weight, 7.0))
    for name, p in model.named_parameters():
        assert torch.equal(p, before[name])
        assert name == "head.weight" or p.grad is None


@pytest.mark.parametrize("mode, horizon, target", [("multi", 3, (3,)), ("seq2seq", 2, (6, 2))])
def test_hidden_grad_norms_take_every_window_mode_and_tensors(mode, horizon, target):
    model = _build(mode, horizon=horizon, cell="skip")
    X, Y = _windows(target=target)
    norms = diagnostics.hidden_grad_norms(model, torch.as_tensor(X), torch.as_tensor(Y), loss="mae")
    assert norms.shape == (6,) and np.all(norms > 0)


def test_hidden_grad_norms_bad_input():
    model = _build(cell="rnn")
    X, Y = _windows(target=(2,))
    with pytest.raises(DataError, match="targets"):
        diagnostics.hidden_grad_norms(model, X, Y)
    with pytest.raises(ConfigError, match="loss"):
        diagnostics.hidden_grad_norms(model, X, Y[:, :1], loss="huber")


def test_mlp_has_no_hidden_state_through_time():
    norms = diagnostics.hidden_grad_norms(_build(cell="mlp"), *_windows())
    assert norms.shape == (6,) and np.isnan(norms).all()


def test_connectivity_of_a_memoryless_rnn_is_the_last_step_only():
    model = _build(cell="rnn")
    with torch.no_grad():
        model.cells[0].weight_hh.zero_()  # h_t forgets h_{t-1}: the output sees x_T only
    conn = diagnostics.input_connectivity(model, _windows()[0])
    assert conn.shape == (6,) and conn[-1] > 1e-3
    assert np.all(conn[:-1] < 1e-7)


def test_connectivity_matches_the_jacobian():
    model = _build("multi", horizon=2, cell="gru")
    X = torch.as_tensor(_windows(n=3)[0], dtype=torch.float32)
    jac = torch.autograd.functional.jacobian(model, X)  # (3, 2, 3, 6, 1)
    per_sample = torch.stack([jac[b, :, b] for b in range(3)])  # (3, 2, 6, 1)
    expected = per_sample.abs().sum((1, 3)).mean(0)
    np.testing.assert_allclose(diagnostics.input_connectivity(model, X), expected.numpy(), rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("cell, mode, horizon", [("mlp", "next", 1), ("lstm", "seq2seq", 2), ("leaky", "multi", 3)])
def test_connectivity_works_for_every_model(cell, mode, horizon):
    model = _build(mode, horizon=horizon, cell=cell)
    conn = diagnostics.input_connectivity(model, _windows()[0])
    assert conn.shape == (6,) and np.all(conn > 0)
    assert all(p.grad is None for p in model.parameters())


def test_spectral_radius():
    assert diagnostics.spectral_radius(_build(cell="rnn", radius=0.7)) == pytest.approx(0.7, abs=1e-4)
    gru = _build(cell="gru", hidden_size=4, num_layers=2)
    with torch.no_grad():
        gru.cells[1].weight_hh[8:12] = torch.diag(torch.tensor([0.1, -2.5, 0.3, 0.2]))  # the candidate (n) block
        gru.cells[1].weight_hh[0:8] = 9.0  # r and z blocks do not count
    first = float(torch.linalg.eigvals(gru.cells[0].weight_hh.detach()[8:12].double()).abs().max())
    assert first < 2.5
    assert diagnostics.spectral_radius(gru) == pytest.approx(2.5)  # the largest over the layers
    assert math.isnan(diagnostics.spectral_radius(_build(cell="mlp")))


def test_saturation_of_tanh_on_raw_and_scaled_inputs():
    model = _build(cell="rnn", activation="tanh")
    X, _ = _windows()
    raw, scaled = diagnostics.saturation(model, X * 1000), diagnostics.saturation(model, X * 0.01)
    assert raw["saturated"] > 0.5 and scaled["saturated"] == 0.0
    assert math.isnan(raw["dead"])
    assert 0 <= diagnostics.saturation(_build(cell="lstm"), X * 1000)["saturated"] <= 1


@pytest.mark.parametrize("cell", ["rnn", "mlp"])
def test_dead_relu_units(cell):
    model = _build(cell=cell, activation="relu")
    X, _ = _windows()
    assert diagnostics.saturation(model, X)["dead"] < 1
    first = model.cells[0] if cell == "rnn" else model.hidden[0]
    with torch.no_grad():
        (first.bias_ih if cell == "rnn" else first.bias)[:4] = -1e3  # half the units never fire
    result = diagnostics.saturation(model, X)
    assert result["dead"] >= 0.5 and math.isnan(result["saturated"])


def test_gate_summary():
    X, _ = _windows()
    lstm = _build(cell="lstm")
    with torch.no_grad():
        lstm.cells[0].bias_hh[8:16] = 5.0  # forget gate wide open
    summary = diagnostics.gate_summary(lstm, X)
    assert list(summary) == ["i", "f", "g", "o"] and summary["f"] > 0.95
    assert list(diagnostics.gate_summary(_build(cell="gru"), X)) == ["r", "z", "n"]
    assert diagnostics.gate_summary(_build(cell="rnn"), X) == {}
    assert diagnostics.gate_summary(_build(cell="mlp"), X) == {}
