"""The Train page's settings: widgets bound to the URL -> one validated ExperimentConfig.

Each widget's key is the config field's own name, so the URL reads like the config
(``?cell=lstm&hidden_size=64&lr=0.003``). A preset writes its values into these keys.
"""

from __future__ import annotations

import streamlit as st

from rnn_core import config
from rnn_core.config import ExperimentConfig
from rnn_core.forecasting import evaluation
from ui import classroom
from ui.setup import choices_help

BIND = {"bind": "query-params", "persist_state": "session"}


def _flat(cfg: ExperimentConfig) -> dict:
    """The widget values that show a config (0 stands for "off")."""
    w, m, t = cfg.window, cfg.model, cfg.train
    return {
        "mode": w.mode, "lookback": w.lookback, "horizon": w.horizon, "scaler": w.scaler, "transform": w.transform,
        "cell": m.cell, "hidden_size": m.hidden_size, "num_layers": m.num_layers,
        "activation": m.activation, "alpha": float(m.alpha), "skip": m.skip, "layer_norm": m.layer_norm,
        "h0": m.h0, "init": m.init, "radius": float(m.radius or 0.0), "keep_bias": float(m.keep_bias),
        "optimizer": t.optimizer, "lr": float(t.lr), "batch_size": t.batch_size, "epochs": t.epochs,
        "clip": float(t.clip or 0.0), "patience": int(t.patience or 0), "seed": t.seed,
    }


def apply_preset(name: str, keep=()) -> None:
    """Write preset ``name`` into the controls' keys, except those in ``keep``.

    Call before the widgets are drawn (a callback, or the top of the page).
    """
    cfg = config.PRESETS[name]
    values = {**_flat(cfg), "dataset": cfg.data.name}  # the dataset goes to the shared sequence picker
    values.update({f"{cfg.data.name}_{key}": value for key, value in cfg.data.params})
    st.session_state.update({k: v for k, v in values.items() if k not in keep})
    st.session_state["preset"] = name
    st.session_state["_linked_preset"] = name
    st.session_state[OPENED] = (cfg.data.name, "preset")  # a preset's own dataset does not reopen it


def _apply_preset() -> None:
    apply_preset(st.session_state["preset"])


OPENED = "_opened_for"  # (dataset, "dataset" | "preset"): what the controls were last opened with


def open_for_dataset() -> None:
    """When the dataset changes, write ``config.for_dataset(dataset)`` into the controls.

    The first time in a session, values a link carries or another page already set (the
    Windows page shares the window controls) are kept; later every control follows the series.
    Call before the widgets are drawn.
    """
    name = st.session_state.get("dataset", config.PRESETS["default"].data.name)
    opened = st.session_state.get(OPENED)
    if opened is not None and opened[0] == name:
        return
    values = _flat(config.for_dataset(name))
    if opened is None:
        values = {k: v for k, v in values.items() if k not in st.session_state and k not in st.query_params}
    st.session_state.update(values)
    st.session_state[OPENED] = (name, "dataset")
    if opened is not None:
        classroom.changed_on_purpose(values)


def apply_linked_preset() -> None:
    """``?preset=name`` in the link applies that preset (see classroom.apply_linked_preset)."""
    classroom.apply_linked_preset("preset", config.PRESETS, apply_preset)


def preset_picker() -> None:
    open_for_dataset()
    names = [n for n in config.PRESETS if n != "tiny"]
    st.selectbox("Preset", names, key="preset", on_change=_apply_preset, **BIND,
                 help="Known-good and known-bad set-ups; picking one sets every control below. Choosing "
                      "another sequence opens the settings that suit it.")
    name, how = st.session_state.get(OPENED, (None, "preset"))
    if how == "dataset" and name in config.OPENING_REASONS:
        st.caption(f"Opened with the settings for **{name}**: {config.OPENING_REASONS[name]}")
    elif how == "dataset":
        st.caption("Opened with the generic settings: a GRU reading 16 values, standardised. If your series "
                   "trends, look at the **Windows** page's table before training.")
    else:
        st.caption(config.PRESET_REASONS[st.session_state.get("preset", "default")])


