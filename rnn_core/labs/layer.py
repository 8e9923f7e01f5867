"""The recurrent layer, opened up: the numbers behind the "Recurrent layer" page's demos.

Everything here returns plain numbers and arrays (never modules), so a page can cache it:

- :func:`cell_source` / :func:`cell_equation`: the code that runs and the formula it is.
- :func:`demo_model` + :func:`unroll`: a tiny seeded network run over a short input, with
  every hidden state h_1..h_T.
- saturation, the same vanilla cell fed raw and standardised values: :mod:`rnn_core.labs.saturation`.
- :func:`h0_options`: the first step from h_0 = 0 and from a learned h_0.
- :func:`compare_ffn_rnn`: a tiny MLP and a tiny RNN trained on the same windows, and
  both given a window shorter than the lookback.

Examples
--------
>>> import numpy as np
>>> from rnn_core.labs import layer as layer_lab
>>> u = layer_lab.unroll(layer_lab.demo_model("rnn", hidden_size=3), np.array([0.1, -0.4, 0.7]))
>>> u.h.shape
(3, 3)
"""

from __future__ import annotations

import inspect
import math
import textwrap
from dataclasses import dataclass

import numpy as np
import torch

from rnn_core import config
from rnn_core.data import windows
from rnn_core.errors import ConfigError, DataError
from rnn_core.forecasting import metrics
from rnn_core.networks import models
from rnn_core.networks.cells import VanillaRNNCell
from rnn_core.training import trainer as train

CELLS = ("rnn", "leaky", "skip", "lstm", "gru")
MAX_UNROLL = 8  # more boxes than this no longer fit side by side


# ---------------------------------------------------------------- the equation and its code

def cell_class(cell: str) -> type:
    """The class in :mod:`rnn_core.networks.cells` behind a cell name ("rnn", "leaky", "skip", "lstm", "gru")."""
    if cell not in CELLS:
        raise ConfigError(f"Unknown cell {cell!r}: choose one of {', '.join(CELLS)}.")
    return models.CELL_CLASSES[cell]


def cell_equation(cell: str) -> str:
    """The cell's equation in LaTeX, exactly the ``equation`` attribute the class carries."""
    return cell_class(cell).equation


def cell_source(cell: str) -> str:
    """The source of the cell's ``forward``, read from the running code with ``inspect``.

    Examples
    --------
    >>> "def forward" in cell_source("gru")
    True
    """
    return textwrap.dedent(inspect.getsource(cell_class(cell).forward))


# ---------------------------------------------------------------- a short input, unrolled

def short_input(values, length: int = 5, start: int = 0) -> np.ndarray:
    """``length`` consecutive values of a sequence from index ``start`` (clipped to fit)."""
    values = np.asarray(values, dtype=np.float64)
    if not isinstance(length, int) or not 1 <= length <= MAX_UNROLL:
        raise ConfigError(f"The short input has 1 to {MAX_UNROLL} values (got {length!r}).")
    if len(values) < length:
        raise DataError(f"The sequence has only {len(values)} values; pick a shorter input.")
    start = int(min(max(start, 0), len(values) - length))
    return values[start:start + length].copy()


def parse_values(text: str) -> np.ndarray:
    """Numbers typed by a student ("1, 2.5 -3") -> an array of 1 to MAX_UNROLL finite values."""
    parts = [p for p in str(text).replace(",", " ").replace(";", " ").split() if p]
    try:
        values = np.array([float(p) for p in parts], dtype=np.float64)
    except ValueError:
        raise DataError("Type numbers separated by commas or spaces, e.g. 1, 3, 2, 5.") from None
    if not 1 <= len(values) <= MAX_UNROLL or not np.isfinite(values).all():
        raise DataError(f"Type between 1 and {MAX_UNROLL} finite numbers (got {len(values)}).")
    return values


def training_scaler(values, kind: str = "standard", split: tuple = config.WindowConfig().split):
    """A :class:`rnn_core.data.windows.Scaler` fitted on the training part of ``values``, as training fits it."""
    values = np.asarray(values, dtype=np.float64)
    a, _ = windows.split_bounds(len(values), split)
    return windows.Scaler.fit(kind, values[:max(a, 2)])


def demo_model(cell: str = "rnn", hidden_size: int = 3, activation: str = "tanh", seed: int = 0,
               alpha: float = 0.5, skip: int = 2, h0: str = "zeros", num_layers: int = 1):
    """A small untrained network with seeded weights: the same seed gives the same numbers."""
    cell_class(cell)
    model_cfg = config.ModelConfig(cell=cell, hidden_size=hidden_size, activation=activation,
                                   alpha=alpha, skip=skip, h0=h0, num_layers=num_layers)
    config.validate(config.ExperimentConfig(model=model_cfg))
    torch.manual_seed(seed)
    model = models.build_model(model_cfg, "next", lookback=MAX_UNROLL, horizon=1)
    return model.double().eval()  # float64 so the printed numbers are the computed ones


