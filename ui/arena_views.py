"""Streamlit helpers of the Forecast arena page: presets, settings, cached fits with progress, prompts.

Every slow piece (an ARIMA fit, a network's training, a multi-step strategy) is cached on plain
values (the series as an array, frozen configs, numbers), never on torch objects. A network the
student already trained to the end on the Train page, with the same settings, is reused.
"""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import numpy as np
import pandas as pd
import streamlit as st

from rnn_core import config
from rnn_core.config import ExperimentConfig, ModelConfig, TrainConfig, WindowConfig
from rnn_core.errors import ConfigError
from rnn_core.forecasting import arena, arima, evaluation, multistep
from rnn_core.plots import arena as plots
from ui import classroom, live, train_controls
from ui.setup import chart_text, plain, plotly_chart

BIND = train_controls.BIND
OWN = "your own settings"
DEFAULT_MODELS = ["naive", "seasonal_naive", "drift", "arima", "mlp", "gru"]
ORDER_SEARCH, ORDER_MINE = "AIC search", "my order"
BEST_SEASON = "the better on the training part"


# ---------------------------------------------------------------- cached pieces

@st.cache_data(max_entries=32, show_spinner=False)
def _arima(values: np.ndarray, a: int, origins: np.ndarray, horizon: int, order, period, max_p: int, max_q: int):
    return arima.arima_part(values, a, origins, horizon, order, period, max_p, max_q)


@st.cache_data(max_entries=48, show_spinner=False)
def _network(values: np.ndarray, cfg: ExperimentConfig):
    with live.server_slot():
        return arena.network_part(values, cfg)


@st.cache_data(max_entries=24, show_spinner=False)
def _strategy(cfg: ExperimentConfig, values: np.ndarray, strategy: str, horizon: int, origins: np.ndarray):
    with live.server_slot():
        return multistep.strategy_result(cfg, values, strategy, horizon, origins)


CACHED = SimpleNamespace(arima=_arima, network=_network)


def _with_progress(fn, *args, **kwargs):
    """Run ``fn(..., progress=...)`` with a progress bar that disappears when it is done."""
    bar = st.progress(0.0, text="Starting…")
    try:
        return fn(*args, progress=lambda f, text: bar.progress(min(max(f, 0.0), 1.0), text=text), **kwargs)
    finally:
        bar.empty()


# ---------------------------------------------------------------- presets and settings

def apply_preset(name: str, keep=()) -> None:
    """Write arena preset ``name`` into the controls' keys, except those in ``keep``."""
    if name == OWN:
        return
    p = arena.PRESETS[name]
    w, m, t = p.cfg.window, p.cfg.model, p.cfg.train
    values = {"dataset": p.cfg.data.name, "lookback": w.lookback, "horizon": w.horizon, "transform": w.transform,
              "hidden_size": m.hidden_size, "epochs": t.epochs, "lr": float(t.lr),
              "batch_size": t.batch_size, "arena_models": list(p.spec.models), "arena_order": ORDER_SEARCH}
    values.update({f"{p.cfg.data.name}_{key}": value for key, value in p.cfg.data.params})
    st.session_state.update({k: v for k, v in values.items() if k not in keep})
    st.session_state["arena_preset"] = st.session_state["_linked_arena_preset"] = name


def _apply_preset() -> None:
    apply_preset(st.session_state["arena_preset"])


def apply_linked_preset() -> None:
    """``?arena_preset=name`` in the link applies that preset (see classroom.apply_linked_preset)."""
    classroom.apply_linked_preset("arena_preset", arena.PRESETS, apply_preset)


def preset_picker() -> None:
    # no format_func: a bound selectbox writes the shown text into the link, and a copied link must
    # carry the preset's short name
    st.selectbox("Preset", [OWN, *arena.PRESETS], key="arena_preset", on_change=_apply_preset, **BIND,
                 help="Two set-ups that make a point; picking one sets the dataset and the controls below.")
    name = st.session_state.get("arena_preset", OWN)
    if name != OWN:
        st.caption(arena.PRESETS[name].reason)


def _train_page(key: str):
    """A Train-page setting as the student left it there (its default if they never went)."""
    return st.session_state.get(key, train_controls._flat(config.PRESETS["default"])[key])


