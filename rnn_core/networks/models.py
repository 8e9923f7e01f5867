"""Networks that read a window: a recurrent cell looped over time, or the feed-forward baseline.

:class:`SequenceModel` runs a cell from :mod:`rnn_core.networks.cells` step by step over the
window, layer on layer, and puts a head on top for the window mode:

- ``next``:    Linear(H, 1) on the last state          -> (B, 1)
- ``multi``:   Linear(H, horizon) on the last state    -> (B, horizon)
- ``seq2seq``: Linear(H, horizon) at every time step   -> (B, T, horizon)

The same parameters also drive torch's fused RNN/LSTM/GRU kernel when nothing is
being recorded and the cell is one torch has (``uses_fast_path``); ``record=True``
always runs the written-out loop and returns a :class:`Trace` of what happened inside.

Examples
--------
>>> from rnn_core import config
>>> from rnn_core.networks import models
>>> import torch
>>> _ = torch.manual_seed(0)
>>> model = models.build_model(config.ModelConfig(cell="lstm", hidden_size=8), "next", lookback=24, horizon=1)
>>> model(torch.zeros(5, 12, 1)).shape  # a recurrent network takes any window length
torch.Size([5, 1])
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

from rnn_core.config import CELLS, INITS, MODES
from rnn_core.errors import ConfigError, DataError
from rnn_core.networks import fused
from rnn_core.networks.cells import GRUCell, LeakyRNNCell, LSTMCell, SkipRNNCell, VanillaRNNCell

nn = torch.nn
F = torch.nn.functional

CELL_CLASSES = {"rnn": VanillaRNNCell, "leaky": LeakyRNNCell, "skip": SkipRNNCell, "lstm": LSTMCell, "gru": GRUCell}
FUSED_CELLS = ("rnn", "lstm", "gru")


@dataclass
class Trace:
    """What happened inside the network in one forward pass (``record=True``).

    ``hidden``, ``cell_state`` and ``gates`` are detached copies for looking at;
    ``states`` are the live tensors of the recurrence.

    Attributes
    ----------
    hidden : list of Tensor
        Per layer, the hidden states h_1..h_T, (B, T, H).
    cell_state : list of Tensor or None
        LSTM only: per layer, the cell states c_1..c_T, (B, T, H).
    gates : list of dict
        Per layer, gate name -> activations (B, T, H): LSTM i, f, g, o; GRU r, z, n; {} otherwise.
    states : list of Tensor
        The last layer's h_1..h_T, T tensors (B, H), exactly the ones fed into the next
        step. They retain their gradient, so after ``loss.backward()`` ``states[t].grad``
        is dL/dh_t, including its effect through every later step.
    """

    hidden: list = field(default_factory=list)
    cell_state: list | None = None
    gates: list = field(default_factory=list)
    states: list = field(default_factory=list)


def check_window(X, input_size: int) -> None:
    """Raise DataError unless X is a tensor of windows (B, T, input_size) with T >= 1."""
    if not torch.is_tensor(X) or X.dim() != 3 or X.shape[1] < 1 or X.shape[2] != input_size:
        shape = tuple(X.shape) if hasattr(X, "shape") else type(X).__name__
        raise DataError(f"The network takes windows shaped (batch, time steps, {input_size}); got {shape}.")


def _head_size(mode: str, horizon: int) -> int:
    if mode not in MODES:
        raise ConfigError(f"Unknown window mode {mode!r}: choose one of {', '.join(MODES)}.")
    return 1 if mode == "next" else horizon


class SequenceModel(nn.Module):
    """A recurrent cell looped over the window, ``num_layers`` deep, with a head for the mode.

    Parameters
    ----------
    model_cfg : rnn_core.config.ModelConfig
        ``cell`` is one of rnn, leaky, skip, lstm, gru.
    mode : {"next", "multi", "seq2seq"}
    horizon : int
    input_size : int
        Features per time step (1 for a univariate series).
    """

    def __init__(self, model_cfg, mode: str = "next", horizon: int = 1, input_size: int = 1):
        super().__init__()
        if model_cfg.cell not in CELL_CLASSES:
            raise ConfigError(f"Unknown cell {model_cfg.cell!r}: choose one of {', '.join(CELL_CLASSES)}.")
        self.cell_name, self.mode, self.horizon, self.input_size = model_cfg.cell, mode, horizon, input_size
        self.hidden_size, self.num_layers = model_cfg.hidden_size, model_cfg.num_layers
        self.cells = nn.ModuleList(self._make_cell(model_cfg, input_size if layer == 0 else self.hidden_size)
                                   for layer in range(self.num_layers))
        learned = model_cfg.h0 == "learned"
        self.h0 = nn.ParameterList(torch.zeros(self.hidden_size) for _ in self.cells) if learned else None
        self.c0 = (nn.ParameterList(torch.zeros(self.hidden_size) for _ in self.cells)
                   if learned and self.cell_name == "lstm" else None)
        self.head = nn.Linear(self.hidden_size, _head_size(mode, horizon))
        self.allow_fused = True  # set False to run the written-out loop even when nothing is recorded

    @staticmethod
    def _make_cell(cfg, input_size: int):
        kind, args = cfg.cell, (input_size, cfg.hidden_size)
        if kind in ("lstm", "gru"):
            return CELL_CLASSES[kind](*args, layer_norm=cfg.layer_norm)
        extra = {"leaky": {"alpha": cfg.alpha}, "skip": {"skip": cfg.skip}}.get(kind, {})
        return CELL_CLASSES[kind](*args, activation=cfg.activation, layer_norm=cfg.layer_norm, **extra)

    @property
    def uses_fast_path(self) -> bool:
        """True when a forward without ``record`` runs torch's fused kernel on these parameters."""
        return self.allow_fused and self.cell_name in FUSED_CELLS and not self.cells[0].layer_norm

    def recurrent_weights(self) -> list:
        """W_hh of every layer, (G*H, H) each, gate blocks stacked as in torch."""
        return [cell.weight_hh for cell in self.cells]

    def _initial(self, params, batch: int, like):
        """Per layer, the initial state expanded over the batch (B, H): zeros or the learned one."""
        if params is None:
            return [like.new_zeros(batch, self.hidden_size) for _ in self.cells]
        return [p.expand(batch, -1) for p in params]

    def forward(self, X, record: bool = False):
        """X (B, T, I) -> (B, 1) | (B, horizon) | (B, T, horizon); with ``record``, (output, Trace)."""
        check_window(X, self.input_size)
        if record or not self.uses_fast_path:
            top, trace = self._loop(X, record)  # top: the last layer's states, (B, T, H) or last (B, H)
        else:
            top, trace = self._fused(X), None
        out = self.head(top)
        return (out, trace) if record else out

    def _fused(self, X):
        """torch's own multi-layer kernel, run on this model's parameters; (B, T, H) or (B, H)."""
        weights = [p for cell in self.cells for p in (cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)]
        state = torch.stack(self._initial(self.h0, X.shape[0], X))  # (L, B, H)
        if self.cell_name == "lstm":
            state = (state, torch.stack(self._initial(self.c0, X.shape[0], X)))
        kind = self.cell_name if self.cell_name in ("lstm", "gru") else f"rnn_{self.cells[0].activation}"
        out = fused.run(kind, X, state, weights, self.num_layers, self.training)
        return out if self.mode == "seq2seq" else out[:, -1]

    def _loop(self, X, record: bool):
        """The written-out recurrence, layer by layer; returns (top, Trace or None)."""
        B, T, _ = X.shape
        kind, inputs = self.cell_name, X
        trace = Trace(cell_state=[] if kind == "lstm" else None) if record else None
        h0s, c0s = self._initial(self.h0, B, X), self._initial(self.c0, B, X)
        for layer, cell in enumerate(self.cells):
            last_layer = layer == self.num_layers - 1
            # The input part W_ih x_t + b_ih of every step in one matrix product: (B, T, G*H) -> T x (B, G*H)
            x_proj = F.linear(inputs, cell.weight_ih, cell.bias_ih).unbind(1)
            h, c = h0s[layer], c0s[layer]
            hs, cs, gates = [], [], {name: [] for name in cell.gate_names}
            for t in range(T):
                if kind == "lstm":
                    out = cell(None, (h, c), return_gates=record, x_proj=x_proj[t])
                elif kind == "gru":
                    out = cell(None, h, return_gates=record, x_proj=x_proj[t])
                elif kind == "skip":
                    h_skip = hs[t - cell.skip] if t >= cell.skip else h0s[layer]  # h_{t-k}, h_0 before t = k
                    out = cell(None, h, h_skip, x_proj=x_proj[t])
                else:
                    out = cell(None, h, x_proj=x_proj[t])
                if record and gates:
                    out, step_gates = out
                    for name, value in step_gates.items():
                        gates[name].append(value)
                h, c = out if kind == "lstm" else (out, c)
                if record and last_layer and h.requires_grad:
                    h.retain_grad()  # so dL/dh_t can be read after backward
                hs.append(h)
                cs.append(c)
            if record:
                trace.hidden.append(torch.stack(hs, 1).detach())
                if kind == "lstm":
                    trace.cell_state.append(torch.stack(cs, 1).detach())
                trace.gates.append({name: torch.stack(v, 1).detach() for name, v in gates.items()})
                if last_layer:
                    trace.states = hs
            if not last_layer or self.mode == "seq2seq":
                inputs = torch.stack(hs, 1)  # (B, T, H): the next layer's input, or the head's
        return (inputs if self.mode == "seq2seq" else hs[-1]), trace


