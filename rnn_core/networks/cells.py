r"""Recurrent cells written out step by step: each ``forward`` is the lecture's equation.

A cell does one time step. It takes the input :math:`x_t` (B, I) and the previous state
:math:`h_{t-1}` (B, H) and returns :math:`h_t`; :class:`rnn_core.networks.models.SequenceModel`
loops it over the window. The ``equation`` class attribute is the same formula in LaTeX.

Parameters use torch's names and layout, so a cell can be checked against torch's own:
``weight_ih`` (G*H, I), ``weight_hh`` (G*H, H), ``bias_ih`` and ``bias_hh`` (G*H,), with
the G gate blocks stacked in torch's order (LSTM: i, f, g, o; GRU: r, z, n). Because the
layout is the same, the fused ``torch.nn.RNN``/``LSTM``/``GRU`` kernels can run on these
very parameters, and :meth:`from_torch` copies a torch cell one to one.

``x_proj``: every ``forward`` can be handed :math:`W_{ih} x_t + b_{ih}` already computed.
The model computes it for all time steps in one matrix product before the loop (it does
not depend on the state), which keeps the written-out loop close to torch's speed.

``layer_norm=True`` (the lecture's "layer normalization across features") applies a
LayerNorm over the H features of each pre-activation, just before its nonlinearity:
the whole pre-activation for the vanilla, leaky and skip cells; each gate's own
pre-activation for the LSTM (i, f, g, o) and the GRU (r, z and the candidate n, the
latter after the reset gate is applied). The LSTM's cell state is not normalised.

Examples
--------
>>> import torch
>>> from rnn_core.networks.cells import GRUCell
>>> ours = GRUCell.from_torch(torch.nn.GRUCell(1, 4))
>>> ours(torch.zeros(2, 1), torch.zeros(2, 4)).shape
torch.Size([2, 4])
"""

from __future__ import annotations

import math

import torch

from rnn_core.errors import ConfigError

nn = torch.nn
F = torch.nn.functional

ACTIVATIONS = ("tanh", "relu")


class _Cell(nn.Module):
    """What every cell shares: torch-layout parameters, torch's initialisation, layer norm."""

    num_gates = 1
    gate_names: tuple = ()  # names of the gate blocks that a Trace records (none for plain RNNs)
    candidate_block = 0  # which W_hh block makes the new candidate state (spectral radius)
    torch_class = None  # the torch cell that from_torch accepts
    equation = ""

    def __init__(self, input_size: int, hidden_size: int, layer_norm: bool = False):
        super().__init__()
        for what, n in (("Input size", input_size), ("Hidden size", hidden_size)):
            if not isinstance(n, int) or isinstance(n, bool) or n < 1:
                raise ConfigError(f"{what} must be a whole number of at least 1 (got {n!r}).")
        self.input_size, self.hidden_size, self.layer_norm = input_size, hidden_size, bool(layer_norm)
        rows = self.num_gates * hidden_size
        self.weight_ih = nn.Parameter(torch.empty(rows, input_size))
        self.weight_hh = nn.Parameter(torch.empty(rows, hidden_size))
        self.bias_ih = nn.Parameter(torch.empty(rows))
        self.bias_hh = nn.Parameter(torch.empty(rows))
        # One LayerNorm per gate: gates mean different things, so each gets its own gain and bias.
        self.norms = nn.ModuleList(nn.LayerNorm(hidden_size) for _ in range(self.num_gates)) if layer_norm else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Uniform in ±1/sqrt(H), in torch's parameter order: the same seed gives torch's weights."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for p in self.parameters(recurse=False):
            nn.init.uniform_(p, -bound, bound)

    def input_part(self, x, x_proj=None):
        """W_ih x + b_ih (B, G*H), unless the model has already computed it (x_proj)."""
        return F.linear(x, self.weight_ih, self.bias_ih) if x_proj is None else x_proj

    def norm(self, gate: int, a):
        """LayerNorm of one gate's pre-activation (B, H); the identity when layer_norm is off."""
        return a if self.norms is None else self.norms[gate](a)

    @classmethod
    def from_torch(cls, torch_cell, **kwargs):
        """A new cell holding a copy of the weights of a ``torch.nn`` cell of the matching kind.

        Parameters
        ----------
        torch_cell : torch.nn.RNNCell, torch.nn.LSTMCell or torch.nn.GRUCell
            Matching this class. A cell built with ``bias=False`` gives zero biases.
        **kwargs
            Passed to the constructor (e.g. ``alpha`` for :class:`LeakyRNNCell`).

        Returns
        -------
        _Cell
            Its outputs agree with ``torch_cell``'s to float rounding (1e-6 in float32).
        """
        if not isinstance(torch_cell, cls.torch_class):
            raise ConfigError(f"{cls.__name__}.from_torch needs a torch.nn.{cls.torch_class.__name__}, "
                              f"not {type(torch_cell).__name__}.")
        cell = cls(torch_cell.input_size, torch_cell.hidden_size, **kwargs)
        with torch.no_grad():
            cell.weight_ih.copy_(torch_cell.weight_ih)
            cell.weight_hh.copy_(torch_cell.weight_hh)
            for name in ("bias_ih", "bias_hh"):
                theirs = getattr(torch_cell, name)
                if theirs is None:
                    getattr(cell, name).zero_()
                else:
                    getattr(cell, name).copy_(theirs)
        return cell.to(torch_cell.weight_ih.dtype)

    def extra_repr(self) -> str:
        return f"{self.input_size}, {self.hidden_size}" + (", layer_norm=True" if self.layer_norm else "")


