"""One typed, hashable configuration per experiment, validated here (not only by widgets).

A config is four frozen dataclasses. Frozen dataclasses hash, so a config can key
``st.cache_data``; a URL or a notebook can carry any value, so :func:`validate` checks
every field against the hard limits below and raises :class:`ConfigError` with a
message a student understands.

Examples
--------
>>> import dataclasses
>>> from rnn_core import config
>>> cfg = config.PRESETS["default"]
>>> cfg6 = dataclasses.replace(cfg, window=dataclasses.replace(cfg.window, lookback=6))
>>> config.validate(cfg6) is cfg6
True
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field, fields

from rnn_core.errors import ConfigError

# Hard limits: a shared server must stay responsive whatever a URL asks for.
MAX_HIDDEN_SIZE = 256
MAX_NUM_LAYERS = 4
MAX_LOOKBACK = 512
MAX_HORIZON = 64
MAX_EPOCHS = 2000
MAX_SERIES_LENGTH = 200_000
MAX_BATCH_SIZE = 4096
MAX_SKIP = 64

MODES = ("next", "multi", "seq2seq")
SCALERS = ("none", "minmax", "standard")
TRANSFORMS = ("none", "difference", "seasonal", "last", "mean")
MAX_PERIOD = 1000
CELLS = ("rnn", "leaky", "skip", "lstm", "gru", "mlp")
ACTIVATIONS = ("tanh", "relu")
H0_CHOICES = ("zeros", "learned")
INITS = ("default", "orthogonal", "identity")
OPTIMIZERS = ("adam", "sgd")

CELL_LABELS = {
    "rnn": "Vanilla RNN",
    "leaky": "Leaky RNN",
    "skip": "RNN with skip connections",
    "lstm": "LSTM",
    "gru": "GRU",
    "mlp": "Feed-forward (MLP)",
}
MODE_LABELS = {"next": "Next value", "multi": "Next n values", "seq2seq": "Sequence to sequence"}
TRANSFORM_LABELS = {
    "none": "values as they are",
    "difference": "predict the change",
    "seasonal": "seasonal differencing",
    "last": "relative to the window's last value",
    "mean": "relative to the window's mean",
}


@dataclass(frozen=True)
class DataConfig:
    """Which series: a name from ``data.DATASETS`` and its parameters as (key, value) pairs."""

    name: str = "noisy_trend"
    params: tuple = ()

    def kwargs(self) -> dict:
        return dict(self.params)


@dataclass(frozen=True)
class WindowConfig:
    """How the series is cut into windows, split, prepared and scaled.

    ``split`` = (train_fraction, val_fraction) of the values, chronological; the rest is test.
    ``transform`` says what the network predicts (:mod:`rnn_core.data.transforms`): the values
    as they are, the change, the seasonal change over ``period`` steps, or each window relative
    to its last value or its mean. The scaler is fitted on the training part only, after the
    transform. ``period`` is used by ``"seasonal"`` only (0 = none).
    """

    lookback: int = 24
    horizon: int = 1
    mode: str = "next"
    scaler: str = "standard"
    split: tuple = (0.7, 0.15)
    transform: str = "none"
    period: int = 0


@dataclass(frozen=True)
class ModelConfig:
    """The network: a recurrent cell (or the feed-forward ``mlp`` baseline) and a head.

    ``alpha`` is the leaky cell's self-connection (0 = vanilla); ``skip`` the k of the
    skip-connection cell (h_t also sees h_{t-k}); ``radius`` rescales the recurrent
    weights to that spectral radius (None keeps what ``init`` gave); ``keep_bias`` is added
    at the start to the bias of the gate that keeps the old state (LSTM f, GRU z): 1.0 is
    Keras' default for the LSTM, 0 is PyTorch's. :func:`model_settings` says which of these
    a cell uses.
    """

    cell: str = "gru"
    hidden_size: int = 32
    num_layers: int = 1
    activation: str = "tanh"
    alpha: float = 0.5
    skip: int = 2
    layer_norm: bool = False
    h0: str = "zeros"
    init: str = "default"
    radius: float | None = None
    keep_bias: float = 0.0


# Which ModelConfig fields each cell uses besides cell, hidden_size and num_layers: the one
# place the app looks this up (the Train page's controls, the arena's reuse of a run).
ALWAYS_USED = ("cell", "hidden_size", "num_layers")
_RECURRENT = ("layer_norm", "h0", "init", "radius")
MODEL_SETTINGS: dict[str, tuple] = {
    "rnn": ("activation", *_RECURRENT),
    "leaky": ("activation", "alpha", *_RECURRENT),
    "skip": ("activation", "skip", *_RECURRENT),
    "lstm": ("keep_bias", *_RECURRENT),
    "gru": ("keep_bias", *_RECURRENT),
    "mlp": ("activation",),
}


def model_settings(cell: str) -> tuple:
    """The ModelConfig fields ``cell`` uses besides cell, hidden_size and num_layers."""
    if cell not in MODEL_SETTINGS:
        raise ConfigError(f"Unknown cell {cell!r}: choose one of {', '.join(MODEL_SETTINGS)}.")
    return MODEL_SETTINGS[cell]


def only_what_matters(cfg: ExperimentConfig) -> ExperimentConfig:
    """``cfg`` with the model settings its cell ignores put back to their defaults.

    Two configs that differ only in settings the cell ignores then compare equal (a cache
    key, a finished run the arena can reuse).
    """
    used = (*ALWAYS_USED, *model_settings(cfg.model.cell))
    default = ModelConfig()
    return cfg.replace(model={f.name: getattr(default, f.name) for f in fields(ModelConfig) if f.name not in used})


@dataclass(frozen=True)
class TrainConfig:
    """How to train. ``clip=None`` and ``patience=None`` mean off; ``lr`` is not capped.

    ``grad_every``: every that many epochs the Trainer records the per-time-step gradient
    norms ||dL/dh_t|| (cheap, but not free).
    """

    epochs: int = 60
    batch_size: int = 64
    lr: float = 0.01
    optimizer: str = "adam"
    momentum: float = 0.9
    clip: float | None = 1.0
    seed: int = 0
    patience: int | None = None
    grad_every: int = 10


@dataclass(frozen=True)
class ExperimentConfig:
    data: DataConfig = field(default_factory=DataConfig)
    window: WindowConfig = field(default_factory=WindowConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    train: TrainConfig = field(default_factory=TrainConfig)

    def replace(self, **sections) -> ExperimentConfig:
        """Replace fields by section: ``cfg.replace(model={"cell": "lstm"}, train={"lr": 0.1})``."""
        new = {}
        for section, changes in sections.items():
            current = getattr(self, section)
            new[section] = dataclasses.replace(current, **changes) if isinstance(changes, dict) else changes
        return dataclasses.replace(self, **new)


def _need(ok: bool, message: str) -> None:
    if not ok:
        raise ConfigError(message)


def _is_int(x) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _is_num(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def _choice(value, options, what: str) -> None:
    _need(value in options, f"Unknown {what} {value!r}: choose one of {', '.join(options)}.")


def _int_in(value, lo: int, hi: int, what: str) -> None:
    _need(_is_int(value), f"{what} must be a whole number, not {value!r}.")
    _need(lo <= value <= hi, f"{what} must be between {lo} and {hi} (got {value}).")


def validate(cfg: ExperimentConfig) -> ExperimentConfig:
    """Check every field against the app's limits; return ``cfg`` or raise ConfigError."""
    _need(isinstance(cfg, ExperimentConfig), "Expected an ExperimentConfig.")
    w, m, t = cfg.window, cfg.model, cfg.train
    _need(isinstance(cfg.data.name, str) and cfg.data.name != "", "The dataset needs a name.")
    _need(isinstance(cfg.data.params, tuple), "Dataset parameters must be a tuple of (key, value) pairs.")

    _choice(w.mode, MODES, "window mode")
    _choice(w.scaler, SCALERS, "scaler")
    _choice(w.transform, TRANSFORMS, "window preparation")
    _int_in(w.period, 0, MAX_PERIOD, "Seasonal period")
    _need(w.transform != "seasonal" or w.period >= 2,
          "Seasonal differencing needs the series' season length (a period of at least 2 steps).")
    _int_in(w.lookback, 1, MAX_LOOKBACK, "Lookback")
    _int_in(w.horizon, 1, MAX_HORIZON, "Horizon")
    _need(w.mode != "next" or w.horizon == 1, "Next-value windows have a horizon of 1; pick 'multi' for more.")
    _need(
        isinstance(w.split, tuple) and len(w.split) == 2 and all(_is_num(f) for f in w.split),
        "The split is two fractions: (train, validation).",
    )
    train_f, val_f = w.split
    _need(0.1 <= train_f < 1 and 0 < val_f < 1 and train_f + val_f < 1,
          f"Split fractions must leave room for all three parts (got train {train_f}, validation {val_f}).")

    _choice(m.cell, CELLS, "cell")
    _choice(m.activation, ACTIVATIONS, "activation")
    _choice(m.h0, H0_CHOICES, "initial state h0")
    _choice(m.init, INITS, "initialisation")
    _int_in(m.hidden_size, 1, MAX_HIDDEN_SIZE, "Hidden size")
    _int_in(m.num_layers, 1, MAX_NUM_LAYERS, "Number of layers")
    _int_in(m.skip, 1, MAX_SKIP, "Skip length k")
    _need(_is_num(m.alpha) and 0 <= m.alpha < 1, f"The leaky alpha must be in [0, 1) (got {m.alpha!r}).")
    _need(isinstance(m.layer_norm, bool), "Layer norm is on or off.")
    _need(m.radius is None or (_is_num(m.radius) and 0 < m.radius <= 10),
          f"The spectral radius must be between 0 and 10 (got {m.radius!r}).")
    _need(_is_num(m.keep_bias) and -10 <= m.keep_bias <= 10,
          f"The keep-gate bias must be a number between -10 and 10 (got {m.keep_bias!r}).")

    _int_in(t.epochs, 1, MAX_EPOCHS, "Epochs")
    _int_in(t.batch_size, 1, MAX_BATCH_SIZE, "Batch size")
    _int_in(t.seed, 0, 2**31 - 1, "Seed")
    _int_in(t.grad_every, 1, MAX_EPOCHS, "Gradient-recording interval")
    _choice(t.optimizer, OPTIMIZERS, "optimizer")
    _need(_is_num(t.lr) and t.lr > 0, f"The learning rate must be a positive number (got {t.lr!r}).")
    _need(_is_num(t.momentum) and 0 <= t.momentum < 1, "Momentum must be in [0, 1).")
    _need(t.clip is None or (_is_num(t.clip) and t.clip > 0), "Gradient clipping must be a positive number or off.")
    _need(t.patience is None or (_is_int(t.patience) and 1 <= t.patience <= MAX_EPOCHS),
          "Patience must be a whole number of epochs or off.")
    return cfg


