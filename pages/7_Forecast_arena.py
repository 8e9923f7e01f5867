"""Forecast arena: naive, ARIMA and networks scored on the same test points; three multi-step strategies."""

import streamlit as st

from rnn_core.config import CELL_LABELS
from rnn_core.errors import PlaygroundError
from rnn_core.forecasting import multistep
from rnn_core.plots import arena as plots
from ui import arena_views as views
from ui.data_picker import data_config, pick_series
from ui.questions import guided_questions
from ui.setup import explain, page_setup, plotly_chart, show_error, url_checked

BIND = views.BIND

page_setup("Forecast arena", "🏟️")
views.apply_linked_preset()
series = pick_series()
st.title("🏟️ Forecast arena")
explain("You don't always need deep learning. Here every model gets the same history and forecasts the "
        "same test values, in the series' own units; a network has to beat one-line forecasts and ARIMA "
        "to be worth its training time.")
views.preset_picker()
if series is None:
    st.info("Choose a sequence in the sidebar (or upload a CSV file) to put models against each other.")
    st.stop()
try:
    cfg, spec = views.settings(data_config(), series)
    result = views.run(series, cfg, spec)
except PlaygroundError as err:
    show_error(err)
    st.stop()
y_label = series.unit or "value"
labels = {name: result.label(name) for name in result.forecasts}

# ---------------------------------------------------------------- stationarity
st.header("1 · Stationarity first")
if result.adf is not None:
    (st.success if result.adf.stationary else st.warning)(
        f"**ADF test on the training part:** {result.adf.verdict} So ARIMA needs "
        f"**d = {0 if result.adf.stationary else 1}** ({'no differencing' if result.adf.stationary else 'difference once'}).",
        icon="🧪")
for part in result.arima.values():
    st.caption(f"{part.label}: fitted on {part.n_fit:,} training values in {part.seconds:.1f} s "
               f"(AIC {part.aic:.1f}).")
views.try_this("stationary")

# ---------------------------------------------------------------- scores and forecasts
st.header("2 · The scoreboard")
st.table(views.metrics_table(result))
st.caption(f"{len(result.origins):,} test windows, {result.horizon} step{'s' if result.horizon > 1 else ''} each, "
           f"in {y_label}. MASE below 1 beats the one-step naive error on the training part. Best in green.")
for note in result.notes:
    st.caption(f"ℹ️ {note}")
if not result.forecasts:
    st.stop()
step = 1
if result.horizon > 1:
    step = st.slider("forecast step shown", 1, result.horizon, 1, key="arena_step", **BIND,
                     help="Draw, for every test value, the forecast made this many steps before it.")
plotly_chart(plots.forecast_figure(series.index, series.values, result, step, labels, y_label=y_label),
             key="arena_forecast", width="stretch")
plotly_chart(plots.horizon_figure(result.mae_by_step, labels, y_label=f"MAE ({y_label})"),
             key="arena_horizon", width="stretch")
views.try_this("horizon")
views.try_this("presets")
views.try_this("seasonal")

# ---------------------------------------------------------------- residuals
st.header("3 · Did ARIMA use everything? Its residuals")
checks = {name: part for name, part in result.arima.items() if part.check is not None}
if not checks:
    st.info("Add ARIMA to the models to see its residual diagnostics.")
for name, part in checks.items():
    (st.success if part.check.white else st.warning)(f"**{part.label}:** {part.check.verdict}", icon="🔍")
    plotly_chart(plots.residual_acf_figure(part.check, f"Autocorrelation of {part.label}'s one-step errors"),
                 key=f"arena_resid_{name}", width="stretch")
    if part.search is not None:
        with st.expander(f"The AIC search behind {part.label}"):
            st.dataframe(part.search, hide_index=True, width="stretch")
            st.caption("aic_hr: quick Hannan-Rissanen estimate; aic: full maximum-likelihood fit of the best ones.")

# ---------------------------------------------------------------- rolling origin
st.header("4 · One split is one opinion: rolling origin")
explain("A single test part can flatter a model by luck. Rolling-origin evaluation refits every model on "
        "several successive pasts and tests each on the block that follows.")
c1, c2 = st.columns([1, 2])
folds = c2.slider("folds", 2, 6, 4, key="arena_folds", **BIND)
c2.caption(f"⏱️ About {folds * views.cost_seconds(result):.0f} s the first time (every fit again, per fold).")
if c1.toggle("Run rolling origin", key="arena_rolling", **BIND):
    try:
        table = views.rolling(series, cfg, spec, result, folds)
        plotly_chart(plots.rolling_figure(table), key="arena_rolling_chart", width="stretch")
        summary = table.groupby("label", sort=False)["mae"].agg(["mean", "std", "min", "max"])
        st.dataframe(summary.style.format("{:.4g}"), width="stretch")
        st.caption("MAE per fold. ARIMA keeps the order found above; its parameters are refitted per fold.")
    except PlaygroundError as err:
        show_error(err)

# ---------------------------------------------------------------- multi-step strategies
st.header("5 · Beyond the next value: three strategies")
explain("To forecast n steps ahead you can (1) reuse a next-value network on its own predictions, "
        "(2) train it to output n values at once, or (3) train it to output n values at every time step. "
        "Each needs its own windows (try them on the [Windows](Windows) page):")
for name in multistep.STRATEGIES:
    st.markdown(f"- **{multistep.STRATEGY_LABELS[name]}**: {multistep.PREPARATION[name]}")
c1, c2 = st.columns([1, 2])
cell = c2.selectbox("cell for all three", ["gru", "lstm", "rnn", "mlp"], key="arena_ms_cell", **BIND,
                    format_func=CELL_LABELS.get)
ms_cfg = cfg.replace(model={"cell": cell})
ms_seconds = views.strategies_seconds(ms_cfg, result)
c2.caption(f"⏱️ About {ms_seconds:.0f} s the first time (three networks), then cached.")
if cfg.window.horizon < 2:
    st.info("Set the **horizon** above to 2 or more to compare the strategies.")
elif c1.toggle("Train the three strategies", key="arena_multistep", **BIND):
    try:
        ms = views.strategies(ms_cfg, series.values, cfg.window.horizon, ms_seconds)
        plotly_chart(plots.horizon_figure(ms.horizon_errors(), multistep.STRATEGY_LABELS,
                     "Multi-step error by forecast step", f"MAE ({y_label})"),
                     key="arena_strategies", width="stretch")
        st.dataframe(ms.metrics_frame().rename(index=multistep.STRATEGY_LABELS).style.format("{:.4g}"),
                     width="stretch")
    except PlaygroundError as err:
        show_error(err)
views.try_this("strategies")

url_checked()
guided_questions("arena")
