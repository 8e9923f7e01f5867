"""One call from config to scores: data -> windows -> train -> evaluate against baselines.

Every model is scored on the same test targets, in the series' own units, and is given
the same information as the RNN: at each test window's origin, the true history up to
that point and the same horizon. ARIMA's order is chosen by AIC on the training part,
fitted once there, then extended with the observed values without refitting.

Examples
--------
>>> from rnn_core import config, experiment
>>> res = experiment.run(config.PRESETS["tiny"])
>>> sorted(res.metrics)
['arima', 'naive', 'rnn', 'seasonal_naive']
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np

from rnn_core import baselines, metrics
from rnn_core import config as config_mod
from rnn_core.errors import PlaygroundError
from rnn_core.train import Trainer

_ARIMA_CACHE: OrderedDict = OrderedDict()
_ARIMA_CACHE_SIZE = 16
ARIMA_MAX_TRAIN = 2000  # ARIMA sees at most this many of the latest training values (speed)


@dataclass
class ExperimentResult:
    """Scores and forecasts of every model on one series' test part.

    ``predictions[name]`` and ``targets`` have shape (N, horizon); ``origins[i]`` is the
    index in the series of test window i's first target.
    """

    cfg: config_mod.ExperimentConfig
    metrics: dict
    predictions: dict
    targets: np.ndarray
    origins: np.ndarray
    train_seconds: float
    trainer: Trainer
    arima_order: tuple | None = None
    notes: list = field(default_factory=list)

    def metrics_frame(self):
        """Metrics as a DataFrame: one row per model, columns mae, rmse, mase."""
        import pandas as pd

        return pd.DataFrame(self.metrics).T[["mae", "rmse", "mase"]]


def arima_for(train_values: np.ndarray):
    """AIC order search and fit on the training part, cached by the values themselves.

    Returns (baselines.OrderSearch, baselines.ArimaFit).
    """
    key = hashlib.sha1(np.ascontiguousarray(train_values, dtype=np.float64).tobytes()).hexdigest()
    if key in _ARIMA_CACHE:
        _ARIMA_CACHE.move_to_end(key)
        return _ARIMA_CACHE[key]
    search = baselines.select_order(train_values)
    fit = baselines.fit_arima(train_values, search.order)
    _ARIMA_CACHE[key] = (search, fit)
    while len(_ARIMA_CACHE) > _ARIMA_CACHE_SIZE:
        _ARIMA_CACHE.popitem(last=False)
    return search, fit


def baseline_forecasts(values, origins, horizon, train_end, period=None, arima=True):
    """Forecasts of the classical baselines at each origin: name -> (N, horizon), and notes."""
    values = np.asarray(values, dtype=np.float64)
    origins = np.asarray(origins)
    forecasts = {"naive": baselines.rolling_forecasts("naive", values, origins, horizon)}
    notes: list[str] = []
    order = None
    if period and 1 < period < train_end:
        forecasts["seasonal_naive"] = baselines.rolling_forecasts(
            "seasonal_naive", values, origins, horizon, period=period
        )
    if arima:
        # a long series: the order search and fit use the latest ARIMA_MAX_TRAIN training values
        offset = max(0, train_end - ARIMA_MAX_TRAIN)
        try:
            search, fit = arima_for(values[offset:train_end])
            forecasts["arima"] = baselines.rolling_arima_forecasts(fit, values[offset:], origins - offset, horizon)
            order = fit.order
            notes += list(search.notes) + list(fit.notes)
            if offset:
                notes.append(f"ARIMA was fitted on the last {ARIMA_MAX_TRAIN:,} training values to stay quick.")
        except PlaygroundError as err:
            notes.append(f"ARIMA skipped: {err}")
    return forecasts, order, notes


def evaluate(trainer: Trainer, arima: bool = True, baselines_done=None) -> ExperimentResult:
    """Score a trained model and the baselines on the trainer's test windows.

    ``baselines_done``: what :func:`baseline_forecasts` returned for this trainer's values,
    origins and horizon, when the caller has it cached.
    """
    prepared = trainer.prepared
    test = prepared.test
    if baselines_done is None:
        period = getattr(trainer.series, "period", None)
        baselines_done = baseline_forecasts(
            trainer.values, test.origins, prepared.horizon, prepared.a, period=period, arima=arima
        )
    forecasts, order, notes = baselines_done
    notes = list(notes)
    predictions = {"rnn": trainer.predict("test"), **forecasts}
    train_values = trainer.values[: prepared.a]
    scores = {name: metrics.score(test.targets, pred, train_values) for name, pred in predictions.items()}
    train_seconds = sum(r.seconds for r in trainer.history)
    if trainer.message:
        notes.insert(0, trainer.message)
    return ExperimentResult(
        cfg=trainer.cfg,
        metrics=scores,
        predictions=predictions,
        targets=test.targets,
        origins=test.origins,
        train_seconds=train_seconds,
        trainer=trainer,
        arima_order=order,
        notes=notes,
    )


def run(cfg: config_mod.ExperimentConfig, series=None, arima: bool = True) -> ExperimentResult:
    """Load the data (unless given), train to the end, evaluate against the baselines."""
    if series is None:
        from rnn_core import data

        series = data.load(cfg.data.name, **cfg.data.kwargs())
    trainer = Trainer(cfg, series)
    start = time.perf_counter()
    trainer.run()
    result = evaluate(trainer, arima=arima)
    result.train_seconds = time.perf_counter() - start
    return result
