"""Forecast arena: naive, ARIMA and networks scored on the same test points; three multi-step strategies."""

import streamlit as st

from ui import arena_views as views
from ui.data_picker import data_config, pick_series
from ui.questions import guided_questions
from ui.setup import explain, guarded, page_setup, prose, url_checked

page_setup("Forecast arena", "🏟️")
views.apply_linked_preset()
series = pick_series()
text = prose("arena")
st.title("🏟️ Forecast arena")
explain(text["intro"])
views.preset_picker()
if series is None:
    st.info("Choose a sequence in the sidebar (or upload a CSV file) to put models against each other.")
    st.stop()
with guarded(stop=True):
    cfg, spec = views.settings(data_config(), series)
    result = views.run(series, cfg, spec)
unit = series.unit or "value"

st.header("1 · Stationarity first")
views.stationarity_section(result)
views.try_this("stationary")
st.subheader("The equation ARIMA fitted")
explain(text["arma"])
views.equation_section(result)

st.header("2 · The scoreboard")
views.scoreboard_section(series, result, unit)
for key in ("horizon", "presets", "seasonal"):
    views.try_this(key)

st.header("3 · Did ARIMA use everything? Its residuals")
views.residuals_section(result)

st.header("4 · One split is one opinion: rolling origin")
explain(text["rolling"])
with guarded():
    views.rolling_section(series, cfg, spec, result)

st.header("5 · Beyond the next value: three strategies")
explain(text["strategies"])
with guarded():
    views.strategies_section(series, cfg, result, unit)
views.try_this("strategies")
url_checked()
guided_questions("arena")