class VanillaRNNCell(_Cell):
    r"""The simplest recurrent layer: one feedback connection through a nonlinearity f.

    h_t = f(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh), f = tanh or relu (torch.nn.RNNCell).

    Parameters
    ----------
    input_size, hidden_size : int
    activation : {"tanh", "relu"}
    layer_norm : bool
        LayerNorm over the H features of the pre-activation, before f.
    """

    torch_class = nn.RNNCell
    equation = r"h_t = f\left(W_{ih}\,x_t + b_{ih} + W_{hh}\,h_{t-1} + b_{hh}\right), \quad f \in \{\tanh, \mathrm{relu}\}"

    def __init__(self, input_size: int, hidden_size: int, activation: str = "tanh", layer_norm: bool = False):
        super().__init__(input_size, hidden_size, layer_norm)
        if activation not in ACTIVATIONS:
            raise ConfigError(f"Unknown activation {activation!r}: choose tanh or relu.")
        self.activation = activation

    def f(self, a):
        """The nonlinearity: tanh squashes into (-1, 1), relu cuts negatives to 0."""
        return torch.tanh(a) if self.activation == "tanh" else torch.relu(a)

    def forward(self, x, h, x_proj=None):
        """x (B, I), h = h_{t-1} (B, H) -> h_t (B, H)."""
        a = self.input_part(x, x_proj) + F.linear(h, self.weight_hh, self.bias_hh)  # W_ih x + b_ih + W_hh h + b_hh
        return self.f(self.norm(0, a))

    @classmethod
    def from_torch(cls, torch_cell, **kwargs):
        """Copy a ``torch.nn.RNNCell``; its nonlinearity ("tanh" or "relu") becomes ``activation``."""
        if isinstance(torch_cell, nn.RNNCell):
            kwargs.setdefault("activation", torch_cell.nonlinearity)
        return super().from_torch(torch_cell, **kwargs)

    def extra_repr(self) -> str:
        return super().extra_repr() + f", activation={self.activation}"


class LeakyRNNCell(VanillaRNNCell):
    r"""A vanilla cell with a smooth self-connection that damps the exponential decay.

    h_t = alpha h_{t-1} + (1 - alpha) f(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh).
    alpha = 0 is exactly the vanilla cell; alpha near 1 keeps most of the old state.
    """

    equation = (r"h_t = \alpha\,h_{t-1} + (1-\alpha)\,"
                r"f\left(W_{ih}\,x_t + b_{ih} + W_{hh}\,h_{t-1} + b_{hh}\right)")

    def __init__(self, input_size: int, hidden_size: int, activation: str = "tanh", layer_norm: bool = False,
                 alpha: float = 0.5):
        super().__init__(input_size, hidden_size, activation, layer_norm)
        if not (isinstance(alpha, (int, float)) and 0 <= alpha < 1):
            raise ConfigError(f"The leaky alpha must be in [0, 1) (got {alpha!r}).")
        self.alpha = float(alpha)

    def forward(self, x, h, x_proj=None):
        """x (B, I), h = h_{t-1} (B, H) -> h_t (B, H)."""
        a = self.input_part(x, x_proj) + F.linear(h, self.weight_hh, self.bias_hh)  # the vanilla pre-activation
        return self.alpha * h + (1 - self.alpha) * self.f(self.norm(0, a))

    def extra_repr(self) -> str:
        return super().extra_repr() + f", alpha={self.alpha}"


class SkipRNNCell(VanillaRNNCell):
    r"""A vanilla cell that also sees the state k steps back (a skip connection through time).

    h_t = f(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh + W_hs h_{t-k}), with weight_hs (H, H).
    The model passes h_{t-k}; before t = k that is the initial state h_0.
    """

    equation = (r"h_t = f\left(W_{ih}\,x_t + b_{ih} + W_{hh}\,h_{t-1} + b_{hh}"
                r" + W_{hs}\,h_{t-k}\right)")

    def __init__(self, input_size: int, hidden_size: int, activation: str = "tanh", layer_norm: bool = False,
                 skip: int = 2):
        super().__init__(input_size, hidden_size, activation, layer_norm)
        if not isinstance(skip, int) or isinstance(skip, bool) or skip < 1:
            raise ConfigError(f"The skip length k must be a whole number of at least 1 (got {skip!r}).")
        self.skip = skip
        self.weight_hs = nn.Parameter(torch.empty(hidden_size, hidden_size))
        bound = 1.0 / math.sqrt(hidden_size)
        nn.init.uniform_(self.weight_hs, -bound, bound)

    def forward(self, x, h, h_skip, x_proj=None):
        """x (B, I), h = h_{t-1} (B, H), h_skip = h_{t-k} (B, H) -> h_t (B, H)."""
        a = (self.input_part(x, x_proj) + F.linear(h, self.weight_hh, self.bias_hh)
             + F.linear(h_skip, self.weight_hs))  # the vanilla pre-activation plus W_hs h_{t-k}
        return self.f(self.norm(0, a))

    def extra_repr(self) -> str:
        return super().extra_repr() + f", skip={self.skip}"