@dataclass(frozen=True)
class Unrolled:
    """One input run through the network, step by step.

    ``x`` (T,) the inputs, ``h`` (T, H) the hidden states h_1..h_T, ``c`` (T, H) the LSTM's
    cell states (else None), ``h0`` (H,) the initial state, ``y_hat`` the head's output.
    """

    x: np.ndarray
    h: np.ndarray
    c: np.ndarray | None
    h0: np.ndarray
    y_hat: float


def _as_window(model, x) -> torch.Tensor:
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    if len(x) < 1 or not np.isfinite(x).all():
        raise DataError("The input needs at least one finite number.")
    dtype = next(model.parameters()).dtype
    return torch.from_numpy(x).to(dtype).reshape(1, -1, 1)  # (B=1, T, I=1)


def unroll(model, x) -> Unrolled:
    """Run ``x`` (T,) through a recurrent ``model`` and keep every hidden state (first layer)."""
    if isinstance(model, models.MLPModel):
        raise ConfigError("A feed-forward network has no hidden state to unroll.")
    X = _as_window(model, x)
    with torch.no_grad():
        out, trace = model(X, record=True)
    h0 = torch.zeros(model.hidden_size, dtype=X.dtype) if model.h0 is None else model.h0[0].detach()
    c = trace.cell_state[0][0].numpy().copy() if trace.cell_state else None
    return Unrolled(x=X[0, :, 0].numpy().copy(), h=trace.hidden[0][0].numpy().copy(), c=c,
                    h0=h0.numpy().copy(), y_hat=float(out.reshape(-1)[0]))


# ---------------------------------------------------------------- the lecture's notation

@dataclass(frozen=True)
class LectureForm:
    """The lecture's ŷ_t = f(W_xᵀ x_t + W_ŷᵀ ŷ_(t-1) + b), computed in numpy from a vanilla cell's weights.

    ``W_x`` (I, H) = W_ihᵀ, ``W_y`` (H, H) = W_hhᵀ, ``b`` (H,) = b_ih + b_hh (PyTorch keeps two
    biases where the lecture has one; only their sum matters). ``y`` (T, H) are the lecture's
    ŷ_1..ŷ_T, and ``max_difference`` their largest gap to the states h_t the cell computed.
    """

    W_x: np.ndarray
    W_y: np.ndarray
    b: np.ndarray
    y: np.ndarray
    max_difference: float


def lecture_form(model, x) -> LectureForm:
    """Run the lecture's equation on ``x`` (T,) with ``model``'s first-layer weights, and compare with the cell.

    Examples
    --------
    >>> import numpy as np
    >>> form = lecture_form(demo_model("rnn", hidden_size=3), np.array([0.5, -1.0, 2.0]))
    >>> form.W_x.shape, form.W_y.shape, form.max_difference < 1e-12
    ((1, 3), (3, 3), True)
    """
    cell = model.cells[0]
    if model.cell_name != "rnn" or cell.layer_norm:
        raise ConfigError("The lecture's equation is the vanilla cell's (without layer norm); pick the vanilla cell.")
    cell_states = unroll(model, x)
    W_x, W_y = cell.weight_ih.detach().numpy().T, cell.weight_hh.detach().numpy().T
    b = (cell.bias_ih + cell.bias_hh).detach().numpy()
    f = np.tanh if cell.activation == "tanh" else (lambda a: np.maximum(a, 0.0))
    y, y_prev = [], cell_states.h0
    for x_t in cell_states.x:
        y_prev = f(W_x.T @ np.atleast_1d(x_t) + W_y.T @ y_prev + b)
        y.append(y_prev)
    y = np.array(y)
    return LectureForm(W_x, W_y, b, y, float(np.abs(y - cell_states.h).max()))


# ---------------------------------------------------------------- stacked layers

@dataclass(frozen=True)
class Stacked:
    """A two-layer network run over ``x`` (T,): ``h1`` (T, H) the first layer's states, which are the
    second layer's inputs, ``h2`` (T, H) the second layer's states, ``y_hat`` the head on h2_T.
    ``max_difference``: the largest gap between ``h2`` and the second layer's cell run on its own
    with ``h1`` as its input sequence."""

    x: np.ndarray
    h1: np.ndarray
    h2: np.ndarray
    y_hat: float
    input_weights: tuple  # W_ih's shape in layer 1 and in layer 2
    max_difference: float


