"""Streamlit helpers of the "Inside LSTM and GRU" page: cached training, measured speed kept in
the session, tables, what each gate does, and the page's Explore prompts.

Training results are plain arrays (``rnn_core.labs.gates.GateRun``), cached on the config (a frozen
dataclass that names the data); the series is passed as ``_series`` so it is not hashed.
Speed is measured again in each session, on demand: a timing belongs to the moment it was taken.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import streamlit as st

from rnn_core.labs import gates
from rnn_core.plots import gates as plots
from rnn_core.plots.gates import CELL_NAMES
from ui import live
from ui.layer_views import clamped_slider
from ui.setup import choices_help, explore_box, number, plotly_chart
from ui.train_controls import BIND

SPEED_STATE = "inside_speed_runs"  # (config, fused) -> list of SpeedRow, this session only
SPEED_EPOCHS = 6


@st.cache_data(max_entries=32, show_spinner=False)
def parameter_table(hidden_size: int) -> pd.DataFrame:
    """One row per cell: weight blocks, numbers learned by the layer, multiply-adds per step."""
    counts = gates.parameter_counts(hidden_size)
    base = counts["rnn"]["recurrent"]
    return pd.DataFrame([{"cell": CELL_NAMES[c], "weight blocks": n["blocks"], "parameters (layer)": n["recurrent"],
                          "× vanilla": f"{n['recurrent'] / base:.2f}", "multiply-adds per step": n["macs_per_step"]}
                         for c, n in counts.items()]).set_index("cell")


def fmt_in_window(v: float, x) -> str:
    """A value with as many decimals as the window's scale needs (4 significant digits of its largest |x|),
    so a sine's 1e-14 reads as 0.000."""
    scale = float(np.max(np.abs(x))) or 1.0
    digits = max(0, 3 - math.floor(math.log10(scale)))
    return f"{round(float(v), digits) + 0.0:.{digits}f}"


def measure(cfg, series, fused: bool) -> None:
    """Time vanilla, LSTM and GRU now and keep the result in the session (Measure button)."""
    with live.server_slot():
        rows = gates.measure_speed(cfg, series, epochs=SPEED_EPOCHS, fused=fused)
    st.session_state.setdefault(SPEED_STATE, {})[(cfg, fused)] = rows


def measured(cfg, fused: bool):
    """The rows measured in this session for these settings, or None."""
    return st.session_state.get(SPEED_STATE, {}).get((cfg, fused))


def speed_table(rows) -> pd.DataFrame:
    base = rows[0].ms_per_epoch
    return pd.DataFrame([{"cell": CELL_NAMES[r.cell], "parameters (model)": r.parameters,
                          "ms / epoch (median)": f"{r.ms_per_epoch:.1f}", "× vanilla": f"{r.ms_per_epoch / base:.2f}",
                          "epochs timed": len(r.ms_each), "validation loss": f"{r.val_loss:.4g}"}
                         for r in rows]).set_index("cell")


def speed_sentence(rows) -> str:
    """What this measurement says about the GRU against the LSTM, in numbers (not assumed): a
    difference is stated only when every timed GRU epoch was faster (or slower) than every LSTM one."""
    by = {r.cell: r for r in rows}
    lstm, gru = by["lstm"], by["gru"]
    ratio = gru.ms_per_epoch / lstm.ms_per_epoch
    params = gru.parameters / lstm.parameters
    spread = (f"GRU {min(gru.ms_each):.0f}–{max(gru.ms_each):.0f} ms, "
              f"LSTM {min(lstm.ms_each):.0f}–{max(lstm.ms_each):.0f} ms per epoch")
    if max(gru.ms_each) < min(lstm.ms_each):
        verdict = f"took **{ratio:.2f}×** its time per epoch, so here it was **faster** ({spread})"
    elif min(gru.ms_each) > max(lstm.ms_each):
        verdict = f"took **{ratio:.2f}×** its time per epoch, so here it was **slower** ({spread})"
    else:
        verdict = (f"its epoch times overlap the LSTM's ({spread}), so this measurement shows **no clear "
                   "difference** in speed; Measure again, or try a larger hidden size")
    return (f"Measured just now: the GRU has **{params:.0%}** of the LSTM's parameters and {verdict}. Fewer "
            "numbers to learn does not guarantee less time: at small sizes much of an epoch goes into per-step "
            "overhead rather than arithmetic, and how well each kernel is optimised matters. Try a larger "
            "hidden size, and the `written` cells.")


