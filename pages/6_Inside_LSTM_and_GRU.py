"""Inside LSTM and GRU: the two cells drawn with the code's names, their gates at work on the
student's sequence, the equations beside the code that runs, and measured speed vs a vanilla RNN."""

import streamlit as st

from rnn_core.config import CELL_LABELS
from rnn_core.labs import gates
from rnn_core.labs import layer as layer_lab
from rnn_core.plots import cell_diagrams
from ui import gate_views as views
from ui.data_picker import data_config, pick_series
from ui.setup import choices_help, explain, guarded, page_setup, plotly_chart, prose, url_checked
from ui.train_controls import BIND

page_setup("Inside LSTM and GRU", "🔬")
series = pick_series()
st.title("🔬 Inside LSTM and GRU")
explain(prose("inside_cells")["intro"])
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
    with guarded():
        run = views.watch_section(data_config(), series, cell)
    views.explore("training")
    views.explore("forgetting")
    st.header("Vanilla vs LSTM vs GRU: parameters and measured speed")
    with guarded():
        views.speed_section(data_config(), series)
views.explore("efficiency")
url_checked()

with diagram_box:  # drawn last, so a trained model's mean gate values can be printed in the boxes
    means = run.means if run is not None and run.cell == cell else None
    plotly_chart(cell_diagrams.cell_diagram(cell, means), key="cell_diagram", width="stretch")
    st.caption("Drawn by this project; each box carries the gate's name in `rnn_core/networks/cells.py`"
               + (" and its mean value over the validation windows." if means else
                  ". Train below and each box shows its gate's mean value."))
