"""SequenceModel and MLPModel: fused and written-out paths agree, heads, initial states, initialisation."""

import pytest
import torch

from rnn_core.config import ModelConfig
from rnn_core.errors import ConfigError, DataError
from rnn_core.networks import models

F = torch.nn.functional


def _build(mode="next", lookback=6, horizon=1, seed=0, **model):
    torch.manual_seed(seed)
    model.setdefault("hidden_size", 5)
    return models.build_model(ModelConfig(**model), mode, lookback, horizon)


def _windows(batch=4, T=6, horizon=1, mode="next", seed=1):
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(batch, T, 1, generator=g)
    Y = torch.randn(*{"next": (batch, 1), "multi": (batch, horizon), "seq2seq": (batch, T, horizon)}[mode], generator=g)
    return X, Y


def _grads(model, X, Y, fused):
    model.allow_fused = fused
    model.zero_grad()
    out = model(X)
    F.mse_loss(out, Y).backward()
    return out.detach(), {name: p.grad.clone() for name, p in model.named_parameters()}


@pytest.mark.parametrize("mode", ["next", "seq2seq"])
@pytest.mark.parametrize("num_layers", [1, 2])
@pytest.mark.parametrize("cell, activation, h0", [
    ("rnn", "tanh", "zeros"), ("rnn", "relu", "learned"), ("lstm", "tanh", "zeros"),
    ("lstm", "tanh", "learned"), ("gru", "tanh", "learned")])
def test_fused_and_written_out_paths_agree(cell, activation, h0, num_layers, mode):
    model = _build(mode, horizon=2, cell=cell, activation=activation, h0=h0, num_layers=num_layers)
    if h0 == "learned":  # a non-zero initial state, so that the fused kernel really uses it
        with torch.no_grad():
            for p in model.h0:
                p.normal_()
    X, Y = _windows(horizon=2, mode="next" if mode == "next" else "seq2seq")
    assert model.uses_fast_path
    out_fused, g_fused = _grads(model, X, Y, fused=True)
    out_loop, g_loop = _grads(model, X, Y, fused=False)
    torch.testing.assert_close(out_loop, out_fused, atol=1e-5, rtol=0)
    assert g_fused.keys() == g_loop.keys()
    for name in g_fused:
        torch.testing.assert_close(g_loop[name], g_fused[name], atol=1e-5, rtol=1e-4, msg=name)


def test_record_output_equals_fused_output():
    model = _build(cell="gru", num_layers=2)
    X, _ = _windows()
    out, trace = model(X, record=True)
    torch.testing.assert_close(out, model(X), atol=1e-5, rtol=0)


def test_fast_path_only_where_torch_has_the_cell():
    assert _build(cell="rnn").uses_fast_path and _build(cell="lstm", h0="learned").uses_fast_path
    for settings in ({"cell": "leaky"}, {"cell": "skip"}, {"cell": "gru", "layer_norm": True}):
        assert not _build(**settings).uses_fast_path
    assert not _build(cell="mlp").uses_fast_path


def test_the_fused_kernel_adds_no_parameters():
    model = _build(cell="rnn", hidden_size=4)
    # W_ih (4,1) + W_hh (4,4) + two biases (4) + head (4 -> 1)
    assert models.count_parameters(model) == 4 + 16 + 4 + 4 + 4 + 1
    assert len(list(model.parameters())) == 6


@pytest.mark.parametrize("cell", ["rnn", "leaky", "skip", "lstm", "gru", "mlp"])
@pytest.mark.parametrize("mode, horizon, shape", [
    ("next", 1, (4, 1)), ("multi", 3, (4, 3)), ("seq2seq", 2, (4, 6, 2))])
def test_output_shape_per_mode(cell, mode, horizon, shape):
    model = _build(mode, horizon=horizon, cell=cell, num_layers=2)
    X, _ = _windows()
    assert model(X).shape == shape
    out, trace = model(X, record=True)
    assert out.shape == shape and isinstance(trace, models.Trace)


@pytest.mark.parametrize("cell", ["rnn", "skip", "lstm", "gru"])
@pytest.mark.parametrize("T", [1, 3, 40])
def test_rnn_takes_a_shorter_or_longer_window(cell, T):
    for mode, shape in (("next", (2, 1)), ("multi", (2, 3)), ("seq2seq", (2, T, 3))):
        model = _build(mode, lookback=24, horizon=3, cell=cell)
        assert model(torch.randn(2, T, 1)).shape == shape


def test_mlp_refuses_another_window_length():
    model = _build(lookback=24, cell="mlp")
    assert model(torch.randn(2, 24, 1)).shape == (2, 1)
    with pytest.raises(ConfigError, match="built for windows of 24 values and cannot take 12.*an RNN can"):
        model(torch.randn(2, 12, 1))


def test_mlp_record_gives_an_empty_trace_and_no_recurrent_weights():
    model = _build(cell="mlp", num_layers=3)
    out, trace = model(torch.randn(2, 6, 1), record=True)
    assert trace.hidden == [] and trace.gates == [] and trace.states == []
    assert model.recurrent_weights() == [] and len(model.hidden) == 3


def test_bad_windows_raise_data_error():
    model = _build(cell="gru")
    for X in (torch.randn(4, 6), torch.randn(4, 0, 1), torch.randn(4, 6, 2)):
        with pytest.raises(DataError, match="windows shaped"):
            model(X)


