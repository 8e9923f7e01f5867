"""Transfer learning: pretrain a recurrent network on a source task, copy it to a target task.

The lecture's recipe: copy a trained network into a new task, choose per layer whether
to **keep** it (copy, then fine-tune), **freeze** it (copy, never change) or **retrain**
it (fresh random weights), and optionally drop a **new head** on top. Frozen parameters
get ``requires_grad = False``, so :class:`rnn_core.training.trainer.Trainer` leaves them out of its
optimizer and they cannot move.

The source task is a family of sine waves (many periods, amplitudes and phases) or a
long series from :mod:`rnn_core.data`; the target task is another series with only a
few training windows. :mod:`rnn_core.labs.transfer.race` races the choices against
training from scratch; :mod:`rnn_core.labs.transfer.probe` looks inside the copied layers.

Examples
--------
>>> from rnn_core.labs.transfer import setup as transfer
>>> tcfg = transfer.TransferConfig(pretrain_epochs=1).replace(model={"hidden_size": 8})
>>> pre = transfer.pretrain(tcfg, max_windows=200)
>>> model = transfer.transfer_model(pre, ("freeze", "keep"), new_head=True, seed=0)
>>> [p.requires_grad for p in transfer.layer_parameters(model, 0)][:2]
[False, False]
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass, field

import numpy as np
import torch

from rnn_core import config as config_mod
from rnn_core import data
from rnn_core.data import windows
from rnn_core.errors import ConfigError
from rnn_core.networks import models
from rnn_core.training import trainer as train

CHOICES = ("keep", "freeze", "retrain")
CHOICE_LABELS = {"keep": "keep (copy, fine-tune)", "freeze": "freeze (copy, fixed)", "retrain": "retrain (fresh)"}
TRANSFER_CELLS = ("rnn", "lstm", "gru")  # torch's fused kernel: pretraining takes seconds, not minutes
SINES = "sines"
MAX_PRETRAIN_EPOCHS = 40
MAX_SOURCE_WINDOWS = 2_400  # pretraining cost is bounded whatever the source series

_TARGET = config_mod.ExperimentConfig(
    data=config_mod.DataConfig("traffic"),
    window=config_mod.WindowConfig(lookback=24, horizon=1, mode="next", scaler="standard"),
    model=config_mod.ModelConfig(cell="lstm", hidden_size=32, num_layers=2),
    train=config_mod.TrainConfig(epochs=50, batch_size=32, lr=0.01, seed=0, grad_every=config_mod.MAX_EPOCHS),
)


def source_label(name: str) -> str:
    """How the page names a source task."""
    return "A family of sine waves" if name == SINES else data.DATASETS[name].label


@dataclass(frozen=True)
class TransferConfig:
    """One transfer experiment: the target run, the source task and what is copied.

    ``target`` is an ordinary ExperimentConfig: the target series (``data``), windows,
    the network (``model``, shared by source and target) and the fine-tuning (``train``).
    ``plan`` holds one of :data:`CHOICES` per layer; ``n_train`` is how many of the
    target's training windows (the most recent ones) the networks may learn from.
    """

    target: config_mod.ExperimentConfig = _TARGET
    source: str = SINES
    pretrain_epochs: int = 5
    n_train: int = 48
    plan: tuple = ("freeze", "keep")
    new_head: bool = True

    @property
    def train(self) -> config_mod.TrainConfig:
        return self.target.train

    def replace(self, **changes) -> TransferConfig:
        """Change fields, or sections of ``target`` as ExperimentConfig.replace does.

        ``tcfg.replace(model={"num_layers": 1}, plan=("freeze",))``
        """
        sections = {k: changes.pop(k) for k in ("data", "window", "model", "train") if k in changes}
        target = self.target.replace(**sections) if sections else self.target
        return dataclasses.replace(self, target=target, **changes)


def validate(tcfg: TransferConfig) -> TransferConfig:
    """Check a transfer config against the app's limits; return it or raise ConfigError."""
    if not isinstance(tcfg, TransferConfig):
        raise ConfigError("Expected a TransferConfig.")
    cfg = config_mod.validate(tcfg.target)
    if cfg.model.cell not in TRANSFER_CELLS:
        raise ConfigError(f"Transfer learning here uses one of the cells {', '.join(TRANSFER_CELLS)} "
                          f"(got {cfg.model.cell!r}).")
    if cfg.window.mode != "next":
        raise ConfigError("Transfer learning here forecasts the next value (window mode 'next').")
    if tcfg.source != SINES and tcfg.source not in data.DATASETS:
        raise ConfigError(f"Unknown source task {tcfg.source!r}: choose {SINES} or a dataset name.")
    config_mod._int_in(tcfg.pretrain_epochs, 1, MAX_PRETRAIN_EPOCHS, "Pretraining epochs")
    config_mod._int_in(tcfg.n_train, 1, config_mod.MAX_SERIES_LENGTH, "Target training windows")
    plan = tcfg.plan
    if not isinstance(plan, tuple) or len(plan) != cfg.model.num_layers:
        raise ConfigError(f"The plan needs one choice per layer: {cfg.model.num_layers} for "
                          f"{cfg.model.num_layers} layer(s), got {plan!r}.")
    for choice in plan:
        config_mod._choice(choice, CHOICES, "layer choice")
    if not isinstance(tcfg.new_head, bool):
        raise ConfigError("A new head is on or off.")
    return tcfg


