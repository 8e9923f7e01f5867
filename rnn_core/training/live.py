"""The live-run protocol: what a page's live view needs from anything it trains in chunks.

The Train page drives a :class:`~rnn_core.training.trainer.Trainer`; other pages drive a group
of trainers (:class:`~rnn_core.labs.gradients.TrainerGroup`, the memory task's
:class:`~rnn_core.labs.memory.LagSweep`), the transfer race and its data-size sweep
(:mod:`rnn_core.labs.transfer.race`) or the character model. ``ui.live`` treats them all
alike through this protocol and knows nothing else about them.

``run`` trains at most ``max_epochs`` more epochs (a group: rounds, one epoch per member),
or stops once ``budget_s`` seconds are spent, at least one when any is left, and returns how
many it finished. ``budget_s`` bounds a chunk of live training; it never decides a result:
a run's outcome depends only on its config, however many chunks it took.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

FINISHED = ("done", "diverged", "stopped_early")


@runtime_checkable
class LiveRun(Protocol):
    """A run trained in chunks: ``run`` and ``step`` return the epochs (or rounds) they finished."""

    cfg: object  # the config the run stands for; a different one means a new run

    @property
    def status(self) -> str:
        """"ready", "running", "paused", "done", "diverged" or "stopped_early"."""

    @property
    def message(self) -> str:
        """Why it stopped, for the user (empty while it goes on)."""

    @property
    def epoch(self) -> int:
        """Epochs finished so far."""

    @property
    def epochs_total(self) -> int:
        """Epochs it will train in all."""

    @property
    def finished(self) -> bool:
        """True once nothing is left to train."""

    @property
    def lr(self) -> float:
        """The learning rate it trains with now."""

    def set_lr(self, lr: float) -> None:
        """Change the learning rate between chunks (a run may keep its own)."""

    def run(self, max_epochs: int | None = None, budget_s: float | None = None) -> int:
        """Train a chunk; returns the epochs (or rounds) finished in it."""

    def step(self) -> int:
        """Exactly one epoch (or round); returns 1, or 0 when it had finished."""