def test_unknown_settings_raise_config_error():
    with pytest.raises(ConfigError, match="window mode"):
        _build("sideways", cell="rnn")
    with pytest.raises(ConfigError, match="cell"):
        _build(cell="transformer")
    with pytest.raises(ConfigError, match="initialisation"):
        _build(cell="rnn", init="xavier")


@pytest.mark.parametrize("cell", ["rnn", "skip", "lstm"])
def test_learned_h0_is_a_parameter_that_learns(cell):
    model = _build(cell=cell, h0="learned", num_layers=2)
    names = dict(model.named_parameters())
    assert {"h0.0", "h0.1"} <= set(names)
    assert ({"c0.0", "c0.1"} <= set(names)) == (cell == "lstm")
    X, Y = _windows()
    F.mse_loss(model(X), Y).backward()
    assert all(float(p.grad.abs().sum()) > 0 for n, p in names.items() if n[:2] in ("h0", "c0"))


def test_zero_h0_is_not_a_parameter():
    model = _build(cell="lstm")
    assert model.h0 is None and model.c0 is None
    assert not any(n.startswith(("h0", "c0")) for n, _ in model.named_parameters())


def test_trace_records_every_layer_and_live_states():
    model = _build(cell="lstm", num_layers=2)
    X, Y = _windows(T=7)
    out, trace = model(X, record=True)
    assert [h.shape for h in trace.hidden] == [(4, 7, 5)] * 2
    assert [c.shape for c in trace.cell_state] == [(4, 7, 5)] * 2
    assert [sorted(g) for g in trace.gates] == [["f", "g", "i", "o"]] * 2
    assert len(trace.states) == 7 and torch.equal(torch.stack(trace.states, 1), trace.hidden[-1])
    F.mse_loss(out, Y).backward()
    # next mode: only h_T reaches the head, so dL/dh_1 can only come through the later steps
    assert all(s.grad is not None for s in trace.states)
    assert float(trace.states[0].grad.abs().sum()) > 0


def test_trace_gates_are_empty_for_plain_cells():
    out, trace = _build(cell="rnn")(_windows()[0], record=True)
    assert trace.gates == [{}] and trace.cell_state is None


def test_skip_cell_reads_the_state_k_steps_back():
    model = _build(cell="skip", skip=3, hidden_size=4)
    with torch.no_grad():
        model.cells[0].weight_hh.zero_()  # now h_t depends on x_t and h_{t-3} only
    X = torch.randn(1, 8, 1)
    X2 = X.clone()
    X2[0, 0, 0] += 1.0  # change x_1
    changed = (model(X2, record=True)[1].hidden[0] - model(X, record=True)[1].hidden[0]).abs().sum(2)[0]
    assert [bool(c > 1e-6) for c in changed] == [True, False, False, True, False, False, True, False]


def test_same_seed_same_weights():
    a, b, c = _build(cell="gru", seed=5), _build(cell="gru", seed=5), _build(cell="gru", seed=6)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters(), strict=True))
    assert not torch.equal(a.cells[0].weight_hh, c.cells[0].weight_hh)
    o1, o2 = _build(cell="lstm", init="orthogonal", seed=2), _build(cell="lstm", init="orthogonal", seed=2)
    assert torch.equal(o1.cells[0].weight_hh, o2.cells[0].weight_hh)


def test_identity_init_is_the_irnn():
    model = _build(cell="rnn", activation="relu", init="identity", num_layers=2)
    for cell in model.cells:
        assert torch.equal(cell.weight_hh, torch.eye(5))
        assert not cell.bias_hh.any() and not cell.bias_ih.any()
    gru = _build(cell="gru", init="identity")
    assert torch.equal(gru.cells[0].weight_hh, torch.eye(5).repeat(3, 1))


def test_orthogonal_init_per_gate_block():
    model = _build(cell="lstm", init="orthogonal", hidden_size=6)
    for block in model.cells[0].weight_hh.split(6):
        torch.testing.assert_close(block @ block.T, torch.eye(6), atol=1e-5, rtol=0)


@pytest.mark.parametrize("cell, init", [("rnn", "default"), ("rnn", "orthogonal"), ("gru", "default"),
                                        ("lstm", "identity")])
@pytest.mark.parametrize("radius", [0.5, 1.3])
def test_radius_rescales_every_block(cell, init, radius):
    model = _build(cell=cell, init=init, radius=radius, hidden_size=8, num_layers=2)
    assert len(model.recurrent_weights()) == 2
    for w in model.recurrent_weights():
        for block in w.split(8):
            rho = torch.linalg.eigvals(block.detach().double()).abs().max()
            assert abs(float(rho) - radius) < 1e-4


@pytest.mark.parametrize("kind, module", [("rnn_tanh", "RNN"), ("rnn_relu", "RNN"), ("lstm", "LSTM"), ("gru", "GRU")])
def test_the_private_fused_kernels_still_equal_torch_nn(kind, module):
    """torch._VF is private: after a torch upgrade this fails loudly instead of the app computing nonsense."""
    from rnn_core.networks import fused

    torch.manual_seed(0)
    kwargs = {"nonlinearity": kind[4:]} if module == "RNN" else {}
    ref = getattr(torch.nn, module)(2, 5, num_layers=2, batch_first=True, **kwargs)
    X = torch.randn(3, 7, 2)
    h0 = torch.randn(2, 3, 5)
    state = (h0, torch.randn(2, 3, 5)) if kind == "lstm" else h0
    with torch.no_grad():
        expected = ref(X, state)[0]
        got = fused.run(kind, X, state, [p for p in ref._flat_weights], 2, False)
    torch.testing.assert_close(got, expected, atol=1e-6, rtol=0)
