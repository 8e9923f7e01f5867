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
['arima', 'drift', 'naive', 'rnn', 'seasonal_naive']
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from rnn_core import config as config_mod
from rnn_core.forecasting import evaluation
from rnn_core.training.trainer import Trainer


@dataclass
class ExperimentResult:
    """Scores and forecasts of every model on one series' test part.

    ``predictions[name]`` and ``targets`` have shape (N, horizon); ``origins[i]`` is the
    index in the series of test window i's first target. ``train_seconds`` is the time the
    training epochs took, without the evaluation (the ARIMA search is not in it).
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


def baseline_forecasts(values, origins, horizon, train_end, period=None, arima=True):
    """The Train page's classical forecasts, through the one protocol of :mod:`rnn_core.forecasting.evaluation`.

    naive, drift (it follows a trend; naive does not), seasonal naive when a season is known,
    and ARIMA. ``period`` is one season length or a tuple of them (traffic: 24 and 168); with
    several, seasonal naive uses the one that forecasts the training part better, and a note
    says which.

    Returns (name -> (N, horizon), the ARIMA order or None, notes).
    """
    periods = tuple(p for p in (period if isinstance(period, (tuple, list)) else (period,)) if p)
    periods = tuple(p for p in periods if 1 < p <= np.min(origins))
    models = ("naive", "seasonal_naive", "drift", "arima") if arima else ("naive", "seasonal_naive", "drift")
    if not periods:
        models = tuple(m for m in models if m != "seasonal_naive")  # no season: nothing to say about it
    out = evaluation.classical_forecasts(values, train_end, origins, horizon, models,
                                         period=periods[0] if periods else None, periods=periods,
                                         arima_part=evaluation.cached_arima_part)
    return out.forecasts, out.arima_order, out.notes


def evaluate(trainer: Trainer, arima: bool = True, baselines_done=None) -> ExperimentResult:
    """Score a trained model and the baselines on the trainer's test windows.

    ``baselines_done``: what :func:`baseline_forecasts` returned for this trainer's values,
    origins and horizon, when the caller has it cached.
    """
    prepared = trainer.prepared
    test = prepared.test
    if baselines_done is None:
        baselines_done = baseline_forecasts(trainer.values, test.origins, prepared.horizon, prepared.a,
                                            period=evaluation.known_periods(trainer.series), arima=arima)
    forecasts, order, notes = baselines_done
    notes = list(notes)
    predictions = {"rnn": trainer.predict("test"), **forecasts}
    train_values = trainer.values[: prepared.a]
    scores = evaluation.score_all(test.targets, predictions, train_values)
    train_seconds = sum(r.seconds for r in trainer.history)  # the epochs' own time: training only
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
    trainer.run()
    return evaluate(trainer, arima=arima)