# The window and learning-rate controls the Train page, the Windows page and the arena share:
# one key each (a choice follows the student from page to page) and one range each.
LOOKBACK_RANGE, HORIZON_RANGE, LR_RANGE = (1, 200), (1, 48), (1e-6, 1e4)


def lookback_slider(default: int, where=None, help: str = "How many past values the network reads per window.") -> int:
    return int((where or st).slider("lookback", *LOOKBACK_RANGE, default, key="lookback", help=help, **BIND))


def horizon_slider(where=None, help: str = "How many values to predict.") -> int:
    return int((where or st).slider("horizon", *HORIZON_RANGE, 5, key="horizon", help=help, **BIND))


def transform_select(periods=(), where=None) -> tuple[str, int]:
    """The window preparation (and, for seasonal differencing, the season): (transform, period).

    ``periods``: the series' known season lengths; without one, seasonal differencing is not offered.
    """
    where = where or st
    options = [t for t in config.TRANSFORMS if t != "seasonal" or periods]
    if st.session_state.get("transform", "none") not in options:  # chosen for a series that had a season
        st.session_state["transform"] = "none"
    if periods and st.session_state.get("period", periods[0]) not in periods:
        st.session_state["period"] = periods[0]
    # the options themselves (no format_func), so that the URL reads ?transform=difference
    transform = where.selectbox("Window preparation", options, key="transform", **BIND,
                                help="What the network reads and predicts; its forecasts are turned back into the "
                                     "series' units before they are scored.  \n" +
                                     choices_help({t: config.TRANSFORM_LABELS[t] for t in options}))
    if transform != "seasonal":
        return transform, 0
    period = where.selectbox("Season (steps)", list(periods), key="period", **BIND,
                             help="Seasonal differencing predicts v[t] − v[t − season].")
    return transform, int(period)


MIN_TRAIN_WINDOWS = 30


def short_series_note(series, window: config.WindowConfig, name: str) -> str:
    """A plain sentence when the training part gives too few windows to learn from, else ""."""
    from rnn_core.data import transforms, windows

    n = len(series.values)
    a, _ = windows.split_bounds(n, window.split)
    count = a - window.horizon + 1 - window.lookback - transforms.extra(window.transform, window.period)
    if count >= MIN_TRAIN_WINDOWS:
        return ""
    hint = " A Collatz sequence from 27 has 112 values." if name == "collatz" else ""
    return (f"This sequence is too short to learn from: {n} values give {max(count, 0)} training windows with "
            f"lookback {window.lookback}. So few examples say little about the rule behind them: expect the score "
            f"to change a lot from seed to seed, and read it as a guess, not a result.{hint}")


def lr_input(default: float, where=None, help: str | None = None) -> float:
    return float((where or st).number_input("lr (learning rate)", min_value=LR_RANGE[0], max_value=LR_RANGE[1],
                                            value=default, step=0.001, format="%g", key="lr", help=help, **BIND))


