"""Gradients through time, measured: the numbers behind the "Gradients through time" page.

The per-time-step norms ||dL/dh_t|| come from :func:`rnn_core.training.diagnostics.hidden_grad_norms`
(the Trainer records them every ``cfg.train.grad_every`` epochs in ``grad_history``); this
module adds what a page needs around them:

- :func:`verdict`: is the gradient exploding, vanishing or steady going back in time?
- :func:`grad_matrix`: ``grad_history`` as an epoch x time-step matrix (the heatmap).
- :func:`record_applied_norms`: the norm of the gradient the optimizer really applies.
- :func:`page_config`: the page's model and training settings, one function for the page and the claims.
- :func:`input_influence`: how much the prediction depends on each input step, by occlusion.
- :class:`TrainerGroup`: several Trainers driven like one (side by side, or one after another).
- :func:`diagnostics_overhead`: what the gradient probe adds to an epoch, measured.

Examples
--------
>>> import numpy as np
>>> verdict(np.array([1e-9, 1e-5, 1e-1, 1.0])).kind
'vanishing'
"""

from __future__ import annotations

import math
import statistics
import time
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import torch

from rnn_core.config import (
    MAX_EPOCHS,
    DataConfig,
    ExperimentConfig,
    ModelConfig,
    TrainConfig,
    WindowConfig,
    validate,
)
from rnn_core.errors import ConfigError
from rnn_core.training import diagnostics
from rnn_core.training.trainer import FINISHED, GRAD_PROBE_WINDOWS, Trainer

EXPLODE_GROWTH = 1e2  # ||dL/dh_1|| a hundred times ||dL/dh_T|| or more: exploding
VANISH_GROWTH = 1e-3  # a thousand times smaller or less: vanishing
EXPLODE_NORM = 1e3  # a total gradient norm (before clipping) this large is exploding whatever its shape
OVERHEAD_LIMIT = 0.10  # the gradient probe may add at most this share to the time of an epoch


@dataclass(frozen=True)
class Verdict:
    """What one gradient profile says. ``growth`` = ||dL/dh_1|| / ||dL/dh_T||."""

    kind: str  # "exploding", "vanishing" or "steady"
    growth: float
    norm: float  # the total gradient norm before clipping it was judged with (NaN if none)
    reason: str

    @property
    def exploding(self) -> bool:
        return self.kind == "exploding"


def verdict(norms, total_norm: float = float("nan"), growth_limit: float = EXPLODE_GROWTH,
            vanish_limit: float = VANISH_GROWTH, norm_limit: float = EXPLODE_NORM) -> Verdict:
    """Judge a gradient profile ||dL/dh_t||, t = 1..T (oldest first).

    Parameters
    ----------
    norms : array (T,)
        As :func:`rnn_core.training.diagnostics.hidden_grad_norms` returns them.
    total_norm : float
        The epoch's total parameter-gradient norm before clipping (``EpochRecord.grad_norm``).
    growth_limit, vanish_limit, norm_limit : float
        Exploding when the oldest step's norm is ``growth_limit`` times the newest's or more,
        or ``total_norm >= norm_limit``, or anything is not finite; vanishing when the ratio
        is ``vanish_limit`` or less.

    Returns
    -------
    Verdict

    Examples
    --------
    >>> verdict([1e4, 10.0, 1.0]).exploding
    True
    """
    norms = np.asarray(norms, dtype=float)
    if norms.ndim != 1 or len(norms) == 0:
        raise ConfigError("A gradient profile is one norm per time step.")
    last = norms[-1]
    growth = float(norms[0] / last) if last > 0 else (math.inf if norms[0] > 0 else 1.0)
    if not np.all(np.isfinite(norms)) or not math.isfinite(growth) or total_norm >= norm_limit:
        if total_norm >= norm_limit:
            reason = f"the total gradient norm is {total_norm:.3g}, past {norm_limit:g}"
        else:
            reason = "the gradient is no longer a finite number"
        return Verdict("exploding", growth, total_norm, reason)
    if growth >= growth_limit:
        return Verdict("exploding", growth, total_norm,
                       f"‖∂L/∂h₁‖ is {growth:.3g} times the last step's: it grows going back in time")
    if growth <= vanish_limit:
        return Verdict("vanishing", growth, total_norm,
                       f"‖∂L/∂h₁‖ is only {growth:.2g} times the last step's: early steps barely learn")
    return Verdict("steady", growth, total_norm, f"‖∂L/∂h₁‖ is {growth:.3g} times the last step's")


