"""layer_lab: the code shown is the code that runs, the unrolled numbers are the cell's own,
saturation, the first step from h_0, and the MLP-vs-RNN comparison with a short window."""

import inspect
import textwrap

import numpy as np
import pytest
import torch

from rnn_core import data
from rnn_core.config import PRESETS, DataConfig
from rnn_core.errors import ConfigError, DataError
from rnn_core.labs import layer as layer_lab
from rnn_core.labs import saturation as saturation_lab
from rnn_core.networks import cells


@pytest.fixture(scope="module")
def sine():
    return data.load("sine", n=120, period=12)


# ---------------------------------------------------------------- equation and source

@pytest.mark.parametrize("cell, cls", [("rnn", cells.VanillaRNNCell), ("leaky", cells.LeakyRNNCell),
                                       ("skip", cells.SkipRNNCell), ("lstm", cells.LSTMCell),
                                       ("gru", cells.GRUCell)])
def test_source_and_equation_come_from_the_running_class(cell, cls):
    assert layer_lab.cell_class(cell) is cls
    assert layer_lab.cell_equation(cell) == cls.equation
    source = layer_lab.cell_source(cell)
    assert source.startswith("def forward(")
    assert source == textwrap.dedent(inspect.getsource(cls.forward))


def test_each_cell_shows_different_code():
    sources = {c: layer_lab.cell_source(c) for c in layer_lab.CELLS}
    assert len(set(sources.values())) == len(sources)
    assert "c = f * c + i * g" in sources["lstm"]
    assert len({layer_lab.cell_equation(c) for c in layer_lab.CELLS}) == len(layer_lab.CELLS)


def test_unknown_cell_is_a_config_error():
    with pytest.raises(ConfigError, match="Unknown cell"):
        layer_lab.cell_source("transformer")


# ---------------------------------------------------------------- unrolled

def _step_by_step(model, x):
    """Call the cell by hand, one time step after another: (T, H) hidden states and ŷ."""
    cell, H = model.cells[0], model.hidden_size
    h = torch.zeros(1, H, dtype=torch.float64)
    c, h0, hs = torch.zeros_like(h), h, []
    with torch.no_grad():
        for t, value in enumerate(x):
            xt = torch.tensor([[value]], dtype=torch.float64)
            if model.cell_name == "lstm":
                h, c = cell(xt, (h, c))
            elif model.cell_name == "skip":
                h = cell(xt, h, hs[t - cell.skip] if t >= cell.skip else h0)
            else:
                h = cell(xt, h)
            hs.append(h)
        y = model.head(h)
    return torch.cat(hs).numpy(), float(y)


@pytest.mark.parametrize("cell", layer_lab.CELLS)
@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_unrolled_values_equal_the_cell_called_step_by_step(cell, activation):
    x = np.array([0.3, -1.2, 0.8, 2.0, -0.5, 0.1])
    model = layer_lab.demo_model(cell, hidden_size=3, activation=activation, seed=4)
    u = layer_lab.unroll(model, x)
    h, y = _step_by_step(model, x)
    assert u.h.shape == (6, 3)
    np.testing.assert_allclose(u.h, h, rtol=0, atol=1e-12)
    assert u.y_hat == pytest.approx(y, abs=1e-12)
    np.testing.assert_array_equal(u.x, x)
    np.testing.assert_array_equal(u.h0, np.zeros(3))
    assert (u.c is not None) == (cell == "lstm")


def test_same_seed_same_numbers_other_seed_other_numbers():
    x = np.array([1.0, 2.0, 3.0])
    a = layer_lab.unroll(layer_lab.demo_model("gru", seed=1), x).h
    b = layer_lab.unroll(layer_lab.demo_model("gru", seed=1), x).h
    c = layer_lab.unroll(layer_lab.demo_model("gru", seed=2), x).h
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_mlp_has_nothing_to_unroll():
    from rnn_core.config import ModelConfig
    from rnn_core.networks import models

    mlp = models.build_model(ModelConfig(cell="mlp", hidden_size=3), "next", 4, 1)
    with pytest.raises(ConfigError, match="no hidden state"):
        layer_lab.unroll(mlp, [1.0, 2.0, 3.0, 4.0])


def test_short_input_and_typed_values():
    values = np.arange(20.0)
    np.testing.assert_array_equal(layer_lab.short_input(values, 4, start=3), [3, 4, 5, 6])
    np.testing.assert_array_equal(layer_lab.short_input(values, 4, start=99), [16, 17, 18, 19])  # clipped
    np.testing.assert_array_equal(layer_lab.parse_values("1, 2.5 -3;4"), [1, 2.5, -3, 4])
    for bad in ("", "1, two, 3", "1 2 3 4 5 6 7 8 9", "1, nan"):
        with pytest.raises(DataError):
            layer_lab.parse_values(bad)
    with pytest.raises(DataError, match="only 3 values"):
        layer_lab.short_input([1.0, 2.0, 3.0], 5)


# ---------------------------------------------------------------- saturation

def test_saturation_is_higher_on_raw_than_on_scaled_values():
    pair = saturation_lab.saturation_pair(data.load("collatz", start=27).values, "tanh")
    raw, scaled = pair["raw"], pair["scaled"]
    assert raw.frac_saturated > 0.5 and scaled.frac_saturated < 0.05
    assert raw.frac_flat > scaled.frac_flat
    assert np.abs(raw.pre).max() > 10 * np.abs(scaled.pre).max()  # thousands vs a few units