class MLPModel(nn.Module):
    """The feed-forward baseline: the whole window flattened, ``num_layers`` hidden layers, a head.

    It has one input weight per position in the window, so unlike an RNN it only takes
    windows of exactly ``lookback`` steps.
    """

    uses_fast_path = False

    def __init__(self, model_cfg, mode: str, lookback: int, horizon: int, input_size: int = 1):
        super().__init__()
        if model_cfg.activation not in ("tanh", "relu"):
            raise ConfigError(f"Unknown activation {model_cfg.activation!r}: choose tanh or relu.")
        self.mode, self.lookback, self.horizon, self.input_size = mode, lookback, horizon, input_size
        self.activation = model_cfg.activation
        widths = [lookback * input_size] + [model_cfg.hidden_size] * model_cfg.num_layers
        self.hidden = nn.ModuleList(nn.Linear(a, b) for a, b in zip(widths[:-1], widths[1:], strict=True))
        size = _head_size(mode, horizon)
        self.head = nn.Linear(widths[-1], lookback * size if mode == "seq2seq" else size)

    def recurrent_weights(self) -> list:
        return []

    def activations(self, X) -> list:
        """Each hidden layer's output for windows X (B, T, I): a list of (B, hidden_size)."""
        check_window(X, self.input_size)
        T = X.shape[1]
        if T != self.lookback:
            raise ConfigError(
                f"The feed-forward network was built for windows of {self.lookback} values and cannot take {T}: "
                "it has one input weight per position in the window. An RNN reuses the same weights at every "
                "step, so an RNN can.")
        z, out = X.reshape(X.shape[0], -1), []  # (B, T*I)
        for layer in self.hidden:
            z = layer(z)
            z = torch.tanh(z) if self.activation == "tanh" else torch.relu(z)
            out.append(z)
        return out

    def forward(self, X, record: bool = False):
        """X (B, lookback, I) -> (B, 1) | (B, horizon) | (B, lookback, horizon); record adds an empty Trace."""
        y = self.head(self.activations(X)[-1])
        if self.mode == "seq2seq":
            y = y.reshape(X.shape[0], self.lookback, self.horizon)
        return (y, Trace()) if record else y


