"""Does transfer help? Race transferred networks against one trained from scratch.

:class:`TransferRace` trains three networks on exactly the same target windows, with
the same seed, batches, epochs and learning rate, one epoch each in turn:

- ``scratch``:  fresh random weights;
- ``transfer``: the pretrained network with the student's plan (by default the early
  layers frozen and a new head);
- ``finetune``: the pretrained network, every layer and its head copied and trained.

It has the Trainer's live interface (``run(budget_s=...)``, ``step()``, ``epoch``,
``finished``...), so the page drives it with the same fragment as the Train page.
:func:`target_windows` keeps only a few of the target's training windows, and
:class:`SizeSweep` repeats the race for growing amounts of target data.

Examples
--------
>>> from rnn_core import data
>>> from rnn_core.labs.transfer import setup as transfer, race as transfer_compare
>>> tcfg = transfer.TransferConfig(pretrain_epochs=1, n_train=16).replace(model={"hidden_size": 8},
...                                                                        train={"epochs": 2})
>>> race = transfer_compare.TransferRace(tcfg, data.load("traffic"), transfer.pretrain(tcfg, max_windows=200))
>>> _ = race.run()
>>> race.status, sorted(race.scores())
('done', ['finetune', 'naive', 'scratch', 'transfer'])
"""

from __future__ import annotations

import dataclasses
import math
import time

import numpy as np
import torch

from rnn_core.data import windows
from rnn_core.errors import ConfigError
from rnn_core.forecasting import metrics
from rnn_core.labs.transfer import setup as transfer
from rnn_core.training.trainer import Trainer

ARMS = ("scratch", "transfer", "finetune")
ARM_LABELS = {"scratch": "from scratch", "transfer": "transfer: your plan", "finetune": "fully fine-tuned"}
SWEEP_SIZES = (12, 24, 48, 96, 192, 384)
SWEEP_STEPS = 120  # gradient steps per run in the sweep, whatever its data size


def _values(series) -> np.ndarray:
    return np.asarray(getattr(series, "values", series), dtype=np.float64)


def target_windows(values, window_cfg, n_train: int) -> windows.Prepared:
    """The target's windows with only the ``n_train`` most recent training windows kept.

    Validation and test stay whole, so every data budget is scored on the same points.
    The scaler is refitted on the values the kept windows read: with little data the
    network may not know the mean and spread of data it was never given.
    """
    full = windows.prepare(values, window_cfg)
    if not isinstance(n_train, int) or n_train < 1:
        raise ConfigError(f"Keep at least one training window (got {n_train!r}).")
    k = min(n_train, len(full.train))
    first = int(full.train.origins[-k]) - window_cfg.lookback
    v = np.asarray(values, dtype=np.float64)
    scaler = windows.Scaler.fit(window_cfg.scaler, v[first:full.a])

    def rescale(a):
        return scaler.transform(full.scaler.inverse(a)).astype(np.float32)

    kept = windows.Part(full.train.X[-k:], full.train.Y[-k:], full.train.origins[-k:], full.train.targets[-k:])
    parts = [windows.Part(rescale(p.X), rescale(p.Y), p.origins, p.targets) for p in (kept, full.val, full.test)]
    return dataclasses.replace(full, train=parts[0], val=parts[1], test=parts[2], scaler=scaler)


def arm_models(tcfg: transfer.TransferConfig, pretrained: transfer.Pretrained) -> dict:
    """The three starting networks; retrained layers and new heads share the scratch network's seed."""
    if (pretrained.target.model, pretrained.target.window) != (tcfg.target.model, tcfg.target.window):
        raise ConfigError("The pretrained network was built for other settings: pretrain again.")
    seed, layers = tcfg.train.seed, tcfg.target.model.num_layers
    return {"scratch": transfer.fresh_model(tcfg.target, seed),
            "transfer": transfer.transfer_model(pretrained, tcfg.plan, tcfg.new_head, seed),
            "finetune": transfer.transfer_model(pretrained, ("keep",) * layers, False, seed)}


def _mse(model, part) -> float:
    model.eval()
    with torch.no_grad():
        return float(torch.nn.functional.mse_loss(model(torch.tensor(part.X)), torch.tensor(part.Y)))


