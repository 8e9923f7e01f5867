"""The recurrent layer: the equation beside the code that runs it, unrolled with real numbers,
saturation, the initial state h₀, and a feed-forward network against a recurrent one."""

import streamlit as st

from rnn_core import config
from rnn_core.errors import PlaygroundError
from rnn_core.labs import layer as layer_lab
from rnn_core.plots import layer as plots
from ui import layer_views as views
from ui.data_picker import data_config, pick_series
from ui.questions import guided_questions
from ui.setup import choices_help, explain, page_setup, plotly_chart, show_error, url_checked

BIND = views.BIND

page_setup("The recurrent layer", "🔁")
series = pick_series()
st.title("🔁 The recurrent layer")
explain("A recurrent layer is one small function, the **cell**, applied once per time step. It reads "
        "the new input $x_t$ and its own previous output, the hidden state $h_{t-1}$, and returns "
        "$h_t$. The same weights are used at every step: that loop is the network's memory.")

# ---------------------------------------------------------------- the equation and its code
st.header("The equation, and the code that runs it")
c = st.columns(2)
cell = c[0].selectbox("Cell", layer_lab.CELLS, key="layer_cell", help=choices_help(config.CELL_LABELS), **BIND)
activation = c[1].radio("Activation f (vanilla, leaky and skip cells)", config.ACTIVATIONS, key="layer_activation",
                        horizontal=True, **BIND)
st.latex(layer_lab.cell_equation(cell))
st.caption("$W_{ih}$ weighs the input, $W_{hh}$ the previous state; σ is the sigmoid and ⊙ multiplies element by "
           "element. Below, line for line, the same formula as the Python that runs it:")
st.code(layer_lab.cell_source(cell), language="python")
st.caption(f"`inspect.getsource({layer_lab.cell_class(cell).__name__}.forward)`: read from `rnn_core/networks/cells.py`, "
           "not retyped. For vanilla, LSTM and GRU cells the Train page runs PyTorch's fused kernel on these "
           "same weights (faster; the tests check both give the same numbers); the other cells run this code.")

if series is None:
    st.info("Choose a sequence in the sidebar to feed the layer real values.")
    st.stop()

# ---------------------------------------------------------------- unrolled
st.header("Unrolled through time")
explain("Unrolling draws the loop as a chain: one copy of the cell per step, each handing its $h_t$ "
        "to the next. Below, a cell with **3 hidden units** and seeded random weights (untrained) reads "
        "a short input; every box shows the numbers it actually computed.")
try:
    x_raw, x_fed, note, seed = views.short_input(series)
    unrolled = layer_lab.unroll(layer_lab.demo_model(cell, 3, activation, seed), x_fed)
    st.caption(f"Input {', '.join(f'{v:.4g}' for v in x_raw)}, fed to the cell as {note}.")
    plotly_chart(plots.unrolled_figure(unrolled.x, unrolled.h, unrolled.y_hat, unrolled.h0),
                 key="unrolled_chart", width="stretch")
    plotly_chart(plots.hidden_heatmap(unrolled.h), key="hidden_heatmap", width="stretch")
    st.caption("ŷ = a linear head on the last state, W h_T + b. The weights are random, so ŷ is not a forecast "
               "yet: training (next pages) is what makes it one.")
except PlaygroundError as err:
    show_error(err)
views.explore("limitations")

# ---------------------------------------------------------------- saturation
st.header(f"{activation} on raw vs standardised values")
explain("Here the same vanilla cell (16 units, one seed) reads windows of 8 values of your sequence, "
        "once as they are and once standardised. The histogram shows where the pre-activations "
        "$a = W_{ih}x + W_{hh}h + b$ land; the black curve is $f(a)$. Where the curve is flat its "
        "slope is ~0 and no gradient gets back through the unit.")
