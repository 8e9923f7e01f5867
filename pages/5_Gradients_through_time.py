"""Gradients through time: watch ||dL/dh_t|| vanish or explode while a model trains, race cells on
one task, and see how far back each cell can remember (the memory-task lag sweep)."""

import streamlit as st

from rnn_core.config import CELL_LABELS
from rnn_core.errors import PlaygroundError
from rnn_core.labs import gradients as gradient_lab
from rnn_core.labs import memory as memory_task
from rnn_core.plots import gradients as plots
from rnn_core.plots.training import grad_figure
from rnn_core.training import diagnostics
from ui import gradient_views as views
from ui import live
from ui.data_picker import data_config, pick_series
from ui.questions import guided_questions
from ui.setup import choices_help, explain, page_setup, show_error, url_checked

page_setup("Gradients through time", "📉")
series = pick_series()
st.title("📉 Gradients through time")
explain("Training a recurrent network sends the error back through every time step. The norm "
        "$\\lVert\\partial L/\\partial h_t\\rVert$ says how strongly the loss still reaches the state at step "
        "$t$: if it fades going back, early inputs cannot be learned from (**vanishing**); if it grows, "
        "training blows up (**exploding**). The **memory task** makes it matter: the answer is the *first* "
        "value of the sequence, and all later values are noise.")

settings_col, live_col = st.columns([1, 2.4], gap="large")
with settings_col:
    tr = None
    try:
        cfg = views.settings(data_config())
        if cfg.data.name != "memory_recall" and series is None:
            st.info("Pick a sequence in the sidebar, or train on the memory task.")
        else:
            tr, stale = views.model_trainer(cfg, series)
            st.metric("measured spectral radius of W_hh", f"{diagnostics.spectral_radius(tr.model):.3g}",
                      help="Largest |eigenvalue| of the recurrent weight (the candidate block for LSTM/GRU), now.")
    except PlaygroundError as err:
        show_error(err)

with live_col:
    if tr is None:
        st.info("Choose settings that fit the sequence to see its gradients.")
    else:
        views.controls(tr, "grad_lab", stale, "train with them")

        def draw(tr, note):
            views.progress(tr, "grad_lab", note)
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
            live.chart("connectivity_chart", lambda: plots.connectivity_figure(
                diagnostics.input_connectivity(tr.model, tr.prepared.val.X[-64:])), tr, version, lab, every_s=1.0)
            st.caption("On the memory task only step 1 matters: a network that has learned it leans on the "
                       "leftmost bar.")

        live.live_fragment(draw, "grad_lab")
for key in ("training", "clipping", "activation", "leaky_skip"):
    views.explore(key)

# ---------------------------------------------------------------- side by side
st.header("Side by side: same task, same seed, different cells")
cells = tuple(st.multiselect("Cells to race", views.CELLS, default=["rnn", "lstm", "gru"], key="grad_race_cells",
                             help=choices_help({c: CELL_LABELS[c] for c in views.CELLS}), **views.BIND))
if tr is not None and cells:
    try:
        group, stale_race = views.race(cfg, series, cells)
        views.controls(group, "grad_race", stale_race, "race with them")

        def draw_race(group, note):
            views.progress(group, "grad_race", note, "epochs (all cells)")
            runs = {c: (t.history, gradient_lab.profile_so_far(t)) for c, t in group.trainers.items()}
            live.chart("race_chart", lambda: plots.race_figure(runs), group, (group.epoch,), "grad_race")

        live.live_fragment(draw_race, "grad_race")
    except PlaygroundError as err:
        show_error(err)
views.explore("gates")

# ---------------------------------------------------------------- lag sweep
st.header("How far back can each cell remember?")
explain("The memory task at several lags k (the answer is the value seen k steps before the last), every "
        f"cell trained on the same sequences with the same seed. Error 1 means no memory, about 0.25 only "
        f"the sign; below {memory_task.SOLVED_ERROR} the value is recalled (filled markers).")
c = st.columns([1.2, 1])
name = c[0].selectbox("Sweep preset", list(memory_task.SWEEP_PRESETS), key="sweep_preset", **views.BIND,
                      help=choices_help({n: p.reason for n, p in memory_task.SWEEP_PRESETS.items()}))
metric = c[1].radio("Show", ("error", "accuracy"), key="sweep_metric", horizontal=True, **views.BIND)
st.caption(memory_task.SWEEP_PRESETS[name].reason)
try:
    sweep = views.sweep(name)
    frame = sweep.frame() if sweep.epoch > 0 else views.cached_sweep(name)
    st.caption("Live results from your run." if sweep.epoch > 0 else
               "Cached results (made by this code on one CPU thread); press **Start** to rerun them live.")
    live.buttons(sweep, f"grad_sweep_{name}")

    def draw_sweep(sweep, note):
        views.progress(sweep, f"grad_sweep_{name}", note, "epochs (runs stop once solved)")
        shown = sweep.frame() if sweep.epoch > 0 else frame
        live.chart("lag_chart", lambda: plots.lag_figure(shown, metric, memory_task.SOLVED_ERROR),
                   sweep, (sweep.epoch, metric), f"grad_sweep_{name}")
        st.dataframe(shown.drop(columns=["preset", "seed"]), hide_index=True, key="sweep_table", width="stretch")

    live.live_fragment(draw_sweep, f"grad_sweep_{name}")
except PlaygroundError as err:
    show_error(err)
views.explore("limitations")
url_checked()
guided_questions("gradients")
