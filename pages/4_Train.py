"""Train: every choice in one place, a live run with Start/Pause, Step and Reset, then scores."""

import streamlit as st

from ui import exports, live, results, train_controls, train_views
from ui.data_picker import data_config, pick_series
from ui.questions import guided_questions
from ui.setup import guarded, page_setup, url_checked

page_setup("Train", "🏋️")
train_controls.apply_linked_preset()
series = pick_series()
st.title("🏋️ Train an RNN, live")

settings_col, live_col = st.columns([1, 2.4], gap="large")
with settings_col:
    train_controls.preset_picker()
    cfg, tr = None, None
    with guarded():
        cfg = train_controls.settings(data_config(), series)
        tr = live.ensure_trainer(cfg, series, factory=exports.trainer_factory()) if series is not None else None
url_checked()

if tr is None:
    with live_col:
        st.info("Pick a sequence and settings that fit it to start training.")
    st.stop()

with live_col:
    live.buttons(tr)
    if not live.same_run(tr.cfg, cfg):
        st.warning("You changed settings since this run started: press **Reset** to train with them.")
    live.live_fragment(train_views.draw)
    if tr.finished or ((tr.epoch > 0 or exports.is_loaded(tr)) and not live.is_running()):
        train_views.results_section(tr)
    if results.leaderboard().size:
        st.subheader("This session's runs")
        st.dataframe(results.leaderboard(), hide_index=True, width="stretch")
guided_questions("train")
