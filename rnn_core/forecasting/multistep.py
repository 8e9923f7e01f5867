"""Forecasting more than the next value: the lecture's three options, side by side.

1. ``recursive``: a next-value network used again and again, each prediction fed back in
   as if it were a true value, so its own errors become part of its next input;
2. ``direct``: ``multi`` windows, the network outputs all ``horizon`` values at once from
   its last hidden state;
3. ``seq2seq``: ``seq2seq`` windows, every time step outputs its next ``horizon`` values
   (more training signal per window); the last step's outputs are the forecast.

All three read the same lookback, are trained by the same :class:`~rnn_core.training.trainer.Trainer`
with the same settings, and are scored at the same origins (the ``multi`` test windows) on
the same targets in the series' units, so their error-by-step lines compare like with like.

Examples
--------
>>> from rnn_core import config, data
>>> from rnn_core.forecasting import multistep
>>> cfg = config.PRESETS["tiny"]
>>> res = multistep.compare(cfg, data.load("sine", n=200, period=20), horizon=3)
>>> res.targets.shape == res.results["recursive"].forecasts.shape
True
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from rnn_core import config as config_mod
from rnn_core.data import windows
from rnn_core.errors import ConfigError, DataError
from rnn_core.forecasting import metrics
from rnn_core.training.trainer import Trainer

STRATEGIES = ("recursive", "direct", "seq2seq")
STRATEGY_MODES = {"recursive": "next", "direct": "multi", "seq2seq": "seq2seq"}
STRATEGY_LABELS = {"recursive": "1 · recursive (next value, fed back)",
                   "direct": "2 · direct (n outputs at once)",
                   "seq2seq": "3 · seq2seq (n outputs at every step)"}
# What each strategy's training windows look like, for the page (lookback L, horizon n).
PREPARATION = {
    "recursive": "`next` windows: L inputs → 1 target. At forecast time the prediction is appended to the "
                 "window and the oldest value dropped, n times.",
    "direct": "`multi` windows: L inputs → the next n values. The head outputs n numbers at once; every "
              "window needs all n targets, so the series gives n − 1 fewer windows.",
    "seq2seq": "`seq2seq` windows: L inputs → an L × n target, every step's next n values. The same window "
               "trains L forecasts at once; only the last step's n values are the forecast.",
}


@dataclass
class StrategyResult:
    """One strategy's forecasts (N, horizon) in series units and how they did."""

    strategy: str
    forecasts: np.ndarray
    mae_by_step: np.ndarray   # (horizon,)
    metrics: dict             # mae, rmse, mase over all steps
    seconds: float
    epochs: int
    status: str


@dataclass
class MultiStepResult:
    """The three strategies on the same test windows: ``origins`` (N,), ``targets`` (N, horizon)."""

    horizon: int
    origins: np.ndarray
    targets: np.ndarray
    results: dict

    def horizon_errors(self) -> dict:
        """strategy -> MAE at each forecast step, (horizon,)."""
        return {name: r.mae_by_step for name, r in self.results.items()}

    def metrics_frame(self):
        """One row per strategy: mae, rmse, mase, seconds, epochs."""
        import pandas as pd

        rows = {name: {**r.metrics, "seconds": r.seconds, "epochs": r.epochs} for name, r in self.results.items()}
        return pd.DataFrame(rows).T


def strategy_config(cfg: config_mod.ExperimentConfig, strategy: str, horizon: int) -> config_mod.ExperimentConfig:
    """``cfg`` with the window mode (and horizon) the strategy trains on; validated."""
    if strategy not in STRATEGIES:
        raise ConfigError(f"Unknown multi-step strategy {strategy!r}: choose one of {', '.join(STRATEGIES)}.")
    mode = STRATEGY_MODES[strategy]
    return config_mod.validate(cfg.replace(window={"mode": mode, "horizon": 1 if mode == "next" else horizon}))


