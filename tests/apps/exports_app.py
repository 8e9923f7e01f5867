"""A tiny app for tests/test_ui_exports.py: a 2-epoch run on the "tiny" preset and its export panel."""

import streamlit as st

from rnn_core import config, data, experiment
from rnn_core.training.trainer import Trainer
from ui.exports import export_panel

st.set_page_config(layout="wide")  # as the Train page, whose right-hand column holds the panel
if "export_test_trainer" not in st.session_state:
    cfg = config.PRESETS["tiny"].replace(train={"epochs": st.session_state.get("epochs", 2)})
    tr = Trainer(cfg, data.load(cfg.data.name, **cfg.data.kwargs()))
    if st.session_state.get("train", True):
        tr.run()
    st.session_state["export_test_trainer"] = tr
tr = st.session_state["export_test_trainer"]
# ARIMA's order search is slow and not what these tests are about
result = experiment.evaluate(tr, arima=False) if tr.epoch and st.session_state.get("with_result", True) else None
with st.columns([1, 2.4])[1]:
    export_panel(tr, result)
