"""Sequence data: look hard at a sequence before modelling it: past and future, naive forecasts,
trends, seasons, stationarity."""

import streamlit as st

from rnn_core.errors import PlaygroundError
from rnn_core.plots import series as plots
from ui import sequence_views as views
from ui.data_picker import pick_series
from ui.questions import guided_questions
from ui.setup import explain, page_setup, plotly_chart, show_error, url_checked

BIND = {"bind": "query-params", "persist_state": "session"}

page_setup("Sequence data", "📈")
series = pick_series()
st.title("📈 Sequence data")
explain("In a sequence the **order** is the information: each value depends on those before it. "
        "Before training any network, look at the data and ask how well a one-line forecast does.")
if series is None:
    st.info("Choose a sequence in the sidebar (or upload a CSV file) to look at it here.")
    st.stop()

views.facts(series)
values, x, n = series.values, series.index, len(series)
if n < 4:
    st.warning(f"Only {n} value{'s' if n > 1 else ''}: too few to split into past and future. "
               "Pick a longer sequence.")
    st.stop()
y_label = series.unit or "value"

# ---------------------------------------------------------------- past, today, future
st.header("Past, today and the future")
explain("Put yourself at **today**: everything to the left is known, everything to the right is what "
        "a forecast must guess. The dotted lines are the naive forecasts, scored on the future part.")
c1, c2, c3, c4 = st.columns(4)
today_pct = c1.slider("today (% of the series in the past)", 50, 95, 80, 5, key="today", **BIND)
one_step = c2.radio("Forecast", ["from today", "one step ahead"], key="forecast_style", horizontal=True,
                    help="From today: the whole future in one go. One step ahead: at every future point, "
                         "forecast the next value from the true values up to it.", **BIND) == "one step ahead"
extra = c3.multiselect("Also draw", ["drift", "mean"], key="extra_forecasts",
                       help="Drift continues the line from the first to the last known value; "
                            "mean repeats the average of the past.")
season_key = f"season_{series.name}_{n}"  # a new series starts from its own period
period = int(c4.number_input("season length (steps; 0 = none)", 0, n // 2, min(series.period or 0, n // 2), 1,
                             key=season_key, help="Used by the seasonal naive forecast and STL below.")) or None
today = max(2, min(n - 1, round(n * today_pct / 100)))
try:
    preds, scores = views.forecasts(values, today, period, ("naive", "seasonal_naive", *extra), one_step)
    plotly_chart(plots.past_future_figure(x, values, today, preds, f"{series.name}: what a naive forecast "
                 "sees", y_label), key="past_future", width="stretch")
    scores.index = [plots.FORECAST_LABELS.get(i, i) for i in scores.index]
    st.dataframe(scores.style.format("{:.4g}").highlight_min(axis=0, color="#bbf7d0"), width="stretch")
    st.caption(f"Errors over the {n - today:,} future values, in {y_label}. MASE divides the MAE by the naive "
               "one-step error on the past: below 1 beats the naive forecast." +
               ("" if period else " Seasonal naive needs a season length."))
except PlaygroundError as err:
    show_error(err)

# ---------------------------------------------------------------- trends and seasons
st.header("Trends and seasonality")
explain("Many models (ARMA included) assume a **stationary** series: mean and spread that do not change "
        "over time. Differencing (subtracting the value `lag` steps earlier) removes a trend or a season.")
c1, c2 = st.columns(2)
diff_on = c1.toggle("Difference the series", key="difference", **BIND,
                    help="Every chart and test below then uses the differenced series.")
lag = 1
if diff_on and period:
    lag = c2.radio("lag", [1, period], key=f"diff_lag_{period}", horizontal=True,
                   format_func=lambda k: "1 step (trend)" if k == 1 else f"{k} steps (one season)")
work, wx, label = values, x, series.name
try:
    if diff_on:
        work = views.differenced(values, lag)
        wx, label = x[n - len(work):], f"{series.name}, differenced (lag {lag})"
    sv, sx = views.recent(work, wx)
    if len(sv) < len(work):
        st.caption(f"A long series: the test, STL and autocorrelations below look at its most recent "
                   f"{len(sv):,} values (the statistics slow down steeply with length).")
    result = views.adf(sv)
    show = st.success if result.stationary else st.warning
    show(f"**Augmented Dickey-Fuller test on {label}:** {result.verdict} (test statistic {result.statistic:.3g})",
         icon="🧪")
except PlaygroundError as err:
    show_error(err)
    sv, sx = work, wx

window = st.columns(2)[0].slider("rolling window (steps)", 2, 400, 24, key="roll_window", **BIND)
window = min(window, max(2, len(work) // 2))
plotly_chart(plots.rolling_figure(wx, work, window, f"Rolling mean and spread: {label}", y_label),
             key="rolling", width="stretch")

st.subheader("STL: trend + season + rest")
if not period:
    st.info("Set a season length above (e.g. 12 for monthly data, 24 for hourly) to split the series into "
            "trend, seasonal pattern and residual.")
else:
    try:
        lv, lx = views.recent(work, wx, views.stl_limit(period))
        parts = views.stl(lv, period)
        plotly_chart(plots.stl_figure(lx, parts, f"STL decomposition with period {period}"),
                     key="stl", width="stretch")
    except PlaygroundError as err:
        show_error(err)

st.subheader("Autocorrelation")
nlags = st.columns(2)[0].slider("lags", 5, 200, 40, key="nlags", **BIND)
try:
    acf, pacf, band = views.acf_pacf(sv, nlags)
    plotly_chart(plots.acf_figure(acf, pacf, band, f"How much each value resembles the one k steps before: "
                 f"{label}"), key="acf", width="stretch")
    st.caption("Bars beyond the dashed band are correlations unlikely to be chance. A slowly fading ACF means a "
               "trend; peaks at the season length mean a cycle.")
except PlaygroundError as err:
    show_error(err)

url_checked()
guided_questions("sequence_data")