def _preset(data: DataConfig, window: WindowConfig, model: ModelConfig, train: TrainConfig) -> ExperimentConfig:
    return validate(ExperimentConfig(data=data, window=window, model=model, train=train))


# name -> config; PRESET_REASONS says in one line what each one shows.
PRESETS: dict[str, ExperimentConfig] = {
    "default": _preset(
        DataConfig("traffic"),
        WindowConfig(lookback=16, scaler="standard"),
        ModelConfig(cell="gru", hidden_size=32),
        TrainConfig(epochs=60, batch_size=256, lr=0.01),
    ),
    "trend_extrapolation": _preset(
        DataConfig("noisy_trend"),
        WindowConfig(lookback=16, scaler="standard"),
        ModelConfig(cell="gru", hidden_size=32),
        TrainConfig(epochs=60, batch_size=128, lr=0.01),
    ),
    "tiny": _preset(
        DataConfig("sine", (("n", 200), ("period", 20))),
        WindowConfig(lookback=8, scaler="standard"),
        ModelConfig(cell="rnn", hidden_size=8),
        TrainConfig(epochs=3, batch_size=32, lr=0.01, grad_every=1),
    ),
    "collatz_raw_tanh": _preset(
        DataConfig("collatz", (("start", 27),)),
        WindowConfig(lookback=3, scaler="none"),
        ModelConfig(cell="rnn", hidden_size=16, activation="tanh"),
        TrainConfig(epochs=150, batch_size=16, lr=0.01),
    ),
    "collatz_scaled_tanh": _preset(
        DataConfig("collatz", (("start", 27),)),
        WindowConfig(lookback=3, scaler="standard"),
        ModelConfig(cell="rnn", hidden_size=16, activation="tanh"),
        TrainConfig(epochs=150, batch_size=16, lr=0.01),
    ),
    "collatz_raw_relu": _preset(
        DataConfig("collatz", (("start", 27),)),
        WindowConfig(lookback=3, scaler="none"),
        ModelConfig(cell="rnn", hidden_size=16, activation="relu"),
        TrainConfig(epochs=150, batch_size=16, lr=0.001),
    ),
    "traffic_lstm": _preset(
        DataConfig("traffic"),
        WindowConfig(lookback=48, horizon=24, mode="multi", scaler="standard"),
        ModelConfig(cell="lstm", hidden_size=32),
        TrainConfig(epochs=40, batch_size=64, lr=0.01),
    ),
    "sine_multi": _preset(
        DataConfig("sine", (("period", 30), ("noise", 0.05))),
        WindowConfig(lookback=30, horizon=10, mode="multi", scaler="standard"),
        ModelConfig(cell="gru", hidden_size=32),
        TrainConfig(epochs=60, batch_size=64, lr=0.01),
    ),
    "diverging_lr": _preset(
        DataConfig("noisy_trend"),
        WindowConfig(lookback=48, scaler="standard"),
        ModelConfig(cell="rnn", hidden_size=32, init="orthogonal", radius=2.0),
        TrainConfig(epochs=60, batch_size=64, lr=0.1, optimizer="sgd", clip=None),
    ),
}