def stacked(cell: str, x, activation: str = "tanh", seed: int = 0, hidden_size: int = 3) -> Stacked:
    """What a second recurrent layer receives: the first layer's whole sequence of states.

    Layer 1's weights are drawn first from the seed, so they are :func:`demo_model`'s with the
    same arguments, and ``h1`` equals :func:`unroll`'s states.

    Examples
    --------
    >>> import numpy as np
    >>> s = stacked("gru", np.array([0.1, 0.4, -0.3, 0.8]))
    >>> s.h1.shape, s.h2.shape, s.input_weights, s.max_difference < 1e-12
    ((4, 3), (4, 3), ((9, 1), (9, 3)), True)
    """
    model = demo_model(cell, hidden_size, activation, seed, num_layers=2)
    X = _as_window(model, x)
    with torch.no_grad():
        out, trace = model(X, record=True)
        # a one-layer network that reads H numbers per step, given layer 2's cell and fed layer 1's states
        alone_cfg = config.ModelConfig(cell=cell, hidden_size=hidden_size, activation=activation)
        alone = models.build_model(alone_cfg, "next", lookback=MAX_UNROLL, horizon=1, input_size=hidden_size)
        alone = alone.double().eval()
        alone.cells[0] = model.cells[1]
        _, trace_alone = alone(trace.hidden[0], record=True)
    h1, h2 = trace.hidden[0][0].numpy().copy(), trace.hidden[1][0].numpy().copy()
    shapes = tuple(tuple(c.weight_ih.shape) for c in model.cells)
    return Stacked(X[0, :, 0].numpy().copy(), h1, h2, float(out.reshape(-1)[0]), shapes,
                   float(np.abs(trace_alone.hidden[0][0].numpy() - h2).max()))


# ---------------------------------------------------------------- the first step and h_0

def first_step(model, x1: float, h0) -> dict:
    """The first step of a vanilla cell written out: h_1 = f(W_ih x_1 + b_ih + W_hh h_0 + b_hh).

    Returns plain arrays (H,): ``input_part``, ``recurrent_part``, ``h1``; and ``h0``.
    """
    cell = model.cells[0]
    if type(cell) is not VanillaRNNCell:
        raise ConfigError("The first step is written out for the vanilla cell.")
    dtype = cell.weight_ih.dtype
    x = torch.tensor([[float(x1)]], dtype=dtype)  # (1, 1)
    h = torch.as_tensor(np.asarray(h0, dtype=np.float64), dtype=dtype).reshape(1, -1)  # (1, H)
    with torch.no_grad():
        input_part = torch.nn.functional.linear(x, cell.weight_ih, cell.bias_ih)
        recurrent_part = torch.nn.functional.linear(h, cell.weight_hh, cell.bias_hh)
        h1 = cell(x, h)
    return {"h0": h[0].numpy().copy(), "input_part": input_part[0].numpy().copy(),
            "recurrent_part": recurrent_part[0].numpy().copy(), "h1": h1[0].numpy().copy()}


def h0_options(cfg: config.ExperimentConfig, series, hidden_size: int = 3, epochs: int = 30) -> dict:
    """Train a tiny vanilla RNN whose h_0 is learned, then write out its first step both ways.

    The same trained weights take the first value of the first validation window once from
    h_0 = 0 and once from the learned h_0, so the only difference is the W_hh h_0 term.

    All ``epochs`` run whatever the machine's load, so the result is the same every time.

    Returns
    -------
    dict
        ``x1`` (scaled input), ``h0_learned`` (H,), ``zeros`` and ``learned`` (each a
        :func:`first_step` dict), ``epochs`` trained and the final ``val_loss``.
    """
    cfg = cfg.replace(model={"cell": "rnn", "hidden_size": hidden_size, "num_layers": 1, "h0": "learned",
                             "layer_norm": False, "init": "default", "radius": None},
                      train={"epochs": epochs, "grad_every": epochs})
    tr = train.Trainer(cfg, series)
    tr.run()
    X = tr.prepared.val.X if len(tr.prepared.val.X) else tr.prepared.train.X
    x1 = float(X[0, 0, 0])
    h0 = tr.model.h0[0].detach().double().numpy().copy()
    return {"x1": x1, "h0_learned": h0, "zeros": first_step(tr.model, x1, np.zeros_like(h0)),
            "learned": first_step(tr.model, x1, h0), "epochs": tr.epoch,
            "val_loss": tr.history[-1].val_loss if tr.history else math.nan}


# ---------------------------------------------------------------- feed-forward vs recurrent

