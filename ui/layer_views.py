"""Streamlit helpers of the Recurrent layer page: cached demos, the short-input widgets,
tables, and the page's Explore prompts.

The demos are cached on plain values (a config dataclass, arrays, strings); the series is
passed as ``_series`` so it is not hashed (the config's DataConfig already names it).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from rnn_core.config import CELL_LABELS
from rnn_core.errors import DataError
from rnn_core.labs import layer as layer_lab
from rnn_core.labs import saturation as saturation_lab
from rnn_core.plots import layer as plots
from ui import live
from ui.setup import explore_box, plotly_chart

BIND = {"bind": "query-params", "persist_state": "session"}


# ---------------------------------------------------------------- cached demos

@st.cache_data(max_entries=32, show_spinner=False)
def saturation_pair(values: np.ndarray, activation: str, lookback: int) -> dict:
    return saturation_lab.saturation_pair(values, activation=activation, lookback=lookback)


@st.cache_data(max_entries=16, show_spinner="Training a tiny RNN whose h₀ is learned…")
def h0_options(cfg, _series) -> dict:
    with live.server_slot():
        return layer_lab.h0_options(cfg, _series)


@st.cache_data(max_entries=16, show_spinner="Training an MLP and an RNN on the same windows…")
def compare(cfg, _series) -> dict:
    with live.server_slot():
        return layer_lab.compare_ffn_rnn(cfg, _series)


@st.cache_data(max_entries=64, show_spinner=False)
def parameter_counts(lookback: int, cell: str, hidden_size: int) -> dict:
    return layer_lab.parameter_counts(lookback, cell=cell, hidden_size=hidden_size)


# ---------------------------------------------------------------- the short input

def clamped_slider(container, label: str, lo: int, hi: int, default: int, key: str) -> int:
    """A slider whose range can shrink (a shorter sequence): a remembered value is clamped into it."""
    if key in st.session_state:
        st.session_state[key] = min(max(st.session_state[key], lo), hi)
        return container.slider(label, lo, hi, key=key, **BIND)  # the value comes from the session
    return container.slider(label, lo, hi, default, key=key, **BIND)


def short_input(series) -> tuple[np.ndarray, np.ndarray, str, int]:
    """Widgets for the unrolled input; returns (values as chosen, values fed to the cell, a note, seed).

    Raises rnn_core's PlaygroundError on typed junk (the page shows it).
    """
    c = st.columns([1.3, 1, 1, 0.8, 0.8])
    source = c[0].radio("Input", ("sequence", "typed"), key="unroll_source", horizontal=True, **BIND,
                        format_func={"sequence": "from the sequence", "typed": "type my own"}.get)
    if source == "typed":
        text = c[1].text_input("values", "1, 3, 2, 5, 4", key="unroll_values", **BIND,
                               help=f"Up to {layer_lab.MAX_UNROLL} numbers, in the sequence's units.")
        x = layer_lab.parse_values(text)
    else:
        longest = min(layer_lab.MAX_UNROLL, len(series))
        if longest < 2:
            raise DataError("This sequence is too short to unroll: it needs at least 2 values.")
        length = clamped_slider(c[1], "steps T", 2, longest, min(5, longest), "unroll_length")
        last = len(series) - length
        start = clamped_slider(c[2], "start at", 0, last, 0, "unroll_start") if last > 0 else 0
        x = layer_lab.short_input(series.values, length, start)
    scale = c[3].toggle("standardise", True, key="unroll_scale", **BIND,
                        help="Subtract the training part's mean and divide by its std, as training does.")
    seed = int(c[4].number_input("weight seed", 0, 999, 0, key="unroll_seed", **BIND))
    if not scale:
        return x, x, "raw values", seed
    scaler = layer_lab.training_scaler(series.values)
    return x, scaler.transform(x), f"standardised ({scaler.describe()})", seed


# ---------------------------------------------------------------- tables

def first_step_frame(step: dict) -> pd.DataFrame:
    """One row per hidden unit: h₀, the two parts of the pre-activation, and h₁."""
    return pd.DataFrame({"h₀": step["h0"], "W_ih x₁ + b_ih": step["input_part"],
                         "W_hh h₀ + b_hh": step["recurrent_part"], "h₁": step["h1"]},
                        index=[f"unit {k + 1}" for k in range(len(step["h1"]))]).round(3)


def comparison_frame(result: dict) -> pd.DataFrame:
    """The two networks side by side: size, training done and validation error."""
    rows = result["rows"]
    names = {"rnn": f"RNN ({CELL_LABELS[rows['rnn']['cell']]})", "mlp": "MLP (feed-forward)"}
    return pd.DataFrame([{"network": names[k], "parameters": r["parameters"], "epochs": r["epochs"],
                          "seconds": f"{r['seconds']:.2f}", "validation RMSE": f"{r['val_rmse']:.4g}",
                          "validation MAE": f"{r['val_mae']:.4g}"} for k, r in rows.items()]).set_index("network")


# ---------------------------------------------------------------- Explore prompts

EXPLORE = {
    "training": (
        "❓ What kind of issues might arise during training?",
        "Pick **Collatz** in the sidebar, turn **standardise** off in the unrolled picture and pick "
        "**relu**: how big do the numbers in h₅ get? Now pick **tanh** and read the share of flat slopes under *Saturation* for raw values. "
        "Backpropagation through time multiplies one such factor per step: what happens to a product "
        "of many numbers near 0, or many numbers above 1?",
        "Gradients that **vanish** (saturated tanh units pass almost nothing back, and the product over "
        "many steps shrinks fast) or **explode** (relu states and a recurrent weight that stretches grow "
        "step after step). Remedies you can try on the Train page: scale the inputs, clip the gradient, "
        "a careful initialisation, layer normalisation, or a gated cell (LSTM, GRU).",
    ),
    "limitations": (
        "❓ What are some limitations of this approach?",
        "Choose **type my own**, type 8 numbers, note h₈, then change only the *first* number a lot. How "
        "much does h₈ move? Everything the network remembers about the past must fit into these 3 numbers, "
        "and each step has to wait for the one before it.",
        "The memory is a fixed, small vector, so early inputs fade (the network \"forgets\"); the steps "
        "run one after another, so long sequences are slow to train and cannot be spread over many "
        "cores along time; and gradients must travel back through every step. Leaky and skip "
        "connections, LSTMs and GRUs, and later attention, were invented for exactly these problems.",
    ),
    "t0": (
        "❓ How can we deal with y₍ₜ₋₁₎ (or h₍ₜ₋₁₎) for t = 0?",
        "Compare the two tables above: the input part W_ih x₁ + b_ih is the same in both; only the "
        "recurrent part changes. Pick another sequence and see whether the learned h₀ moves.",
        "Start from **zeros** (the usual default: the weights learn to live with it), **learn h₀** as "
        "one more parameter vector trained with everything else, or **warm up**: run the network over a "
        "few earlier values first and do not score those steps. In the lecture's form with ŷ fed back, "
        "the same choices apply to ŷ₀ (zero, a learned value, or the first observed value).",
    ),
    "activation": (
        "❓ What is different about RNNs that might influence the choice of activation function?",
        "Switch the activation between **tanh** and **relu** and compare *largest |h|* for the raw "
        "values. Then look at the unrolled picture with standardise off: does h grow from one step "
        "to the next?",
        "An RNN applies the same weights and the same activation again at every time step, so whatever "
        "the activation does compounds over time. tanh is bounded, so h cannot blow up, but large inputs "
        "push it into its flat ends where the gradient dies. relu never flattens for positive inputs but "
        "is unbounded, so a state can grow step after step: it needs scaled inputs, a careful "
        "initialisation (e.g. identity, the IRNN) or a small learning rate.",
    ),
    "normalise": (
        "❓ How might we normalize sequence data?",
        "Compare the two histograms: where does each one land on the tanh curve? Then pick the **Sine "
        "wave** in the sidebar: why do the raw and standardised histograms look almost the same there?",
        "Standardise (subtract the mean, divide by the standard deviation) or min-max scale, with the "
        "numbers taken from the **training part only** so nothing leaks from the future. A series that "
        "spans orders of magnitude (Collatz) may want a log first; a trend may want differencing. "
        "Inside the network, layer normalisation rescales the pre-activations across features at every "
        "step. The sine already lives in [-1, 1], so scaling changes little.",
    ),
}


def explore(key: str) -> None:
    """An Explore expander: an experiment to try on what is on screen, the answer behind a toggle."""
    explore_box(*EXPLORE[key], key=f"answer_layer_{key}")


# ---------------------------------------------------------------- the page's sections

def notation_table(cell: str) -> pd.DataFrame:
    """The lecture's symbols for a recurrent layer, and what this app and PyTorch call them."""
    rows = [("ŷₜ: the layer's output, fed back at the next step", "hₜ, the hidden state", "the output of nn.RNN", "H"),
            ("Wₓ", "W_ihᵀ", "weight_ih_l0, transposed", "I × H"),
            ("W_ŷ", "W_hhᵀ", "weight_hh_l0, transposed", "H × H"),
            ("b", "b_ih + b_hh", "bias_ih_l0 + bias_hh_l0", "H"),
            ("f", "f (tanh or relu)", "nonlinearity", ""),
            ("(not in the equation)", "ŷ = W h_T + b, the forecast", "a separate nn.Linear head", "1")]
    frame = pd.DataFrame(rows, columns=["lecture", "this app", "PyTorch", "shape"]).set_index("lecture")
    if cell != "rnn":
        frame.loc["f", "this app"] = "the vanilla cell's f"
    return frame