def _initialise(model: SequenceModel, init: str, radius) -> None:
    """Re-initialise every recurrent weight block (one per gate) as asked."""
    if init not in INITS:
        raise ConfigError(f"Unknown initialisation {init!r}: choose one of {', '.join(INITS)}.")
    with torch.no_grad():
        for cell in model.cells:
            for block in cell.weight_hh.split(cell.hidden_size, dim=0):  # views: writes reach the parameter
                if init == "orthogonal":
                    nn.init.orthogonal_(block)
                elif init == "identity":
                    block.copy_(torch.eye(cell.hidden_size))
                if radius is not None:
                    rho = float(torch.linalg.eigvals(block.double()).abs().max())
                    if rho > 0:
                        block.mul_(radius / rho)
            if init == "identity":  # IRNN (Le et al. 2015): the state is carried over unchanged at first
                cell.bias_ih.zero_()
                cell.bias_hh.zero_()


def build_model(model_cfg, mode: str, lookback: int, horizon: int, input_size: int = 1):
    """The network a config describes, with a head for the window mode.

    Does not seed: call ``torch.manual_seed`` first; the same seed gives the same weights.

    Parameters
    ----------
    model_cfg : rnn_core.config.ModelConfig
    mode : {"next", "multi", "seq2seq"}
    lookback, horizon : int
        Window length (only the MLP is tied to it) and values predicted per step.
    input_size : int

    Returns
    -------
    SequenceModel or MLPModel
        ``init`` "default" keeps torch's uniform ±1/sqrt(H); "orthogonal" makes each gate's
        W_hh block orthogonal; "identity" makes each block the identity and zeroes the cell's
        biases (the IRNN, meant for relu). ``radius`` then rescales each W_hh block to that
        spectral radius (max |eigenvalue|); ``keep_bias`` is added to an LSTM's or GRU's
        keep-gate bias. The MLP ignores ``init``, ``radius`` and ``keep_bias``.
    """
    if model_cfg.cell not in CELLS:
        raise ConfigError(f"Unknown cell {model_cfg.cell!r}: choose one of {', '.join(CELLS)}.")
    if model_cfg.cell == "mlp":
        return MLPModel(model_cfg, mode, lookback, horizon, input_size)
    model = SequenceModel(model_cfg, mode, horizon, input_size)
    if model_cfg.init != "default" or model_cfg.radius is not None:
        _initialise(model, model_cfg.init, model_cfg.radius)
    if model_cfg.keep_bias and model_cfg.cell in KEEP_GATE_BLOCK:
        _bias_keep_gate(model, model_cfg.keep_bias)
    return model


# W_hh block of the gate that keeps the old state, in torch's gate order: LSTM (i, f, g, o) f, GRU (r, z, n) z
KEEP_GATE_BLOCK = {"lstm": 1, "gru": 1}


def _bias_keep_gate(model, keep_bias: float) -> None:
    """Add ``keep_bias`` to the keep gate's bias in every layer: with 3, σ(3) ≈ 0.95 keeps the state from the start."""
    block = KEEP_GATE_BLOCK[model.cell_name]
    with torch.no_grad():
        for cell in model.cells:
            H = cell.hidden_size
            cell.bias_hh[block * H:(block + 1) * H] += keep_bias


def count_parameters(model) -> int:
    """How many numbers the network learns (learned initial states included)."""
    return sum(p.numel() for p in model.parameters())
