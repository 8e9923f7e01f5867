"""Sequence data: look hard at a sequence before modelling it: past and future, naive forecasts,
trends, seasons, stationarity."""

import streamlit as st

from rnn_core.plots import series as plots
from ui import sequence_views as views
from ui.data_picker import pick_series
from ui.questions import guided_questions
from ui.setup import chart_text, explain, guarded, page_setup, plain, plotly_chart, prose, url_checked

BIND = views.BIND

page_setup("Sequence data", "📈")
series = pick_series()
text = prose("sequence_data")
st.title("📈 Sequence data")
explain(text["intro"])
if series is None:
    st.info("Choose a sequence in the sidebar (or upload a CSV file) to look at it here.")
    st.stop()
views.facts(series)
values, x, n = series.values, series.index, len(series)
if n < 4:
    st.warning(f"Only {n} value{'s' if n > 1 else ''}: too few to split into past and future. "
               "Pick a longer sequence.")
    st.stop()

st.header("Past, today and the future")
explain(text["past_future"])
period = None
with guarded():
    period = views.past_future_section(series)

st.header("Trends and seasonality")
explain(text["trends"])
c1, c2 = st.columns(2)
diff_on = c1.toggle("Difference the series", key="difference", **BIND,
                    help="Every chart and test below then uses the differenced series.")
lag = 1
if diff_on and period:
    lag = c2.radio("lag", [1, period], key=f"diff_lag_{period}", horizontal=True,
                   format_func=lambda k: "1 step (trend)" if k == 1 else f"{k} steps (one season)")
work, wx, label = values, x, chart_text(series.name)
sv, sx = work, wx
with guarded():
    if diff_on:
        work = views.differenced(values, lag)
        wx, label = x[n - len(work):], f"{chart_text(series.name)}, differenced (lag {lag})"
    sv, sx = views.recent(work, wx)
    if len(sv) < len(work):
        st.caption(f"A long series: the test, STL and autocorrelations below look at its most recent "
                   f"{len(sv):,} values (the statistics slow down steeply with length).")
    result = views.adf(sv)
    (st.success if result.stationary else st.warning)(
        f"**Augmented Dickey-Fuller test on {plain(label)}:** {result.verdict} (test statistic "
        f"{result.statistic:.3g})", icon="🧪")
window = st.columns(2)[0].slider("rolling window (steps)", 2, 400, 24, key="roll_window", **BIND)
plotly_chart(plots.rolling_figure(wx, work, min(window, max(2, len(work) // 2)), f"Rolling mean and spread: {label}",
                                  chart_text(series.unit or "value")), key="rolling", width="stretch")

st.subheader("STL: trend + season + rest")
with guarded():
    views.stl_section(work, wx, period)
st.subheader("Autocorrelation")
with guarded():
    views.acf_section(sv, label)
url_checked()
guided_questions("sequence_data")
