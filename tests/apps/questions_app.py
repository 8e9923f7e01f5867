"""A small page for tests/test_ui_questions.py: the sidebar picker, the Train page's
settings when the page under test is "train", then guided_questions for that page.

The page id comes from session state (``qa_page``, set by a test before the first run) or
from the URL (``?qa_page=train``, to look at it in a browser).
"""

import streamlit as st

from rnn_core.errors import PlaygroundError
from ui import live, train_controls
from ui.data_picker import data_config, pick_series
from ui.questions import guided_questions
from ui.setup import show_error

page = st.session_state.get("qa_page") or st.query_params.get("qa_page", "sequence_data")
series = pick_series()
if page == "train" and series is not None:
    train_controls.preset_picker()
    try:
        live.ensure_trainer(train_controls.settings(data_config()), series)
    except PlaygroundError as err:
        show_error(err)
guided_questions(page)
