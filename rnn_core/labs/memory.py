"""A long-lag memory task: recall the value seen ``lag`` steps ago, through a stretch of noise.

Every example is a fresh sequence of ``lookback`` values drawn uniformly from [-1, 1].
The target is the value seen ``lag`` steps before the last one, ``x[T - 1 - lag]``
(0-based, T = lookback); by default ``lookback = lag + 1``, so that is the very first
value and every later one is a distractor of the same size. Nothing but that one early
input predicts the target, so the gradient that teaches the network to keep it has to
travel back ``lag`` steps: the task measures how far back a cell can learn to remember.

Scores on the test part: ``error`` is the mean squared error divided by the targets'
variance (1 = no better than always answering 0, 0 = perfect); ``accuracy`` is the share
of answers within ``TOLERANCE`` of the truth. A run counts as solved when its error is
below ``SOLVED_ERROR``. A network that only remembers the *sign* of the value gets an
error near 0.25: better than nothing, but not solved.

Examples
--------
>>> task = recall_task(lag=3, n_train=4, n_val=2, n_test=2, seed=1)
>>> X, Y = task.prepared.train.X, task.prepared.train.Y
>>> X.shape, Y.shape, bool((Y[:, 0] == X[:, 0, 0]).all())
((4, 4, 1), (4, 1), True)
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rnn_core import config, resources
from rnn_core._checks import whole_number
from rnn_core.data import windows
from rnn_core.errors import ConfigError, DataError
from rnn_core.labs import gradients as gradient_lab
from rnn_core.training.trainer import Trainer

TOLERANCE = 0.2  # an answer within this of the true value counts as right (a tenth of the range)
SOLVED_ERROR = 0.1  # error (normalised MSE) below this: the value is remembered, not just its sign
STOP_ERROR = 0.05  # a sweep stops a run once its validation error is below this (a margin for the test)
MAX_LAG = 300
COLUMNS = ["preset", "cell", "lag", "error", "accuracy", "solved", "epochs", "seconds", "seed"]


@dataclass
class MemoryTask:
    """One recall task: its windows, ready for ``Trainer(cfg, task.values, prepared=task.prepared)``.

    ``values`` holds the training sequences end to end (what the Trainer's ``series``
    argument carries along); the windows themselves are in ``prepared``.
    """

    lag: int
    lookback: int
    seed: int
    prepared: windows.Prepared
    values: np.ndarray


def _part(rng, n: int, lookback: int, lag: int) -> windows.Part:
    X = rng.uniform(-1.0, 1.0, size=(n, lookback, 1))  # (N, T, 1)
    Y = X[:, lookback - 1 - lag, :].copy()  # (N, 1): the value seen `lag` steps before the last
    return windows.Part(X.astype(np.float32), Y.astype(np.float32), np.arange(n), Y)


def recall_task(lag: int, lookback: int | None = None, n_train: int = 512, n_val: int = 128,
                n_test: int = 256, seed: int = 0) -> MemoryTask:
    """Make the recall task for one ``lag``.

    Parameters
    ----------
    lag : int
        How many steps before the last one the remembered value was seen (0 = the last).
    lookback : int, optional
        Sequence length T, at least ``lag + 1``; default ``lag + 1`` (recall the first value).
    n_train, n_val, n_test : int
        Independent sequences in each part.
    seed : int
        The same seed gives the same sequences.

    Returns
    -------
    MemoryTask
        Its ``prepared`` has mode "next", horizon 1 and the scaler "none" (the values
        already live in [-1, 1]).
    """
    lag = whole_number(lag, 0, "The lag")
    lookback = lag + 1 if lookback is None else whole_number(lookback, 1, "The sequence length")
    if lag > MAX_LAG or lookback > config.MAX_LOOKBACK:
        raise ConfigError(f"The lag is limited to {MAX_LAG} and the sequence length to {config.MAX_LOOKBACK} "
                          f"(got {lag} and {lookback}).")
    if lookback < lag + 1:
        raise DataError(f"A value seen {lag} steps before the last needs sequences of at least {lag + 1} "
                        f"values (got {lookback}).")
    sizes = [whole_number(n, 1, f"The number of {what} sequences")
             for n, what in ((n_train, "training"), (n_val, "validation"), (n_test, "test"))]
    if sizes[0] * lookback > config.MAX_SERIES_LENGTH:
        raise ConfigError(f"{sizes[0]} training sequences of {lookback} values are more than the "
                          f"{config.MAX_SERIES_LENGTH:,} values the app trains on: use fewer or shorter ones.")
    rng = np.random.default_rng(whole_number(seed, 0, "The seed"))
    train, val, test = (_part(rng, n, lookback, lag) for n in sizes)
    n = sum(sizes)
    prepared = windows.Prepared(train, val, test, scaler=windows.Scaler("none", 0.0, 1.0, sizes[0]),
                                a=sizes[0], b=sizes[0] + sizes[1], n=n, lookback=lookback, horizon=1, mode="next")
    return MemoryTask(lag, lookback, seed, prepared, train.X[:, :, 0].ravel().astype(np.float64))


PAGE_N_TRAIN = 256  # memory-task sequences on the Gradients page: few, so a long lookback still trains live


def page_task(lookback: int, seed: int = 0) -> MemoryTask:
    """The Gradients page's memory task: recall the first of ``lookback`` values, 256 training sequences."""
    return recall_task(lookback - 1, lookback, n_train=PAGE_N_TRAIN, seed=seed)


