"""The written-out cells against torch's own, and the lecture's variants against the vanilla cell."""

import pytest
import torch

from rnn_core.errors import ConfigError
from rnn_core.networks import cells

nn = torch.nn
SEEDS = [0, 1, 2]
BATCHES = [1, 7]


def _inputs(seed, batch, input_size=3, hidden_size=5):
    g = torch.Generator().manual_seed(seed + 100)
    return torch.randn(batch, input_size, generator=g), torch.randn(batch, hidden_size, generator=g)


@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("batch", BATCHES)
@pytest.mark.parametrize("seed", SEEDS)
def test_vanilla_equals_torch_rnncell(seed, batch, activation):
    torch.manual_seed(seed)
    theirs = nn.RNNCell(3, 5, nonlinearity=activation)
    ours = cells.VanillaRNNCell.from_torch(theirs)
    assert ours.activation == activation
    x, h = _inputs(seed, batch)
    torch.testing.assert_close(ours(x, h), theirs(x, h), atol=1e-6, rtol=0)


@pytest.mark.parametrize("batch", BATCHES)
@pytest.mark.parametrize("seed", SEEDS)
def test_lstm_equals_torch_lstmcell(seed, batch):
    torch.manual_seed(seed)
    theirs = nn.LSTMCell(3, 5)
    ours = cells.LSTMCell.from_torch(theirs)
    x, h = _inputs(seed, batch)
    c = torch.randn_like(h)
    for a, b in zip(ours(x, (h, c)), theirs(x, (h, c)), strict=True):
        torch.testing.assert_close(a, b, atol=1e-6, rtol=0)


@pytest.mark.parametrize("batch", BATCHES)
@pytest.mark.parametrize("seed", SEEDS)
def test_gru_equals_torch_grucell(seed, batch):
    torch.manual_seed(seed)
    theirs = nn.GRUCell(3, 5)
    ours = cells.GRUCell.from_torch(theirs)
    x, h = _inputs(seed, batch)
    torch.testing.assert_close(ours(x, h), theirs(x, h), atol=1e-6, rtol=0)


@pytest.mark.parametrize("ours_cls, theirs_cls", [(cells.LSTMCell, nn.LSTMCell), (cells.GRUCell, nn.GRUCell)])
def test_gradients_equal_torch(ours_cls, theirs_cls):
    torch.manual_seed(3)
    theirs = theirs_cls(2, 4)
    ours = ours_cls.from_torch(theirs)
    x, h = _inputs(3, 6, 2, 4)
    state = (h, torch.zeros_like(h)) if ours_cls is cells.LSTMCell else h
    out_ours, out_theirs = ours(x, state), theirs(x, state)
    first = (lambda o: o[0]) if ours_cls is cells.LSTMCell else (lambda o: o)
    first(out_ours).pow(2).sum().backward()
    first(out_theirs).pow(2).sum().backward()
    for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
        torch.testing.assert_close(getattr(ours, name).grad, getattr(theirs, name).grad, atol=1e-6, rtol=0)


def test_from_torch_without_bias_gives_zero_biases():
    theirs = nn.GRUCell(2, 3, bias=False)
    ours = cells.GRUCell.from_torch(theirs)
    x, h = _inputs(0, 4, 2, 3)
    assert torch.count_nonzero(ours.bias_ih) == 0
    torch.testing.assert_close(ours(x, h), theirs(x, h), atol=1e-6, rtol=0)


def test_from_torch_rejects_the_wrong_kind():
    with pytest.raises(ConfigError, match="LSTMCell"):
        cells.LSTMCell.from_torch(nn.GRUCell(2, 3))


@pytest.mark.parametrize("ours_cls, theirs_cls", [
    (cells.VanillaRNNCell, nn.RNNCell), (cells.LSTMCell, nn.LSTMCell), (cells.GRUCell, nn.GRUCell)])
def test_default_init_matches_torch_for_the_same_seed(ours_cls, theirs_cls):
    torch.manual_seed(11)
    ours = ours_cls(3, 6)
    torch.manual_seed(11)
    theirs = theirs_cls(3, 6)
    for name, p in theirs.named_parameters():
        assert torch.equal(getattr(ours, name), p), name
    assert ours.weight_hh.abs().max() <= 1 / 6**0.5


def test_parameter_layout_is_torchs():
    lstm, gru = cells.LSTMCell(3, 5), cells.GRUCell(3, 5)
    assert lstm.weight_ih.shape == (20, 3) and lstm.weight_hh.shape == (20, 5) and lstm.bias_hh.shape == (20,)
    assert gru.weight_ih.shape == (15, 3) and gru.weight_hh.shape == (15, 5)
    assert lstm.gate_names == ("i", "f", "g", "o") and gru.gate_names == ("r", "z", "n")


def test_leaky_with_alpha_zero_is_exactly_vanilla():
    torch.manual_seed(0)
    leaky = cells.LeakyRNNCell(3, 5, alpha=0.0)
    vanilla = cells.VanillaRNNCell(3, 5)
    vanilla.load_state_dict(leaky.state_dict())
    x, h = _inputs(0, 4)
    assert torch.equal(leaky(x, h), vanilla(x, h))


def test_leaky_mixes_old_state_and_vanilla_update():
    torch.manual_seed(0)
    leaky = cells.LeakyRNNCell(3, 5, activation="relu", alpha=0.8)
    vanilla = cells.VanillaRNNCell(3, 5, activation="relu")
    vanilla.load_state_dict(leaky.state_dict())
    x, h = _inputs(1, 4)
    torch.testing.assert_close(leaky(x, h), 0.8 * h + 0.2 * vanilla(x, h))