def latest_verdict(trainer: Trainer) -> Verdict | None:
    """:func:`verdict` on a Trainer's latest profile (:func:`profile_so_far`) and that epoch's total norm.

    None for the MLP, which has no state through time.
    """
    profile = profile_so_far(trainer)
    if not profile:
        return None
    epoch, norms = profile[-1]
    total = trainer.history[epoch - 1].grad_norm if 0 < epoch <= len(trainer.history) else float("nan")
    return verdict(norms, total)


def grad_matrix(grad_history) -> tuple[np.ndarray, np.ndarray]:
    """``grad_history`` [(epoch, norms (T,)), ...] -> epochs (E,), norms (E, T).

    Profiles of different lengths (a changed lookback) are right-aligned on the last step,
    the missing early steps NaN.
    """
    if not grad_history:
        return np.zeros(0, dtype=int), np.zeros((0, 0))
    T = max(len(n) for _, n in grad_history)
    matrix = np.full((len(grad_history), T), np.nan)
    for row, (_, norms) in enumerate(grad_history):
        matrix[row, T - len(norms):] = norms
    return np.array([e for e, _ in grad_history]), matrix


@contextmanager
def record_applied_norms(trainer: Trainer):
    """Inside the block, list the total norm of the gradient at every optimizer step.

    That is the gradient the step really applies, after any clipping: with ``clip`` set it
    never exceeds it. Yields the list, which grows as the trainer runs.
    """
    seen: list[float] = []
    optimizer = trainer.optimizer
    original = optimizer.step

    def step(*args, **kwargs):
        grads = [p.grad for group in optimizer.param_groups for p in group["params"] if p.grad is not None]
        seen.append(float(torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in grads]))))
        return original(*args, **kwargs)

    optimizer.step = step  # an instance attribute shadows the method until it is deleted
    try:
        yield seen
    finally:
        del optimizer.step


# ---------------------------------------------------------------- the page's model

# The page's training settings: what its caption states and what the claims check (rnn_core.claims).
PAGE_HIDDEN_SIZE = 32
PAGE_TRAIN = {"epochs": 60, "batch_size": 32, "lr": 0.01, "grad_every": 5}
PAGE_KEEP_BIAS = 3.0  # the keep-gate bias slider's default: the gate starts at σ(3) ≈ 0.95
INFLUENCE_WINDOWS = 64  # validation windows the input-influence chart averages over, at most
# Occlusion costs one forward pass per input step: windows x lookback² cell steps. This budget (64
# windows of 32 steps) keeps a long lookback affordable by averaging over fewer windows (4 at 300).
INFLUENCE_BUDGET = 64 * 32 * 32


def page_config(cell: str = "rnn", lookback: int = 30, data_cfg: DataConfig | None = None, activation: str = "tanh",
                alpha: float = 0.5, skip: int = 2, layer_norm: bool = False, init: str = "default",
                radius: float | None = None, keep_bias: float = PAGE_KEEP_BIAS, clip: float | None = 1.0,
                seed: int = 0) -> ExperimentConfig:
    """The "Gradients through time" page's validated config: its widgets' values, its fixed training settings.

    ``data_cfg=None`` trains on the memory task (:func:`rnn_core.labs.memory.page_task`),
    otherwise on that sequence, standardised. Settings the cell ignores are kept (the race
    reuses them for its other cells): the page trains ``only_what_matters(page_config(...))``.
    """
    if data_cfg is None:
        data_cfg = DataConfig("memory_recall", (("lookback", lookback), ("seed", seed)))
    memory_task = data_cfg.name == "memory_recall"
    cfg = ExperimentConfig(
        data=data_cfg,
        window=WindowConfig(lookback=int(lookback), scaler="none" if memory_task else "standard"),
        model=ModelConfig(cell=cell, hidden_size=PAGE_HIDDEN_SIZE, activation=activation, alpha=float(alpha),
                          skip=int(skip), layer_norm=bool(layer_norm), init=init, radius=radius,
                          keep_bias=float(keep_bias)),
        train=TrainConfig(clip=clip, seed=seed, **PAGE_TRAIN))
    return validate(cfg)