def task_config(lag: int, lookback: int | None = None, seed: int = 0, **model) -> config.ExperimentConfig:
    """A validated config for training on the recall task; ``model`` overrides ModelConfig fields.

    Training settings are the sweep's (Adam, lr 0.01, batch 32, clip 1); change them with
    ``cfg.replace(train={...})``.
    """
    lookback = lag + 1 if lookback is None else lookback
    return config.validate(config.ExperimentConfig(
        data=config.DataConfig("memory_recall", (("lag", lag), ("lookback", lookback), ("seed", seed))),
        window=config.WindowConfig(lookback=lookback, scaler="none"),
        model=config.ModelConfig(**{"cell": "rnn", "hidden_size": 32, **model}),
        train=config.TrainConfig(epochs=20, batch_size=32, lr=0.01, clip=1.0, seed=seed, grad_every=5),
    ))


def scores(trainer, part: str = "test") -> dict:
    """``error`` (MSE / variance of the targets), ``accuracy`` (share within TOLERANCE), ``solved``."""
    pred, truth = trainer.predict(part)[:, 0], trainer.targets(part)[:, 0]
    error = float(np.mean((pred - truth) ** 2) / np.var(truth))
    return {"error": error, "accuracy": float(np.mean(np.abs(pred - truth) <= TOLERANCE)),
            "solved": bool(error < SOLVED_ERROR)}


def solved_on_validation(trainer) -> bool:
    """True once the latest validation loss, as an error, is below STOP_ERROR (a sweep stops that run)."""
    if not trainer.history:
        return False
    return trainer.history[-1].val_loss / float(np.var(trainer.targets("val"))) < STOP_ERROR


# ---------------------------------------------------------------- the lag sweep

@dataclass(frozen=True)
class SweepPreset:
    """Which cells at which lags, trained how (the same seed and task for every run).

    ``keep_bias`` is added to the bias of the gated cells' keep gate (LSTM f, GRU z; see
    :attr:`config.ModelConfig.keep_bias`): 3 starts the gate at σ(3) ≈ 0.95, mostly keeping.
    ``alpha`` and ``skip`` are the leaky and skip cells' settings.
    """

    cells: tuple
    lags: tuple
    reason: str
    hidden_size: int = 32
    epochs: int = 25
    n_train: int = 512
    seed: int = 0
    keep_bias: float = 3.0
    alpha: float = 0.8
    skip: int = 5

    def config(self, cell: str, lag: int) -> config.ExperimentConfig:
        cfg = task_config(lag, seed=self.seed, cell=cell, hidden_size=self.hidden_size, alpha=self.alpha,
                          skip=self.skip, keep_bias=self.keep_bias)
        return config.only_what_matters(cfg.replace(train={"epochs": self.epochs}))