# ---------------------------------------------------------------- the gates, in our words

GATE_NOTES = {
    "lstm": [
        ("f", "**forget gate** `f`: for every unit of the memory, a number between 0 and 1 that says how much of "
              "the old cell state $c_{t-1}$ survives this step: 1 keeps it all, 0 wipes it."),
        ("i", "**input gate** `i`: how much of the new candidate gets written into memory at this step."),
        ("g", "**candidate** `g`: the content proposed for the memory, between −1 and 1, computed much like a "
              "vanilla RNN's new state from $x_t$ and $h_{t-1}$."),
        ("o", "**output gate** `o`: how much of the (squashed) memory is shown as $h_t$, the part that the head "
              "and the next step's gates can see. The cell can hold something in `c` without acting on it yet."),
        ("c", "**cell state** `c`: the long-term memory lane. Nothing multiplies it by a weight matrix or squashes "
              "it on its way through time: it is only scaled by `f` and added to, so information (and the "
              "gradient, going back) can travel many steps."),
    ],
    "gru": [
        ("z", "**update gate** `z`: per unit, how much of the old state to keep. $z \\approx 1$ copies "
              "$h_{t-1}$ unchanged; $z \\approx 0$ replaces it by the candidate. One gate does the LSTM's forget "
              "and input jobs at once: what is kept and what is written always add up to 1."),
        ("r", "**reset gate** `r`: how much of the old state the candidate may look at. With $r \\approx 0$ the "
              "candidate is built from the input alone, as if starting fresh. In PyTorch's form `r` scales "
              "$W_{hn}h + b_{hn}$ after the product, so all three blocks of $W_{hh}$ meet $h$ in one matrix product."),
        ("n", "**candidate** `n`: the proposed new state, between −1 and 1."),
        ("h", "**hidden state** `h`: the GRU's only memory. There is no separate cell state, so there is less "
              "to compute and to store for backpropagation than in an LSTM."),
    ],
}


def gate_notes(cell: str) -> None:
    st.markdown("\n".join(f"- {text}" for _, text in GATE_NOTES[cell]))


# ---------------------------------------------------------------- Explore prompts

