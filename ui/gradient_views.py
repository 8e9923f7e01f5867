"""Streamlit helpers of the "Gradients through time" page: its settings, its trainers (one model,
a race of cells, a lag sweep, each in its own live slot), cached tables and Explore prompts.
"""

from __future__ import annotations

import streamlit as st

from rnn_core import config
from rnn_core.config import CELL_LABELS
from rnn_core.labs import gradients as gradient_lab
from rnn_core.labs import memory as memory_task
from rnn_core.plots import gradients as plots
from rnn_core.plots.training import grad_figure
from rnn_core.training.trainer import Trainer
from ui import live
from ui.setup import choices_help, explore_box, prose

BIND = {"bind": "query-params", "persist_state": "session"}
CELLS = ("rnn", "leaky", "skip", "lstm", "gru")
TASKS = {"memory": "the memory task: recall the first value, the rest is noise",
         "sequence": "the sequence picked in the sidebar"}
# The probe runs the written-out loop: up to ~45 % of a fused LSTM epoch at lookback 300 (measured with
# gradient_lab.diagnostics_overhead), so recording every 5th epoch (gradient_lab.PAGE_TRAIN) keeps it under 10 %.


@st.cache_data(max_entries=8, show_spinner=False)
def memory(lookback: int, seed: int) -> memory_task.MemoryTask:
    return memory_task.page_task(lookback, seed)


@st.cache_data(show_spinner=False)
def cached_sweep(name: str):
    """The cached sweep table of one preset."""
    table = memory_task.read_cache()
    return table[table["preset"] == name].reset_index(drop=True)


def settings(data_cfg) -> tuple[config.ExperimentConfig, float]:
    """Draw the model controls (in the current container); return the validated config."""
    task = st.radio("Train on", tuple(TASKS), key="grad_task", help=choices_help(TASKS), horizontal=True, **BIND)
    lookback = st.slider("lookback (sequence length)", 2, 300, 30, key="grad_lookback", **BIND,
                         help="On the memory task the answer is the first of these values.")
    cell = st.selectbox("cell", CELLS, key="grad_cell", help=choices_help({c: CELL_LABELS[c] for c in CELLS}), **BIND)
    activation, alpha, skip = "tanh", 0.5, 2
    if cell in ("rnn", "leaky", "skip"):
        activation = st.radio("Activation", config.ACTIVATIONS, key="grad_activation", horizontal=True, **BIND)
    if cell == "leaky":
        alpha = st.slider("Leaky α", 0.0, 0.95, 0.8, 0.05, key="grad_alpha", **BIND)
    if cell == "skip":
        skip = st.slider("Skip length k", 2, 24, 5, key="grad_skip", **BIND)
    keep_bias = st.slider("Keep-gate bias (LSTM, GRU; also in the race below)", 0.0, 5.0, 3.0, 0.5,
                          key="grad_keep_bias", **BIND,
                          help="Added to the bias of the gate that keeps the old state (LSTM f, GRU z). "
                               "0 is PyTorch's default (gate half open), 1 Keras' for the LSTM, 3 starts it at 0.95.")
    init = st.selectbox("Recurrent initialisation", config.INITS, key="grad_init", **BIND)
    radius = st.number_input("Spectral radius (0 = as initialised)", 0.0, 10.0, 0.0, 0.25, key="grad_radius", **BIND)
    layer_norm = st.toggle("Layer normalisation", False, key="grad_layer_norm", **BIND)
    clip = st.number_input("Gradient clipping (0 = off)", 0.0, 1000.0, 1.0, 0.5, key="grad_clip", **BIND)
    t = gradient_lab.PAGE_TRAIN
    st.caption(f"Hidden size {gradient_lab.PAGE_HIDDEN_SIZE}, Adam, lr {t['lr']}, batch {t['batch_size']}, "
               f"{t['epochs']} epochs, seed 0; the memory task has {memory_task.PAGE_N_TRAIN} training sequences.")
    return gradient_lab.page_config(
        cell=cell, lookback=int(lookback), data_cfg=None if task == "memory" else data_cfg, activation=activation,
        alpha=float(alpha), skip=int(skip), layer_norm=bool(layer_norm), init=init, radius=float(radius) or None,
        keep_bias=float(keep_bias), clip=float(clip) or None)


