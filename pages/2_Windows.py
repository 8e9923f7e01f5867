"""Windows: cut a sequence into (inputs, targets) pairs for the three tasks, split it, scale it."""

import numpy as np
import streamlit as st

from rnn_core import config
from rnn_core.errors import PlaygroundError
from rnn_core.plots import series as plots
from ui import sequence_views as views
from ui.data_picker import pick_series
from ui.setup import page_setup, show_error

EXPLORE = "windows_explore.md"
# the same keys, widgets and ranges as the Train page, so a choice made here follows the student there
BIND = {"bind": "query-params", "persist_state": "session"}
DEFAULT = config.PRESETS["default"].window
LECTURE = {  # the lecture's rows on 0..9 with lookback 3: (mode, horizon) -> first target
    ("next", 1): "[3]", ("multi", 2): "[3, 4]", ("seq2seq", 1): "[1, 2, 3]",
    ("seq2seq", 2): "[[1, 2], [2, 3], [3, 4]]", ("seq2seq", 3): "[[1, 2, 3], [2, 3, 4], [3, 4, 5]]",
}

page_setup("Windows", "🪟")
series = pick_series()
st.title("🪟 Windows: from a sequence to training examples")
st.markdown("A network learns from pairs: an **input** (the last `lookback` values) and a **target** (what "
            "comes next). Sliding that window along the series one step at a time makes the training set.")

c = st.columns(4)
mode = c[0].selectbox("Window mode", config.MODES, index=config.MODES.index(DEFAULT.mode), key="mode",
                      format_func=config.MODE_LABELS.get, **BIND)
lookback = c[1].slider("lookback", 1, 200, DEFAULT.lookback, key="lookback", **BIND,
                       help="How many past values the network reads per window.")
horizon = 1
if mode != "next":
    horizon = c[2].slider("horizon", 1, 48, 5, key="horizon", **BIND, help="How many values to predict.")
scaler = c[3].selectbox("Scaler", config.SCALERS, index=config.SCALERS.index(DEFAULT.scaler), key="scaler",
                        **BIND, help="Fitted on the training part only.")
st.caption("These settings are shared with the **Train** page: what you choose here is what you train with.")

# ---------------------------------------------------------------- the table of windows
st.header("The first windows")
example = st.toggle("Use the lecture's example 0..9", key="lecture_example", **BIND)
if example:
    values, name = np.arange(10, dtype=float), "0..9"
    example_lookback = st.slider("lookback for the example", 1, 8, 3, key="example_lookback",
                                 help="The lecture uses 3.")
else:
    values, name = (series.values, series.name) if series is not None else (None, "")
if values is None:
    st.info("Choose a sequence in the sidebar, or switch on the lecture's example.")
    st.stop()
L = example_lookback if example else lookback
try:
    X, Y = views.make_windows(values, L, horizon, mode)
except PlaygroundError as err:
    show_error(err)
    X = None
if X is not None:
    st.dataframe(views.window_table(X, Y, mode), hide_index=True, use_container_width=True, key="window_table")
    st.caption(f"{len(X):,} windows from {len(values):,} values (showing the first {min(10, len(X))}); "
               f"X {X.shape}, Y {Y.shape}." + (" Values shown as they are, before scaling." if not example else ""))
    row = LECTURE.get((mode, horizon))
    if example and L == 3 and row:
        st.success(f"Same as the lecture: `[0, 1, 2]` → `{row}`.", icon="✅")

    st.subheader("One window on the series")
    i = st.slider("which window", 0, len(X) - 1, 0, key=f"window_index_{len(X)}") if len(X) > 1 else 0
    left, right = st.columns([3, 2])
    left.plotly_chart(plots.window_figure(values, i, L, horizon, mode, f"Window {i}: inputs and targets"),
                      key="window_chart", use_container_width=True)
    right.plotly_chart(plots.supervision_figure(i, L, horizon, mode, "Which index each output learns"),
                       key="supervision_chart", use_container_width=True)
    right.caption("Rows: the time step reading that index. Columns: the outputs. An empty row is never "
                  "trained: " + ("every step gets targets in seq2seq." if mode == "seq2seq"
                                 else "only the last step's output meets the loss."))
views.explore(EXPLORE, "beyond")

# ---------------------------------------------------------------- split and scaling
st.header("Split and scale")
cfg = config.WindowConfig(lookback=int(L), horizon=int(horizon), mode=mode, scaler=scaler)
try:
    prepared = views.prepare(values, cfg)
except PlaygroundError as err:
    show_error(err)
    st.stop()
a, b = prepared.a, prepared.b
x = series.index if not example and series is not None else np.arange(len(values))
st.plotly_chart(plots.split_figure(x, values, a, b, f"{name}: training, validation and test parts"),
                key="split_chart", use_container_width=True)
counts = st.columns(3)
for col, part, label in zip(counts, ("train", "val", "test"), ("training", "validation", "test")):
    col.metric(f"{label} windows", f"{len(getattr(prepared, part).X):,}")
st.caption(f"Chronological split: targets of training windows lie in values[:{a}], validation in "
           f"values[{a}:{b}], test in values[{b}:]. A later part borrows its first inputs from the part before.")
st.plotly_chart(plots.histogram_figure(values, prepared.scaler.transform(values), a, b,
                                       f"Scaler '{scaler}': values before and after"),
                key="hist_chart", use_container_width=True)
st.info(f"The scaler is fitted on the **training part only**, then applied unchanged to validation and test. "
        f"{prepared.scaler.describe()}", icon="📏")
views.explore(EXPLORE, "normalise")
