"""Take a run home: predictions and metrics as CSV, the trained weights, a notebook snippet.

A model file is ``torch.save`` of a plain dict: a format tag and version, the full
:class:`~rnn_core.config.ExperimentConfig` as nested dicts, the series' name, the
fitted scaler, the ``state_dict`` and a SHA-256 checksum over all of it. Only plain
types go in, so :func:`load_checkpoint` can read it back with
``torch.load(weights_only=True)``: a file that carries code is refused, never run.
Everything else that can be wrong with an upload (not a torch file, damaged, cut short,
from another program, settings outside the app's limits, weights that do not fit the
network the settings describe) becomes a :class:`~rnn_core.errors.DataError`.

Examples
--------
>>> from rnn_core import config, data, export
>>> from rnn_core.training import trainer as train
>>> tr = train.Trainer(config.PRESETS["tiny"], data.load("sine", n=200, period=20))
>>> _ = tr.run(max_epochs=1)
>>> cfg, model = export.load_model(export.save_model(tr))
>>> cfg == tr.cfg
True
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from rnn_core import config as config_mod
from rnn_core.errors import ConfigError, DataError
from rnn_core.networks import models

FORMAT = "rnn-playground/model"
VERSION = 1
MAX_MODEL_BYTES = 10 * 2**20  # the server's upload cap (.streamlit/config.toml); the largest network allowed is ~7.4 MB
PARTS = ("train", "val", "test")
_SECTIONS = {"data": config_mod.DataConfig, "window": config_mod.WindowConfig,
             "model": config_mod.ModelConfig, "train": config_mod.TrainConfig}
_SCALARS = (str, int, float, bool, type(None))


# -- config <-> plain dicts ----------------------------------------------------------------
def _plain(x):
    """numpy scalars -> Python, tuples -> lists: what JSON and weights_only both accept."""
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, (tuple, list)):
        return [_plain(v) for v in x]
    return x


def config_to_dict(cfg: config_mod.ExperimentConfig) -> dict:
    """``{"data": {...}, "window": {...}, "model": {...}, "train": {...}}`` of plain values.

    Examples
    --------
    >>> from rnn_core import config
    >>> config_to_dict(config.PRESETS["tiny"])["data"]
    {'name': 'sine', 'params': [['n', 200], ['period', 20]]}
    """
    return {name: {f.name: _plain(getattr(getattr(cfg, name), f.name)) for f in dataclasses.fields(cls)}
            for name, cls in _SECTIONS.items()}


def config_from_dict(d) -> config_mod.ExperimentConfig:
    """The inverse of :func:`config_to_dict`, validated; anything off raises DataError."""
    if not isinstance(d, dict) or set(d) != set(_SECTIONS):
        raise DataError("The file's settings are incomplete: expected data, window, model and train.")
    sections = {}
    for name, cls in _SECTIONS.items():
        values = d[name]
        if not isinstance(values, dict) or set(values) != {f.name for f in dataclasses.fields(cls)}:
            raise DataError(f"The file's {name} settings do not match this version of the app.")
        values = dict(values)
        if name == "data":
            pairs = values["params"]
            if not isinstance(pairs, (list, tuple)) or not all(
                    isinstance(p, (list, tuple)) and len(p) == 2 and isinstance(p[0], str)
                    and isinstance(p[1], _SCALARS) for p in pairs):
                raise DataError("The file's dataset parameters are not (name, value) pairs.")
            values["params"] = tuple(tuple(p) for p in pairs)
        elif name == "window" and isinstance(values["split"], list):
            values["split"] = tuple(values["split"])
        sections[name] = cls(**values)
    try:
        return config_mod.validate(config_mod.ExperimentConfig(**sections))
    except ConfigError as err:
        raise DataError(f"The settings in this file are outside what the app supports: {err}") from None
    except (TypeError, ValueError):  # a value of a type no setting can have
        raise DataError("The file's settings do not match this version of the app.") from None


# -- predictions and metrics as tables -----------------------------------------------------
def predictions_frame(trainer, part: str = "test", result=None):
    """One row per window of ``part``: its origin, true targets and the network's forecast.

    Parameters
    ----------
    trainer : rnn_core.training.trainer.Trainer
    part : {"train", "val", "test"}
    result : rnn_core.experiment.ExperimentResult, optional
        Adds the baselines' forecasts (naive, seasonal_naive, arima) for the test part.

    Returns
    -------
    pandas.DataFrame
        Index ``time``: the series' time (or step) of each window's first target.
        Columns ``origin`` (that step's position), then ``target`` and ``prediction``,
        all in the series' units. With a horizon h > 1 every forecast column comes once
        per step ahead: ``target_h1`` ... ``target_h{h}``, likewise ``prediction_h{k}``.
    """
    if part not in PARTS:
        raise ConfigError(f"Unknown part {part!r}: choose one of {', '.join(PARTS)}.")
    origins = np.asarray(getattr(trainer.prepared, part).origins)
    columns = {"target": trainer.targets(part), "prediction": trainer.predict(part)}  # each (N, h)
    if result is not None and part == "test" and np.array_equal(result.origins, origins):
        columns.update((name, pred) for name, pred in result.predictions.items() if name != "rnn")
    index = getattr(trainer.series, "index", None)
    time = index[origins] if index is not None else origins
    horizon = columns["target"].shape[1]
    table = {"origin": origins}
    for name, values in columns.items():
        for k in range(horizon):
            table[name if horizon == 1 else f"{name}_h{k + 1}"] = np.asarray(values)[:, k]
    return pd.DataFrame(table, index=pd.Index(time, name="time"))


def predictions_csv(trainer, part: str = "test", result=None) -> str:
    """:func:`predictions_frame` as CSV text."""
    return predictions_frame(trainer, part, result).to_csv()


def metrics_csv(result) -> str:
    """Every model's MAE, RMSE and MASE on the test part (``result.metrics_frame()``) as CSV text."""
    return result.metrics_frame().to_csv(index_label="model")


# -- weights -------------------------------------------------------------------------------
@dataclass
class Checkpoint:
    """What a model file holds: the config, the rebuilt network (eval mode) and the rest.

    ``info`` has ``series`` (name, unit, length), ``scaler`` (kind, shift, scale, n_fit)
    and ``trained`` (epochs, status, lr): enough to use the network on new values.
    """

    cfg: config_mod.ExperimentConfig
    model: torch.nn.Module
    info: dict


def _checksum(meta: dict, state: dict) -> str:
    digest = hashlib.sha256(json.dumps(meta, sort_keys=True).encode())
    for key in sorted(state):
        tensor = state[key]
        digest.update(f"{key}:{tensor.dtype}:{tuple(tensor.shape)};".encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()


def _fit_weights(cfg, state) -> torch.nn.Module:
    """The network ``cfg`` describes with ``state`` loaded, or DataError saying what differs."""
    with torch.random.fork_rng(devices=[]):  # building draws random weights; leave the caller's RNG alone
        model = models.build_model(cfg.model, cfg.window.mode, cfg.window.lookback, cfg.window.horizon)
    expected = model.state_dict()
    if not isinstance(state, dict) or not all(isinstance(k, str) and torch.is_tensor(v) for k, v in state.items()):
        raise DataError("The file's weights are not a table of named tensors.")
    missing, extra = sorted(set(expected) - set(state)), sorted(set(state) - set(expected))
    if missing or extra:
        raise DataError(
            f"The weights do not fit a {config_mod.CELL_LABELS[cfg.model.cell]} with these settings: "
            + (f"missing {', '.join(missing[:3])}" if missing else f"unexpected {', '.join(extra[:3])}") + ".")
    for key, want in expected.items():
        got = state[key]
        if tuple(got.shape) != tuple(want.shape) or got.dtype != want.dtype:
            raise DataError(f"The weights {key} are {tuple(got.shape)} {got.dtype}, but the settings make "
                            f"{tuple(want.shape)} {want.dtype}.")
        if not bool(torch.isfinite(got).all()):
            raise DataError(f"The weights {key} contain non-finite numbers.")
    model.load_state_dict(state, strict=True)
    return model.eval()


def save_model(trainer) -> bytes:
    """The trainer's network and everything needed to rebuild it, as the bytes of a ``.pt`` file.

    Returns
    -------
    bytes
        Readable with ``torch.load(io.BytesIO(blob), weights_only=True)`` and :func:`load_model`.
    """
    cfg = config_mod.validate(trainer.cfg)
    state = {k: v.detach().cpu().clone() for k, v in trainer.model.state_dict().items()}
    _fit_weights(cfg, state)  # a network built some other way could not be loaded back: say so now
    scaler = trainer.prepared.scaler
    meta = {
        "format": FORMAT,
        "version": VERSION,
        "config": config_to_dict(cfg),
        "series": {"name": str(getattr(trainer.series, "name", cfg.data.name)),
                   "unit": str(getattr(trainer.series, "unit", "")), "length": int(len(trainer.values))},
        "scaler": {"kind": scaler.kind, "shift": float(scaler.shift), "scale": float(scaler.scale),
                   "n_fit": int(scaler.n_fit)},
        "trained": {"epochs": int(trainer.epoch), "status": str(trainer.status), "lr": float(trainer.lr)},
    }
    buffer = io.BytesIO()
    torch.save({**meta, "state_dict": state, "checksum": _checksum(meta, state)}, buffer)
    return buffer.getvalue()


def _read(blob) -> dict:
    """torch.load with weights_only=True; every way it can fail becomes a DataError."""
    if not isinstance(blob, (bytes, bytearray)) or len(blob) == 0:
        raise DataError("The model file is empty.")
    if len(blob) > MAX_MODEL_BYTES:
        raise DataError(f"The model file is {len(blob) / 2**20:.1f} MB; the app reads model files of at most "
                        f"{MAX_MODEL_BYTES // 2**20} MB.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch warns about pickle protocols of foreign files
            return torch.load(io.BytesIO(bytes(blob)), weights_only=True, map_location="cpu")
    except Exception as err:  # noqa: BLE001 - torch raises many kinds; all mean "not a file we can read"
        if "global" in str(err).lower():  # the weights-only unpickler met a reference to a function or class
            raise DataError("This file contains program code or objects, not just numbers and settings. "
                            "For safety it is not opened. Upload a .pt file saved by RNN Playground.") from None
        raise DataError("This is not a readable model file: it is not a PyTorch .pt file, or it is damaged "
                        "or cut short. Download the weights again and upload that file.") from None


def load_checkpoint(blob: bytes) -> Checkpoint:
    """Read a model file made by :func:`save_model`, checking everything in it.

    Raises
    ------
    DataError
        With a message a student can act on, whatever is wrong with the file.
    """
    payload = _read(blob)
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise DataError("This PyTorch file was not saved by RNN Playground: it has no playground "
                        "settings. Upload a .pt file from the app's weights download.")
    if payload.get("version") != VERSION:
        raise DataError(f"This model file has format version {payload.get('version')!r}; this app reads "
                        f"version {VERSION}. It was probably saved by a different version of the app.")
    expected = {"format", "version", "config", "series", "scaler", "trained", "state_dict", "checksum"}
    if set(payload) != expected:
        raise DataError("This model file is incomplete or has extra parts: it may be damaged.")
    meta = {k: payload[k] for k in ("format", "version", "config", "series", "scaler", "trained")}
    try:
        intact = _checksum(meta, payload["state_dict"]) == payload["checksum"]
    except (TypeError, ValueError, AttributeError, KeyError, RuntimeError):  # not plain settings and tensors
        intact = False
    if not intact:
        raise DataError("This model file is damaged: its contents do not match its checksum. "
                        "Download the weights again and upload that file.")
    cfg = config_from_dict(payload["config"])
    info = {k: payload[k] for k in ("series", "scaler", "trained")}
    if not all(isinstance(part, dict) and all(isinstance(v, _SCALARS) for v in part.values())
               for part in info.values()):
        raise DataError("This model file's notes on the series and the training are not plain values.")
    return Checkpoint(cfg, _fit_weights(cfg, payload["state_dict"]), info)


def load_model(blob: bytes):
    """``(ExperimentConfig, torch.nn.Module)`` from the bytes of a model file; see :func:`load_checkpoint`."""
    checkpoint = load_checkpoint(blob)
    return checkpoint.cfg, checkpoint.model


# -- the run as notebook code ---------------------------------------------------------------
def _section(name: str, section, width: int = 79) -> list[str]:
    """``name=WindowConfig(lookback=8, ...),`` broken into lines of at most ~``width`` characters."""
    lines = [f"    {name}={type(section).__name__}("]
    for f in dataclasses.fields(section):
        arg = f"{f.name}={_literal(getattr(section, f.name))}, "
        if len(lines[-1]) + len(arg) > width and not lines[-1].endswith("("):
            lines[-1] = lines[-1].rstrip()
            lines.append(" " * 8)
        lines[-1] += arg
    lines[-1] = lines[-1].rstrip(", ") + "),"
    return lines


def _literal(x) -> str:
    """Python source for a plain value; tuples stay tuples (config fields are hashable)."""
    if isinstance(x, (tuple, list)):
        inner = ", ".join(_literal(v) for v in x)
        return f"({inner},)" if len(x) == 1 else f"({inner})"
    return repr(_plain(x))


def _load_line(data_cfg) -> list[str]:
    if data_cfg.name != "upload":
        return ["series = data.load(cfg.data.name, **cfg.data.kwargs())"]
    params = data_cfg.kwargs()
    file, time_column = params.get("file", "data.csv"), params.get("time_column") or False
    return [f"# Your upload: put {file!r} next to this notebook.",
            f"series = data.from_csv({file!r},",
            f"                       value_column={params.get('value_column')!r},",
            f"                       time_column={time_column!r})"
            + ("  # False: the file's row order" if time_column is False else "")]


def notebook_snippet(cfg: config_mod.ExperimentConfig) -> str:
    """Python code that re-runs this experiment with rnn_core in a notebook.

    The seed is part of the config, so the same code gives the same losses.

    Returns
    -------
    str
        Defines ``cfg``, ``series``, ``trainer`` and ``result``; prints the scores.
    """
    sections = [line for name in _SECTIONS for line in _section(name, getattr(cfg, name))]
    lines = [
        "from rnn_core import data, experiment",
        "from rnn_core.config import (DataConfig, ExperimentConfig, ModelConfig,",
        "                             TrainConfig, WindowConfig)",
        "from rnn_core.training.trainer import Trainer",
        "",
        "cfg = ExperimentConfig(", *sections, ")",
        *_load_line(cfg.data),
        "trainer = Trainer(cfg, series)",
        "trainer.run()  # every epoch; trainer.history has one record per epoch",
        "# the network against the naive and ARIMA forecasts, on the same test points",
        "result = experiment.evaluate(trainer)",
        "print(trainer.message)",
        "print(result.metrics_frame())",
    ]
    return "\n".join(lines) + "\n"

