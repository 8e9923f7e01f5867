"""Windows: cut a sequence into (inputs, targets) pairs for the three tasks, split it, scale it."""

import numpy as np
import streamlit as st

from rnn_core import config
from rnn_core.errors import PlaygroundError
from rnn_core.plots import series as plots
from ui import sequence_views as views
from ui.data_picker import pick_series
from ui.questions import guided_questions
from ui.setup import choices_help, explain, page_setup, plotly_chart, show_error, url_checked

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
explain("A network learns from pairs: an **input** (the last `lookback` values) and a **target** (what "
        "comes next). Sliding that window along the series one step at a time makes the training set.")

c = st.columns(4)
mode = c[0].selectbox("Window mode", config.MODES, index=config.MODES.index(DEFAULT.mode), key="mode",
                      help=choices_help(config.MODE_LABELS), **BIND)
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
    values = np.arange(10, dtype=float)
    example_lookback = st.slider("lookback for the example", 1, 8, 3, key="example_lookback",
                                 help="The lecture uses 3.")
else:
    values = series.values if series is not None else None
L, X = (example_lookback if example else lookback), None
if values is None:
    st.info("Choose a sequence in the sidebar, or switch on the lecture's example.")
else:
    try:
        X, Y, N = views.first_windows(values, L, horizon, mode)
    except PlaygroundError as err:
        show_error(err)
if X is not None:
    table = views.window_table(X, Y, mode)
    st.dataframe(table, hide_index=True, width="stretch", key="window_table",
                 column_config={"window": st.column_config.NumberColumn(width="small")})
    shape = ", ".join(str(d) for d in Y.shape[1:])
    st.caption(f"{N:,} windows from {len(values):,} values (the first {len(X)} shown): X has shape "
               f"({N}, {L}, 1), Y ({N}, {shape})." + ("" if example else " Values before scaling."))
    row = LECTURE.get((mode, horizon))
    if example and L == 3 and row:
        same = (table.input[0], table.target[0]) == ("[0, 1, 2]", row)
        (st.success if same else st.warning)(f"The lecture's row: `[0, 1, 2]` → `{row}`" +
                                             (": the same." if same else ": different!"), icon="✅" if same else "❌")

    st.subheader("One window on the series")
    i = st.slider("which window", 0, N - 1, 0, key=f"window_index_{N}") if N > 1 else 0
    left, right = st.columns([3, 2])
    plotly_chart(where=left, fig=plots.window_figure(values, i, L, horizon, mode, f"Window {i}: inputs and targets"),
                 key="window_chart", width="stretch")
    plotly_chart(where=right, fig=plots.supervision_figure(i, L, horizon, mode, "Which index each output learns"),
                 key="supervision_chart", width="stretch")
    right.caption("Rows: the time step reading that index. Columns: the outputs. An empty row is never "
                  "trained: " + ("every step gets targets in seq2seq." if mode == "seq2seq"
                                 else "only the last step's output meets the loss."))
views.explore(EXPLORE, "beyond")

# ---------------------------------------------------------------- split and scaling
st.header("Split and scale")
split = None
if series is None:
    st.info("Choose a sequence in the sidebar to split and scale it.")
else:
    # always the picked series with the shared settings: exactly what the Train page will use
    st.markdown(f"**{series.name}** with lookback {lookback}: the windows the **Train** page will use.")
    try:
        cfg = config.WindowConfig(lookback=int(lookback), horizon=int(horizon), mode=mode, scaler=scaler)
        split = views.split_summary(series.values, cfg)
    except PlaygroundError as err:
        show_error(err)
if split is not None:
    a, b, scaler_fit, values = split["a"], split["b"], split["scaler"], series.values
    plotly_chart(plots.split_figure(series.index, values, a, b, "Training, validation and test parts",
                 series.unit or "value"), key="split_chart", width="stretch")
    counts = st.columns(3)
    for col, part, label in zip(counts, ("train", "val", "test"), ("training", "validation", "test")):
        col.metric(f"{label} windows", f"{split['counts'][part]:,}")
    st.caption(f"Chronological split: the targets of training windows lie in values[:{a}], validation in "
               f"values[{a}:{b}], test in values[{b}:]. A later part reads its first inputs from the part "
               "before: that is its past, not a leak.")
    plotly_chart(plots.histogram_figure(values, scaler_fit.transform(values), a, b,
                 f"Scaler '{scaler}': values before and after"),
                 key="hist_chart", width="stretch")
    st.info(f"The scaler is fitted on the **training part only**, then applied unchanged to validation and "
            f"test: {scaler_fit.describe()}.", icon="📏")

url_checked()
guided_questions("windows")