def settings(data_cfg: config.DataConfig, series) -> tuple[ExperimentConfig, arena.ArenaSpec]:
    """Draw the arena's controls and return (config, spec); ConfigError when out of range."""
    models = st.multiselect("Models", arena.MODELS, DEFAULT_MODELS, key="arena_models", format_func=arena.LABELS.get,
                            **BIND, help="Simple forecasts, ARIMA, and networks trained by the Train page's Trainer.")
    if "sarima" in models:
        st.caption(_seasonal_note(series.period, series))
    c1, c2, c3, c4 = st.columns([1, 1, 1.3, 1])
    lookback = train_controls.lookback_slider(16, c1, "How many past values each network reads (shared with the "
                                              "Train page).")
    horizon = train_controls.horizon_slider(c2, "How many steps ahead every model forecasts.")
    how = c3.radio("ARIMA order", [ORDER_SEARCH, ORDER_MINE], key="arena_order", horizontal=True, **BIND,
                   help="AIC search: p, q in 0..3, d from the ADF test. Or set (p, d, q) yourself.")
    order = None
    if how == ORDER_MINE:
        cols = c3.columns(3)
        order = tuple(int(col.number_input(k, 0, 5 if k != "d" else 2, v, key=f"arena_{k}", **BIND))
                      for col, k, v in zip(cols, "pdq", (1, 0, 0), strict=True))
    periods = evaluation.known_periods(series)
    with c4.expander("Network settings"):
        transform, period = train_controls.transform_select(periods)
        hidden_size = st.slider("hidden_size", 1, config.MAX_HIDDEN_SIZE, 32, key="hidden_size", **BIND)
        epochs = st.slider("Epochs", 1, 500, 60, key="epochs", **BIND)
        lr = train_controls.lr_input(0.01)
        st.caption("Shared with the Train page; every other setting (layers, scaler, batch size, "
                   "optimizer, seed…) is the one you chose there.")
    season = None
    if "seasonal_naive" in models and len(periods) > 1:
        choice = st.selectbox("Seasonal naive's season (steps)", [BEST_SEASON, *periods], key="arena_season", **BIND,
                              help="This series has more than one season. By default the one that forecasts the "
                                   "training part better is used (never chosen on the test part).")
        season = None if choice == BEST_SEASON else int(choice)
    cfg = ExperimentConfig(
        data=data_cfg,
        window=WindowConfig(lookback=int(lookback), horizon=int(horizon), mode="multi" if horizon > 1 else "next",
                            scaler=_train_page("scaler"), transform=transform, period=period),
        model=ModelConfig(cell="gru", hidden_size=int(hidden_size), num_layers=int(_train_page("num_layers")),
                          activation=_train_page("activation"), alpha=float(_train_page("alpha")),
                          skip=int(_train_page("skip")), layer_norm=bool(_train_page("layer_norm")),
                          h0=_train_page("h0"), init=_train_page("init"), radius=float(_train_page("radius")) or None),
        train=TrainConfig(epochs=int(epochs), batch_size=int(_train_page("batch_size")), lr=float(lr),
                          optimizer=_train_page("optimizer"), clip=float(_train_page("clip")) or None,
                          patience=int(_train_page("patience")) or None, seed=int(_train_page("seed"))),
    )
    return config.validate(cfg), arena.ArenaSpec(tuple(models), order, season=season)


def _seasonal_note(period, series) -> str:
    if not period:
        return "Seasonal ARIMA needs a known season length; this series has none."
    if period > arima.SEASONAL_MAX_PERIOD:
        return f"A season of {period} steps is too long for seasonal ARIMA here."
    secs = arima.seasonal_seconds(int(len(series) * 0.7), period)
    return f"⏱️ Seasonal ARIMA (season {period}): about {secs:.0f} s the first time, then cached."


# ---------------------------------------------------------------- running

def reused_networks(cfg: ExperimentConfig, spec: arena.ArenaSpec, values: np.ndarray) -> dict:
    """cell -> the Train page's finished run, for the cells whose settings match it exactly."""
    tr = live.trainer()
    out = {}
    for cell in spec.models:
        if cell in arena.NETWORKS:
            part = arena.reuse(tr, arena.network_config(cfg, cell), values)
            if part is not None:
                out[cell] = part
    return out


def run(series, cfg: ExperimentConfig, spec: arena.ArenaSpec) -> arena.ArenaResult:
    reused = reused_networks(cfg, spec, series.values)
    result = _with_progress(arena.run_arena, series, cfg, spec, CACHED, reused=reused)
    for cell in reused:
        st.caption(f"♻️ {arena.LABELS[cell]}: reused your finished run from the Train page (same settings).")
    return result


def rolling(series, cfg: ExperimentConfig, spec: arena.ArenaSpec, result: arena.ArenaResult, folds: int) -> pd.DataFrame:
    """Rolling-origin scores; ARIMA keeps the order ``result`` found (refitting its parameters per fold)."""
    found = next((part.order for part in result.arima.values()), None)
    spec = dataclasses.replace(spec, order=spec.order or found)
    return _with_progress(arena.rolling_origin, series, cfg, spec, folds, CACHED)