# ---------------------------------------------------------------- the source task

def sine_family(n_series: int = 80, length: int = 64, seed: int = 0, noise: float = 0.05) -> list:
    """``n_series`` sine waves with random periods (6 to 60 steps, log-uniform), amplitudes and phases.

    Amplitudes are chosen so that a standardised series (std 1) sits in the middle of the
    family: the network meets the scale of any standardised target during pretraining.
    Many short waves rather than a few long ones: with a few, the network memorises their
    periods instead of learning what any sine does next.
    """
    rng = np.random.default_rng(seed)
    t = np.arange(length)
    waves = []
    for _ in range(n_series):
        period = math.exp(rng.uniform(math.log(6), math.log(60)))
        amplitude = math.sqrt(2) * rng.uniform(0.5, 1.5)
        phase = rng.uniform(0, 2 * math.pi)
        waves.append(amplitude * np.sin(2 * math.pi * t / period + phase) + rng.normal(0, noise, length))
    return waves


def _stack(parts: list) -> windows.Part:
    X = np.concatenate([p[0] for p in parts]).astype(np.float32)
    Y = np.concatenate([p[1] for p in parts]).astype(np.float32)
    return windows.Part(X, Y, np.arange(len(X)), Y.astype(np.float64))


def _thin(part: windows.Part, most: int, seed: int) -> windows.Part:
    """At most ``most`` windows of a part, chosen at random but in order."""
    if len(part) <= most:
        return part
    keep = np.sort(np.random.default_rng(seed).choice(len(part), most, replace=False))
    return windows.Part(part.X[keep], part.Y[keep], part.origins[keep], part.targets[keep])


def source_data(tcfg: TransferConfig) -> config_mod.DataConfig:
    """The source series as a DataConfig with every parameter spelled out.

    A generated dataset is drawn with the next seed, so a source named like the target
    is another draw of the same generator (another town's traffic), not the target itself.
    """
    if tcfg.source == SINES:
        return config_mod.DataConfig(SINES, (("seed", tcfg.train.seed),))
    params = dict(data.DATASETS[tcfg.source].defaults)
    if "seed" in params:
        params["seed"] += 1
    return config_mod.DataConfig(tcfg.source, tuple(params.items()))


def same_series(tcfg: TransferConfig) -> bool:
    """True when source and target are the very same series (then transfer has seen the target)."""
    target, source = tcfg.target.data, source_data(tcfg)
    if source.name != target.name:
        return False
    filled = {**data.DATASETS[target.name].defaults, **dict(target.params)}
    return filled == dict(source.params)