PRESET_REASONS: dict[str, str] = {
    "default": "A GRU on hourly traffic, one hour ahead: it learns in a few seconds, beats the naive forecast by far "
    "and is about even with the same hour last week (seasonal naive).",
    "trend_extrapolation": "The course's noisy trend, values as they are: the test part climbs above anything "
    "seen in training, the network's forecasts fall short of it (too low on average), and the naive forecast wins.",
    "tiny": "A very small RNN on a short sine, three epochs: done in a blink, for tests and quick checks. Three "
    "epochs mostly leave it behind the naive forecast; thirty put it far ahead.",
    "collatz_raw_tanh": "Raw Collatz values, in the thousands: nearly every tanh unit sits at ±1 whatever the "
    "value (saturated), and the outputs would have to reach the thousands too. The loss barely moves.",
    "collatz_scaled_tanh": "The same tanh RNN with standardised inputs and targets: most units work in tanh's "
    "sloped middle, the loss falls to about a twentieth and the network beats naive on validation.",
    "collatz_raw_relu": "The lecture's fix for unscaled data: relu does not saturate, so on raw values its training "
    "loss does fall. But it overfits this short series: the validation loss ends above where it started.",
    "traffic_lstm": "An LSTM forecasts the next 24 hours of traffic in one go from the last 48. Reading only 12 "
    "hours its error is clearly larger; the same hour last week (seasonal naive) still beats both.",
    "sine_multi": "Predict the next 10 values of a noisy sine at once (the lecture's option 2): the GRU beats the "
    "naive forecast by far and also the value one period back (seasonal naive).",
    "diverging_lr": "A vanilla RNN whose recurrent weights start with spectral radius 2, SGD (lr 0.1), no "
    "clipping: at the start the gradient grows over a hundredfold going back through the 48 steps; within a few "
    "epochs the loss jumps more than a millionfold and training stops (diverged). With radius 0.9 the same "
    "learning rate trains fine.",
}

