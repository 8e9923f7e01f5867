"""The Trainer: trains a model in short, resumable chunks. Nothing in it draws or prints.

Live training in a browser needs a loop that can stop after a fraction of a second and
carry on later exactly where it left off, so :meth:`Trainer.run` takes a number of epochs
or a time budget and returns. Two ``run(max_epochs=2)`` calls give the same history as
one ``run(max_epochs=4)``: the shuffling generator and the optimizer state live here.

Examples
--------
>>> from rnn_core import config, data
>>> from rnn_core.training import trainer as train
>>> tr = train.Trainer(config.PRESETS["tiny"], data.load("sine", n=200, period=20))
>>> _ = tr.run(max_epochs=2)
>>> tr.status, len(tr.history)
('paused', 2)
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field

import numpy as np
import torch

from rnn_core import config as config_mod
from rnn_core.data import windows
from rnn_core.errors import ConfigError
from rnn_core.networks import models, optim
from rnn_core.training import cost, diagnostics
from rnn_core.training.live import FINISHED

GRAD_PROBE_WINDOWS = 32  # windows used for the per-time-step gradient norms
BLOW_UP = 1e6  # a training loss this many times the first epoch's has blown up: the run stops as diverged


@dataclass
class _Pass:
    """An epoch in progress: its batch order, how far it got, and its running sums."""

    order: torch.Tensor
    position: int = 0
    batches: int = 0
    seconds: float = 0.0
    loss_sum: torch.Tensor = field(default_factory=lambda: torch.zeros(()))
    norm_sum: torch.Tensor = field(default_factory=lambda: torch.zeros(()))
    clipped_sum: torch.Tensor = field(default_factory=lambda: torch.zeros(()))


_UNFINISHED = object()  # what _epoch returns when a chunk's time ran out inside the epoch


@dataclass
class EpochRecord:
    """What one epoch did. Losses are mean squared errors on the scaled targets."""

    epoch: int
    train_loss: float
    val_loss: float
    grad_norm: float  # mean over batches of the total gradient norm before clipping
    grad_norm_clipped: float  # the same after clipping (equal when clipping is off)
    seconds: float
    lr: float

    def as_dict(self) -> dict:
        return asdict(self)


def _values_of(series) -> np.ndarray:
    values = np.asarray(getattr(series, "values", series), dtype=np.float64)
    if values.ndim != 1:
        raise ConfigError("A series is one column of numbers.")
    if len(values) > config_mod.MAX_SERIES_LENGTH:
        raise ConfigError(
            f"The series has {len(values):,} values; the app trains on at most "
            f"{config_mod.MAX_SERIES_LENGTH:,}. Use a shorter slice."
        )
    return values


class Trainer:
    """Owns the model, the optimizer and the history of one training run.

    Parameters
    ----------
    cfg : config.ExperimentConfig
        Validated here; a value outside the limits raises ConfigError.
    series : data.Series or 1-D array
        The values to train on, split and scaled as ``cfg.window`` says.
    model : torch.nn.Module, optional
        A ready model to train instead of a fresh ``build_model`` (transfer learning passes
        a copied, partly frozen one). Only parameters with ``requires_grad`` are optimised.
    prepared : windows.Prepared, optional
        Ready windows (e.g. a synthetic memory task) instead of windows cut from ``series``.

    Attributes
    ----------
    status : str
        "ready", "running", "paused", "done", "diverged" or "stopped_early".
    history : list[EpochRecord]
        One record per finished epoch.
    grad_history : list[tuple[int, np.ndarray]]
        (epoch, ||dL/dh_t|| for t = 1..T) every ``cfg.train.grad_every`` epochs.
    message : str
        A sentence for the user about why training stopped (empty while it goes on).
    """

    def __init__(self, cfg: config_mod.ExperimentConfig, series, model=None, prepared=None):
        self.cfg = config_mod.validate(cfg)
        self.series = series
        self.values = _values_of(series)
        self.prepared = prepared if prepared is not None else windows.prepare(self.values, cfg.window)
        # refused before any work starts when one session would hold the shared server too long
        self.cost = cost.check(self.cfg, len(self.prepared.train), len(self.prepared.val),
                               self.prepared.train.X.shape[-1] if self.prepared.train.X.ndim == 3 else 1)
        w, m, t = cfg.window, cfg.model, cfg.train

        self._tensors = {
            part: (torch.tensor(p.X), torch.tensor(p.Y))
            for part, p in (("train", self.prepared.train), ("val", self.prepared.val), ("test", self.prepared.test))
        }
        torch.manual_seed(t.seed)
        self.model = model if model is not None else models.build_model(m, w.mode, w.lookback, w.horizon)
        self._generator = torch.Generator().manual_seed(t.seed)
        self.lr = float(t.lr)
        self.optimizer = self._make_optimizer()
        self.history: list[EpochRecord] = []
        self.grad_history: list[tuple[int, np.ndarray]] = []
        self.status = "ready"
        self.message = ""
        self.diverged_epoch: int | None = None
        self.best_epoch: int | None = None
        self._best_val = math.inf
        self._best_state = None
        self._pass: _Pass | None = None  # the epoch in progress, when a chunk ended inside one
        self.steps = 0  # optimizer steps taken: the weights change with every one
        self._last_good = self._snapshot()

    # -- set-up -------------------------------------------------------------------------
    def _make_optimizer(self):
        params = [p for p in self.model.parameters() if p.requires_grad]
        if self.cfg.train.optimizer == "sgd":
            return optim.SGD(params, lr=self.lr, momentum=self.cfg.train.momentum)
        return optim.Adam(params, lr=self.lr)

    def _snapshot(self) -> dict:
        return {k: v.detach().clone() for k, v in self.model.state_dict().items()}

    # -- public API ---------------------------------------------------------------------
    @property
    def epoch(self) -> int:
        """Epochs finished so far."""
        return len(self.history)

    @property
    def epochs_total(self) -> int:
        return self.cfg.train.epochs

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def in_epoch(self) -> bool:
        """True when the last chunk ended inside an epoch (the next one resumes it)."""
        return self._pass is not None

    @property
    def epoch_fraction(self) -> float:
        """How far the epoch in progress got, 0 to 1 (0 between epochs): a long epoch still shows progress."""
        return 0.0 if self._pass is None else self._pass.position / max(1, len(self._tensors["train"][0]))

    def set_lr(self, lr: float) -> None:
        """Change the learning rate between chunks; the model and optimizer state stay."""
        if not (isinstance(lr, (int, float)) and math.isfinite(lr) and lr > 0):
            raise ConfigError(f"The learning rate must be a positive number (got {lr!r}).")
        self.lr = float(lr)
        for group in self.optimizer.param_groups:
            group["lr"] = self.lr

    def run(self, max_epochs: int | None = None, budget_s: float | None = None) -> int:
        """Train at most ``max_epochs`` more epochs, or until ``budget_s`` seconds are spent.

        Never goes past ``cfg.train.epochs``. With neither argument, trains to the end. The
        budget is checked after every batch, so a chunk ends on time even when one epoch takes
        longer: the next call resumes that epoch at its next batch, and the history is the same
        as an uninterrupted run's. At least one batch runs per call. Returns the epochs finished
        (their records are the last ones of ``history``), 0 when the chunk ended inside an
        epoch: the live-run protocol of :mod:`rnn_core.training.live`.
        """
        if self.finished:
            return 0
        left = self.epochs_total - self.epoch
        if max_epochs is not None:
            left = min(left, max(0, int(max_epochs)))
        deadline = None if budget_s is None else time.perf_counter() + budget_s
        new: list[EpochRecord] = []
        self.status = "running"
        while left > 0:
            record = self._epoch(deadline)
            if record is _UNFINISHED:  # out of time inside the epoch: it resumes on the next call
                break
            if record is None:  # diverged
                break
            new.append(record)
            left -= 1
            if self.status == "diverged":  # it blew up but stayed finite: the epoch is drawn, then it stops
                break
            if self._check_patience():
                break
            if deadline is not None and time.perf_counter() >= deadline:
                break
        if self.status == "running":
            self.status = "paused" if self.epoch < self.epochs_total else "done"
            if self.status == "done":
                self._finish_done()
        return len(new)

    def step(self) -> int:
        """Exactly one epoch (the UI's Step button)."""
        return self.run(max_epochs=1)

    def predict(self, part: str = "val") -> np.ndarray:
        """The model's forecasts for one part's windows, in the series' units, shape (N, horizon).

        For seq2seq windows these are the last time step's horizon values, the ones that
        line up with ``prepared.<part>.targets``.
        """
        X, _ = self._tensors[part]
        y = self._forward_eval(X)
        if self.cfg.window.mode == "seq2seq":
            y = y[:, -1, :]
        return self.prepared.to_units(y.reshape(len(y), -1).astype(np.float64), getattr(self.prepared, part).origins)

    def targets(self, part: str = "val") -> np.ndarray:
        """The forecast targets of one part in the series' units, shape (N, horizon)."""
        return getattr(self.prepared, part).targets

    def history_frame(self):
        """The history as a pandas DataFrame (one row per epoch)."""
        import pandas as pd

        columns = list(EpochRecord.__dataclass_fields__)
        return pd.DataFrame([r.as_dict() for r in self.history], columns=columns)

    # -- one epoch ----------------------------------------------------------------------
    def _forward_eval(self, X) -> np.ndarray:
        was_training = self.model.training
        self.model.eval()
        with torch.no_grad():
            out = self.model(X).numpy()
        self.model.train(was_training)
        return out

    def _begin_epoch(self) -> _Pass:
        """A new pass over the training windows, in a fresh shuffled order."""
        n = len(self._tensors["train"][0])
        return _Pass(order=torch.randperm(n, generator=self._generator))

    def _epoch(self, deadline: float | None = None):
        """Train the current epoch's remaining batches; its record, None when it diverged, or
        ``_UNFINISHED`` when ``deadline`` (a ``time.perf_counter()`` value) came first."""
        t0 = time.perf_counter()
        if self._pass is None:
            self._pass = self._begin_epoch()
        run = self._pass
        X, Y = self._tensors["train"]
        n, bs, clip = len(X), self.cfg.train.batch_size, self.cfg.train.clip
        params = [p for p in self.model.parameters() if p.requires_grad]
        self.model.train()
        while run.position < n:
            idx = run.order[run.position:run.position + bs]
            xb, yb = X[idx], Y[idx]
            self.optimizer.zero_grad(set_to_none=True)
            loss = self._loss(self.model(xb), yb)
            loss.backward()
            # clip_grad_norm_ returns the norm before clipping; with max_norm=inf it only measures
            norm = torch.nn.utils.clip_grad_norm_(params, clip if clip is not None else math.inf)
            self.optimizer.step()
            run.loss_sum += loss.detach() * len(idx)
            run.norm_sum += norm
            run.clipped_sum += norm if clip is None else torch.clamp(norm, max=clip)
            run.batches += 1
            run.position += bs
            self.steps += 1
            if deadline is not None and run.position < n and time.perf_counter() >= deadline:
                run.seconds += time.perf_counter() - t0
                return _UNFINISHED
        self._pass = None
        loss_sum, norm_sum, clipped_sum, batches = run.loss_sum, run.norm_sum, run.clipped_sum, run.batches
        t0 -= run.seconds  # the epoch's time includes what earlier chunks spent on it
        train_loss = float(loss_sum) / n
        if not math.isfinite(train_loss) or not self._weights_finite():
            self._diverge("the loss stopped being a finite number")
            return None
        val_loss = self._val_loss()
        epoch = self.epoch + 1
        if epoch % self.cfg.train.grad_every == 0 or epoch == 1:
            self._record_grad_norms(epoch)
        record = EpochRecord(
            epoch=epoch,
            train_loss=train_loss,
            val_loss=val_loss,
            grad_norm=float(norm_sum) / batches,
            grad_norm_clipped=float(clipped_sum) / batches,
            seconds=time.perf_counter() - t0,
            lr=self.lr,
        )
        self.history.append(record)
        self._last_good = self._snapshot()
        if train_loss > BLOW_UP * self.history[0].train_loss:  # finite, so drawn, but past saving
            self.status, self.diverged_epoch = "diverged", epoch
            self.message = (f"Training diverged in epoch {epoch}: the loss grew to "
                            f"{train_loss / self.history[0].train_loss:.1e} times epoch 1's. The weights stay as "
                            "they are (finite, but useless). Try a smaller learning rate or turn on gradient clipping.")
        return record

    def _loss(self, out, target):
        """The training objective; subclasses (e.g. a language model) override it."""
        return torch.nn.functional.mse_loss(out, target)

    def _val_loss(self) -> float:
        X, Y = self._tensors["val"]
        self.model.eval()
        with torch.no_grad():
            loss = float(self._loss(self.model(X), Y))
        self.model.train()
        return loss

    def _weights_finite(self) -> bool:
        return all(bool(torch.isfinite(p).all()) for p in self.model.parameters())

    def _record_grad_norms(self, epoch: int) -> None:
        if self.cfg.model.cell == "mlp":
            return
        X, Y = self._tensors["train"]
        norms = diagnostics.hidden_grad_norms(self.model, X[-GRAD_PROBE_WINDOWS:], Y[-GRAD_PROBE_WINDOWS:])
        self.grad_history.append((epoch, norms))

    # -- endings ------------------------------------------------------------------------
    def _diverge(self, why: str) -> None:
        self.model.load_state_dict(self._last_good)
        self.optimizer = self._make_optimizer()  # its moments may be non-finite too
        self.status = "diverged"
        self.diverged_epoch = self.epoch + 1
        self.message = (
            f"Training diverged in epoch {self.diverged_epoch}: {why}. "
            f"The weights from epoch {self.epoch} are kept. Try a smaller learning rate or turn on "
            "gradient clipping."
        )

    def _check_patience(self) -> bool:
        """Track the best validation loss; stop early once it has not improved for `patience` epochs."""
        record = self.history[-1]
        if record.val_loss < self._best_val:
            self._best_val = record.val_loss
            self.best_epoch = record.epoch
            self._best_state = self._last_good
        patience = self.cfg.train.patience
        if patience is None or record.epoch - self.best_epoch < patience:
            return False
        self.model.load_state_dict(self._best_state)
        self.status = "stopped_early"
        self.message = (
            f"Stopped early after epoch {record.epoch}: the validation loss had not improved for "
            f"{patience} epochs. The weights from the best epoch ({self.best_epoch}) are restored."
        )
        return True

    def _finish_done(self) -> None:
        if self.cfg.train.patience is not None and self._best_state is not None:
            self.model.load_state_dict(self._best_state)
            self.message = f"Finished all {self.epochs_total} epochs; kept the best epoch ({self.best_epoch})."
        else:
            self.message = f"Finished all {self.epochs_total} epochs."