EXPLORE = {
    "training": (
        "❓ What kind of issues might arise during training?",
        "Train the `lstm` with lookback **96**. In the *forget gate* heatmap, look for units that stay yellow "
        "(f near 1) across the whole window, and check that their row in the *cell state* holds its colour. "
        "Then switch to the `gru` and look for units whose *update gate* stays near 1.",
        "Gradients that vanish or explode on the way back through many steps. In a vanilla RNN every step "
        "back multiplies the gradient by $W_{hh}$ and by the slope of tanh, so it shrinks (or grows) "
        "geometrically. Along the LSTM's cell state one step back multiplies it by $f_t$ only (plus the "
        "paths through $h$): where the network learns $f \\approx 1$ the gradient passes almost unchanged. "
        "The GRU's $z \\odot h_{t-1}$ term is the same kind of shortcut. On traffic, with the page's default "
        "settings, you will find few such units: no unit's forget gate averages above 0.9. "
        "The Gradients page's memory task, where keeping pays, shows the norms: at lookback 60 the untrained "
        "vanilla RNN's gradient loses ten or more orders of magnitude on the way back to step 1, the gated "
        "cells' (keep gate started near 0.95) only a factor of 5 to 25, and at lookback 100 the trained "
        "GRU's arrives at step 1 no weaker than at the last step.",
    ),
    "forgetting": (
        "❓ What are some limitations of this approach? (forgetting early data)",
        "Pick the `sine` or the `traffic` sequence in the sidebar, train, and slide through the windows. In "
        "the *cell state* (LSTM) or *hidden state* (GRU), which units keep a steady colour for many steps, "
        "and which follow every input? Then lower the hidden size to 2: what has to go?",
        "A vanilla RNN rewrites its whole state at every step, so early inputs fade: on the Gradients page's "
        "memory task it has lost the value by lag 50. Gates let the network decide, unit by unit and step by "
        "step, what to keep and what to overwrite. On traffic, after the default training, the LSTM's units "
        "differ: the mean forget gate ranges from below 0.5 in some units to roughly 0.65–0.8 in others, and several "
        "units' cell state follows the current input closely. In this short training none becomes a slow "
        "memory with f near 1. The memory is still a fixed number of units, which is why "
        "attention later let models look back at every step directly.",
    ),
    "efficiency": (
        "❓ Computational efficiency and memory constraints: why would a GRU help?",
        "Press **Measure** at hidden size 8, then at 128. Compare the *× vanilla* column of the parameter table "
        "(4 : 3 : 1 weight blocks) with the measured *× vanilla* time. Then switch *Run* to `written` (the "
        "cells whose code is shown above) and measure again.",
        "The GRU has three weight blocks instead of four, so about 3/4 of the LSTM's parameters and "
        "multiply-adds, and no separate cell state to keep for backpropagation. Whether that shows as wall-clock "
        "time depends on the implementation and on the size: for small layers most of the time is overhead "
        "per step and per operation, and torch's fused LSTM and GRU kernels are not equally optimised on a "
        "CPU. That is why this page measures instead of assuming.",
    ),
}


def explore(key: str) -> None:
    """An Explore expander: an experiment to try on what is on screen, the answer behind a toggle."""
    explore_box(*EXPLORE[key], key=f"answer_inside_{key}")


# ---------------------------------------------------------------- the page's sections

SLOT = "inside"  # the live slot of the gate lab's run


def _train_fresh() -> None:
    """The Train button: a new run of the current settings, started at once."""
    st.session_state.update(inside_on=True, inside_autostart=True)
    st.session_state.pop(SLOT, None)


def watch_section(data_cfg, series, cell: str):
    """Train a small gated cell on the sequence, live, and open one window up; returns its latest
    recording (for the diagram's gate means) or None."""
    c = st.columns([1, 1, 1, 0.8])
    hidden_size = c[0].slider("hidden_size (units)", 2, 32, 8, key="inside_hidden_size", **BIND,
                              help="Few units keep the heatmaps readable: one row per unit.")
    lookback = c[1].slider("lookback (steps per window)", 4, 96, 24, key="inside_lookback", **BIND)
    epochs = c[2].slider("epochs", 5, 60, 20, key="inside_epochs", **BIND)
    c[3].button("Train", key="inside_train", type="primary", width="stretch", on_click=_train_fresh,
                help="A new run with these settings; the gates below change as it learns.")
    cfg = gates.inside_config(data_cfg, cell, hidden_size, lookback, epochs)
    if not st.session_state.get("inside_on"):
        st.caption("Press **Train**: a few seconds on one CPU thread. The heatmaps follow the gates while "
                   "the network learns; Pause, Step and Reset work as on the Train page.")
        return None
    run = live.trainer(SLOT)
    if run is None or run.cfg != cfg:  # new settings, a new run (each run is a few seconds)
        followed = run is not None  # settings changed under a run: the new one starts by itself
        run = st.session_state[SLOT] = gates.GateTraining(cfg, series)
        st.session_state[f"{SLOT}_running"] = st.session_state.pop("inside_autostart", False) or followed
    live.buttons(run, SLOT)
    if len(series) > gates.MAX_VALUES:
        st.caption(f"ℹ️ Trained on the most recent {gates.MAX_VALUES:,} of {len(series):,} values.")
    live.live_fragment(lambda tr, note: _draw_gates(tr, note, series, lookback), SLOT)
    return run.recording() if run.epoch > 0 else None