def strategies_seconds(cfg: ExperimentConfig, result: arena.ArenaResult) -> float:
    """About how long training the three strategies takes the first time."""
    return len(multistep.STRATEGIES) * arena.network_seconds(max(result.a - cfg.window.lookback, 1), cfg)


def strategies(cfg: ExperimentConfig, values: np.ndarray, horizon: int, seconds: float) -> multistep.MultiStepResult:
    if seconds > len(multistep.STRATEGIES) * arena.NETWORK_LIMIT_S:
        raise ConfigError(f"Training the three strategies would take about {seconds:.0f} s here: lower "
                          "the epochs or the lookback, or pick a shorter series.")
    return _with_progress(multistep.compare, cfg, values, horizon, train=_strategy)


def cost_seconds(result: arena.ArenaResult) -> float:
    """What the slow parts of this arena cost when computed (cached or not)."""
    parts = [*result.arima.values(), *result.networks.values()]
    return sum(p.seconds for p in parts)


# ---------------------------------------------------------------- tables and prompts

def metrics_table(result: arena.ArenaResult):
    """MAE, RMSE, MASE per model, the best in each column highlighted."""
    return result.metrics_frame().style.highlight_min(axis=0, color="#bbf7d0").format("{:.4g}")


# Experiments to try on what is on screen. The lecture's own questions are answered once, as guided
# questions (ui.questions); these are extra and carry no answer toggle.
TRY = {
    "stationary": ("a wrong d",
                   "Pick **co2** or **noisy_trend** and read the ADF verdict and the d it suggests. Then choose "
                   "*my order* with d = 0: what happens to ARIMA's forecasts (and its MASE) as the series climbs "
                   "away from its training mean?"),
    "horizon": ("a longer horizon",
                "Raise the **horizon** to 24 on **noisy_trend** and watch *Error by forecast step*: which lines "
                "climb, which stay flat, and where does naive stop being hard to beat?"),
    "presets": ("the two presets",
                "Pick **ar1 arima wins**, then raise **Epochs** in *Network settings* to 60: does the GRU catch "
                "up with ARIMA? Then pick **logistic rnn wins** and compare ARIMA's residual check with the GRU's score."),
    "seasonal": ("knowing the season",
                 "On **traffic**, add *seasonal naive* and *seasonal ARIMA*. Does knowing the 24-hour season beat a "
                 "cleverer model that does not know it? What lookback does a network need to see a whole day?"),
    "strategies": ("errors that compound",
                   "Set the **horizon** to 12 and train the three strategies. Which line climbs fastest with the "
                   "forecast step? Try **logistic** too, where a small error grows fast."),
}


def try_this(key: str) -> None:
    title, body = TRY[key]
    with st.expander(f"🧪 Try this: {title}"):
        st.markdown(body)


# ---------------------------------------------------------------- the page's sections

def stationarity_section(result: arena.ArenaResult) -> None:
    if result.adf is not None:
        d = 0 if result.adf.stationary else 1
        (st.success if result.adf.stationary else st.warning)(
            f"**ADF test on the training part:** {result.adf.verdict} So ARIMA needs **d = {d}** "
            f"({'no differencing' if d == 0 else 'difference once'}).", icon="🧪")
        st.caption("Only the training part is tested here, because ARIMA is fitted on it. The Sequence data page "
                   "tests the whole series (or its most recent values), so its verdict can differ: a shorter "
                   "stretch holds fewer cycles and gives the test less evidence against a unit root.")
    for part in result.arima.values():
        st.caption(f"{part.label}: fitted on {part.n_fit:,} training values in {part.seconds:.1f} s "
                   f"(AIC {part.aic:.1f}).")


def equation_section(result: arena.ArenaResult) -> None:
    """Each non-seasonal ARIMA's fitted equation, and one forecast worked from it by hand."""
    parts = [part for part in result.arima.values() if part.formula is not None]
    if not parts:
        st.info("Add ARIMA (not seasonal ARIMA) to the models to see its fitted equation.")
    for part in parts:
        f = part.formula
        st.markdown(f"**{part.label}**")
        st.latex(f.latex)
        names = ", ".join(f"{symbol} = `{name}` = {value:.4g}" for symbol, (name, value) in f.terms.items())
        st.caption(f"{names + '.' if names else 'No coefficients: the forecast is the last value.'} "
                   f"Worked by hand from this equation, the forecast of the last training value is "
                   f"{f.by_hand:.6g}; statsmodels' own one-step forecast is {f.statsmodels:.6g}"
                   + ("." if f.agrees else f" (they differ by {abs(f.by_hand - f.statsmodels):.3g}). {f.why_not()}"))


