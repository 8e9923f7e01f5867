"""Take the run home: downloads of predictions, scores, weights and notebook code; weights loaded back.

A session's trainer is gone a couple of minutes after its tab closes, so everything a
student may want to keep is offered as a file. Whatever an uploaded file says is shown
in tables and code blocks only, never as markdown or HTML.
"""

from __future__ import annotations

import copy
import re

import pandas as pd
import streamlit as st

from rnn_core import export
from rnn_core.config import CELL_LABELS, MODE_LABELS
from rnn_core.errors import PlaygroundError
from rnn_core.training.trainer import Trainer
from ui.setup import show_error

PART_LABELS = {"test": "test", "val": "validation", "train": "training"}
_LOADED = "_loaded_checkpoint"  # a model file the student chose to use, until the page builds its trainer


def _stem(tr: Trainer) -> str:
    """A file-name stem such as ``rnn_sine_gru_e60``: only letters, digits, ``_`` and ``-``."""
    raw = f"rnn_{tr.cfg.data.name}_{tr.cfg.model.cell}_e{tr.epoch}"
    return re.sub(r"[^A-Za-z0-9_-]+", "-", raw)[:60]


def _summary(checkpoint: export.Checkpoint) -> pd.DataFrame:
    """The loaded file as setting/value rows (values as text: a table cannot run or render them)."""
    c, info = checkpoint.cfg, checkpoint.info
    rows = [
        ("network", CELL_LABELS[c.model.cell]),
        ("hidden_size × num_layers", f"{c.model.hidden_size} × {c.model.num_layers}"),
        ("windows", f"{MODE_LABELS[c.window.mode]}, lookback {c.window.lookback}, horizon {c.window.horizon}"),
        ("scaler", c.window.scaler),
        ("dataset", c.data.name),
        ("dataset parameters", ", ".join(f"{k}={v}" for k, v in c.data.params) or "defaults"),
        ("series", f"{info['series'].get('name', '?')} ({info['series'].get('length', '?')} values)"),
        ("trained", f"{info['trained'].get('epochs', '?')} epochs, {info['trained'].get('status', '?')}"),
        ("optimizer, lr", f"{c.train.optimizer}, {info['trained'].get('lr', c.train.lr)}"),
        ("seed", c.train.seed),
    ]
    return pd.DataFrame(rows, columns=["setting", "value"]).astype(str)


def _downloads(tr: Trainer, result) -> None:
    stem = _stem(tr)
    cols = st.columns(3)
    button = cols[0].empty()  # the button first, the choice of part below it: the three buttons line up
    part = cols[0].radio("Windows of the part", list(PART_LABELS), format_func=PART_LABELS.get, key="export_part",
                         horizontal=True)
    button.download_button("⬇️ Predictions (CSV)", export.predictions_csv(tr, part, result),
                           file_name=f"{stem}_{part}_predictions.csv", mime="text/csv",
                           key="download_predictions", on_click="ignore", width="stretch")
    if result is not None:
        cols[1].download_button("⬇️ Scores (CSV)", export.metrics_csv(result), file_name=f"{stem}_metrics.csv",
                                mime="text/csv", key="download_metrics", on_click="ignore", width="stretch")
        cols[1].caption("MAE, RMSE and MASE of the network and the baselines on the test part.")
    else:
        cols[1].caption("Scores appear here once the run is scored against the baselines.")
    # built when clicked, not on every rerun of the page (the panel shows only while training is stopped)
    cols[2].download_button("⬇️ Weights (.pt)", lambda: export.save_model(tr), file_name=f"{stem}.pt",
                            mime="application/octet-stream", key="download_weights", on_click="ignore",
                            width="stretch")
    cols[2].caption("The trained network with all its settings; load it below or in a notebook.")


def _snippet(tr: Trainer) -> None:
    code = export.notebook_snippet(tr.cfg)
    st.caption("Runs as downloaded wherever this project's `rnn_core` is installed (`pip install .` in its "
               "folder). The same settings and seed give the same losses on the same kind of machine; another "
               "CPU rounds a little differently, so its losses agree closely, not to the last digit.")
    if tr.lr != tr.cfg.train.lr:
        st.caption(f"You changed the learning rate during this run (now {tr.lr:g}); the code starts "
                   f"with the first one, {tr.cfg.train.lr:g}.")
    st.code(code, language="python")
    st.download_button("⬇️ Code (.py)", code, file_name=f"{_stem(tr)}.py", mime="text/x-python",
                       key="download_snippet", on_click="ignore")


def _loader() -> None:
    st.caption(f"A `.pt` file downloaded from this app (at most {export.MAX_MODEL_BYTES // 2**20} MB). "
               "Files are checked before use; a file that contains program code is refused, never run.")
    file = st.file_uploader("Load weights", type=["pt"], key="weights_file")
    if file is None:
        return
    try:
        checkpoint = export.load_checkpoint(file.getvalue())
    except PlaygroundError as err:
        show_error(err)
        return
    st.success("The file is a valid RNN Playground model: its settings and weights fit together.", icon="✅")
    st.dataframe(_summary(checkpoint), hide_index=True, width="stretch")
    st.button("🔁 Use this network on the current series", key="use_loaded", on_click=_use, args=(checkpoint,),
              help="Its settings go into the controls (the series stays the one picked above). Its forecasts "
                   "are scored at once, Start trains it further, and it joins the leaderboard.")


def _use(checkpoint: export.Checkpoint) -> None:
    """Button callback: show the file's settings in the controls and drop the current run."""
    from ui import live, train_controls

    st.session_state.update(train_controls._flat(checkpoint.cfg))
    st.session_state[_LOADED] = checkpoint
    live.request_reset()


def same_network(a, b) -> bool:
    """Configs that agree on everything but the data."""
    return a.replace(data=b.data) == b


def trainer_factory():
    """What ``live.ensure_trainer`` builds the next run with: a plain Trainer, or, right after "Use this
    network", one that starts from the file's weights (a copy: using a file twice starts from it twice)."""
    checkpoint = st.session_state.get(_LOADED)
    if checkpoint is None:
        return Trainer

    def build(cfg, series):
        if not same_network(checkpoint.cfg, cfg):
            return Trainer(cfg, series)
        st.session_state.pop(_LOADED, None)
        tr = Trainer(cfg, series, model=copy.deepcopy(checkpoint.model))
        tr.loaded_from = dict(checkpoint.info["trained"], series=checkpoint.info["series"].get("name", ""))
        return tr

    return build


def is_loaded(tr) -> bool:
    """A run that started from a model file's weights (it has forecasts before its first epoch)."""
    return getattr(tr, "loaded_from", None) is not None


def export_panel(trainer: Trainer, result=None) -> None:
    """Downloads for this run and an uploader that loads weights back.

    Parameters
    ----------
    trainer : rnn_core.training.trainer.Trainer
        The session's trainer (trained at least one epoch for predictions and weights).
    result : rnn_core.experiment.ExperimentResult, optional
        Its scores against the baselines: adds the scores CSV and the baselines' forecasts.
    """
    st.subheader("Take it with you")
    st.caption("This session is forgotten a few minutes after you close the tab: download what you want to keep.")
    try:
        if trainer.epoch > 0:
            _downloads(trainer, result)
        else:
            st.info("Train at least one epoch to download predictions and weights.")
        with st.expander("Reproduce this run in a notebook"):
            _snippet(trainer)
    except PlaygroundError as err:
        show_error(err)
    with st.expander("Load weights from a file"):
        _loader()