SWEEP_PRESETS: dict[str, SweepPreset] = {
    "lecture": SweepPreset(
        ("rnn", "lstm", "gru"), (10, 20, 30, 50),
        "Vanilla RNN, LSTM and GRU on one seed. The vanilla cell loses the value first: at lag 30 it depends "
        "on the seed, and at lag 50 it keeps at most the sign. The GRU still recalls it at lag 50; the LSTM "
        "recalls it at lag 30, and at lag 50 it depends on the seed (in 25 epochs it often has not learned "
        "to keep it yet)."),
    "leaky_and_skip": SweepPreset(
        ("rnn", "leaky", "skip"), (10, 20, 30, 50),
        "The older fixes against the plain cell. A skip connection (k 5) makes the way back through time "
        "five times shorter: it still recalls the value at lag 30 and, in most seeds, at 50. The leaky "
        "self-connection (α 0.8) helps far less here: from lag 20 on it depends on the seed, and by lag 50 "
        "it mostly keeps at most the sign, like the plain cell."),
    "pytorch_gate_bias": SweepPreset(
        ("rnn", "lstm", "gru"), (10, 20, 30),
        "The same race with PyTorch's own gate biases (keep gate half open at the start): in this short "
        "training the gated cells lose their lead. At lag 30 the LSTM and the GRU mostly fail, where with the "
        "keep gate started at 0.95 they recall the value; a gate that starts half open forgets fast and must "
        "first learn to keep.", keep_bias=0.0),
    "quick": SweepPreset(
        ("rnn", "lstm"), (10, 30),
        "Two cells, two lags: the shortest demonstration, for tests and slow machines."),
}


# What each preset's reason claims, checked over several seeds by `python -m rnn_core.claims`
# (see rnn_core.claims.spec): error < SOLVED_ERROR (0.1) is "recalls", > 0.25 "at most the sign".
SWEEP_CLAIMS: dict[str, list] = {
    "lecture": [
        {"experiment": "memory_lag_sweep", "params": {"preset": "lecture"}, "seeds": "all",
         "expect": ["rnn.error_at_lag_50 > 0.25", "gru.error_at_lag_50 < 0.1", "lstm.error_at_lag_30 < 0.1"]},
    ],
    "leaky_and_skip": [
        {"experiment": "memory_lag_sweep", "params": {"preset": "leaky_and_skip"}, "seeds": "all",
         "expect": ["skip.error_at_lag_30 < 0.1", "skip.error_at_lag_50 < 0.25"]},
        {"experiment": "memory_lag_sweep", "params": {"preset": "leaky_and_skip"}, "seeds": ">= 2/3",
         "expect": ["skip.error_at_lag_50 < 0.1", "leaky.error_at_lag_50 > 0.25"]},
    ],
    "pytorch_gate_bias": [
        {"experiment": "memory_lag_sweep", "params": {"preset": "pytorch_gate_bias"}, "seeds": ">= 2/3",
         "expect": ["lstm.error_at_lag_30 > 0.25", "gru.error_at_lag_30 > 0.25"]},
        {"experiment": "memory_lag_sweep", "params": {"preset": "lecture"}, "seeds": "all",
         "expect": ["lstm.error_at_lag_30 < 0.1", "gru.error_at_lag_30 < 0.1"]},
    ],
}


class LagSweep(gradient_lab.TrainerGroup):
    """Every cell of a preset at every lag, trained one run after another, each stopped once solved.

    Has the Trainer's interface, so ``ui.live`` can run it in chunks; :meth:`frame` is the
    result table so far (finished runs only).
    """

    def __init__(self, preset: SweepPreset, name: str = ""):
        self.preset, self.name = preset, name
        trainers = {}
        for lag in preset.lags:
            task = recall_task(lag, n_train=preset.n_train, seed=preset.seed)
            for cell in preset.cells:
                cfg = preset.config(cell, lag)
                trainers[(cell, lag)] = Trainer(cfg, task.values, prepared=task.prepared)
        super().__init__(trainers, preset.config(preset.cells[0], preset.lags[0]), together=False,
                         stop_when=solved_on_validation)
        self.seconds: dict = {}

    def _one_epoch(self, label) -> None:
        start = time.process_time()  # CPU time: what a run costs, whatever else the machine is doing
        super()._one_epoch(label)
        self.seconds[label] = self.seconds.get(label, 0.0) + time.process_time() - start

    def frame(self):
        """One row per finished run: preset, cell, lag, error, accuracy, solved, epochs, seconds, seed."""
        import pandas as pd

        rows = [{"preset": self.name, "cell": cell, "lag": lag, **scores(tr), "epochs": tr.epoch,
                 "seconds": round(self.seconds.get((cell, lag), 0.0), 3), "seed": self.preset.seed}
                for (cell, lag), tr in self.trainers.items() if self.member_done((cell, lag))]
        return pd.DataFrame(rows, columns=COLUMNS)


