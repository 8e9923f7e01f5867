"""Transfer learning: pretrain on a source task, copy to a target task with little data, and race
the copy against a network trained from scratch; then look inside the copied layers."""

import streamlit as st

from rnn_core.labs.transfer import setup as transfer
from ui import live
from ui import transfer_views as views
from ui.data_picker import data_config, pick_series
from ui.questions import guided_questions
from ui.setup import explain, guarded, page_setup, prose, url_checked

page_setup("Transfer learning", "🧳")
series = pick_series()
text = prose("transfer")
st.title("🧳 Transfer learning")
explain(text["intro"])

st.header("1 · Pretrain on a source task")
with guarded(stop=True):
    tcfg = views.network(data_config())
    pre = views.pretrain_section(tcfg)
if series is None:
    st.info("Pick a target sequence in the sidebar to transfer the network to.")
    st.stop()
if transfer.same_series(tcfg):
    st.warning("Source and target are the very same series: the pretrained network has already seen the "
               "target's training part. Pick another source or target for a fair test.")

st.header("2 · Copy it: keep, freeze or retrain each layer")
with guarded(stop=True):
    tcfg = views.plan(tcfg)
    st.dataframe(views.plan_frame(pre, tcfg), key="transfer_plan_table")
st.caption("Frozen parameters are left out of the optimizer, so fine-tuning cannot change them. Retrained layers "
           "and a new head start from the same fresh random weights as the network trained from scratch.")

st.header("3 · The race: from scratch vs transferred")
explain(text["race"])
with guarded(stop=True):
    tcfg = views.race_settings(tcfg)
    race = live.ensure_trainer(tcfg, series, slot=views.RACE, factory=views.race_factory(pre))
views.race_section(race, tcfg, getattr(series, "unit", "") or "")

st.header("4 · How much target data?")
views.sweep_section(pre, tcfg, series)
views.explore("data_size")

st.header("5 · Why are the early layers more general?")
explain(text["hidden"])
with guarded():
    views.hidden_section(pre, tcfg, race, series)
views.explore("bad_source")
url_checked()
guided_questions("transfer")  # the lecture's "why are early layers more general?", answer after the run
