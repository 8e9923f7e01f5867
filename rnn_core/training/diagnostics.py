"""Looking inside a network: gradients through time, how far back it looks, saturation, gates.

Every function takes a model from :func:`rnn_core.networks.models.build_model` and windows shaped
as :func:`rnn_core.data.windows.make_windows` gives them (numpy arrays or tensors), and leaves
the model as it found it: no parameter changes, no ``.grad`` left on parameters, the
train/eval mode restored.

Examples
--------
>>> import numpy as np
>>> from rnn_core import config
>>> from rnn_core.training import diagnostics
>>> from rnn_core.networks import models
>>> model = models.build_model(config.ModelConfig(cell="rnn", hidden_size=4), "next", 5, 1)
>>> X, Y = np.zeros((3, 5, 1)), np.zeros((3, 1))
>>> diagnostics.hidden_grad_norms(model, X, Y).shape
(5,)
"""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np
import torch

from rnn_core.errors import ConfigError, DataError
from rnn_core.networks.models import MLPModel, check_window

F = torch.nn.functional
LOSSES = {"mse": F.mse_loss, "mae": F.l1_loss}


def _tensor(a, model, what: str):
    """numpy or tensor -> a float tensor of the model's dtype, detached from any graph."""
    dtype = next(model.parameters()).dtype
    try:
        return torch.as_tensor(np.asarray(a) if not torch.is_tensor(a) else a).detach().to(dtype)
    except (TypeError, ValueError) as err:
        raise DataError(f"{what} must be an array of numbers ({err}).") from None


@contextmanager
def _eval(model):
    """Evaluation mode inside, the caller's mode restored after."""
    was_training = model.training
    model.eval()
    try:
        yield
    finally:
        model.train(was_training)


def _is_recurrent(model) -> bool:
    return not isinstance(model, MLPModel)


def hidden_grad_norms(model, X, Y, loss: str = "mse") -> np.ndarray:
    """||dL/dh_t|| for t = 1..T: how much the loss still feels each step's hidden state.

    Vanishing gradients show as norms that shrink by orders of magnitude going back in
    time; exploding ones as norms that grow.

    Parameters
    ----------
    model : SequenceModel or MLPModel
    X : array (N, T, I)
    Y : array (N, 1) | (N, horizon) | (N, T, horizon), as the model outputs
    loss : {"mse", "mae"}

    Returns
    -------
    np.ndarray (T,)
        The norm over the batch and the H features of the last layer's dL/dh_t. For the
        feed-forward MLP, which has no hidden state through time, all NaN.

    Notes
    -----
    The gradient is taken with ``torch.autograd.grad`` with respect to the recorded
    states only, so parameter ``.grad`` fields are never touched.
    """
    if loss not in LOSSES:
        raise ConfigError(f"Unknown loss {loss!r}: choose one of {', '.join(LOSSES)}.")
    X, Y = _tensor(X, model, "X"), _tensor(Y, model, "Y")
    check_window(X, model.input_size)
    if not _is_recurrent(model):
        return np.full(X.shape[1], np.nan)
    # X asks for a gradient so that the states do too, even when the cell's weights are frozen
    X.requires_grad_(True)
    with _eval(model), torch.enable_grad():
        out, trace = model(X, record=True)
        if out.shape != Y.shape:
            raise DataError(f"The targets are shaped {tuple(Y.shape)} but the network predicts {tuple(out.shape)}.")
        grads = torch.autograd.grad(LOSSES[loss](out, Y), trace.states)  # T x (B, H)
    return np.array([float(g.norm()) for g in grads])