# What each reason claims, checked over several seeds by `python -m rnn_core.claims` (the syntax:
# rnn_core/claims/spec.py). A reason with no entry here is listed by that report as unchecked.
PRESET_CLAIMS: dict[str, list] = {
    "default": [
        {"experiment": "opening_settings", "params": {"name": "traffic"}, "seeds": "all",
         "expect": ["rnn < 0.5 * naive", "rnn < 1.15 * seasonal_naive", "rnn > 0.85 * seasonal_naive"],
         "note": "the default preset is the Train page's opening for traffic (a test says so): one run serves both"},
    ],
    "trend_extrapolation": [
        {"experiment": "preset_scores", "params": {"preset": "trend_extrapolation"}, "seeds": "all",
         "expect": ["test_above_train > 0.5", "rnn_shortfall > 0", "rnn > naive"]},
    ],
    "tiny": [
        {"experiment": "preset_scores", "params": {"preset": "tiny"}, "seeds": ">= 2/3", "expect": "rnn > naive"},
        {"experiment": "preset_scores", "params": {"preset": "tiny", "epochs": 30}, "seeds": "all",
         "expect": "rnn < 0.2 * naive"},
    ],
    "traffic_lstm": [
        {"experiment": "preset_scores", "params": {"preset": "traffic_lstm", "second_lookback": 12}, "seeds": "all",
         "expect": ["rnn < 0.87 * second.rnn", "rnn > seasonal_naive"],
         "note": "second.rnn: the same LSTM reading 12 hours"},
    ],
    "sine_multi": [
        {"experiment": "preset_scores", "params": {"preset": "sine_multi"}, "seeds": "all",
         "expect": ["rnn < 0.2 * naive", "rnn < seasonal_naive"]},
    ],
    "collatz_raw_tanh": [
        {"experiment": "train_preset", "params": {"preset": "collatz_raw_tanh"}, "seeds": "all",
         "expect": ["saturated > 0.9", "last_train_loss > 0.85 * first_train_loss"]},
        {"experiment": "collatz_scaling", "params": {"inputs": "standard", "targets": "none"}, "seeds": "all",
         "expect": "loss_ratio > 0.7", "note": "raw targets alone keep the loss nearly flat"},
    ],
    "collatz_scaled_tanh": [
        {"experiment": "train_preset", "params": {"preset": "collatz_scaled_tanh"}, "seeds": "all",
         "expect": ["saturated < 0.5", "last_train_loss < 0.08 * first_train_loss", "last_val_loss < naive_val_loss"]},
    ],
    "collatz_raw_relu": [
        {"experiment": "train_preset", "params": {"preset": "collatz_raw_relu"}, "seeds": "all",
         "expect": ["last_train_loss < 0.5 * first_train_loss", "last_val_loss > first_val_loss"]},
    ],
    "diverging_lr": [
        {"experiment": "train_preset", "params": {"preset": "diverging_lr"}, "seeds": "all",
         "expect": ["init_growth > 100", "diverged == 1", "diverged_epoch <= 4", "epochs_drawn >= 2",
                    "last_train_loss > 1000000 * first_train_loss"]},
        {"experiment": "train_preset", "params": {"preset": "diverging_lr", "radius": 0.9}, "seeds": "all",
         "expect": ["init_growth < 1", "diverged == 0", "last_train_loss < 0.2 * first_train_loss"]},
    ],
}


