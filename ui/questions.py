"""Guided questions: the lecture's questions on the page that answers them, answers unlocked by doing.

Each question is an expander with the experiment to run and a "Try it" button. The answer
stays hidden until the student has run the experiment:

- a training question (a preset) counts as run once the Train page's trainer has finished
  a run of that preset's configuration;
- any other question counts as run once "Try it" was pressed and the page has been drawn
  with the question's widget values.

Once revealed, an answer stays revealed for the session.
"""

from __future__ import annotations

import streamlit as st

from rnn_core import config, questions
from rnn_core.config import ExperimentConfig
from rnn_core.errors import PlaygroundError
from ui import live, train_controls
from ui.setup import show_error

REVEALED = "questions_revealed"  # session key: ids whose answer the student has unlocked
TRIED = "questions_tried"  # session key: ids whose "Try it" was pressed
LOCKED = "Run the experiment to reveal the answer."


def ran_preset(cfg: ExperimentConfig, preset: str) -> bool:
    """Whether a run of ``cfg`` is a run of the preset ``preset``.

    The learning rate may differ (it can be changed mid-run). The data must be the preset's
    dataset with the preset's parameters; parameters the preset leaves at their defaults may
    be anything, since the sequence picker lists every parameter of a dataset.
    """
    target = config.PRESETS[preset]
    if cfg.data.name != target.data.name:
        return False
    if not dict(target.data.params).items() <= dict(cfg.data.params).items():
        return False
    return live.same_run(cfg.replace(data=target.data), target)


def _tried() -> set:
    return st.session_state.setdefault(TRIED, set())


def _revealed() -> set:
    return st.session_state.setdefault(REVEALED, set())


def _try(q: questions.Question) -> None:
    """on_click of "Try it": set the widgets (or load the preset); nothing else runs here."""
    if q.is_training:
        train_controls.apply_preset(q.preset)
        live.request_reset()  # a trained run would otherwise be kept: the next Start trains the preset
    else:
        st.session_state.update(dict(q.settings))
    _tried().add(q.id)


def _has_run(q: questions.Question) -> bool:
    if q.id in _revealed():
        return True
    if q.is_training:
        tr = live.trainer()
        done = tr is not None and tr.finished and ran_preset(tr.cfg, q.preset)
    else:
        done = q.id in _tried() and q.settings_match(st.session_state)
    if done:
        _revealed().add(q.id)
    return done


def _hint(q: questions.Question) -> str:
    if q.is_training:
        loaded = f"Try it loads the preset **{q.preset.replace('_', ' ')}** and clears the current run"
        return loaded + ("; now press **▶ Start** and let it train to the end." if q.id in _tried() else ".")
    keys = ", ".join(f"`{key}`" for key, _ in q.settings)
    return f"Try it sets {keys} on this page."


def guided_questions(page_id: str) -> None:
    """Draw the guided questions of one page (nothing when it has none).

    Parameters
    ----------
    page_id : str
        A key of :data:`rnn_core.questions.PAGES`, e.g. ``"windows"``.
    """
    try:
        page_questions = questions.for_page(page_id)
    except PlaygroundError as err:
        show_error(err)
        return
    if not page_questions:
        return
    st.header("❓ Guided questions")
    st.markdown("Questions from the lecture that this page can answer. Press **Try it**, run the experiment, "
                "and the answer unlocks.")
    for q in page_questions:
        done = _has_run(q)
        with st.expander(f"{'💡' if done else '❓'} {q.question}", key=f"question_{q.id}"):
            st.markdown(q.experiment)
            cols = st.columns([1, 3], vertical_alignment="center")
            cols[0].button("🧪 Try it", key=f"question_try_{q.id}", on_click=_try, args=(q,), width="stretch")
            cols[1].markdown(_hint(q))
            if done:
                st.success(f"**Answer.** {q.answer}", icon="💡")
            else:
                st.info(LOCKED, icon="🔒")
