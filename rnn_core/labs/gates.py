"""Inside an LSTM and a GRU: gate activations over time, parameter counts, measured speed.

Everything here returns plain numbers and arrays (never modules), so a page can cache it:

- :func:`inside_config`: the small, quick set-up the "Inside LSTM and GRU" page trains.
- :func:`train_and_record`: train one gated cell on a series, then run its validation
  windows through the written-out cells and keep every gate, the cell state and h.
- :func:`parameter_counts`: how many numbers a vanilla, LSTM and GRU layer learn at the
  same hidden size, and the multiply-adds one time step costs.
- :func:`measure_speed`: ms/epoch of vanilla vs LSTM vs GRU with the app's own Trainer,
  on the same windows, measured epoch by epoch in turn so machine noise hits all alike.

Gate names are the ones :mod:`rnn_core.networks.cells` uses (``LSTMCell.gate_names``, ``GRUCell.gate_names``).

Examples
--------
>>> from rnn_core.labs import gates
>>> counts = gates.parameter_counts(hidden_size=8)
>>> counts["lstm"]["recurrent"], counts["gru"]["recurrent"], counts["rnn"]["recurrent"]
(352, 264, 88)
"""

from __future__ import annotations

import math
import statistics
import time
from dataclasses import dataclass

import numpy as np
import torch

from rnn_core import config
from rnn_core.data import windows
from rnn_core.errors import ConfigError
from rnn_core.networks import models
from rnn_core.training import diagnostics
from rnn_core.training import trainer as train

GATED = ("lstm", "gru")
SPEED_CELLS = ("rnn", "lstm", "gru")
MAX_RECORDED_WINDOWS = 200  # enough to browse, small enough to cache: N x T x H floats per gate
MAX_VALUES = 5000  # a longer series is cut to its most recent values: the page must answer in seconds
# What each gate name in rnn_core.networks.cells means, in the order the page shows them.
GATE_LABELS = {
    "lstm": {"f": "forget gate", "i": "input gate", "o": "output gate", "g": "candidate"},
    "gru": {"z": "update gate", "r": "reset gate", "n": "candidate"},
}
STATE_LABELS = {"lstm": "cell state c", "gru": "hidden state h"}


def recent_values(series) -> tuple[np.ndarray, int]:
    """The last MAX_VALUES values of a series (all of a shorter one) and the index of the first kept."""
    values = np.asarray(getattr(series, "values", series), dtype=np.float64)
    offset = max(0, len(values) - MAX_VALUES)
    return values[offset:], offset


def _check_cell(cell: str, allowed=GATED) -> None:
    if cell not in allowed:
        raise ConfigError(f"Unknown cell {cell!r} here: choose one of {', '.join(allowed)}.")


def inside_config(data_cfg: config.DataConfig, cell: str = "lstm", hidden_size: int = 8, lookback: int = 24,
                  epochs: int = 20, seed: int = 0) -> config.ExperimentConfig:
    """The page's quick set-up: next-value windows, standardised, one layer, Adam (validated).

    Examples
    --------
    >>> from rnn_core import config
    >>> from rnn_core.labs import gates
    >>> gates.inside_config(config.DataConfig("sine"), "gru").model.cell
    'gru'
    """
    _check_cell(cell, (*SPEED_CELLS,))
    return config.validate(config.ExperimentConfig(
        data=data_cfg,
        window=config.WindowConfig(lookback=lookback, horizon=1, mode="next", scaler="standard"),
        model=config.ModelConfig(cell=cell, hidden_size=hidden_size, num_layers=1),
        # the gradient probe is not needed here: record it once, after the last epoch at most
        train=config.TrainConfig(epochs=epochs, batch_size=64, lr=0.01, seed=seed, grad_every=epochs),
    ))


@dataclass(frozen=True)
class GateRun:
    """A trained gated cell, opened up on N validation windows of T steps, H units each.

    Attributes
    ----------
    cell : {"lstm", "gru"}
    x : np.ndarray (N, T)
        The windows' inputs in the series' units.
    origins : np.ndarray (N,)
        Index in the series of the value each window forecasts (its first input is origin - T).
        A series longer than ``MAX_VALUES`` is trained on its most recent ``MAX_VALUES`` values;
        the origins still index the whole series.
    target, prediction : np.ndarray (N,)
        The true next value and the network's forecast, in the series' units.
    gates : dict
        Gate name (as in ``rnn_core.networks.cells``) -> activations (N, T, H): LSTM i, f, g, o; GRU r, z, n.
    cell_state : np.ndarray (N, T, H) or None
        The LSTM's c_1..c_T; None for the GRU, whose only state is h.
    hidden : np.ndarray (N, T, H)
        h_1..h_T.
    means : dict
        Gate name -> mean activation over all validation windows (``diagnostics.gate_summary``).
    val_losses : list of float
        Validation loss per epoch (scaled units).
    epochs, seconds, parameters :
        Epochs trained, training time, numbers learned.
    """

    cell: str
    x: np.ndarray
    origins: np.ndarray
    target: np.ndarray
    prediction: np.ndarray
    gates: dict
    cell_state: np.ndarray | None
    hidden: np.ndarray
    means: dict
    val_losses: list
    epochs: int
    seconds: float
    parameters: int

    def state(self) -> np.ndarray:
        """The memory the page shows under the gates: c for the LSTM, h for the GRU, (N, T, H)."""
        return self.cell_state if self.cell_state is not None else self.hidden

    def window(self, k: int) -> dict:
        """Window k as plain arrays: ``x`` (T,), ``gates`` {name: (T, H)}, ``state`` and ``hidden`` (T, H),
        ``target``, ``prediction`` and ``origin``."""
        if not 0 <= k < len(self.x):
            raise ConfigError(f"Window {k + 1} does not exist: pick one from 1 to {len(self.x)}.")
        return {"x": self.x[k], "gates": {name: g[k] for name, g in self.gates.items()},
                "state": self.state()[k], "hidden": self.hidden[k], "target": float(self.target[k]),
                "prediction": float(self.prediction[k]), "origin": int(self.origins[k])}