def _windows(cfg, series):
    """(series, prepared) to train on: the memory task's, or the sidebar sequence's (prepared None)."""
    if cfg.data.name == "memory_recall":
        task = memory(cfg.window.lookback, 0)
        return task.values, task.prepared
    return series, None


def ensure(slot: str, cfg, series, make, identity):
    """``live.ensure_trainer`` for an object built by ``make(cfg, series)``; ``identity`` holds the
    settings the config does not (they restart an untrained object too). Returns (object, stale)."""
    tr = live.trainer(slot)
    if tr is not None and tr.epoch == 0 and getattr(tr, "identity", None) != identity:
        live.request_reset(slot)

    def factory(c, s):
        made = make(c, s)
        made.identity = identity
        return made

    tr = live.ensure_trainer(cfg, series, slot=slot, factory=factory)
    return tr, tr.epoch > 0 and (not live.same_run(tr.cfg, cfg) or tr.identity != identity)


def model_trainer(cfg, series):
    values, prepared = _windows(cfg, series)
    cfg = config.only_what_matters(cfg)  # e.g. the keep-gate bias only for LSTM and GRU
    return ensure("grad_lab", cfg, values, lambda c, s: Trainer(c, s, prepared=prepared), ())


def race(cfg, series, cells: tuple):
    """Every cell in ``cells`` on the same windows, seed and settings, one epoch each in turn."""
    values, prepared = _windows(cfg, series)
    cfg = cfg.replace(model={"cell": cells[0]})  # the race does not depend on the model section's own cell

    def make(c, s):
        members = {cell: Trainer(config.only_what_matters(c.replace(model={"cell": cell})), s, prepared=prepared)
                   for cell in cells}
        return gradient_lab.TrainerGroup(members, c, together=True)

    return ensure("grad_race", cfg, values, make, cells)


def sweep(name: str):
    preset = memory_task.SWEEP_PRESETS[name]
    return ensure(f"grad_sweep_{name}", preset.config(preset.cells[0], preset.lags[0]), None,
                  lambda c, s: memory_task.LagSweep(preset, name), name)[0]


def controls(tr, slot: str, stale: bool, what: str) -> None:
    """Start/Pause, Step, Reset for one slot, and a note when the settings moved on since the run began."""
    live.buttons(tr, slot)
    if stale:
        st.warning(f"You changed settings since this run started: press **Reset** to {what}.")


def progress(tr, slot: str, note: str | None = None, what: str = "epochs") -> None:
    """The live fragment's first lines: a busy-server note if any, then the progress bar."""
    live.header(note, tr.epoch / max(tr.epochs_total, 1),
                f"{tr.epoch} of at most {tr.epochs_total} {what} · {live.status_word(tr, slot)}")


# ---------------------------------------------------------------- Explore prompts