def unrolled_section(series, cell: str, activation: str) -> tuple[np.ndarray, int]:
    """A 3-unit cell with seeded random weights run over a short input, every number drawn.

    Returns the input as fed to the cell and the weight seed, for the sections that reuse them.
    """
    x_raw, x_fed, note, seed = short_input(series)
    unrolled = layer_lab.unroll(layer_lab.demo_model(cell, 3, activation, seed), x_fed)
    st.caption(f"Input {', '.join(f'{v:.4g}' for v in x_raw)}, fed to the cell as {note}.")
    plotly_chart(plots.unrolled_figure(unrolled.x, unrolled.h, unrolled.y_hat, unrolled.h0),
                 key="unrolled_chart", width="stretch")
    plotly_chart(plots.hidden_heatmap(unrolled.h), key="hidden_heatmap", width="stretch")
    st.caption("ŷ = a linear head on the last state, W h_T + b. The weights are random, so ŷ is not a forecast "
               "yet: training (next pages) is what makes it one.")
    return x_fed, seed


def lecture_section(x: np.ndarray, cell: str, activation: str, seed: int) -> None:
    """The lecture's equation run in numpy on the same input and weights, against the cell's states."""
    if cell != "rnn":
        st.caption("The lecture's equation is the vanilla cell's. Pick **rnn** as the cell to run it on these "
                   "numbers.")
        return
    form = layer_lab.lecture_form(layer_lab.demo_model(cell, 3, activation, seed), x)
    st.latex(r"\hat{\mathbf{y}}_t = f\left(\mathbf{W}_x^\top \mathbf{x}_t + "
             r"\mathbf{W}_{\hat{y}}^\top \hat{\mathbf{y}}_{t-1} + \mathbf{b}\right)")
    units = [f"unit {k + 1}" for k in range(form.W_y.shape[1])]
    tables = (("Wₓ = W_ihᵀ (from the input)", form.W_x, ["x"]),
              ("W_ŷ = W_hhᵀ (from ŷₜ₋₁'s units)", form.W_y, [f"from {u}" for u in units]),
              ("b = b_ih + b_hh", form.b[None, :], ["b"]))
    for col, (name, value, rows) in zip(st.columns(3), tables, strict=True):
        col.markdown(f"**{name}**")
        col.dataframe(pd.DataFrame(value, index=rows, columns=units).round(3), key=f"lecture_{name[:2]}")
    T = plots.subscript(len(x))
    st.caption(f"Run step by step in numpy with these matrices, the lecture's ŷ₁…ŷ{T} equal the states "
               f"h₁…h{T} drawn above: the largest difference is {form.max_difference:.1e} "
               "(float64 rounding).")