def _spread(n: int, most: int) -> np.ndarray:
    """At most ``most`` indices out of n, evenly spread, first and last included."""
    return np.unique(np.linspace(0, n - 1, min(n, most)).round().astype(int)) if n else np.arange(0)


def record(model, prepared: windows.Prepared, part: str = "val", max_windows: int = MAX_RECORDED_WINDOWS) -> dict:
    """Run up to ``max_windows`` windows of one part through the written-out cells, keeping the insides.

    Parameters
    ----------
    model : SequenceModel
        A one-layer LSTM or GRU (the last layer is recorded when there are more).
    prepared : windows.Prepared
    part : {"train", "val", "test"}
    max_windows : int

    Returns
    -------
    dict
        ``index`` (N,) of the windows kept, ``gates`` {name: (N, T, H)}, ``cell_state`` (N, T, H)
        or None, ``hidden`` (N, T, H), ``prediction`` (N,) in series units; float32 arrays.
    """
    if isinstance(model, models.MLPModel) or model.cell_name not in GATED:
        raise ConfigError("Only an LSTM or a GRU has gates to record.")
    p = getattr(prepared, part)
    keep = _spread(len(p), max_windows)
    X = torch.as_tensor(p.X[keep])  # (N, T, 1)
    was_training = model.training
    model.eval()
    with torch.no_grad():
        out, trace = model(X, record=True)
    model.train(was_training)
    return {"index": keep,
            "gates": {name: g.numpy().astype(np.float32) for name, g in trace.gates[-1].items()},
            "cell_state": trace.cell_state[-1].numpy().astype(np.float32) if trace.cell_state else None,
            "hidden": trace.hidden[-1].numpy().astype(np.float32),
            "prediction": prepared.scaler.inverse(out.numpy().astype(np.float64))[:, 0]}


def train_and_record(cfg: config.ExperimentConfig, series,
                     max_windows: int = MAX_RECORDED_WINDOWS) -> GateRun:
    """Train the gated cell ``cfg`` describes, then record its gates on the validation windows.

    All ``cfg.train.epochs`` run whatever the machine's load, so the same config gives the
    same result; ``seconds`` says how long it took.

    Examples
    --------
    >>> from rnn_core import config, data
    >>> from rnn_core.labs import gates
    >>> cfg = gates.inside_config(config.DataConfig("sine"), "lstm", hidden_size=4, lookback=10, epochs=2)
    >>> run = gates.train_and_record(cfg, data.load("sine"))
    >>> run.gates["f"].shape[1:], run.cell_state.shape[2]
    ((10, 4), 4)
    """
    training = GateTraining(cfg, series, max_windows)
    training.run()
    return training.recording()


class GateTraining:
    """The gated cell of ``cfg`` trained in chunks (the live-run protocol of
    :mod:`rnn_core.training.live`) and opened up at any epoch with :meth:`recording`, so the
    page shows the gates change while the network learns."""

    def __init__(self, cfg: config.ExperimentConfig, series, max_windows: int = MAX_RECORDED_WINDOWS):
        _check_cell(cfg.model.cell)
        values, self.offset = recent_values(series)
        self.cfg, self.max_windows = cfg, max_windows
        self.trainer = train.Trainer(cfg, values)
        self.seconds = 0.0
        self._recorded: tuple[int, GateRun] | None = None

    status = property(lambda self: self.trainer.status)
    message = property(lambda self: self.trainer.message)
    epoch = property(lambda self: self.trainer.epoch)
    epochs_total = property(lambda self: self.trainer.epochs_total)
    finished = property(lambda self: self.trainer.finished)
    lr = property(lambda self: self.trainer.lr)

    def set_lr(self, lr: float) -> None:
        self.trainer.set_lr(lr)

    def run(self, max_epochs: int | None = None, budget_s: float | None = None) -> int:
        started = time.perf_counter()
        try:
            return self.trainer.run(max_epochs=max_epochs, budget_s=budget_s)
        finally:
            self.seconds += time.perf_counter() - started

    def step(self) -> int:
        return self.run(max_epochs=1)

    def recording(self) -> GateRun:
        """The gates on the validation windows with the weights as they are now (kept until they change)."""
        tr = self.trainer
        if self._recorded is not None and self._recorded[0] == tr.steps:
            return self._recorded[1]
        rec = record(tr.model, tr.prepared, "val", self.max_windows)
        p, keep = tr.prepared.val, rec["index"]
        x = tr.prepared.scaler.inverse(p.X[keep, :, 0].astype(np.float64))  # (N, T) in series units
        run = GateRun(cell=self.cfg.model.cell, x=x, origins=p.origins[keep] + self.offset,
                      target=p.targets[keep, 0].copy(), prediction=rec["prediction"], gates=rec["gates"],
                      cell_state=rec["cell_state"], hidden=rec["hidden"],
                      means=diagnostics.gate_summary(tr.model, p.X), val_losses=[r.val_loss for r in tr.history],
                      epochs=tr.epoch, seconds=self.seconds, parameters=models.count_parameters(tr.model))
        self._recorded = (tr.steps, run)
        return run


