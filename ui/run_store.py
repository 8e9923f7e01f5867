"""Runs that survive a reload: each session's trained objects kept on the server under an id in the URL.

A reload (F5) starts a new Streamlit session, and a new session starts empty: the trained
model, its results and the leaderboard were gone. So every session that trains gets a run
id, ``?run=<id>`` in its address bar, and the server keeps the session's live runs (trainers,
their locks) and its leaderboard under that id. A new session whose link carries a known id
takes them over.

- **Unguessable**: ids are 128 random bits (``secrets.token_urlsafe``); nothing lists them.
- **One owner**: a run is taken over only when the session that holds it has gone (closed or
  reloaded); a link pasted into a second tab while the first is open starts afresh there, so
  two sessions never drive one trainer.
- **Bounded**: at most ``MAX_RUNS`` ids on a server, the least recently used dropped first,
  and each expires ``RUN_TTL_S`` after its session last touched it (both can be set with the
  environment variables ``RNN_PLAYGROUND_MAX_RUNS`` and ``RNN_PLAYGROUND_RUN_TTL_S``).
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

import streamlit as st

RUN_PARAM = "run"
RUN_TTL_S = float(os.environ.get("RNN_PLAYGROUND_RUN_TTL_S", 10 * 60))
MAX_RUNS = int(os.environ.get("RNN_PLAYGROUND_MAX_RUNS", 40))
_ID = "_run_id"  # this session's run id, in its session state
_RESTORED = "_run_restored"  # what the page says once after taking a run over
_LOST = "_run_lost"  # the link's run is not on this server (it restarted, a replica died, or it expired)
KEPT_KEYS = ("leaderboard", "leaderboard_run")  # besides the live slots' trainers and locks


@dataclass
class _Entry:
    owner: str
    state: dict = field(default_factory=dict)
    touched: float = field(default_factory=time.monotonic)


class RunStore:
    """Server-wide: run id -> the owning session and its kept objects. Thread-safe."""

    def __init__(self, ttl_s: float = RUN_TTL_S, max_runs: int = MAX_RUNS, clock=time.monotonic):
        self.ttl_s, self.max_runs, self._clock = ttl_s, max_runs, clock
        self._lock = threading.Lock()
        self._runs: OrderedDict[str, _Entry] = OrderedDict()

    @staticmethod
    def new_id() -> str:
        return secrets.token_urlsafe(16)

    def __len__(self) -> int:
        return len(self._runs)

    def keep(self, run_id: str, owner: str, state: dict) -> None:
        """Record (or refresh) what ``owner`` keeps under ``run_id``."""
        with self._lock:
            self._expire()
            entry = self._runs.get(run_id)
            if entry is not None and entry.owner != owner:
                return  # another session took it over; this one no longer writes to it
            if entry is None:
                entry = self._runs[run_id] = _Entry(owner)
            entry.state, entry.touched = dict(state), self._clock()
            self._runs.move_to_end(run_id)
            while len(self._runs) > self.max_runs:
                self._runs.popitem(last=False)

    def take_over(self, run_id: str, session: str, is_active: Callable[[str], bool]) -> dict | None:
        """The kept objects of ``run_id`` for ``session``, which owns them from now on; None when the
        id is unknown or expired, or while the session holding it is still open."""
        with self._lock:
            self._expire()
            entry = self._runs.get(run_id)
            if entry is None:
                return None
            if entry.owner != session and is_active(entry.owner):
                return None
            entry.owner, entry.touched = session, self._clock()
            return dict(entry.state)

    def expire(self) -> int:
        """Drop the runs nobody has touched for ``ttl_s``; how many."""
        with self._lock:
            return self._expire()

    def _expire(self) -> int:
        now, old = self._clock(), []
        for run_id, entry in self._runs.items():
            if now - entry.touched > self.ttl_s:
                old.append(run_id)
        for run_id in old:
            del self._runs[run_id]
        return len(old)


@st.cache_resource
def store() -> RunStore:
    """The server's one store (its own locks make it safe to share)."""
    return RunStore()


def _session_id() -> str:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else "no-session"


def _session_is_active(session_id: str) -> bool:
    """True while that browser tab is connected (False without a server, as under AppTest)."""
    try:
        from streamlit.runtime import Runtime

        return Runtime.instance()._session_mgr.get_active_session_info(session_id) is not None
    except Exception:  # noqa: BLE001 - no server, or an internal that moved: nobody to protect
        return False


TAKE_OVER_WAIT_S = 3.0  # a reload's old tab may still be closing when the new one asks


def restore() -> None:
    """At the top of every page: take over the run the link names, once per session."""
    if _ID in st.session_state:
        if st.query_params.get(RUN_PARAM) != st.session_state[_ID] and _has_runs():
            st.query_params[RUN_PARAM] = st.session_state[_ID]  # page links drop it; it stays
        return
    run_id = st.query_params.get(RUN_PARAM)
    if not run_id:
        return
    deadline, state = time.monotonic() + TAKE_OVER_WAIT_S, None
    while state is None:
        state = store().take_over(run_id, _session_id(), _session_is_active)
        if state is not None or time.monotonic() >= deadline:
            break
        time.sleep(0.2)
    if state is None:
        if run_id not in store()._runs:  # not merely open in another tab: this server does not have it
            st.session_state[_LOST] = True
        del st.query_params[RUN_PARAM]  # expired, unknown, or open in another tab: start afresh
        return
    st.session_state[_ID] = run_id
    st.session_state.update(state)
    st.session_state[_RESTORED] = True
    from ui import live

    for slot in live.slots_in(state):
        live.pause(slot)  # it comes back paused at the epoch it reached


def keep(keys) -> None:
    """Keep these session-state keys (the live slots' trainers and locks) under the session's run id."""
    state = {k: st.session_state[k] for k in (*keys, *KEPT_KEYS) if k in st.session_state}
    if not state:
        return
    run_id = st.session_state.get(_ID)
    if run_id is None:
        run_id = st.session_state[_ID] = RunStore.new_id()
    if st.query_params.get(RUN_PARAM) != run_id:
        st.query_params[RUN_PARAM] = run_id
    store().keep(run_id, _session_id(), state)


def _has_runs() -> bool:
    return any(k in st.session_state for k in KEPT_KEYS) or bool(st.session_state.get("_live_slots"))


def restored_note() -> None:
    """Once after a reload brought the run back: say so where the live view is."""
    if st.session_state.pop(_LOST, False):
        st.warning("The training run this page had is no longer on the server (the server restarted, this tab "
                   "was moved to another one, or the run expired). Press **Start** to train again.", icon="⚠️")
    if st.session_state.pop(_RESTORED, False):
        st.info("Your run came back after the reload. It is paused where it was: press **Resume** to go on.",
                icon="↩️")
