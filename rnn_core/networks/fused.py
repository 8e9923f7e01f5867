"""torch's fused recurrent kernels, called on our own parameters: the one place a private torch API is used.

``torch.nn.RNN``, ``LSTM`` and ``GRU`` call these same ``torch._VF`` functions in their
``forward``; calling them directly lets a :class:`~rnn_core.networks.models.SequenceModel`
keep the written-out cells' parameters and still train at torch's speed. ``torch._VF`` is
not a public API: ``tests/test_models.py`` checks these calls against ``torch.nn`` after
every torch upgrade (torch is pinned in requirements.txt).
"""

from __future__ import annotations

import torch

KINDS = ("rnn_tanh", "rnn_relu", "lstm", "gru")


def run(kind: str, X, state, weights: list, num_layers: int, training: bool):
    """The fused kernel ``kind`` over ``X`` (B, T, I), batch first; returns the top layer's outputs (B, T, H).

    ``state`` is h0 (L, B, H), or (h0, c0) for the LSTM; ``weights`` is each layer's
    (W_ih, W_hh, b_ih, b_hh) in order, as ``torch.nn.RNN`` flattens them.
    """
    # has_biases, num_layers, dropout, train, bidirectional, batch_first: as torch.nn.RNN passes them
    args = (weights, True, num_layers, 0.0, training, False, True)
    return getattr(torch._VF, kind)(X, state, *args)[0]