def parameter_counts(hidden_size: int, input_size: int = 1) -> dict:
    """What one layer of each cell learns at the same hidden size, counted on the real modules.

    Parameters
    ----------
    hidden_size : int
        H, the same for every cell.
    input_size : int
        I, features per time step (1 for a univariate series).

    Returns
    -------
    dict
        cell -> {"blocks": G (1, 4, 3 weight blocks), "recurrent": G * (H*I + H*H + 2H) numbers in
        the layer, "head": the next-value head's H + 1, "total", "macs_per_step": G * H * (I + H),
        the multiply-adds of one time step's two matrix products}.
    """
    counts = {}
    for cell in SPEED_CELLS:
        m = models.build_model(config.ModelConfig(cell=cell, hidden_size=hidden_size), "next", 1, 1, input_size)
        blocks = m.cells[0].num_gates
        recurrent = models.count_parameters(m.cells)
        head = models.count_parameters(m.head)
        counts[cell] = {"blocks": blocks, "recurrent": recurrent, "head": head, "total": recurrent + head,
                        "macs_per_step": blocks * hidden_size * (input_size + hidden_size)}
    return counts


@dataclass(frozen=True)
class SpeedRow:
    """One cell's measured training speed: ms per epoch (median over the timed epochs)."""

    cell: str
    parameters: int
    ms_per_epoch: float
    ms_each: tuple  # every timed epoch, in ms
    val_loss: float  # after the epochs run, scaled units
    epochs: int


def measure_speed(cfg: config.ExperimentConfig, series, cells=SPEED_CELLS, epochs: int = 6,
                  fused: bool = True) -> list[SpeedRow]:
    """Train each cell on the same windows with :class:`rnn_core.training.trainer.Trainer` and time its epochs.

    Every cell gets the same windows, hidden size, batch size, optimizer and seed. The cells
    take turns, one epoch each, so a busy moment on the machine slows all of them alike. The
    first epoch of each (warm-up, plus the gradient probe) is not timed.

    Parameters
    ----------
    cfg : config.ExperimentConfig
        Windows, hidden size and training settings; ``cfg.model.cell`` is replaced by each cell.
    series : data.Series or 1-D array
        At most its last ``MAX_VALUES`` values are used.
    cells : sequence of {"rnn", "lstm", "gru"}
    epochs : int
        Epochs per cell, at least 2 (the first is not timed).
    fused : bool
        True: torch's fused kernels, what the Train page runs. False: the written-out cells
        of :mod:`rnn_core.networks.cells`, the code the page shows.

    Returns
    -------
    list of SpeedRow
        In the order of ``cells``.
    """
    for cell in cells:
        _check_cell(cell, SPEED_CELLS)
    if not isinstance(epochs, int) or epochs < 2:
        raise ConfigError(f"Timing needs at least 2 epochs per cell (got {epochs!r}).")
    base = cfg.replace(train={"epochs": epochs, "grad_every": config.MAX_EPOCHS, "patience": None})
    values, _ = recent_values(series)
    prepared = windows.prepare(values, base.window)
    trainers = {}
    for cell in cells:
        c = config.validate(base.replace(model={"cell": cell, "layer_norm": False}))
        torch.manual_seed(c.train.seed)
        model = models.build_model(c.model, c.window.mode, c.window.lookback, c.window.horizon)
        model.allow_fused = fused
        trainers[cell] = train.Trainer(c, values, model=model, prepared=prepared)
    for _ in range(epochs):
        for tr in trainers.values():
            tr.run(max_epochs=1)
    rows = []
    for cell, tr in trainers.items():
        timed = tuple(1e3 * r.seconds for r in tr.history[1:])
        rows.append(SpeedRow(cell=cell, parameters=models.count_parameters(tr.model),
                             ms_per_epoch=statistics.median(timed) if timed else math.nan, ms_each=timed,
                             val_loss=tr.history[-1].val_loss if tr.history else math.nan, epochs=tr.epoch))
    return rows