class TransferRace:
    """Scratch, transfer and full fine-tuning trained side by side on the same target windows.

    Parameters
    ----------
    tcfg : transfer.TransferConfig
    series : data.Series or 1-D array
        The target series; only ``tcfg.n_train`` of its training windows are learned from.
    pretrained : transfer.Pretrained
    val_windows : int, optional
        Validate on only this many windows per epoch (the sweep's shortcut); the test part
        is always whole.
    """

    def __init__(self, tcfg, series, pretrained, val_windows: int | None = None):
        self.cfg = transfer.validate(tcfg)
        self.values = _values(series)
        self.prepared = target_windows(self.values, tcfg.target.window, tcfg.n_train)
        if val_windows is not None:
            val = self.prepared.val
            self.prepared.val = windows.Part(val.X[:val_windows], val.Y[:val_windows], val.origins[:val_windows],
                                             val.targets[:val_windows])
        self.trainers = {arm: Trainer(tcfg.target, self.values, model=model, prepared=self.prepared)
                         for arm, model in arm_models(tcfg, pretrained).items()}
        self.start_loss = {arm: _mse(tr.model, self.prepared.val) for arm, tr in self.trainers.items()}

    # -- the Trainer's live interface -------------------------------------------------------
    @property
    def epoch(self) -> int:
        return max(tr.epoch for tr in self.trainers.values())

    @property
    def epochs_total(self) -> int:
        return self.cfg.train.epochs

    @property
    def finished(self) -> bool:
        return all(tr.finished for tr in self.trainers.values())

    @property
    def status(self) -> str:
        if self.finished:
            return "done"
        return "ready" if self.epoch == 0 else "paused"

    @property
    def message(self) -> str:
        return " ".join(f"{ARM_LABELS[arm]}: {tr.message}" for arm, tr in self.trainers.items()
                        if tr.status == "diverged")

    @property
    def lr(self) -> float:
        return self.trainers["scratch"].lr

    def set_lr(self, lr: float) -> None:
        for tr in self.trainers.values():
            tr.set_lr(lr)

    def run(self, max_epochs: int | None = None, budget_s: float | None = None) -> int:
        """One epoch per network in turn, until ``max_epochs`` rounds or ``budget_s`` seconds; returns rounds."""
        start, rounds = time.perf_counter(), 0
        while not self.finished and (max_epochs is None or rounds < max_epochs):
            for tr in self.trainers.values():
                tr.run(max_epochs=1)
            rounds += 1
            if budget_s is not None and time.perf_counter() - start >= budget_s:
                break
        return rounds

    def step(self) -> int:
        return self.run(max_epochs=1)

    # -- results ---------------------------------------------------------------------------
    def curves(self) -> dict:
        """arm -> (epochs (E+1,), validation loss (E+1,)), epoch 0 being before any training."""
        return {arm: (np.arange(tr.epoch + 1), np.array([self.start_loss[arm]] + [r.val_loss for r in tr.history]))
                for arm, tr in self.trainers.items()}

    def scores(self) -> dict:
        """Test-part errors in the series' units: arm -> {"mae", "rmse", "mase"}, plus "naive".

        MASE is scaled by the naive forecast on the values the kept training windows read.
        """
        p = self.prepared
        seen = self.values[p.train.origins[0] - p.lookback:p.a]
        truth = p.test.targets
        out = {arm: metrics.score(truth, tr.predict("test"), seen) for arm, tr in self.trainers.items()}
        out["naive"] = metrics.score(truth, self.values[p.test.origins - 1][:, None], seen)
        return out


class SizeSweep:
    """The race repeated for growing numbers of target training windows, :data:`SWEEP_STEPS` steps each.

    A run with few windows takes more epochs, so that every data size gets the same number
    of gradient steps. Has the same live interface as :class:`TransferRace`.
    """

    def __init__(self, tcfg, series, pretrained, sizes=SWEEP_SIZES, steps: int = SWEEP_STEPS):
        self.cfg = transfer.validate(tcfg)
        self.series, self.pretrained = series, pretrained
        available = len(target_windows(_values(series), tcfg.target.window, 1 << 30).train)
        self.sizes = [n for n in sizes if n < available] + [available]
        batch = tcfg.train.batch_size
        self._epochs = [max(1, round(steps / math.ceil(n / batch))) for n in self.sizes]
        self.results: dict = {}  # size -> TransferRace.scores()
        self._race: TransferRace | None = None
        self._done_epochs = 0

    @property
    def epoch(self) -> int:
        return self._done_epochs + (self._race.epoch if self._race else 0)

    @property
    def epochs_total(self) -> int:
        return sum(self._epochs)

    @property
    def finished(self) -> bool:
        return len(self.results) == len(self.sizes)

    @property
    def status(self) -> str:
        return "done" if self.finished else ("ready" if self.epoch == 0 else "paused")

    @property
    def message(self) -> str:
        return ""

    @property
    def lr(self) -> float:
        return self.cfg.train.lr

    def set_lr(self, lr: float) -> None:
        """The sweep keeps the learning rate it started with: every size must train alike."""

    def run(self, max_epochs: int | None = None, budget_s: float | None = None) -> int:
        """Races one size after another; returns the rounds trained in this call."""
        start, rounds = time.perf_counter(), 0
        while not self.finished:
            k = len(self.results)
            if self._race is None:
                tcfg = self.cfg.replace(n_train=self.sizes[k], train={"epochs": self._epochs[k]})
                self._race = TransferRace(tcfg, self.series, self.pretrained, val_windows=32)
            left = None if budget_s is None else max(0.0, budget_s - (time.perf_counter() - start))
            rounds += self._race.run(max_epochs=max_epochs, budget_s=left)
            if self._race.finished:
                self.results[self.sizes[k]] = self._race.scores()
                self._done_epochs += self._epochs[k]
                self._race = None
            if max_epochs is not None or (budget_s is not None and time.perf_counter() - start >= budget_s):
                break
        return rounds

    def step(self) -> int:
        return self.run(max_epochs=1)

    def table(self, metric: str = "rmse") -> dict:
        """arm (and "naive") -> list of (size, error) for the sizes finished so far."""
        rows = {name: [] for name in (*ARMS, "naive")}
        for size, scores in sorted(self.results.items()):
            for name in rows:
                rows[name].append((size, scores[name][metric]))
        return rows