def source_windows(tcfg: TransferConfig, max_windows: int = MAX_SOURCE_WINDOWS) -> windows.Prepared:
    """The pretraining windows: train and validation parts (the test part repeats validation).

    Sine waves are split by wave (a quarter of them validate) and used unscaled: they
    already have the spread of a standardised series. A dataset is split and scaled as
    the target's window config says.
    """
    w, seed = tcfg.target.window, tcfg.train.seed
    if tcfg.source == SINES:
        cut = [windows.make_windows(v, w.lookback) for v in sine_family(length=w.lookback + 40, seed=seed)]
        n_val = len(cut) // 4
        tr_part, val_part = _stack(cut[n_val:]), _stack(cut[:n_val])
        n = sum(len(p[0]) for p in cut)
        prepared = windows.Prepared(tr_part, val_part, val_part, windows.Scaler("none", 0.0, 1.0, n),
                                    a=n, b=n, n=n, lookback=w.lookback, horizon=1, mode="next")
    else:
        prepared = windows.prepare(data.load(tcfg.source, **dict(source_data(tcfg).params)).values, w)
    prepared.train = _thin(prepared.train, max_windows, seed)
    prepared.val = prepared.test = _thin(prepared.val, max(64, max_windows // 4), seed + 1)
    return prepared


@dataclass
class Pretrained:
    """A network trained on the source task, kept as plain weights (no module)."""

    state: dict            # state_dict of the SequenceModel, tensors cloned
    target: config_mod.ExperimentConfig  # whose model / window sections built it
    source: str
    history: list          # the source run's EpochRecords
    seconds: float
    source_X: np.ndarray   # (N, L, 1) float32: some source validation windows, to look inside the layers
    source_val_loss: float = math.nan
    notes: list = field(default_factory=list)


def pretrain_config(tcfg: TransferConfig) -> config_mod.ExperimentConfig:
    """The ExperimentConfig the source run trains with: the target's windows and network, its own training.

    It depends only on what shapes the pretrained weights, so it keys a cache of them:
    changing how the target is fine-tuned does not pretrain again.
    """
    return tcfg.target.replace(data=source_data(tcfg), train=config_mod.TrainConfig(
        epochs=tcfg.pretrain_epochs, batch_size=64, lr=0.01, seed=tcfg.train.seed, grad_every=config_mod.MAX_EPOCHS))


def pretrain(tcfg: TransferConfig, max_windows: int = MAX_SOURCE_WINDOWS) -> Pretrained:
    """Train the network on the source task for ``tcfg.pretrain_epochs`` epochs.

    Parameters
    ----------
    tcfg : TransferConfig
    max_windows : int
        At most this many source training windows (keeps pretraining to seconds).

    Returns
    -------
    Pretrained
        The trained weights and the source run's history; ``source_X`` holds up to 256
        source validation windows for :func:`rnn_core.labs.transfer.probe.hidden_comparison`.
    """
    validate(tcfg)
    prepared = source_windows(tcfg, max_windows)
    started = time.perf_counter()
    tr = train.Trainer(pretrain_config(tcfg), prepared.train.targets.reshape(-1), prepared=prepared)
    tr.run()
    state = {k: v.detach().clone() for k, v in tr.model.state_dict().items()}
    return Pretrained(state, tcfg.target, tcfg.source, list(tr.history), time.perf_counter() - started,
                      prepared.val.X[:256].copy(), tr.history[-1].val_loss if tr.history else math.nan,
                      [tr.message] if tr.status == "diverged" else [])


# ---------------------------------------------------------------- copy, freeze, retrain

def fresh_model(target: config_mod.ExperimentConfig, seed: int):
    """A network with fresh random weights: what training from scratch starts from."""
    torch.manual_seed(seed)  # the same seed, the same fresh weights, in every arm
    w = target.window
    return models.build_model(target.model, w.mode, w.lookback, w.horizon)


def model_from(pretrained: Pretrained):
    """A new network holding a copy of the pretrained weights (the Pretrained stays untouched)."""
    model = fresh_model(pretrained.target, 0)
    model.load_state_dict(pretrained.state)  # copies the values into the new network's own tensors
    return model


def layer_parameters(model, layer: int) -> list:
    """The parameters of recurrent layer ``layer`` (0 = the first): its cell and learned initial states."""
    params = list(model.cells[layer].parameters())
    for states in (model.h0, model.c0):
        if states is not None:
            params.append(states[layer])
    return params


def trainable_parameters(model) -> list:
    """The parameters the optimizer may change (``requires_grad``)."""
    return [p for p in model.parameters() if p.requires_grad]


def apply_plan(model, plan: tuple, new_head: bool, fresh) -> None:
    """Carry out a per-layer plan on a copied network, in place.

    ``retrain`` layers and a new head take their weights from ``fresh`` (same config,
    fresh random weights); ``freeze`` layers stop asking for gradients.
    """
    if len(plan) != len(model.cells):
        raise ConfigError(f"The plan needs one choice per layer ({len(model.cells)}), got {len(plan)}.")
    for layer, choice in enumerate(plan):
        config_mod._choice(choice, CHOICES, "layer choice")
        if choice == "retrain":
            with torch.no_grad():
                for mine, new in zip(layer_parameters(model, layer), layer_parameters(fresh, layer), strict=True):
                    mine.copy_(new)
        for p in layer_parameters(model, layer):
            p.requires_grad_(choice != "freeze")
    if new_head:
        model.head.load_state_dict(fresh.head.state_dict())
    for p in model.head.parameters():
        p.requires_grad_(True)


def transfer_model(pretrained: Pretrained, plan: tuple, new_head: bool, seed: int):
    """A copy of the pretrained network with ``plan`` applied; fresh weights come from ``seed``.

    With every layer kept or frozen and no new head, it computes exactly what the
    pretrained network computes.
    """
    model = model_from(pretrained)
    apply_plan(model, plan, new_head, fresh_model(pretrained.target, seed))
    return model


def plan_rows(model, plan: tuple, new_head: bool) -> list:
    """One row per layer and the head: what happens to it and how many numbers it has."""
    rows = [{"part": f"layer {i + 1}", "choice": choice,
             "parameters": sum(p.numel() for p in layer_parameters(model, i)),
             "trainable": choice != "freeze"} for i, choice in enumerate(plan)]
    rows.append({"part": "head", "choice": "new" if new_head else "keep",
                 "parameters": sum(p.numel() for p in model.head.parameters()), "trainable": True})
    return rows
