"""Transfer learning: pretrain on a source task, copy to a target task with little data, and race
the copy against a network trained from scratch; then look inside the copied layers."""

import streamlit as st

from rnn_core.errors import PlaygroundError
from rnn_core.labs.transfer import race as compare
from rnn_core.labs.transfer import setup as transfer
from rnn_core.plots import training as training_plots
from rnn_core.plots import transfer as plots
from ui import live
from ui import transfer_views as views
from ui.data_picker import data_config, pick_series
from ui.questions import guided_questions
from ui.setup import explain, page_setup, plotly_chart, show_error, url_checked

page_setup("Transfer learning", "🧳")
series = pick_series()
st.title("🧳 Transfer learning")
explain("Training a network needs data, and a new task often has little. **Transfer learning** trains a "
        "network on a *source* task with plenty of data, then copies it into the *target* task. For each "
        "layer you choose: **keep** it (copy, then fine-tune), **freeze** it (copy, never change) or "
        "**retrain** it (fresh weights), and whether to put a **new head** (output layer) on top. The "
        "target here is the sequence picked in the sidebar.")

# ---------------------------------------------------------------- 1. pretrain
st.header("1 · Pretrain on a source task")
try:
    tcfg = views.network(data_config())
    pre = views.pretrained(tcfg)
except PlaygroundError as err:
    show_error(err)
    st.stop()
c = st.columns([1, 2])
c[0].metric("source validation loss", f"{pre.source_val_loss:.3g}", help="Mean squared error on held-out source windows.")
c[0].metric("pretraining took", f"{pre.seconds:.1f} s")
c[0].caption(f"{len(pre.history)} epochs on {transfer.source_label(tcfg.source).lower()}; kept for this session, "
             "so the experiments below reuse it.")
plotly_chart(training_plots.loss_figure(pre.history, height=260), where=c[1], key="transfer_pretrain_chart", width="stretch")
for note in pre.notes:
    st.warning(note)
if series is None:
    st.info("Pick a target sequence in the sidebar to transfer the network to.")
    st.stop()
if transfer.same_series(tcfg):
    st.warning("Source and target are the very same series: the pretrained network has already seen the "
               "target's training part. Pick another source or target for a fair test.")

# ---------------------------------------------------------------- 2. the plan
st.header("2 · Copy it: keep, freeze or retrain each layer")
try:
    tcfg = views.plan(tcfg)
    st.dataframe(views.plan_frame(pre, tcfg), key="transfer_plan_table")
except PlaygroundError as err:
    show_error(err)
    st.stop()
st.caption("Frozen parameters are left out of the optimizer, so fine-tuning cannot change them. Retrained layers "
           "and a new head start from the same fresh random weights as the network trained from scratch.")

# ---------------------------------------------------------------- 3. the race
st.header("3 · The race: from scratch vs transferred")
explain("Three networks learn the target from the same few windows, with the same seed, batches, epochs and "
        "learning rate: one **from scratch**, one copied with **your plan**, and one **fully fine-tuned** "
        "(every layer and the old head copied and trained). Epoch 0 is before any fine-tuning.")
try:
    tcfg = views.race_settings(tcfg)
    race = live.ensure_trainer(tcfg, series, slot=views.RACE, factory=views.race_factory(pre))
except PlaygroundError as err:
    show_error(err)
    st.stop()
live.buttons(race, views.RACE)
if not live.same_run(race.cfg, tcfg):
    st.warning("You changed settings since this race started: press **Reset** to race with them.")
unit = getattr(series, "unit", "") or ""


def draw_race(race, note):
    if note:
        st.info(note, icon="⏳")
    st.progress(race.epoch / race.epochs_total,
                text=f"Epoch {race.epoch} of {race.epochs_total} · {views.status_line(race)}")
    if race.message:
        st.error(race.message, icon="💥")
    live.chart("transfer_race_chart", lambda: plots.race_figure(race.curves()), race, (race.epoch,), views.RACE)
    if race.epoch and not live.is_running(views.RACE):
        scores = race.scores()
        c = st.columns([1, 1.3])
        c[0].dataframe(views.scores_frame(scores).style.highlight_min(axis=0, color="#bbf7d0").format("{:.4g}"),
                       key="transfer_scores_table")
        c[0].caption(f"On the {len(race.prepared.test)} test windows, in the series' units. MASE < 1 beats "
                     "the naive forecast on the kept training values.")
        plotly_chart(plots.scores_figure(scores, unit=unit), where=c[1], key="transfer_scores_chart", width="stretch")


live.live_fragment(draw_race, views.RACE)

# ---------------------------------------------------------------- 4. how much data
st.header("4 · How much target data?")
sweep_cfg = views.sweep_config(tcfg)
sweep = live.ensure_trainer(sweep_cfg, series, slot=views.SWEEP, factory=views.sweep_factory(pre))
explain(f"The same race for {len(sweep.sizes)} amounts of target data, from {sweep.sizes[0]} windows to all "
        f"{sweep.sizes[-1]}, each run taking {compare.SWEEP_STEPS} gradient steps. Where is the gap widest?")
live.buttons(sweep, views.SWEEP)
if not live.same_run(sweep.cfg, sweep_cfg):
    st.warning("You changed settings since this sweep started: press **Reset** to sweep with them.")


def draw_sweep(sweep, note):
    if note:
        st.info(note, icon="⏳")
    st.progress(sweep.epoch / sweep.epochs_total, text=f"{len(sweep.results)} of {len(sweep.sizes)} data sizes "
                f"done · {views.status_line(sweep)}")
    live.chart("transfer_sweep_chart", lambda: plots.sweep_figure(sweep.table(), current=tcfg.n_train),
               sweep, (sweep.epoch, tcfg.n_train), views.SWEEP)


live.live_fragment(draw_sweep, views.SWEEP)
views.explore("data_size")

# ---------------------------------------------------------------- 5. why early layers
st.header("5 · Why are the early layers more general?")
explain("Feed the pretrained network windows of the source and of the target, and look at each layer's "
        "hidden states, drawn in the two directions along which the source's states vary most. Below, "
        "each layer is compared with the same layer of the race's network trained **only on the target**.")
try:
    hc = views.hidden(pre, tcfg, race, series)
    plotly_chart(plots.hidden_figure(hc, source_name=transfer.source_label(tcfg.source).lower(),
                 target_name=getattr(series, "name", "target")),
                 key="transfer_hidden_chart", width="stretch")
    plotly_chart(plots.similarity_figure(hc), key="transfer_similarity_chart", width="stretch")
    st.caption("Linear CKA: 1 = the two layers carry the same information (up to rotation and scale), 0 = "
               "nothing in common; measured on target validation windows, against the from-scratch network "
               f"as it is after epoch {race.epoch}. Grey bars: the same comparison with a network of random "
               "weights that never trained, a reference for how much of the likeness needs no training at all.")
except PlaygroundError as err:
    show_error(err)
views.explore("bad_source")
url_checked()
guided_questions("transfer")  # the lecture's "why are early layers more general?", answer after the run