def scoreboard_section(series, result: arena.ArenaResult, unit: str) -> None:
    st.table(metrics_table(result))
    st.caption(f"{len(result.origins):,} test windows, {result.horizon} step{'s' if result.horizon > 1 else ''} "
               f"each, in {plain(unit)}. MASE divides the MAE by the one-step naive forecast's error on the training "
               "part: below 1 beats that one-step naive; several steps ahead, even naive scores above 1. "
               "Best in green.")
    for note in result.notes:
        st.caption(f"ℹ️ {plain(note)}")
    if not result.forecasts:
        return
    step = 1
    if result.horizon > 1:
        step = st.slider("forecast step shown", 1, result.horizon, 1, key="arena_step", **BIND,
                         help="Draw, for every test value, the forecast made this many steps before it.")
    labels, y_label = {name: result.label(name) for name in result.forecasts}, chart_text(unit)
    plotly_chart(plots.forecast_figure(series.index, series.values, result, step, labels, y_label=y_label),
                 key="arena_forecast", width="stretch")
    plotly_chart(plots.horizon_figure(result.mae_by_step, labels, y_label=f"MAE ({y_label})"),
                 key="arena_horizon", width="stretch")


def residuals_section(result: arena.ArenaResult) -> None:
    checks = {name: part for name, part in result.arima.items() if part.check is not None}
    if not checks:
        st.info("Add ARIMA to the models to see its residual diagnostics.")
    for name, part in checks.items():
        (st.success if part.check.white else st.warning)(f"**{part.label}:** {part.check.verdict}", icon="🔍")
        st.caption("The Ljung-Box test adds up the squared autocorrelations of the errors over many lags: a "
                   "small p (below 0.05) means they are too large together for pure noise, so the model left "
                   "a pattern it could have used.")
        plotly_chart(plots.residual_acf_figure(part.check, f"Autocorrelation of {part.label}'s one-step errors"),
                     key=f"arena_resid_{name}", width="stretch")
        if part.search is not None:
            with st.expander(f"The AIC search behind {part.label}"):
                st.dataframe(part.search, hide_index=True, width="stretch")
                st.caption("aic_hr: quick Hannan-Rissanen estimate; aic: full maximum-likelihood fit of the best ones.")


def rolling_section(series, cfg: ExperimentConfig, spec: arena.ArenaSpec, result: arena.ArenaResult) -> None:
    c1, c2 = st.columns([1, 2])
    folds = c2.slider("folds", 2, 6, 4, key="arena_folds", **BIND)
    c2.caption(f"⏱️ About {folds * cost_seconds(result):.0f} s the first time (every fit again, per fold).")
    if not c1.toggle("Run rolling origin", key="arena_rolling", **BIND):
        return
    table = rolling(series, cfg, spec, result, folds)
    plotly_chart(plots.rolling_figure(table), key="arena_rolling_chart", width="stretch")
    summary = table.groupby("label", sort=False)["mae"].agg(["mean", "std", "min", "max"])
    st.dataframe(summary.style.format("{:.4g}"), width="stretch")
    st.caption("MAE per fold. ARIMA keeps the order found above; its parameters are refitted per fold.")


def strategies_section(series, cfg: ExperimentConfig, result: arena.ArenaResult, unit: str) -> None:
    for name in multistep.STRATEGIES:
        st.markdown(f"- **{multistep.STRATEGY_LABELS[name]}**: {multistep.PREPARATION[name]}")
    c1, c2 = st.columns([1, 2])
    cell = c2.selectbox("cell for all three", ["gru", "lstm", "rnn", "mlp"], key="arena_ms_cell", **BIND,
                        format_func=config.CELL_LABELS.get)
    ms_cfg = cfg.replace(model={"cell": cell})
    ms_seconds = strategies_seconds(ms_cfg, result)
    c2.caption(f"⏱️ About {ms_seconds:.0f} s the first time (three networks), then cached.")
    if cfg.window.horizon < 2:
        st.info("Set the **horizon** above to 2 or more to compare the strategies.")
        return
    if not c1.toggle("Train the three strategies", key="arena_multistep", **BIND):
        return
    ms = strategies(ms_cfg, series.values, cfg.window.horizon, ms_seconds)
    plotly_chart(plots.horizon_figure(ms.horizon_errors(), multistep.STRATEGY_LABELS,
                                      "Multi-step error by forecast step", f"MAE ({chart_text(unit)})"),
                 key="arena_strategies", width="stretch")
    st.dataframe(ms.metrics_frame().rename(index=multistep.STRATEGY_LABELS).style.format("{:.4g}"), width="stretch")