def test_skip_with_zero_skip_weights_is_vanilla():
    torch.manual_seed(0)
    skip = cells.SkipRNNCell(3, 5, skip=3)
    with torch.no_grad():
        skip.weight_hs.zero_()
    vanilla = cells.VanillaRNNCell(3, 5)
    vanilla.load_state_dict({k: v for k, v in skip.state_dict().items() if k != "weight_hs"})
    x, h = _inputs(0, 4)
    h_skip = torch.randn(4, 5)
    torch.testing.assert_close(skip(x, h, h_skip), vanilla(x, h), atol=1e-7, rtol=0)


def test_skip_adds_the_state_k_steps_back():
    torch.manual_seed(0)
    skip = cells.SkipRNNCell(3, 5)
    x, h = _inputs(0, 4)
    h_skip = torch.randn(4, 5)
    a = x @ skip.weight_ih.T + skip.bias_ih + h @ skip.weight_hh.T + skip.bias_hh + h_skip @ skip.weight_hs.T
    torch.testing.assert_close(skip(x, h, h_skip), torch.tanh(a))


@pytest.mark.parametrize("make", [
    lambda: cells.VanillaRNNCell(3, 5), lambda: cells.LeakyRNNCell(3, 5, alpha=0.3),
    lambda: cells.GRUCell(3, 5), lambda: cells.VanillaRNNCell(3, 5, layer_norm=True)])
def test_precomputed_input_projection_gives_the_same_step(make):
    torch.manual_seed(0)
    cell = make()
    x, h = _inputs(2, 4)
    x_proj = x @ cell.weight_ih.T + cell.bias_ih
    torch.testing.assert_close(cell(None, h, x_proj=x_proj), cell(x, h))


def test_lstm_gates_are_returned_in_range():
    torch.manual_seed(0)
    cell = cells.LSTMCell(3, 5)
    x, h = _inputs(0, 4)
    (h1, c1), gates = cell(x, (h, torch.zeros_like(h)), return_gates=True)
    assert set(gates) == {"i", "f", "g", "o"}
    for name in "ifo":
        assert gates[name].shape == (4, 5) and 0 < gates[name].min() and gates[name].max() < 1
    torch.testing.assert_close(c1, gates["i"] * gates["g"])  # c0 = 0: only the write remains
    torch.testing.assert_close(h1, gates["o"] * torch.tanh(c1))


def test_gru_gates_reproduce_the_update():
    torch.manual_seed(0)
    cell = cells.GRUCell(3, 5)
    x, h = _inputs(0, 4)
    h1, gates = cell(x, h, return_gates=True)
    assert list(gates) == ["r", "z", "n"]
    torch.testing.assert_close(h1, (1 - gates["z"]) * gates["n"] + gates["z"] * h)


@pytest.mark.parametrize("cls", [cells.VanillaRNNCell, cells.LSTMCell, cells.GRUCell])
def test_layer_norm_is_per_gate_and_makes_the_step_scale_free(cls):
    torch.manual_seed(0)
    cell = cls(3, 5, layer_norm=True)
    assert len(cell.norms) == cell.num_gates
    x, h = _inputs(0, 4)
    state = (h, torch.zeros_like(h)) if cls is cells.LSTMCell else h
    before = cell(x, state)
    with torch.no_grad():  # normalising each pre-activation undoes a common scale of its weights
        for p in (cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh):
            p.mul_(10.0)
    after = cell(x, state)
    torch.testing.assert_close(after, before, atol=1e-3, rtol=0)
    plain = cls(3, 5)
    plain.load_state_dict(cell.state_dict(), strict=False)  # the same scaled weights, no layer norm
    assert not torch.allclose(plain(x, state)[0], after[0], atol=1e-2)


def test_vanilla_layer_norm_normalises_the_pre_activation():
    torch.manual_seed(0)
    cell = cells.VanillaRNNCell(3, 5, layer_norm=True)
    x, h = _inputs(0, 4)
    a = x @ cell.weight_ih.T + cell.bias_ih + h @ cell.weight_hh.T + cell.bias_hh
    expected = torch.tanh((a - a.mean(1, keepdim=True)) / torch.sqrt(a.var(1, unbiased=False, keepdim=True) + 1e-5))
    torch.testing.assert_close(cell(x, h), expected)


def test_each_cell_shows_its_equation():
    assert r"\tanh" in cells.VanillaRNNCell.equation
    assert r"\alpha" in cells.LeakyRNNCell.equation
    assert "h_{t-k}" in cells.SkipRNNCell.equation and "W_{hs}" in cells.SkipRNNCell.equation
    assert r"c_t &= f_t \odot c_{t-1} + i_t \odot g_t" in cells.LSTMCell.equation
    assert r"r_t \odot (W_{hn}\,h_{t-1} + b_{hn})" in cells.GRUCell.equation


@pytest.mark.parametrize("kwargs", [{"activation": "sigmoid"}, {"alpha": 1.0}, {"alpha": -0.1}])
def test_bad_settings_raise_config_error(kwargs):
    with pytest.raises(ConfigError):
        cells.LeakyRNNCell(3, 5, **kwargs)
    with pytest.raises(ConfigError):
        cells.SkipRNNCell(3, 5, skip=0)
    with pytest.raises(ConfigError):
        cells.GRUCell(3, 0)