def compare_config(data_cfg: config.DataConfig, lookback: int = 6, cell: str = "rnn", hidden_size: int = 8,
                   activation: str = "tanh", epochs: int = 40, seed: int = 0) -> config.ExperimentConfig:
    """The small, quick set-up both networks of :func:`compare_ffn_rnn` train with (validated)."""
    return config.validate(config.ExperimentConfig(
        data=data_cfg,
        window=config.WindowConfig(lookback=lookback, horizon=1, mode="next", scaler="standard"),
        model=config.ModelConfig(cell=cell, hidden_size=hidden_size, activation=activation),
        train=config.TrainConfig(epochs=epochs, batch_size=64, lr=0.01, seed=seed, grad_every=epochs),
    ))


def parameter_counts(lookback: int, cell: str = "rnn", hidden_size: int = 8) -> dict:
    """How many numbers each network learns for this lookback: {"rnn": n, "mlp": m}.

    The RNN's count does not depend on the lookback (the same weights serve every step);
    the MLP has one input weight per position and hidden unit, so it grows with it.
    """
    m = config.ModelConfig(cell=cell if cell != "mlp" else "rnn", hidden_size=hidden_size)
    return {name: models.count_parameters(models.build_model(c, "next", lookback, 1))
            for name, c in (("rnn", m), ("mlp", config.ModelConfig(cell="mlp", hidden_size=hidden_size)))}


def predict_window(model, window) -> float:
    """The network's output for one window (T,) of scaled values.

    An RNN takes any T; the MLP raises ConfigError unless T equals its lookback.
    """
    with torch.no_grad():
        return float(model.eval()(_as_window(model, window)).reshape(-1)[0])


def _train(cfg: config.ExperimentConfig, series):
    tr = train.Trainer(cfg, series)
    tr.run()
    truth, pred = tr.targets("val"), tr.predict("val")
    row = {"cell": cfg.model.cell, "parameters": models.count_parameters(tr.model), "epochs": tr.epoch,
           "seconds": float(sum(r.seconds for r in tr.history)), "val_rmse": metrics.rmse(truth, pred),
           "val_mae": metrics.mae(truth, pred), "val_loss": tr.history[-1].val_loss if tr.history else math.nan}
    return tr, row


def compare_ffn_rnn(cfg: config.ExperimentConfig, series, short_length: int | None = None) -> dict:
    """Train an MLP and an RNN on the same windows with the same epochs, then feed both a short window.

    Parameters
    ----------
    cfg : config.ExperimentConfig
        The RNN's set-up (``cfg.model.cell``; "mlp" means a vanilla RNN); the MLP gets the
        same windows, hidden_size, activation, epochs and seed.
    series : data.Series or 1-D array
    short_length : int, optional
        Length of the short window; default half the lookback (at least 1).

    Returns
    -------
    dict
        ``rows``: {"rnn": row, "mlp": row}, each with cell, parameters, epochs, seconds,
        val_rmse, val_mae (series units) and val_loss (scaled); ``curves``: {name: val losses
        per epoch}; ``short``: the short-window demo: ``length``, ``window`` (series units),
        ``truth``, both networks' forecasts from the full last window (``rnn_full``, ``mlp_full``)
        and from its last ``length`` steps (``rnn``; ``mlp`` stays NaN and ``mlp_error`` holds the
        MLP's ConfigError message). Plain numbers only, so the result can be cached.
    """
    cell = cfg.model.cell if cfg.model.cell != "mlp" else "rnn"
    if cfg.window.mode != "next":
        raise ConfigError("The comparison predicts the next value: use window mode 'next'.")
    runs = {name: _train(cfg.replace(model={"cell": c}), series)
            for name, c in (("rnn", cell), ("mlp", "mlp"))}
    lookback = cfg.window.lookback
    k = max(1, lookback // 2) if short_length is None else int(short_length)
    if not 1 <= k < lookback:
        raise ConfigError(f"The short window must be shorter than the lookback ({lookback}), got {k}.")
    prepared = runs["rnn"][0].prepared
    part = prepared.val if len(prepared.val) else prepared.train
    full = np.asarray(part.X[-1, :, 0], dtype=np.float64)  # the last window (scaled), lookback steps
    window = full[-k:]  # its last k steps

    def predict(name, x):  # in the series' units
        return float(prepared.scaler.inverse(predict_window(runs[name][0].model, x)))

    short = {"length": k, "window": prepared.scaler.inverse(window), "truth": float(part.targets[-1, 0]),
             "rnn_full": predict("rnn", full), "mlp_full": predict("mlp", full), "rnn": predict("rnn", window),
             "mlp": math.nan, "mlp_error": ""}
    try:
        short["mlp"] = predict("mlp", window)
    except ConfigError as err:
        short["mlp_error"] = str(err)
    return {"rows": {name: row for name, (_, row) in runs.items()},
            "curves": {name: [r.val_loss for r in tr.history] for name, (tr, _) in runs.items()},
            "short": short}
