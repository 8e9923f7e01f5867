"""Windows: cut a sequence into (inputs, targets) pairs for the three tasks, split it, scale it."""

import numpy as np
import streamlit as st

from rnn_core import config
from ui import sequence_views as views
from ui import train_controls as controls
from ui import windows_views
from ui.data_picker import pick_series
from ui.questions import guided_questions
from ui.setup import choices_help, explain, guarded, page_setup, prose, url_checked

EXPLORE = "windows_explore.md"
# the same keys, widgets and ranges as the Train page, so a choice made here follows the student there
BIND = controls.BIND
DEFAULT = config.PRESETS["default"].window

page_setup("Windows", "🪟")
series = pick_series()
st.title("🪟 Windows: from a sequence to training examples")
explain(prose("windows")["intro"])
c = st.columns(4)
mode = c[0].selectbox("Window mode", config.MODES, index=config.MODES.index(DEFAULT.mode), key="mode",
                      help=choices_help(config.MODE_LABELS), **BIND)
lookback = controls.lookback_slider(DEFAULT.lookback, c[1])
horizon = controls.horizon_slider(c[2]) if mode != "next" else 1
scaler = c[3].selectbox("Scaler", config.SCALERS, index=config.SCALERS.index(DEFAULT.scaler), key="scaler",
                        **BIND, help="Fitted on the training part only.")
st.caption("These settings are shared with the **Train** page: what you choose here is what you train with.")

st.header("The first windows")
example = st.toggle("Use the lecture's example 0..9", key="lecture_example", **BIND)
if example:
    values = np.arange(10, dtype=float)
    L = st.slider("lookback for the example", 1, 8, 3, key="example_lookback", help="The lecture uses 3.")
else:
    values, L = (series.values if series is not None else None), lookback
if values is None:
    st.info("Choose a sequence in the sidebar, or switch on the lecture's example.")
else:
    with guarded():
        views.windows_section(values, L, horizon, mode, example)
views.explore(EXPLORE, "beyond")

st.header("Four shapes of a sequence task")
with guarded():
    windows_views.shapes_section()

st.header("Split and scale")
if series is None:
    st.info("Choose a sequence in the sidebar to split and scale it.")
else:  # always the picked series with the shared settings: exactly what the Train page will use
    with guarded():
        views.split_section(series, config.WindowConfig(lookback=lookback, horizon=horizon, mode=mode, scaler=scaler))

st.header("Trends: what the network is asked to predict")
if series is not None:
    with guarded():
        windows_views.preparation_section(series, config.WindowConfig(lookback, horizon, mode, scaler))
url_checked()
guided_questions("windows")
