"""What do the layers of a transferred network see? Hidden states on source vs target inputs.

The lecture asks why the early layers of a network are the most reusable. Two looks:

- :func:`hidden_comparison` feeds the pretrained network windows of the source and of the
  target and draws each layer's states in the two directions along which the source's
  states vary most (PCA, from statsmodels): do the target's states land among the source's?
- :func:`linear_cka` measures how alike two layers are (Kornblith et al., 2019); a layer of
  the pretrained network against the same layer of a network trained on the target only.

Examples
--------
>>> import numpy as np
>>> A = np.random.default_rng(0).normal(size=(50, 4))
>>> round(linear_cka(A, 2 * A + 1), 6)
1.0
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch


def _states(model, X, warmup: int) -> list:
    """Per layer, the hidden states after ``warmup`` steps, stacked over windows and time: (N*(T-w), H)."""
    was_training = model.training
    model.eval()
    with torch.no_grad():
        _, trace = model(torch.as_tensor(X), record=True)
    model.train(was_training)
    return [h[:, warmup:].reshape(-1, h.shape[-1]).double().numpy() for h in trace.hidden]


def linear_cka(A, B) -> float:
    """Linear centred kernel alignment of two sets of states for the same inputs, (N, H1) and (N, H2).

    1 means the two layers hold the same information up to a rotation and scaling; 0
    means nothing in common (Kornblith et al., 2019).
    """
    A, B = A - A.mean(0), B - B.mean(0)
    denominator = np.linalg.norm(A.T @ A) * np.linalg.norm(B.T @ B)
    return float(np.linalg.norm(A.T @ B) ** 2 / denominator) if denominator > 0 else math.nan


@dataclass
class HiddenComparison:
    """Per layer: source and target states in the source's two main directions, and how alike they are.

    ``source_pcs[l]`` (n, 2) and ``target_pcs[l]`` (m, 2) are layer l's states projected on
    the first two principal components of its *source* states. ``source_share`` is the part
    of the source states' variance those two directions hold (how faithful the flat picture is).
    ``similarity`` (when a network trained on the target only is given) is the linear CKA
    of its states and the pretrained network's, on the same target inputs; ``random_similarity``
    the same for a network with untrained random weights (a reference).
    """

    source_pcs: list
    target_pcs: list
    source_share: list
    similarity: list | None = None
    random_similarity: list | None = None


def hidden_comparison(model, source_X, target_X, target_model=None, random_model=None,
                      max_windows: int = 160, warmup: int = 4) -> HiddenComparison:
    """Compare each layer's hidden states on source and target inputs.

    Parameters
    ----------
    model : SequenceModel
        The pretrained network (left unchanged).
    source_X, target_X : array (N, T, 1)
        Windows of the source and the target task, scaled as each was trained.
    target_model, random_model : SequenceModel, optional
        A network trained on the target only, and one with untrained random weights: the CKA
        rows compare the target-only network with the pretrained one and with the random one.
    max_windows, warmup : int
        Use at most this many windows of each, and skip their first ``warmup`` steps
        (the state is still filling up from h0 there).
    """
    from statsmodels.multivariate.pca import PCA  # statsmodels loads slowly: only when needed

    source_X, target_X = np.asarray(source_X)[:max_windows], np.asarray(target_X)[:max_windows]
    warmup = min(warmup, source_X.shape[1] - 1, target_X.shape[1] - 1)
    src, tgt = _states(model, source_X, warmup), _states(model, target_X, warmup)
    out = HiddenComparison([], [], [])
    for S, T in zip(src, tgt, strict=True):
        pca = PCA(S, ncomp=2, standardize=False, demean=True, normalize=False, method="svd")
        directions = pca.eigenvecs[:, :2]  # (H, 2)
        out.source_pcs.append((S - S.mean(0)) @ directions)
        out.target_pcs.append((T - S.mean(0)) @ directions)
        out.source_share.append(float(pca.rsquare[2]))
    if target_model is not None:
        own = _states(target_model, target_X, warmup)
        out.similarity = [linear_cka(a, b) for a, b in zip(tgt, own, strict=True)]
        if random_model is not None:
            rand = _states(random_model, target_X, warmup)
            out.random_similarity = [linear_cka(a, b) for a, b in zip(rand, own, strict=True)]
    return out
