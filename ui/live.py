"""Live training: one Trainer per browser session, advanced in short chunks by a fragment.

Buttons only flip state in ``on_click``; the fragment does the work. While training runs,
the fragment re-runs itself every ``TICK_S`` seconds, trains for ``BUDGET_S`` and redraws.
A per-session lock keeps two script runs from touching the trainer at once (fast reruns
can overlap), and a server-wide semaphore caps how many trainers run at the same moment.
"""

from __future__ import annotations

import os
import threading
import time

import streamlit as st

from rnn_core.errors import PlaygroundError
from rnn_core.train import Trainer

BUDGET_S = 0.5  # training time per tick: charts redraw about twice a second, training keeps ~85% of the time
FIRST_BUDGET_S = 0.05
TICK_S = 0.1  # the fragment asks for its next tick this soon; ticks never overlap
MAX_RUNNING = int(os.environ.get("RNN_PLAYGROUND_MAX_TRAINERS", "4"))

TRAINER, RUNNING, LOCK = "trainer", "train_running", "train_lock"


@st.cache_resource
def _server_slots() -> threading.BoundedSemaphore:
    """Shared by every session on this server: at most MAX_RUNNING chunks train at once."""
    return threading.BoundedSemaphore(MAX_RUNNING)


def _lock() -> threading.Lock:
    if LOCK not in st.session_state:
        st.session_state[LOCK] = threading.Lock()
    return st.session_state[LOCK]


def trainer() -> Trainer | None:
    return st.session_state.get(TRAINER)


def is_running() -> bool:
    return bool(st.session_state.get(RUNNING)) and trainer() is not None and not trainer().finished


def ensure_trainer(cfg, series) -> Trainer | None:
    """The session's trainer for this config; a new one when nothing has been trained yet.

    A trainer that has trained keeps its run when settings change (the page offers Reset);
    a change of learning rate alone is applied to the running trainer.
    """
    tr = trainer()
    if tr is not None and tr.epoch > 0:
        if same_run(tr.cfg, cfg) and tr.lr != cfg.train.lr:
            with _lock():
                tr.set_lr(cfg.train.lr)
        return tr
    if tr is None or tr.cfg != cfg:
        st.session_state[TRAINER] = Trainer(cfg, series)
    return st.session_state[TRAINER]


def same_run(a, b) -> bool:
    """Configs that differ at most in the learning rate belong to the same run."""
    return a.replace(train={"lr": 1.0}) == b.replace(train={"lr": 1.0})


# -- button callbacks: flip state only --------------------------------------------------
def toggle_running() -> None:
    st.session_state[RUNNING] = not st.session_state.get(RUNNING, False)


def request_step() -> None:
    st.session_state[RUNNING] = False
    st.session_state["train_step_requested"] = True


def request_reset() -> None:
    st.session_state[RUNNING] = False
    st.session_state.pop(TRAINER, None)


def advance(tr: Trainer) -> str | None:
    """Train one chunk (or one requested step). Returns a message when the server is busy."""
    step = st.session_state.pop("train_step_requested", False)
    if not (step or is_running()):
        return None
    # No Streamlit call between acquire and release: a rerun can stop this thread at any
    # Streamlit call (even a session_state read), and a lock must never be left held.
    lock, slots = _lock(), _server_slots()
    if not slots.acquire(timeout=0.05):
        return "The server is busy with other students' training; retrying…"
    try:
        if not lock.acquire(timeout=1.0):
            return "Still finishing the previous chunk…"
        try:
            # the very first chunk is short, so the first loss point shows at once
            tr.step() if step else tr.run(budget_s=FIRST_BUDGET_S if tr.epoch == 0 else BUDGET_S)
        finally:
            lock.release()
    except PlaygroundError as err:  # a config the Trainer refuses mid-way
        st.session_state[RUNNING] = False
        return str(err)
    finally:
        slots.release()
    return None


def live_fragment(draw) -> None:
    """Run ``draw(trainer, note)`` inside a fragment that ticks while training runs."""
    interval = TICK_S if is_running() else None

    @st.fragment(run_every=interval)
    def tick():
        tr = trainer()
        if tr is None:
            return
        was_running = is_running()
        note = advance(tr)
        started = time.perf_counter()
        draw(tr, note)
        st.session_state["draw_seconds"] = time.perf_counter() - started
        if was_running and tr.finished:
            st.session_state[RUNNING] = False
            st.rerun()  # the whole page: stops the timer and shows the final results

    tick()