def recursive_forecast(model, scaler: windows.Scaler, values, origins, lookback: int, horizon: int) -> np.ndarray:
    """Run a next-value ``model`` ``horizon`` times from each origin, feeding back its predictions.

    At origin ``o`` the first input is the true ``values[o - lookback : o]``; after each step
    the prediction is appended and the oldest value dropped.

    Parameters
    ----------
    model : torch.nn.Module
        Takes (N, lookback, 1) scaled windows, returns (N, 1).
    scaler : windows.Scaler
        The one the model was trained with.
    values : array_like (n,)
    origins : array_like of int (N,)
        Each at least ``lookback``.

    Returns
    -------
    np.ndarray, float64, (N, horizon), in series units
    """
    v = scaler.transform(values)
    o = np.asarray(origins, dtype=np.int64)
    if len(o) and o.min() < lookback:
        raise DataError(f"Every origin needs {lookback} values of history before it.")
    idx = o[:, None] - lookback + np.arange(lookback)                  # (N, L)
    X = torch.tensor(v[idx, None], dtype=torch.float32)                 # (N, L, 1)
    out = np.empty((len(o), horizon))
    was_training = model.training
    model.eval()
    with torch.no_grad():
        for step in range(horizon):
            y = model(X)                                                # (N, 1)
            out[:, step] = y[:, 0].numpy()
            X = torch.cat([X[:, 1:], y[:, None, :]], dim=1)             # slide: drop oldest, append prediction
    model.train(was_training)
    return scaler.inverse(out)


def shared_targets(values, window_cfg, horizon: int):
    """The shared yardstick: origins (N,), targets (N, horizon) and ``a`` of the ``multi`` test part."""
    import dataclasses

    multi = dataclasses.replace(window_cfg, mode="multi", horizon=horizon)
    prepared = windows.prepare(values, multi)
    return prepared.test.origins, prepared.test.targets, prepared.a


def train_strategy(cfg, series, strategy: str, horizon: int, origins=None) -> tuple[StrategyResult, Trainer]:
    """Train one strategy to the end of ``cfg.train.epochs``; forecasts at ``origins`` (default: its test part)."""
    scfg = strategy_config(cfg, strategy, horizon)
    start = time.perf_counter()
    tr = Trainer(scfg, series)
    tr.run()
    if origins is None:
        origins = shared_targets(tr.values, scfg.window, horizon)[0]
    if strategy == "recursive" and tr.prepared.transform != "none":  # the window preparation is redone every step
        with torch.no_grad():
            pred = tr.prepared.recursive(lambda X: tr.model.eval()(torch.from_numpy(X)).numpy(), origins, horizon)
    elif strategy == "recursive":
        pred = recursive_forecast(tr.model, tr.prepared.scaler, tr.values, origins, scfg.window.lookback, horizon)
    else:
        if not np.array_equal(tr.prepared.test.origins, origins):  # same L, h and split give the same windows
            raise DataError("The strategies' test windows do not line up; use the same lookback and split.")
        pred = tr.predict("test")
    a = tr.prepared.a
    targets = np.lib.stride_tricks.sliding_window_view(tr.values, horizon)[np.asarray(origins)]
    result = StrategyResult(strategy, pred, metrics.by_horizon(targets, pred)["mae"],
                            metrics.score(targets, pred, tr.values[:a]), time.perf_counter() - start,
                            tr.epoch, tr.status)
    return result, tr


def strategy_result(cfg, values: np.ndarray, strategy: str, horizon: int, origins: np.ndarray) -> StrategyResult:
    """:func:`train_strategy` without the Trainer: plain values in, arrays out (a page can cache it)."""
    return train_strategy(cfg, values, strategy, horizon, origins)[0]


def compare(cfg, series, horizon: int, strategies=STRATEGIES,
            progress: Callable[[float, str], None] | None = None, train=strategy_result) -> MultiStepResult:
    """Train each strategy on the same series, lookback and settings; score on the same targets.

    Parameters
    ----------
    cfg : config.ExperimentConfig
        Network and training settings; its window mode and horizon are replaced per strategy.
    series : data.Series or 1-D array
    horizon : int
        How many steps ahead every strategy forecasts (at least 2 to see a difference).
    progress : callable, optional
        Called as ``progress(fraction_done, text)`` before each strategy trains.
    train : callable, optional
        :func:`strategy_result` or a cached function with its signature.

    Returns
    -------
    MultiStepResult
        ``results[strategy].forecasts`` is (N, horizon), row i aligned with ``targets[i]``.
    """
    values = np.asarray(getattr(series, "values", series), dtype=np.float64)
    if not isinstance(horizon, (int, np.integer)) or isinstance(horizon, bool) or not 1 <= horizon <= config_mod.MAX_HORIZON:
        raise ConfigError(f"Horizon must be a whole number between 1 and {config_mod.MAX_HORIZON} (got {horizon!r}).")
    origins, targets, _ = shared_targets(values, cfg.window, int(horizon))
    results = {}
    for i, strategy in enumerate(strategies):
        if progress:
            progress(i / len(strategies), f"Training strategy {STRATEGY_LABELS.get(strategy, strategy)}…")
        results[strategy] = train(cfg, values, strategy, int(horizon), origins)
    if progress:
        progress(1.0, "Done.")
    return MultiStepResult(int(horizon), origins, targets, results)
