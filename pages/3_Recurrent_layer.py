"""The recurrent layer: the equation beside the code that runs it (and the lecture's notation),
unrolled with real numbers, two stacked layers, saturation, the initial state h₀, and a feed-forward network against a recurrent one."""

import streamlit as st

from rnn_core import config
from rnn_core.labs import layer as layer_lab
from ui import layer_views as views
from ui.data_picker import data_config, pick_series
from ui.questions import guided_questions
from ui.setup import choices_help, explain, guarded, page_setup, prose, url_checked

BIND = views.BIND

page_setup("The recurrent layer", "🔁")
series = pick_series()
text = prose("recurrent_layer")
st.title("🔁 The recurrent layer")
explain(text["intro"])

st.header("The equation, and the code that runs it")
c = st.columns(2)
cell = c[0].selectbox("Cell", layer_lab.CELLS, key="layer_cell", help=choices_help(config.CELL_LABELS), **BIND)
activation = c[1].radio("Activation f (vanilla, leaky and skip cells)", config.ACTIVATIONS, key="layer_activation",
                        horizontal=True, **BIND)
st.latex(layer_lab.cell_equation(cell))
st.caption("$W_{ih}$ weighs the input, $W_{hh}$ the previous state; σ is the sigmoid and ⊙ multiplies element by "
           "element. Below, line for line, the same formula as the Python that runs it:")
st.code(layer_lab.cell_source(cell), language="python")
st.subheader("The lecture's notation")
explain(text["notation"])
st.table(views.notation_table(cell))
st.caption(f"`inspect.getsource({layer_lab.cell_class(cell).__name__}.forward)`: read from `rnn_core/networks/cells.py`, "
           "not retyped. For vanilla, LSTM and GRU cells the Train page runs PyTorch's fused kernel on these "
           "same weights (faster; the tests check both give the same numbers); the other cells run this code.")
if series is None:
    st.info("Choose a sequence in the sidebar to feed the layer real values.")
    st.stop()

st.header("Unrolled through time")
explain(text["unrolled"])
x_fed, seed = None, 0
with guarded():
    x_fed, seed = views.unrolled_section(series, cell, activation)
if x_fed is not None:
    st.subheader("The same steps, in the lecture's notation")
    with guarded():
        views.lecture_section(x_fed, cell, activation, seed)
views.explore("limitations")

st.header("Stacking layers: what the second layer receives")
explain(text["stacked"])
if x_fed is not None:
    with guarded():
        views.stacked_section(x_fed, cell, activation, seed)

st.header(f"{activation} on raw vs standardised values")
explain(text["saturation"])
with guarded():
    views.saturation_section(series.values, activation)
for key in ("activation", "normalise", "training"):
    views.explore(key)

st.header("What is h₀? The state before the first step")
explain(text["h0"])
with guarded():
    views.h0_section(layer_lab.compare_config(data_config(), lookback=6, activation=activation), series)

st.header("Feed-forward vs recurrent, on the same windows")
explain(text["compare"])
with guarded():
    views.compare_section(data_config(), series, cell, activation)
url_checked()
guided_questions("recurrent_layer")
