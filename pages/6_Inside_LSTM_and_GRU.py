"""Inside LSTM and GRU: the two cells drawn with the code's names, their gates at work on the
student's sequence, the equations beside the code that runs, and measured speed vs a vanilla RNN."""

import streamlit as st

from rnn_core.config import CELL_LABELS
from rnn_core.errors import PlaygroundError
from rnn_core.labs import gates
from rnn_core.labs import layer as layer_lab
from rnn_core.plots import cell_diagrams
from rnn_core.plots import gates as plots
from ui import gate_views as views
from ui.data_picker import data_config, pick_series
from ui.layer_views import clamped_slider
from ui.setup import choices_help, explain, page_setup, plotly_chart, show_error, url_checked
from ui.train_controls import BIND

page_setup("Inside LSTM and GRU", "🔬")
series = pick_series()
st.title("🔬 Inside LSTM and GRU")
explain("A vanilla RNN rewrites its whole state at every step, so what it saw long ago fades. The **LSTM** "
        "and the **GRU** add *gates*: small sigmoid layers whose outputs, between 0 and 1, decide unit by unit "
        "how much to keep, to write and to show. Pick a cell: it is drawn with the names the code uses, "
        "then a small one is trained on your sequence and opened up step by step.")
cell = st.radio("Cell", gates.GATED, key="inside_cell", horizontal=True, **BIND,
                help=choices_help({c: CELL_LABELS[c] for c in gates.GATED}))
diagram_box, notes = st.columns([3, 2], gap="medium")
with notes:
    st.subheader("What each gate does")
    views.gate_notes(cell)

st.header("The equations, and the code that runs them")
left, right = st.columns([2, 3])
left.latex(layer_lab.cell_equation(cell))
left.caption("σ is the sigmoid, ⊙ multiplies element by element. Each $W_{i\\cdot}$ weighs the input and each "
             "$W_{h\\cdot}$ the previous state; the gate blocks are stacked in one matrix, in torch's order.")
right.code(layer_lab.cell_source(cell), language="python")
right.caption(f"`inspect.getsource({layer_lab.cell_class(cell).__name__}.forward)` from `rnn_core/networks/cells.py`: "
              "the heatmaps below are recorded by running exactly this code.")

run = None
if series is None:
    st.info("Choose a sequence in the sidebar to watch the gates work on it.")
else:
    st.header("Watch the gates on your sequence")
    c = st.columns([1, 1, 1, 0.8])
    hidden_size = c[0].slider("hidden_size (units)", 2, 32, 8, key="inside_hidden_size", **BIND,
                              help="Few units keep the heatmaps readable: one row per unit.")
    lookback = c[1].slider("lookback (steps per window)", 4, 96, 24, key="inside_lookback", **BIND)
    epochs = c[2].slider("epochs", 5, 60, 20, key="inside_epochs", **BIND)
    c[3].button("Train", key="inside_train", type="primary", width="stretch",
                on_click=lambda: st.session_state.update(inside_on=True))
    try:
        cfg = gates.inside_config(data_config(), cell, hidden_size, lookback, epochs)
        if st.session_state.get("inside_on"):
            run = views.gate_run(cfg, series)
        else:
            st.caption("Press **Train**: a few seconds on one CPU thread; results are kept per setting, so you "
                       "can switch between LSTM and GRU and back.")
    except PlaygroundError as err:
        show_error(err)
    if run is not None:
        m = st.columns(4 + len(run.means))
        m[0].metric("epochs", run.epochs)
        m[1].metric("validation loss", views.fmt_loss(run.val_losses[-1]) if run.val_losses else "–")
        m[2].metric("training time", f"{run.seconds:.1f} s")
        m[3].metric("parameters", f"{run.parameters:,}")
        for k, (name, label) in enumerate(gates.GATE_LABELS[cell].items(), start=4):
            m[k].metric(f"mean {name}", f"{run.means[name]:.2f}", help=f"The {label}'s mean over validation windows.")
        if len(series) > gates.MAX_VALUES:
            st.caption(f"ℹ️ Trained on the most recent {gates.MAX_VALUES:,} of {len(series):,} values.")
        w1, w2 = st.columns([3, 1])
        k = clamped_slider(w1, "validation window", 1, len(run.x), 1, "inside_window") - 1
        candidates = w2.toggle(f"show the candidate {'g' if cell == 'lstm' else 'n'}", key="inside_candidates",
                               **BIND)
        w = run.window(k)
        start, end = series.index[w["origin"] - lookback], series.index[w["origin"] - 1]
        st.caption(f"Window {k + 1} of {len(run.x)} (validation part, never trained on): inputs {start} to {end}; "
                   f"true next value {views.fmt_in_window(w['target'], w['x'])}, "
                   f"forecast {views.fmt_in_window(w['prediction'], w['x'])}.")
        rows = plots.default_rows(cell, candidates)
        plotly_chart(plots.gate_heatmaps(cell, w["x"], w["gates"], w["state"], rows, w["target"],
                     w["prediction"]),
                     key="gate_heatmaps", width="stretch")
        st.caption("Each row of a heatmap is one unit, each column one time step, lined up with the input above. "
                   "Yellow = gate open (near 1), dark = closed (near 0). Candidate and state rows are red for "
                   "positive, blue for negative.")
    views.explore("training")
    views.explore("forgetting")

    st.header("Vanilla vs LSTM vs GRU: parameters and measured speed")
    c = st.columns([1.2, 1.6, 0.8])
    speed_h = c[0].select_slider("hidden_size (all three cells)", [4, 8, 16, 32, 64, 128], 32,
                                 key="speed_hidden_size", **BIND)
    kernel = c[1].radio("Run", ("fused", "written"), key="speed_kernel", horizontal=True, **BIND,
                        help=choices_help({"fused": "torch's fused kernels, what the Train page runs",
                                           "written": "the written-out cells whose code is shown above"}))
    fused = kernel == "fused"
    st.dataframe(views.parameter_table(speed_h), key="param_table")
    st.caption("Parameters of the recurrent layer alone, counted on the real modules: a weight block is "
               "$W_{ih}$, $W_{hh}$ and two biases for one gate (vanilla 1, LSTM 4, GRU 3).")
    try:
        speed_cfg = gates.inside_config(data_config(), "rnn", speed_h, lookback, views.SPEED_EPOCHS)
        if c[2].button("Measure", key="inside_measure", type="primary", width="stretch"):
            with st.spinner("Training each cell for a few epochs, taking turns…"):
                views.measure(speed_cfg, series, fused)
        rows = views.measured(speed_cfg, fused)
        if rows is None:
            st.caption(f"Press **Measure**: each cell trains {views.SPEED_EPOCHS} epochs on the same windows with "
                       "the app's Trainer, taking turns epoch by epoch; the first epoch is not timed.")
        else:
            st.dataframe(views.speed_table(rows), key="speed_table")
            plotly_chart(plots.speed_figure(rows), key="speed_chart", width="stretch")
            st.markdown(views.speed_sentence(rows))
    except PlaygroundError as err:
        show_error(err)
views.explore("efficiency")
url_checked()

with diagram_box:  # drawn last, so a trained model's mean gate values can be printed in the boxes
    means = run.means if run is not None and run.cell == cell else None
    plotly_chart(cell_diagrams.cell_diagram(cell, means), key="cell_diagram", width="stretch")
    st.caption("Drawn by this project; each box carries the gate's name in `rnn_core/networks/cells.py`"
               + (" and its mean value over the validation windows." if means else
                  ". Train below and each box shows its gate's mean value."))