def stacked_section(x: np.ndarray, cell: str, activation: str, seed: int) -> None:
    """Two stacked layers on the same input: layer 2's inputs are layer 1's states."""
    result = layer_lab.stacked(cell, x, activation, seed)
    plotly_chart(plots.stacked_figure(result.h1, result.h2), key="stacked_chart", width="stretch")
    st.caption("Layer 1 has the same seeded weights as the cell above, so its states are the ones drawn there. "
               f"Input weights W_ih: {result.input_weights[0][0]} × 1 in layer 1 (one number per step) and "
               f"{result.input_weights[1][0]} × {result.input_weights[1][1]} in layer 2 ({result.input_weights[1][1]} "
               "numbers per step). "
               f"Layer 2's cell run on its own, fed only layer 1's states, gives the states drawn on top: "
               f"the largest difference is {result.max_difference:.1e}. The head's ŷ = {result.y_hat:+.3f} "
               "comes from layer 2's last state alone.")


def saturation_section(values: np.ndarray, activation: str) -> None:
    """Where the pre-activations land on raw and on standardised values."""
    pair = saturation_pair(values, activation, 8)
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


def h0_section(lab_cfg, series) -> None:
    """The first step of a tiny trained RNN, from h₀ = 0 and from its learned h₀."""
    h0 = h0_options(lab_cfg, series)
    left, right = st.columns(2)
    left.markdown("**h₀ = 0**: the recurrent part is only the bias $b_{hh}$")
    left.dataframe(first_step_frame(h0["zeros"]), key="h0_zeros")
    right.markdown(f"**learned h₀** (after {h0['epochs']} epochs)")
    right.dataframe(first_step_frame(h0["learned"]), key="h0_learned")
    st.caption(f"x₁ = {h0['x1']:.3f} (standardised), the first value of the first validation window.")


def compare_section(data_cfg, series, cell: str, activation: str) -> None:
    """An MLP and an RNN on the same windows, then both given a window shorter than they trained on."""
    c = st.columns(3)
    lookback = c[0].slider("lookback (this comparison)", 2, 48, 6, key="compare_lookback", **BIND)
    epochs = c[1].slider("epochs (both)", 5, 100, 40, key="compare_epochs", **BIND)
    counts = parameter_counts(lookback, cell, 8)
    c[2].metric("parameters: RNN vs MLP", f"{counts['rnn']} vs {counts['mlp']}",
                help="The RNN's count does not depend on the lookback; the MLP's grows with it.")
    if st.button("Train both", key="compare_run", type="primary"):
        st.session_state["compare_on"] = True
    if not st.session_state.get("compare_on"):
        st.caption("Press **Train both**: about a second on one CPU thread; results are kept per setting.")
        return
    cfg = layer_lab.compare_config(data_cfg, lookback, cell, 8, activation, epochs)
    result = compare(cfg, series)
    st.dataframe(comparison_frame(result), key="compare_table")
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
