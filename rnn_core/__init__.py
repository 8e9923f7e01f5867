"""RNN Playground's library: everything that computes, nothing that draws a page.

It follows the lecture: :mod:`rnn_core.data` (sequences, CSV files, trends and seasons,
windows), :mod:`rnn_core.networks` (cells, models, optimizers), :mod:`rnn_core.training`
(the Trainer, the live-run protocol, diagnostics), :mod:`rnn_core.forecasting` (baselines,
ARIMA, metrics, the arena, multi-step), :mod:`rnn_core.labs` (one module per topic page) and
:mod:`rnn_core.plots`; :mod:`rnn_core.config`, :mod:`rnn_core.experiment` and
:mod:`rnn_core.export` tie them together.

The face is ``from rnn_core import config, data, windows, cells, train, diagnostics,
baselines, experiment, errors``: each name is loaded on first use, so ``import rnn_core``
stays cheap. This package never imports streamlit, and importing it changes no global
state: the app and the benchmark call :func:`rnn_core.runtime.use_one_thread` themselves.
"""

import importlib

from rnn_core.errors import ConfigError, DataError, PlaygroundError

# the face's names that live inside a subpackage
_FACE = {
    "windows": "rnn_core.data.windows",
    "cells": "rnn_core.networks.cells",
    "models": "rnn_core.networks.models",
    "train": "rnn_core.training.trainer",
    "diagnostics": "rnn_core.training.diagnostics",
    "baselines": "rnn_core.forecasting.baselines",
    "metrics": "rnn_core.forecasting.metrics",
}

__all__ = ["ConfigError", "DataError", "PlaygroundError", *sorted(_FACE)]


def __getattr__(name: str):
    if name in _FACE:
        module = importlib.import_module(_FACE[name])
        globals()[name] = module
        return module
    raise AttributeError(f"module 'rnn_core' has no attribute {name!r}")