def settings(data_cfg: config.DataConfig, series=None) -> ExperimentConfig:
    """Draw every training control (in the current container) and return the config.

    ``series``: the picked sequence (its known seasons are offered for seasonal differencing,
    and a series too short to learn from gets a plain warning). Raises ConfigError when the
    combination is outside rnn_core's limits (the page shows it).
    """
    open_for_dataset()
    d = _flat(config.PRESETS["default"])
    periods = evaluation.known_periods(series) if series is not None else ()
    with st.expander("Windows", expanded=True):
        mode = st.selectbox("Window mode", config.MODES, index=config.MODES.index(d["mode"]), key="mode",
                            help=choices_help(config.MODE_LABELS), **BIND)
        lookback = lookback_slider(d["lookback"])
        horizon = horizon_slider() if mode != "next" else 1
        transform, period = transform_select(periods)
        scaler = st.selectbox("Scaler", config.SCALERS, index=config.SCALERS.index(d["scaler"]), key="scaler",
                              **BIND, help="Fitted on the training part only, after the preparation.")
    with st.expander("Model", expanded=True):
        cell = st.selectbox("cell", config.CELLS, index=config.CELLS.index(d["cell"]), key="cell",
                            help=choices_help(config.CELL_LABELS), **BIND)
        hidden_size = st.slider("hidden_size", 1, config.MAX_HIDDEN_SIZE, d["hidden_size"], key="hidden_size", **BIND)
        num_layers = st.slider("num_layers", 1, config.MAX_NUM_LAYERS, d["num_layers"], key="num_layers", **BIND)
        uses = config.model_settings(cell)  # only the settings this cell has are drawn
        activation, alpha, skip, keep_bias = d["activation"], d["alpha"], d["skip"], d["keep_bias"]
        if "activation" in uses:
            activation = st.radio("Activation", config.ACTIVATIONS, key="activation", horizontal=True, **BIND)
        if "alpha" in uses:
            alpha = st.slider("Leaky α", 0.0, 0.95, d["alpha"], 0.05, key="alpha", **BIND)
        if "skip" in uses:
            skip = st.slider("Skip length k", 2, 24, d["skip"], key="skip", **BIND)
        if "keep_bias" in uses:
            keep_bias = st.slider("Keep-gate bias", 0.0, 5.0, d["keep_bias"], 0.5, key="keep_bias", **BIND,
                                  help="Added at the start to the bias of the gate that keeps the old state "
                                       "(LSTM f, GRU z). 0 is PyTorch's default, 1 Keras' for the LSTM.")
        layer_norm, h0, init, radius = d["layer_norm"], d["h0"], d["init"], d["radius"]
        if "layer_norm" in uses:
            layer_norm = st.toggle("Layer normalisation", d["layer_norm"], key="layer_norm", **BIND)
            h0 = st.radio("Initial state h₀", config.H0_CHOICES, key="h0", horizontal=True, **BIND)
            init = st.selectbox("Recurrent initialisation", config.INITS, key="init", **BIND)
            radius = st.number_input("Spectral radius (0 = leave as initialised)", 0.0, 10.0, d["radius"], 0.1,
                                     key="radius", **BIND)
    with st.expander("Training", expanded=True):
        optimizer = st.radio("Optimizer", config.OPTIMIZERS, key="optimizer", horizontal=True, **BIND)
        lr = lr_input(d["lr"], help="You can change it while training runs.")
        batch_size = st.select_slider("Batch size", [8, 16, 32, 64, 128, 256, 512], d["batch_size"],
                                      key="batch_size", **BIND)
        epochs = st.slider("Epochs", 1, 500, d["epochs"], key="epochs", **BIND)
        clip = st.number_input("Gradient clipping (0 = off)", 0.0, 1000.0, d["clip"], 0.5, key="clip", **BIND)
        patience = st.number_input("Early-stopping patience (0 = off)", 0, 500, d["patience"], 1,
                                   key="patience", **BIND)
        seed = st.number_input("Training seed", 0, 2**31 - 1, d["seed"], 1, key="seed", **BIND,
                               help="Sets the initial weights and the order of the batches; the data has its own seed.")

    cfg = ExperimentConfig(
        data=data_cfg,
        window=config.WindowConfig(lookback=int(lookback), horizon=int(horizon), mode=mode, scaler=scaler,
                                   transform=transform, period=period),
        model=config.ModelConfig(cell=cell, hidden_size=int(hidden_size), num_layers=int(num_layers),
                                 activation=activation, alpha=float(alpha), skip=int(skip),
                                 layer_norm=bool(layer_norm), h0=h0, init=init, radius=float(radius) or None,
                                 keep_bias=float(keep_bias)),
        train=config.TrainConfig(epochs=int(epochs), batch_size=int(batch_size), lr=float(lr),
                                 optimizer=optimizer, clip=float(clip) or None,
                                 patience=int(patience) or None, seed=int(seed)),
    )
    cfg = config.validate(config.only_what_matters(cfg))
    note = short_series_note(series, cfg.window, data_cfg.name) if series is not None else ""
    if note:
        st.warning(note, icon="📏")
    return cfg