def test_relu_does_not_saturate_but_grows():
    values = data.load("collatz", start=27).values
    tanh, relu = saturation_lab.saturation_pair(values, "tanh"), saturation_lab.saturation_pair(values, "relu")
    assert tanh["raw"].max_abs_h <= 1.0
    assert relu["raw"].max_abs_h > 100 * relu["scaled"].max_abs_h
    assert relu["raw"].frac_saturated != tanh["raw"].frac_saturated


def test_preactivations_go_through_the_activation():
    model = layer_lab.demo_model("rnn", hidden_size=4, activation="tanh", seed=0)
    X = np.random.default_rng(0).normal(size=(5, 7, 1))
    a, h = saturation_lab.preactivations(model, X)
    assert a.shape == h.shape == (5, 7, 4)
    np.testing.assert_allclose(np.tanh(a), h, atol=1e-12)


def test_saturation_needs_more_values_than_the_lookback():
    with pytest.raises(DataError, match="lookback"):
        saturation_lab.saturation_pair(np.arange(5.0), lookback=8)


# ---------------------------------------------------------------- h_0 and the first step

def test_first_step_is_the_equation():
    model = layer_lab.demo_model("rnn", hidden_size=3, seed=0)
    cell = model.cells[0]
    step = layer_lab.first_step(model, 0.7, np.zeros(3))
    np.testing.assert_allclose(step["recurrent_part"], cell.bias_hh.detach().numpy())  # W_hh·0 + b_hh
    np.testing.assert_allclose(step["h1"], np.tanh(step["input_part"] + step["recurrent_part"]), atol=1e-12)
    np.testing.assert_allclose(step["h1"], layer_lab.unroll(model, [0.7]).h[0], atol=1e-12)


def test_learned_h0_changes_only_the_recurrent_part(sine):
    cfg = layer_lab.compare_config(DataConfig("sine", (("n", 120), ("period", 12))), lookback=4, epochs=5)
    out = layer_lab.h0_options(cfg, sine, epochs=15)
    assert out["epochs"] == 15
    assert np.abs(out["h0_learned"]).max() > 1e-3, "training moved h0 away from its zero start"
    np.testing.assert_allclose(out["zeros"]["input_part"], out["learned"]["input_part"])
    assert not np.allclose(out["zeros"]["h1"], out["learned"]["h1"])
    np.testing.assert_allclose(out["learned"]["h0"], out["h0_learned"], atol=1e-6)


# ---------------------------------------------------------------- feed-forward vs recurrent

def test_parameter_counts():
    short, long = layer_lab.parameter_counts(4), layer_lab.parameter_counts(40)
    assert short["rnn"] == long["rnn"], "an RNN's weights do not depend on the window length"
    assert long["mlp"] - short["mlp"] == 36 * 8, "one input weight per position and hidden unit"


def test_compare_trains_both_and_only_the_rnn_takes_a_short_window(sine):
    cfg = layer_lab.compare_config(DataConfig("sine", (("n", 120), ("period", 12))), lookback=6, epochs=8)
    result = layer_lab.compare_ffn_rnn(cfg, sine)
    assert set(result["rows"]) == {"rnn", "mlp"}
    for name, row in result["rows"].items():
        assert row["epochs"] == 8 and len(result["curves"][name]) == 8
        assert np.isfinite(row["val_rmse"]) and row["parameters"] > 0
    short = result["short"]
    assert short["length"] == 3 and len(short["window"]) == 3
    assert np.isfinite(short["rnn"]) and np.isfinite(short["rnn_full"]) and np.isfinite(short["mlp_full"])
    assert np.isnan(short["mlp"]) and "cannot take 3" in short["mlp_error"]


def test_predict_window_rnn_takes_any_length_mlp_raises():
    from rnn_core.config import ModelConfig
    from rnn_core.networks import models

    torch.manual_seed(0)
    rnn = models.build_model(ModelConfig(cell="rnn", hidden_size=4), "next", 6, 1)
    mlp = models.build_model(ModelConfig(cell="mlp", hidden_size=4), "next", 6, 1)
    short = np.array([0.1, 0.2, 0.3])
    assert np.isfinite(layer_lab.predict_window(rnn, short))
    assert np.isfinite(layer_lab.predict_window(mlp, np.zeros(6)))
    with pytest.raises(ConfigError, match="windows of 6 values"):
        layer_lab.predict_window(mlp, short)


def test_compare_rejects_a_short_window_that_is_not_shorter(sine):
    cfg = layer_lab.compare_config(DataConfig("sine"), lookback=4, epochs=1)
    with pytest.raises(ConfigError, match="shorter than the lookback"):
        layer_lab.compare_ffn_rnn(cfg, sine, short_length=4)


def test_compare_runs_on_the_default_sequence():
    default = PRESETS["default"].data  # the sequence every page opens with
    series = data.load(default.name, **default.kwargs())
    cfg = layer_lab.compare_config(default)
    result = layer_lab.compare_ffn_rnn(cfg, series)  # speed: see `python -m rnn_core.bench`
    assert result["rows"]["rnn"]["epochs"] == result["rows"]["mlp"]["epochs"] == 40