class LSTMCell(_Cell):
    r"""Long short-term memory, torch's formulation: a cell state c that gates write to and read from.

    i, f, o = sigmoid(W_i* x + b_i* + W_h* h + b_h*), g = tanh(...);
    c_t = f * c_{t-1} + i * g;  h_t = o * tanh(c_t).
    """

    num_gates = 4
    gate_names = ("i", "f", "g", "o")
    candidate_block = 2
    torch_class = nn.LSTMCell
    equation = r"""\begin{aligned}
i_t &= \sigma(W_{ii}\,x_t + b_{ii} + W_{hi}\,h_{t-1} + b_{hi}) \\
f_t &= \sigma(W_{if}\,x_t + b_{if} + W_{hf}\,h_{t-1} + b_{hf}) \\
g_t &= \tanh(W_{ig}\,x_t + b_{ig} + W_{hg}\,h_{t-1} + b_{hg}) \\
o_t &= \sigma(W_{io}\,x_t + b_{io} + W_{ho}\,h_{t-1} + b_{ho}) \\
c_t &= f_t \odot c_{t-1} + i_t \odot g_t \\
h_t &= o_t \odot \tanh(c_t)
\end{aligned}"""

    def forward(self, x, state, return_gates=False, x_proj=None):
        """x (B, I), state = (h_{t-1}, c_{t-1}) each (B, H) -> (h_t, c_t) [, gates i, f, g, o each (B, H)]."""
        h, c = state
        a = self.input_part(x, x_proj) + F.linear(h, self.weight_hh, self.bias_hh)  # (B, 4H): all gates at once
        a_i, a_f, a_g, a_o = a.chunk(4, dim=1)
        i = torch.sigmoid(self.norm(0, a_i))  # input gate: how much of the candidate to write
        f = torch.sigmoid(self.norm(1, a_f))  # forget gate: how much of the old cell state to keep
        g = torch.tanh(self.norm(2, a_g))  # candidate values
        o = torch.sigmoid(self.norm(3, a_o))  # output gate: how much of the cell state to show
        c = f * c + i * g
        h = o * torch.tanh(c)
        if return_gates:
            return (h, c), {"i": i, "f": f, "g": g, "o": o}
        return h, c


class GRUCell(_Cell):
    r"""Gated recurrent unit in PyTorch's form (the reset gate scales W_hn h + b_hn).

    r = sigmoid(W_ir x + b_ir + W_hr h + b_hr);  z = sigmoid(W_iz x + b_iz + W_hz h + b_hz);
    n = tanh(W_in x + b_in + r * (W_hn h + b_hn));  h_t = (1 - z) * n + z * h_{t-1}.
    """

    num_gates = 3
    gate_names = ("r", "z", "n")
    candidate_block = 2
    torch_class = nn.GRUCell
    equation = r"""\begin{aligned}
r_t &= \sigma(W_{ir}\,x_t + b_{ir} + W_{hr}\,h_{t-1} + b_{hr}) \\
z_t &= \sigma(W_{iz}\,x_t + b_{iz} + W_{hz}\,h_{t-1} + b_{hz}) \\
n_t &= \tanh\big(W_{in}\,x_t + b_{in} \\
    &\qquad\quad + r_t \odot (W_{hn}\,h_{t-1} + b_{hn})\big) \\
h_t &= (1 - z_t) \odot n_t + z_t \odot h_{t-1}
\end{aligned}"""

    def forward(self, x, h, return_gates=False, x_proj=None):
        """x (B, I), h = h_{t-1} (B, H) -> h_t (B, H) [, gates r, z, n each (B, H)]."""
        x_r, x_z, x_n = self.input_part(x, x_proj).chunk(3, dim=1)  # W_i* x + b_i*
        h_r, h_z, h_n = F.linear(h, self.weight_hh, self.bias_hh).chunk(3, dim=1)  # W_h* h + b_h*
        r = torch.sigmoid(self.norm(0, x_r + h_r))  # reset gate: how much of h the candidate sees
        z = torch.sigmoid(self.norm(1, x_z + h_z))  # update gate: how much of the old h to keep
        n = torch.tanh(self.norm(2, x_n + r * h_n))  # candidate state
        h = (1 - z) * n + z * h
        if return_gates:
            return h, {"r": r, "z": z, "n": n}
        return h
