"""Gradients through time: watch ||dL/dh_t|| vanish or explode while a model trains, race cells on
one task, and see how far back each cell can remember (the memory-task lag sweep)."""

import streamlit as st

from rnn_core.config import CELL_LABELS
from rnn_core.labs import memory as memory_task
from rnn_core.training import diagnostics
from ui import gradient_views as views
from ui import live
from ui.data_picker import data_config, pick_series
from ui.questions import guided_questions
from ui.setup import choices_help, explain, guarded, page_setup, prose, url_checked

page_setup("Gradients through time", "📉")
series = pick_series()
text = prose("gradients")
st.title("📉 Gradients through time")
explain(text["intro"])

settings_col, live_col = st.columns([1, 2.4], gap="large")
tr = None
with settings_col, guarded():
    cfg = views.settings(data_config())
    if cfg.data.name == "memory_recall":
        st.sidebar.caption("This page's model trains on the memory task now: the sequence picked above is "
                           "not used until you choose it under **Train on**.")
    if cfg.data.name != "memory_recall" and series is None:
        st.info("Pick a sequence in the sidebar, or train on the memory task.")
    else:
        tr, stale = views.model_trainer(cfg, series)
        st.metric("measured spectral radius of W_hh", f"{diagnostics.spectral_radius(tr.model):.3g}",
                  help="Largest |eigenvalue| of the recurrent weight (the candidate block for LSTM/GRU), now.")
with live_col:
    if tr is None:
        st.info("Choose settings that fit the sequence to see its gradients.")
    else:
        views.controls(tr, "grad_lab", stale, "train with them")
        live.live_fragment(views.draw_gradients, "grad_lab")
for key in ("training", "clipping", "activation", "leaky_skip"):
    views.explore(key)

st.header("Side by side: same task, same seed, different cells")
cells = tuple(st.multiselect("Cells to race", views.CELLS, default=["rnn", "lstm", "gru"], key="grad_race_cells",
                             help=choices_help({c: CELL_LABELS[c] for c in views.CELLS}), **views.BIND))
if tr is not None and cells:
    with guarded():
        views.race_section(cfg, series, cells)
views.explore("gates")

st.header("How far back can each cell remember?")
explain(text["sweep"].format(solved=memory_task.SOLVED_ERROR))
c = st.columns([1.2, 1])
name = c[0].selectbox("Sweep preset", list(memory_task.SWEEP_PRESETS), key="sweep_preset", **views.BIND,
                      help=choices_help({n: p.reason for n, p in memory_task.SWEEP_PRESETS.items()}))
metric = c[1].radio("Show", ("error", "accuracy"), key="sweep_metric", horizontal=True, **views.BIND)
st.caption(memory_task.SWEEP_PRESETS[name].reason)
with guarded():
    views.sweep_section(name, metric)
views.explore("limitations")
url_checked()
guided_questions("gradients")
