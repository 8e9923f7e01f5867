"""Text generation: a character-level language model trained live, writing at several temperatures."""

import streamlit as st

from rnn_core.labs import text
from ui import live
from ui import text_views as views
from ui.questions import guided_questions
from ui.sequence_views import explore
from ui.setup import explain, guarded, page_setup, prose, url_checked

page_setup("Text generation", "✍️")
st.title("✍️ Text generation: a character-level language model")
explain(prose("text")["intro"])

settings_col, live_col = st.columns([1, 2.4], gap="large")
cfg, tr = None, None
with settings_col, guarded():
    corpus_name, corpus_text = views.pick_corpus()
    cfg = views.settings(corpus_name, corpus_text)
    tr = live.ensure_trainer(cfg, corpus_text, slot=views.SLOT, factory=text.CharTrainer)
with live_col:
    if tr is None:
        st.info("Pick a corpus and settings that fit it to start training.")
    else:
        views.live_section(tr, cfg)
url_checked()
if tr is None:
    st.stop()
st.header("Explore")
for key in ("text_temperature", "text_sequence", "text_t0", "text_limitations", "text_training"):
    explore("text_explore.md", key)
guided_questions("text")