def _draw_gates(training, note, series, lookback: int) -> None:
    """One tick of the gate lab: progress, metrics and the heatmaps of one window, with the weights as they are."""
    live.header(note, training.epoch / training.epochs_total,
                f"Epoch {training.epoch} of {training.epochs_total} · {live.status_word(training, SLOT)}")
    run = training.recording()
    cell = run.cell
    m = st.columns(4 + len(run.means))
    m[0].metric("epochs", run.epochs)
    m[1].metric("validation loss", number(run.val_losses[-1]) if run.val_losses else "–")
    m[2].metric("training time", f"{run.seconds:.1f} s")
    m[3].metric("parameters", f"{run.parameters:,}")
    for k, (name, label) in enumerate(gates.GATE_LABELS[cell].items(), start=4):
        m[k].metric(f"mean {name}", f"{run.means[name]:.2f}", help=f"The {label}'s mean over validation windows.")
    w1, w2 = st.columns([3, 1])
    k = clamped_slider(w1, "validation window", 1, len(run.x), 1, "inside_window") - 1
    candidates = w2.toggle(f"show the candidate {'g' if cell == 'lstm' else 'n'}", key="inside_candidates", **BIND)
    w = run.window(k)
    start, end = series.index[w["origin"] - lookback], series.index[w["origin"] - 1]
    st.caption(f"Window {k + 1} of {len(run.x)} (validation part, never trained on): inputs {start} to {end}; "
               f"true next value {fmt_in_window(w['target'], w['x'])}, "
               f"forecast {fmt_in_window(w['prediction'], w['x'])}"
               + (" (untrained weights)." if training.epoch == 0 else "."))
    rows = plots.default_rows(cell, candidates)
    live.chart("gate_heatmaps", lambda: plots.gate_heatmaps(cell, w["x"], w["gates"], w["state"], rows, w["target"],
                                                            w["prediction"]),
               training, (training.trainer.steps, k, candidates), SLOT, every_s=1.0)
    st.caption("Each row of a heatmap is one unit, each column one time step, lined up with the input above. "
               "Yellow = gate open (near 1), dark = closed (near 0). Candidate and state rows are red for "
               "positive, blue for negative.")


def speed_section(data_cfg, series) -> None:
    """Parameters per cell, and each cell's measured time per epoch on the same windows."""
    c = st.columns([1.2, 1.6, 0.8])
    speed_h = c[0].select_slider("hidden_size (all three cells)", [4, 8, 16, 32, 64, 128], 32,
                                 key="speed_hidden_size", **BIND)
    kernel = c[1].radio("Run", ("fused", "written"), key="speed_kernel", horizontal=True, **BIND,
                        help=choices_help({"fused": "torch's fused kernels, what the Train page runs",
                                           "written": "the written-out cells whose code is shown above"}))
    fused = kernel == "fused"
    st.dataframe(parameter_table(speed_h), key="param_table")
    st.caption("Parameters of the recurrent layer alone, counted on the real modules: a weight block is "
               "$W_{ih}$, $W_{hh}$ and two biases for one gate (vanilla 1, LSTM 4, GRU 3).")
    lookback = st.session_state.get("inside_lookback", 24)
    speed_cfg = gates.inside_config(data_cfg, "rnn", speed_h, lookback, SPEED_EPOCHS)
    if c[2].button("Measure", key="inside_measure", type="primary", width="stretch"):
        with st.spinner("Training each cell for a few epochs, taking turns…"):
            measure(speed_cfg, series, fused)
    rows = measured(speed_cfg, fused)
    if rows is None:
        st.caption(f"Press **Measure**: each cell trains {SPEED_EPOCHS} epochs on the same windows with "
                   "the app's Trainer, taking turns epoch by epoch; the first epoch is not timed.")
        return
    st.dataframe(speed_table(rows), key="speed_table")
    plotly_chart(plots.speed_figure(rows), key="speed_chart", width="stretch")
    st.markdown(speed_sentence(rows))
