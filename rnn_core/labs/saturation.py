"""Saturation: where a vanilla cell's pre-activations land on its activation curve, for raw and
for standardised inputs (the Recurrent layer page's histogram and its numbers).

The same seeded cell as :func:`rnn_core.labs.layer.demo_model` reads windows of a series; the
shares of saturated units and of flat slopes say how much gradient can get back through it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from rnn_core.data import windows
from rnn_core.errors import ConfigError, DataError
from rnn_core.labs.layer import demo_model, training_scaler

SATURATED = 0.99  # |tanh| above this has a slope below 0.02: the gradient barely gets through
FLAT_SLOPE = 0.02
MAX_SATURATION_WINDOWS = 256  # enough windows for a histogram, few enough to stay instant


@dataclass(frozen=True)
class Saturation:
    """What a vanilla cell's nonlinearity saw. ``pre`` (n,) pre-activations W_ih x + W_hh h + b,
    ``h`` (n,) the values after it, both flattened over windows, steps and units."""

    activation: str
    pre: np.ndarray
    h: np.ndarray
    frac_saturated: float  # share of |h| > 0.99
    frac_flat: float  # share whose slope f'(a) < 0.02: the gradient barely gets through
    max_abs_h: float


def preactivations(model, X) -> tuple[np.ndarray, np.ndarray]:
    """Pre-activations and hidden states of a one-layer vanilla model for windows X (N, T, 1).

    Returns two arrays (N, T, H): a_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh, and h_t = f(a_t).
    """
    cell = model.cells[0]
    if model.cell_name != "rnn" or cell.layer_norm or model.num_layers != 1:
        raise ConfigError("Pre-activations are shown for a one-layer vanilla cell without layer norm.")
    X = torch.as_tensor(np.asarray(X), dtype=next(model.parameters()).dtype)
    with torch.no_grad():
        _, trace = model(X, record=True)
        h = trace.hidden[0]  # (N, T, H)
        h_prev = torch.cat([torch.zeros_like(h[:, :1]), h[:, :-1]], dim=1)  # h_0 = 0, then h_1..h_{T-1}
        a = (torch.nn.functional.linear(X, cell.weight_ih, cell.bias_ih)
             + torch.nn.functional.linear(h_prev, cell.weight_hh, cell.bias_hh))
    return a.numpy(), h.numpy()


def _windows(values: np.ndarray, lookback: int) -> np.ndarray:
    """Overlapping windows (N, lookback, 1), at most MAX_SATURATION_WINDOWS of them, evenly spread."""
    X, _ = windows.make_windows(values, lookback=lookback, horizon=1, mode="next")
    keep = np.unique(np.linspace(0, len(X) - 1, min(len(X), MAX_SATURATION_WINDOWS)).round().astype(int))
    return np.asarray(X, dtype=np.float64)[keep]


def saturation(values, activation: str = "tanh", lookback: int = 8, hidden_size: int = 16,
               seed: int = 0) -> Saturation:
    """Feed windows of ``values`` (as given: raw or scaled) through a seeded vanilla cell."""
    model = demo_model("rnn", hidden_size=hidden_size, activation=activation, seed=seed)
    a, h = preactivations(model, _windows(np.asarray(values, dtype=np.float64), lookback))
    slope = 1 - np.tanh(a) ** 2 if activation == "tanh" else (a > 0).astype(float)
    return Saturation(activation=activation, pre=a.reshape(-1), h=h.reshape(-1),
                      frac_saturated=float((np.abs(h) > SATURATED).mean()),
                      frac_flat=float((slope < FLAT_SLOPE).mean()), max_abs_h=float(np.abs(h).max()))


def saturation_pair(values, activation: str = "tanh", lookback: int = 8, hidden_size: int = 16,
                    seed: int = 0) -> dict:
    """The same cell (same seed) on the raw values and on standardised ones.

    The mean and std come from the training part (:func:`rnn_core.labs.layer.training_scaler`), as in training.
    Returns {"raw": Saturation, "scaled": Saturation}.

    Examples
    --------
    >>> from rnn_core import data
    >>> pair = saturation_pair(data.load("collatz", start=27).values)
    >>> pair["raw"].frac_saturated > pair["scaled"].frac_saturated
    True
    """
    values = np.asarray(values, dtype=np.float64)
    if len(values) <= lookback:
        raise DataError(f"The sequence has {len(values)} values: it needs more than the lookback ({lookback}).")
    kw = dict(activation=activation, lookback=lookback, hidden_size=hidden_size, seed=seed)
    scaled = training_scaler(values).transform(values)
    return {"raw": saturation(values, **kw), "scaled": saturation(scaled, **kw)}