EXPLORE = {
    "training": (
        "❓ What kind of issues might arise during training?",
        "Keep the **Vanilla RNN**, lookback 60, and look at the profile and the heatmap: how many orders of "
        "magnitude does ‖∂L/∂hₜ‖ lose from the last step to the first? Now set **Recurrent initialisation** "
        "to orthogonal and the **spectral radius** to 2: what does the flag say, and which way does the line tilt?",
        "Backpropagation through time multiplies one Jacobian per step (the table of how much each hidden "
        "unit at one step moves each unit at the next). With a recurrent weight that shrinks "
        "(radius below 1, or saturated tanh units) the product **vanishes**: early inputs barely change the "
        "weights, so the network cannot learn long dependencies. With one that stretches (radius above 1) "
        "it **explodes**: one batch can throw the weights far away and the loss jumps or turns into NaN.",
    ),
    "clipping": (
        "Gradient clipping: what does it fix, and what not?",
        "With spectral radius 2 (or 3), train once with **clipping 0** (off) and once with **clipping 1**. "
        "Compare the two lines of *before and after clipping*, and the loss. Then look at the heatmap: did "
        "clipping change the *shape* of ‖∂L/∂hₜ‖ through time?",
        "Clipping rescales the whole gradient whenever its norm passes the threshold, keeping its direction. "
        "Exploding steps become ordinary steps, so training stays stable. It does nothing for vanishing "
        "gradients: a tiny gradient stays tiny, and the ratio between early and late steps is unchanged.",
    ),
    "activation": (
        "❓ What is different about RNNs that might influence the choice of activation function?",
        "Try **relu** with initialisation **identity** (the IRNN), then relu with orthogonal radius 1.5, then "
        "tanh with the same radius. Switch **Layer normalisation** on for the worst one: what happens to the flag?",
        "The same weights and activation are applied at every step, so their effect compounds. tanh is "
        "bounded but its slope dies when it saturates; relu does not saturate for positive values but lets "
        "states grow without bound. Hence the lecture's advice: choose activation and initialisation "
        "carefully and consider layer normalisation, which rescales each step's pre-activation. On this "
        "page's memory task at lookback 60, the untrained vanilla RNN's ‖∂L/∂h₁‖ is ten or more orders of "
        "magnitude below the last step's with the default initialisation, within a factor of a few thousand "
        "with an orthogonal W_hh, and within a factor of a few with relu and the identity (the IRNN).",
    ),
    "gates": (
        "Why do LSTM and GRU help?",
        "Race the **Vanilla RNN**, **LSTM** and **GRU** at lookback 30 (memory task). Whose loss drops, and "
        "whose gradient line stays flat back to step 1? Then set the **Keep-gate bias** to 0 and race again.",
        "A gated cell carries its state forward by a multiplication with a gate (LSTM's forget gate f, GRU's "
        "update gate z) instead of through a squashing nonlinearity and a full weight matrix. When the gate "
        "is near 1 the state, and the gradient back through it, pass almost unchanged, and the network "
        "learns when to open and close it. Started half open (bias 0) the gate forgets fast at first too, "
        "and learning to keep takes much longer.",
    ),
    "leaky_skip": (
        "Leaky units and skip connections",
        "Pick the **Leaky RNN** and move α from 0 to 0.9, watching the heatmap; then the **skip** cell with "
        "k = 5: do you see stripes every k steps? Below, run the *leaky and skip* sweep.",
        "A leaky unit keeps α of its old state, h_t = α h_{t-1} + (1-α)·f(…), so each step shrinks the "
        "gradient less: at lookback 60 the untrained leaky cell with α 0.9 loses one or two orders of "
        "magnitude from the last step to the first, the plain cell ten or more. A skip connection lets h_t "
        "read h_{t-k} directly, so the way back through time is k times shorter. In the sweep the skip cell "
        "(k 5) still recalls the value at lag 30 and, in most seeds, at lag 50; the leaky cell (α 0.8) "
        "helps less: it beats the plain cell at lag 30 in most seeds, but by lag 50 it mostly keeps at "
        "most the sign. Gates learn *when* to keep, which is why LSTM and GRU replaced both.",
    ),
    "limitations": (
        "How far back can each cell remember?",
        "Read the sweep: from which lag on does the vanilla RNN only keep the sign (error near 0.25) or "
        "nothing at all (error near 1)? Where do the gated cells give up?",
        "A plain RNN forgets early inputs: what it learns to keep fades after a modest number of steps, "
        "because the training signal for it vanishes. Gates push that horizon out but do not remove it, and "
        "every step still waits for the one before it, so long sequences are slow to train.",
    ),
}


def explore(key: str) -> None:
    """An Explore expander: an experiment to try on what is on screen, an answer behind a toggle."""
    explore_box(*EXPLORE[key], key=f"answer_grad_{key}")


# ---------------------------------------------------------------- the page's live sections