try:
    pair = views.saturation_pair(series.values, activation, 8)
    m = st.columns(6)
    for i, (key, label) in enumerate((("raw", "raw"), ("scaled", "standardised"))):
        s = pair[key]
        m[3 * i].metric(f"|h| > 0.99 ({label})", f"{100 * s.frac_saturated:.1f}%")
        m[3 * i + 1].metric(f"flat slope ({label})", f"{100 * s.frac_flat:.1f}%",
                            help="Share of units where f'(a) < 0.02: tanh saturated, or relu below 0.")
        m[3 * i + 2].metric(f"largest |h| ({label})", f"{s.max_abs_h:.3g}")
    plotly_chart(plots.saturation_figure(pair), key="saturation_chart", width="stretch")
    if activation == "relu":
        st.caption("relu does not saturate for positive inputs, so |h| > 0.99 is not a problem there: the "
                   "danger is how large |h| grows, and the units stuck below 0.")
except PlaygroundError as err:
    show_error(err)
for key in ("activation", "normalise", "training"):
    views.explore(key)

# ---------------------------------------------------------------- h0
st.header("What is h₀? The state before the first step")
explain("At $t = 1$ the cell needs $h_0$, but nothing came before. Two common answers: start from "
        "**zeros**, or make $h_0$ a **learned** vector trained with the other weights. Below, a tiny "
        "vanilla RNN (3 units) with a learned $h_0$ was trained briefly on your sequence; its first step "
        "is written out from both starting points, with the same trained weights.")
lab_cfg = None
try:
    lab_cfg = layer_lab.compare_config(data_config(), lookback=6, activation=activation)
    h0 = views.h0_options(lab_cfg, series)
    left, right = st.columns(2)
    left.markdown("**h₀ = 0**: the recurrent part is only the bias $b_{hh}$")
    left.dataframe(views.first_step_frame(h0["zeros"]), key="h0_zeros")
    right.markdown(f"**learned h₀** (after {h0['epochs']} epochs)")
    right.dataframe(views.first_step_frame(h0["learned"]), key="h0_learned")
    st.caption(f"x₁ = {h0['x1']:.3f} (standardised), the first value of the first validation window.")
except PlaygroundError as err:
    show_error(err)

# ---------------------------------------------------------------- feed-forward vs recurrent
st.header("Feed-forward vs recurrent, on the same windows")
explain("A feed-forward network (MLP) sees the whole window at once, with one weight per position. "
        "An RNN reads it step by step with the same weights each time. Both get the same windows, "
        "hidden size 8, epochs and seed.")
c = st.columns(3)
lookback = c[0].slider("lookback (this comparison)", 2, 48, 6, key="compare_lookback", **BIND)
epochs = c[1].slider("epochs (both)", 5, 100, 40, key="compare_epochs", **BIND)
counts = views.parameter_counts(lookback, cell, 8)
c[2].metric("parameters: RNN vs MLP", f"{counts['rnn']} vs {counts['mlp']}",
            help="The RNN's count does not depend on the lookback; the MLP's grows with it.")
if st.button("Train both", key="compare_run", type="primary"):
    st.session_state["compare_on"] = True
if st.session_state.get("compare_on"):
    try:
        cfg = layer_lab.compare_config(data_config(), lookback, cell, 8, activation, epochs)
        result = views.compare(cfg, series)
        st.dataframe(views.comparison_frame(result), key="compare_table")
        plotly_chart(plots.comparison_figure(result["curves"]), key="compare_chart", width="stretch")
        short = result["short"]
        st.subheader(f"Now give both a window of only {short['length']} values")
        st.caption(f"The last {short['length']} values of the last validation window: "
                   + ", ".join(f"{v:.4g}" for v in short["window"]) + f" (the truth next is {short['truth']:.4g}).")
        left, right = st.columns(2)
        left.success(f"**RNN**: predicts {short['rnn']:.4g} (from the full window: {short['rnn_full']:.4g}). "
                     "It simply runs fewer steps; it never trained on windows this short, so expect it to be off.")
        right.warning(f"**MLP** cannot answer (from the full window it said {short['mlp_full']:.4g}).\n\n"
                      f"{short['mlp_error']}", icon="🚫")
    except PlaygroundError as err:
        show_error(err)
else:
    st.caption("Press **Train both**: about a second on one CPU thread; results are kept per setting.")

url_checked()
guided_questions("recurrent_layer")