def lag_sweep(preset: str | SweepPreset = "lecture"):
    """Train each cell at each lag of a preset (fixed seed) and return the tidy result table.

    Parameters
    ----------
    preset : str or SweepPreset
        A name from ``SWEEP_PRESETS`` or a preset of your own.

    Returns
    -------
    pandas.DataFrame
        Columns ``COLUMNS``: one row per (cell, lag) with the test ``error`` and ``accuracy``,
        ``solved``, the ``epochs`` trained (a run stops once it solves the task) and the CPU
        ``seconds`` it took.

    Examples
    --------
    >>> df = lag_sweep(SweepPreset(("rnn",), (1,), "tiny", epochs=1, n_train=32))
    >>> df[["cell", "lag"]].values.tolist()
    [['rnn', 1]]
    """
    name = preset if isinstance(preset, str) else ""
    if isinstance(preset, str):
        if preset not in SWEEP_PRESETS:
            raise ConfigError(f"Unknown sweep preset {preset!r}: choose one of {', '.join(SWEEP_PRESETS)}.")
        preset = SWEEP_PRESETS[preset]
    sweep = LagSweep(preset, name)
    sweep.run()
    return sweep.frame()


def first_failure(frame) -> dict:
    """Per cell, the shortest lag it did not solve (None when it solved every lag it tried)."""
    out = {}
    for cell, rows in frame.groupby("cell", sort=False):
        failed = rows.loc[~rows["solved"].astype(bool), "lag"]
        out[cell] = int(failed.min()) if len(failed) else None
    return out


# ---------------------------------------------------------------- the cached table

def read_cache(path: Path | None = None):
    """The cached sweep table (every preset), as written by :func:`write_cache`.

    ``path=None`` reads the table that ships with rnn_core.
    """
    import io

    import pandas as pd

    if path is None:
        frame = pd.read_csv(io.StringIO(resources.read_text(resources.MEMORY_SWEEP)))
    elif not Path(path).exists():
        raise DataError(f"No cached sweep at {path}: run `python -m rnn_core.labs.memory --write-cache`.")
    else:
        frame = pd.read_csv(path)
    if list(frame.columns) != COLUMNS:
        raise DataError(f"The cached sweep's columns are {list(frame.columns)}, expected {COLUMNS}.")
    return frame


def write_cache(path: Path | None = None, presets=None):
    """Run the sweep for each preset (default: all) and write one CSV (default: the shipped one); returns it."""
    import pandas as pd

    path = resources.source_path(resources.MEMORY_SWEEP) if path is None else path
    frames = [lag_sweep(name) for name in (presets or SWEEP_PRESETS)]
    frame = pd.concat(frames, ignore_index=True)
    frame.to_csv(path, index=False, float_format="%.6g")
    return frame


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Run the memory-task lag sweep.")
    parser.add_argument("--preset", default="lecture", choices=list(SWEEP_PRESETS))
    parser.add_argument("--write-cache", action="store_true", help=f"run every preset and write {resources.MEMORY_SWEEP}")
    args = parser.parse_args(argv)
    start, cpu = time.perf_counter(), time.process_time()
    frame = write_cache() if args.write_cache else lag_sweep(args.preset)
    print(frame.to_string(index=False))
    print(f"{time.perf_counter() - start:.1f} s wall clock, {time.process_time() - cpu:.1f} s CPU")


if __name__ == "__main__":
    main()