# ---------------------------------------------------------------- what the Train page opens with, per series

_OPENING = {  # name -> (window, model, train changes) on top of the generic opening below
    "noisy_trend": ({"transform": "mean"}, {}, {}),
    "co2": ({"transform": "difference"}, {}, {}),
    "nile": ({"transform": "mean", "lookback": 10}, {"hidden_size": 8},
             {"batch_size": 16, "epochs": 100, "patience": 10}),
    "collatz": ({"lookback": 3}, {"hidden_size": 16}, {"batch_size": 16, "epochs": 150}),
}

# name -> why the Train page opens that series with these settings (one line, shown under the settings)
OPENING_REASONS = {
    "traffic": "Hourly traffic has no trend: the values as they are, standardised; a GRU reads 16 hours.",
    "noisy_trend": "The test part climbs above everything seen in training, so each window is taken relative "
                   "to its own mean: the network learns the wiggle, the window gives the level, and it beats "
                   "the naive forecast.",
    "co2": "CO₂ rises for decades: the network predicts the weekly change, added back onto the last value, so "
           "test levels above the training range do not trouble it; it comes close to ARIMA.",
    "nile": "A hundred yearly values: a small GRU, windows relative to their mean, and early stopping on the "
            "validation loss. Trained to the end without it, the network fits its 60 training windows too "
            "closely and loses to the naive forecast.",
    "sunspots": "Sunspots rise and fall in cycles of about 11 years, with no lasting trend: the values as they "
                "are, standardised; the GRU beats the naive forecast.",
    "sine": "A wave with no trend: the values as they are, standardised; the GRU beats the naive forecast.",
    "ar1": "An AR(1) process has no trend: the values as they are; the GRU beats the naive forecast, as ARIMA does.",
    "logistic": "The logistic map is bounded, with no trend: the values as they are; the GRU learns its bend and "
                "beats both the naive forecast and ARIMA.",
    "collatz": "A Collatz sequence is short (28 values from the default start 67): even with lookback 3 it gives "
               "only 16 training windows, too few to learn a rule from; the network loses to the naive forecast.",
}