def draw_gradients(tr, note) -> None:
    """One tick of the single model: metrics, the through-time verdict, the gradient charts."""
    progress(tr, "grad_lab", note)
    last, verdict = (tr.history[-1] if tr.history else None), gradient_lab.latest_verdict(tr)
    m = st.columns(4)
    m[0].metric("training loss", f"{last.train_loss:.3g}" if last else "–")
    m[1].metric("grad norm", f"{last.grad_norm:.3g}" if last else "–", help="Before clipping, batch mean.")
    m[2].metric("after clipping", f"{last.grad_norm_clipped:.3g}" if last else "–")
    m[3].metric("through time", verdict.kind if verdict else "–",
                help=verdict.reason if verdict else "Recorded every few epochs.")
    if tr.status == "diverged":
        st.error(tr.message, icon="💥")
    if verdict and verdict.exploding:
        st.error(f"**Exploding**: {verdict.reason}.", icon="💥")
    elif verdict and verdict.kind == "vanishing":
        st.warning(f"**Vanishing**: {verdict.reason}.", icon="🔻")
    profile = gradient_lab.profile_so_far(tr)
    lab, version = "grad_lab", (tr.epoch,)
    live.chart("grad_profile", lambda: grad_figure(profile), tr, (len(tr.grad_history),), lab)
    if not tr.history:
        st.caption("Epoch 0 is the untrained network. Press **Start** to watch it change as it learns.")
        return
    live.chart("grad_heatmap", lambda: plots.grad_heatmap(*gradient_lab.grad_matrix(profile)),
               tr, (len(tr.grad_history),), lab, every_s=1.0)
    live.chart("clip_chart", lambda: plots.clip_figure(tr.history, tr.cfg.train.clip), tr, version, lab)
    live.chart("connectivity_chart", lambda: influence_figure(tr), tr, version, lab,
               every_s=1.0 if tr.cfg.window.lookback <= 64 else 5.0)  # occlusion costs lookback² steps
    st.caption(prose("gradients")["connectivity"])


def influence_figure(tr):
    """Occlusion per input step (gradient_lab.trainer_influence) on the last validation windows, as bars."""
    return plots.connectivity_figure(gradient_lab.trainer_influence(tr)).update_layout(
        title_text="Input influence: how far the prediction moves when one input is taken away",
        yaxis_title_text="mean |ŷ − ŷ without xₜ|")


def race_section(cfg, series, cells: tuple) -> None:
    """Every chosen cell on the same task and seed, one epoch each in turn, live."""
    group, stale_race = race(cfg, series, cells)
    controls(group, "grad_race", stale_race, "race with them")

    def draw(group, note):
        progress(group, "grad_race", note, "epochs (all cells)")
        runs = {c: (t.history, gradient_lab.profile_so_far(t)) for c, t in group.trainers.items()}
        live.chart("race_chart", lambda: plots.race_figure(runs), group, (group.epoch,), "grad_race")

    live.live_fragment(draw, "grad_race")


def sweep_section(name: str, metric: str) -> None:
    """The lag sweep: the cached table until Start, then the live one."""
    sweep_ = sweep(name)
    frame = sweep_.frame() if sweep_.epoch > 0 else cached_sweep(name)
    st.caption("Live results from your run." if sweep_.epoch > 0 else
               "Cached results (made by this code on one CPU thread); press **Start** to rerun them live.")
    live.buttons(sweep_, f"grad_sweep_{name}")

    def draw(sweep_, note):
        progress(sweep_, f"grad_sweep_{name}", note, "epochs (runs stop once solved)")
        shown = sweep_.frame() if sweep_.epoch > 0 else frame
        live.chart("lag_chart", lambda: plots.lag_figure(shown, metric, memory_task.SOLVED_ERROR),
                   sweep_, (sweep_.epoch, metric), f"grad_sweep_{name}")
        st.dataframe(shown.drop(columns=["preset", "seed"]), hide_index=True, key="sweep_table", width="stretch")

    live.live_fragment(draw, f"grad_sweep_{name}")