def input_connectivity(model, X) -> np.ndarray:
    """How strongly the prediction depends on each input step: mean |d y_hat / d x_t|.

    Parameters
    ----------
    model : SequenceModel or MLPModel
    X : array (N, T, I)

    Returns
    -------
    np.ndarray (T,)
        For each input step t, the batch mean of sum over outputs j and features of
        |d y_hat_j / d x_t|. For seq2seq the outputs are the last time step's horizon
        values (the ones that are scored, and the ones that see the whole window).
    """
    X = _tensor(X, model, "X").requires_grad_(True)
    with _eval(model), torch.enable_grad():
        out = model(X)
        if out.dim() == 3:
            out = out[:, -1]  # (B, horizon): the last step's forecast
        total = torch.zeros_like(X)
        for j in range(out.shape[1]):  # samples are independent, so summing over the batch is safe
            (g,) = torch.autograd.grad(out[:, j].sum(), X, retain_graph=j < out.shape[1] - 1)
            total += g.abs()  # (B, T, I)
    return total.sum(2).mean(0).numpy().astype(float)


def spectral_radius(model) -> float:
    """The largest |eigenvalue| of the recurrent weight, maximised over layers.

    For the vanilla, leaky and skip cells that is W_hh itself (the skip cell's W_hs is
    left out); for gated cells the block that makes the candidate state, LSTM's g block
    and GRU's n block. Above 1 the state can grow step after step; well below 1 it (and
    the gradient through it) fades. NaN for the MLP.
    """
    if not _is_recurrent(model):
        return float("nan")
    radii = []
    for cell in model.cells:
        H, k = cell.hidden_size, cell.candidate_block
        block = cell.weight_hh.detach()[k * H:(k + 1) * H].double()  # (H, H)
        radii.append(float(torch.linalg.eigvals(block).abs().max()))
    return max(radii)


def _tanh_and_relu_values(model, X):
    """The values that went through tanh and through relu, each a list of (..., H) tensors."""
    if not _is_recurrent(model):
        hidden = model.activations(X)  # list of (B, H)
        return (hidden, []) if model.activation == "tanh" else ([], hidden)
    _, trace = model(X, record=True)
    if model.cell_name == "lstm":
        return [g["g"] for g in trace.gates], []
    if model.cell_name == "gru":
        return [g["n"] for g in trace.gates], []
    return (trace.hidden, []) if model.cells[0].activation == "tanh" else ([], trace.hidden)


def saturation(model, X, threshold: float = 0.99) -> dict:
    """How many units are stuck: saturated tanh values and dead relu units.

    Parameters
    ----------
    model : SequenceModel or MLPModel
    X : array (N, T, I)
    threshold : float
        |value| above which a tanh output counts as saturated (its slope is below 2 %).

    Returns
    -------
    dict
        ``saturated``: the fraction of tanh outputs with |value| > threshold (the hidden
        states of tanh RNNs and MLPs; the candidate g / n of an LSTM / GRU).
        ``dead``: the fraction of relu units that are 0 for every window and step.
        NaN where the network has no such units.
    """
    X = _tensor(X, model, "X")
    with _eval(model), torch.no_grad():
        tanh_values, relu_values = _tanh_and_relu_values(model, X)
    saturated = float("nan")
    if tanh_values:
        flat = torch.cat([v.reshape(-1) for v in tanh_values])
        saturated = float((flat.abs() > threshold).float().mean())
    dead = float("nan")
    if relu_values:
        # a unit is dead when it is 0 for every window and time step: reduce all but the last axis
        alive = torch.cat([(v != 0).reshape(-1, v.shape[-1]).any(0) for v in relu_values])
        dead = float((~alive).float().mean())
    return {"saturated": saturated, "dead": dead}


def gate_summary(model, X) -> dict:
    """Mean activation of each gate of the last layer: LSTM i, f, g, o; GRU r, z, n; {} otherwise.

    A forget gate near 1 means the LSTM keeps its memory; an update gate z near 1 means
    the GRU mostly copies its old state.
    """
    if not _is_recurrent(model) or model.cell_name not in ("lstm", "gru"):
        return {}
    X = _tensor(X, model, "X")
    with _eval(model), torch.no_grad():
        _, trace = model(X, record=True)
    return {name: float(value.mean()) for name, value in trace.gates[-1].items()}