# name -> claims of its reason (rnn_core/claims/spec.py): the experiment "opening_settings" trains
# for_dataset(name) as the Train page does and returns each model's test MAE.
_BEATS_NAIVE = {"experiment": "opening_settings", "expect": ["rnn < naive"], "seeds": "all"}
OPENING_CLAIMS: dict[str, list] = {
    "traffic": [{**_BEATS_NAIVE, "params": {"name": "traffic"}}],
    "noisy_trend": [
        {**_BEATS_NAIVE, "params": {"name": "noisy_trend"}, "expect": ["rnn < naive", "rnn < 1.2 * arima"]},
        {**_BEATS_NAIVE, "params": {"name": "noisy_trend", "transform": "none"}, "expect": ["rnn > naive"],
         "note": "the values as they are: the network trails the trend and loses to naive"}],
    "co2": [
        {**_BEATS_NAIVE, "params": {"name": "co2"}, "expect": ["rnn < naive", "rnn < 1.2 * arima"]},
        {**_BEATS_NAIVE, "params": {"name": "co2", "transform": "none"}, "expect": ["rnn > naive"],
         "note": "the values as they are: every test level lies above the training range"}],
    "nile": [
        {**_BEATS_NAIVE, "params": {"name": "nile"}},
        {**_BEATS_NAIVE, "params": {"name": "nile", "patience": 0}, "expect": ["rnn > naive"], "seeds": ">= 2/3"}],
    "collatz": [{**_BEATS_NAIVE, "params": {"name": "collatz"}, "expect": ["rnn > naive"]}],
    **{name: [{**_BEATS_NAIVE, "params": {"name": name}}] for name in ("sunspots", "sine")},
    "ar1": [{**_BEATS_NAIVE, "params": {"name": "ar1"}, "expect": ["rnn < naive", "arima < naive"]}],
    "logistic": [{**_BEATS_NAIVE, "params": {"name": "logistic"}, "expect": ["rnn < naive", "rnn < arima"]}],
}


def for_dataset(name: str) -> ExperimentConfig:
    """The settings the Train page opens with for the bundled series ``name``.

    A GRU reading 16 values, standardised, unless the series asks for more: on the trending
    series (``noisy_trend``, ``co2``) the network predicts something a scaler fitted on the
    training part can hold, the change or the window relative to its mean; the short ``nile``
    gets a small network with early stopping; ``collatz`` (28 values from the default start) a
    lookback of 3, which is still too few windows to learn from (:data:`OPENING_REASONS` says
    why). Any other name (an upload) gets the generic settings. The dataset's own parameters
    stay at their defaults (``params=()``).

    Examples
    --------
    >>> for_dataset("co2").window.transform
    'difference'
    """
    window, model, train = _OPENING.get(name, ({}, {}, {}))
    generic = ExperimentConfig(
        data=DataConfig(name),
        window=WindowConfig(lookback=16, scaler="standard"),
        model=ModelConfig(cell="gru", hidden_size=32),
        train=TrainConfig(epochs=60, batch_size=256, lr=0.01),
    )
    return validate(generic.replace(window=window, model=model, train=train))