def input_influence(model, X) -> np.ndarray:
    """How much the prediction moves when one input step is taken away (occlusion), per step.

    For each step t, every window's x_t is replaced by the mean of all the inputs given
    (0 for the memory task and for standardised series) and the prediction recomputed;
    the result is the mean over windows of the summed |change| of the outputs. Unlike the
    gradient |∂ŷ/∂x_t|, which only sees the slope at the inputs given, this also sees a
    value the network has latched into a saturated unit: its slope is ~0, yet removing
    it changes the answer.

    Parameters
    ----------
    model : a network of :func:`rnn_core.networks.models.build_model` (left as it was)
    X : windows (N, T, I), numpy or torch

    Returns
    -------
    np.ndarray (T,)
        One value per input step, oldest first. For seq2seq models the outputs compared
        are the last time step's horizon values.
    """
    X = torch.as_tensor(np.asarray(X), dtype=next(model.parameters()).dtype)  # (N, T, I)
    N, T, _ = X.shape
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            def last(out):
                return out[:, -1] if out.dim() == 3 else out  # (B, horizon)

            base = last(model(X))  # (N, horizon)
            fill = X.mean(dim=(0, 1))  # (I,)
            out = np.zeros(T)
            per_chunk = max(1, 4096 // max(N, 1))  # steps occluded per forward pass: bounded memory
            for start in range(0, T, per_chunk):
                steps = range(start, min(T, start + per_chunk))
                batch = X.repeat(len(steps), 1, 1)  # (len(steps) * N, T, I)
                for k, t in enumerate(steps):
                    batch[k * N:(k + 1) * N, t] = fill
                change = (last(model(batch)) - base.repeat(len(steps), 1)).abs().sum(1)  # (len(steps) * N,)
                out[start:start + len(steps)] = change.reshape(len(steps), N).mean(1).numpy()
    finally:
        model.train(was_training)
    return out


def trainer_influence(trainer) -> np.ndarray:
    """:func:`input_influence` of a Trainer's model on its last validation windows, as many as the budget allows."""
    X = trainer.prepared.val.X
    n = max(4, min(INFLUENCE_WINDOWS, INFLUENCE_BUDGET // (X.shape[1] ** 2)))
    return input_influence(trainer.model, X[-n:])


# ---------------------------------------------------------------- models and trainers


def profile_so_far(trainer: Trainer) -> list:
    """``trainer.grad_history``, or before any is recorded the untrained model's profile as epoch 0.

    So a page shows the gradient through time of a fresh model the moment a setting changes.
    """
    if trainer.grad_history or trainer.cfg.model.cell == "mlp":
        return trainer.grad_history
    part = trainer.prepared.train  # the windows the Trainer's own probe uses
    return [(0, diagnostics.hidden_grad_norms(trainer.model, part.X[-GRAD_PROBE_WINDOWS:],
                                              part.Y[-GRAD_PROBE_WINDOWS:]))]


class TrainerGroup:
    """Several Trainers driven like one, with the Trainer's interface (``ui.live`` can run it).

    Parameters
    ----------
    trainers : dict[str, Trainer]
        Label -> trainer, in the order they are shown.
    cfg : config.ExperimentConfig
        What the group stands for (``ui.live`` compares it to know when to start afresh).
    together : bool
        True: one epoch each in turn (side by side); False: the first unfinished one to its
        end, then the next (a sweep fills in run by run).
    stop_when : callable(Trainer) -> bool, optional
        Checked after each epoch; True ends that member early (e.g. it solved the task).
    """

    def __init__(self, trainers: dict, cfg, together: bool = True, stop_when=None):
        if not trainers:
            raise ConfigError("A group needs at least one trainer.")
        self.trainers, self.cfg, self.together, self.stop_when = dict(trainers), cfg, together, stop_when
        self.stopped: set[str] = set()  # members ended by stop_when
        self.lr = cfg.train.lr
        self.status = "ready"
        self.message = ""

    def _active(self) -> list[str]:
        return [k for k, tr in self.trainers.items() if not tr.finished and k not in self.stopped]

    def member_done(self, label: str) -> bool:
        return label in self.stopped or self.trainers[label].finished

    @property
    def epoch(self) -> int:
        """Epochs trained so far, all members together."""
        return sum(tr.epoch for tr in self.trainers.values())

    @property
    def epochs_total(self) -> int:
        return sum(tr.epochs_total for tr in self.trainers.values())

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    def set_lr(self, lr: float) -> None:
        for tr in self.trainers.values():
            tr.set_lr(lr)
        self.lr = float(lr)

    def _one_epoch(self, label: str) -> None:
        tr = self.trainers[label]
        tr.run(max_epochs=1)
        if not tr.finished and self.stop_when is not None and self.stop_when(tr):
            self.stopped.add(label)

    def run(self, max_epochs: int | None = None, budget_s: float | None = None) -> int:
        """At most ``max_epochs`` rounds (together) or epochs (one by one), or until ``budget_s``; returns them."""
        start, rounds = time.perf_counter(), 0
        while self._active() and (max_epochs is None or rounds < max_epochs):
            for label in self._active() if self.together else self._active()[:1]:
                self._one_epoch(label)
            rounds += 1
            if budget_s is not None and time.perf_counter() - start >= budget_s:
                break
        self.status = "paused" if self._active() else "done"
        if self.status == "done":
            self.message = "Every run has finished."
        return rounds

    def step(self) -> int:
        return self.run(max_epochs=1)


# ---------------------------------------------------------------- what the probe costs

def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def diagnostics_overhead(cfg, series, prepared=None, seconds: float = 1.0) -> dict:
    """Measure what recording ||dL/dh_t|| adds to an epoch, and the ``grad_every`` that keeps it small.

    Epochs are timed with the probe switched off, the probe alone (what the Trainer runs:
    :func:`diagnostics.hidden_grad_norms` on ``GRAD_PROBE_WINDOWS`` training windows) beside
    them, one of each in turn so the machine's noise hits both alike, for ``seconds`` in all.

    Parameters
    ----------
    cfg : config.ExperimentConfig
    series : data.Series or 1-D array
        As for :class:`Trainer` (with ``prepared`` given it is only carried along).
    prepared : windows.Prepared, optional

    Returns
    -------
    dict
        ``epoch_ms``, ``probe_ms``, ``grad_every`` (cfg's), ``overhead`` = probe_ms /
        (grad_every * epoch_ms), and ``suggested_grad_every``: the smallest interval whose
        overhead is at most ``OVERHEAD_LIMIT`` (10 %).

    Examples
    --------
    >>> from rnn_core import config, data
    >>> o = diagnostics_overhead(config.PRESETS["tiny"], data.load("sine", n=200, period=20), seconds=0.2)
    >>> o["suggested_grad_every"] >= 1
    True
    """
    # the probe only runs in epoch 1 and epoch MAX: the timed epochs are probe-free
    quiet = cfg.replace(train={"epochs": MAX_EPOCHS, "grad_every": MAX_EPOCHS, "patience": None})
    tr = Trainer(quiet, series, prepared=prepared)
    tr.run(max_epochs=2)  # warm-up, epoch 1's probe included
    X, Y = tr.prepared.train.X[-GRAD_PROBE_WINDOWS:], tr.prepared.train.Y[-GRAD_PROBE_WINDOWS:]
    epochs, probes = [], []
    while (sum(epochs) + sum(probes) < seconds or len(epochs) < 3) and tr.epoch < MAX_EPOCHS - 1:
        epochs.append(_timed(lambda: tr.run(max_epochs=1)))
        probes.append(_timed(lambda: diagnostics.hidden_grad_norms(tr.model, X, Y)))
    epoch_ms, probe_ms = 1e3 * statistics.fmean(epochs), 1e3 * statistics.fmean(probes)
    every = cfg.train.grad_every
    return {"epoch_ms": epoch_ms, "probe_ms": probe_ms, "grad_every": every,
            "overhead": probe_ms / (every * epoch_ms),
            "suggested_grad_every": max(1, math.ceil(probe_ms / (OVERHEAD_LIMIT * epoch_ms)))}
