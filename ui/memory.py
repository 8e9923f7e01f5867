"""Giving memory back: a server-wide collector for what closed sessions leave behind.

``.streamlit/config.toml`` turns off Streamlit's full garbage collection after every script
run (it cost 0.2-0.5 s per live tick), and Streamlit forgets a closed tab's session only when
its reconnect cache is next touched. So a closed tab's trainer, windows and figures were never
given back. One daemon thread per server, every ``COLLECT_EVERY_S`` seconds, drops the sessions
whose ``server.disconnectedSessionTTL`` (set in ``.streamlit/config.toml``) has passed and runs
a full collection: a fraction of a percent of one core.
"""

from __future__ import annotations

import ctypes
import gc
import threading

import streamlit as st

from ui import streamlit_internals

COLLECT_EVERY_S = 30.0


def _trim_heap() -> None:
    """Hand the C heap's free pages back to the system (glibc keeps them otherwise); a no-op elsewhere."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


class Collector:
    """A daemon thread that runs ``gc.collect()`` every ``every_s`` seconds; counts its runs."""

    def __init__(self, every_s: float = COLLECT_EVERY_S):
        self.every_s, self.runs, self.freed, self.expired = every_s, 0, 0, 0
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="rnn-playground-gc", daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(self.every_s):
            self.expired += max(0, streamlit_internals.expire_closed_sessions())
            self.freed += gc.collect()
            _trim_heap()
            self.runs += 1

    def stop(self) -> None:
        self._stop.set()


@st.cache_resource
def collector() -> Collector:
    """The server's one collector, started by the first page any session opens."""
    return Collector()

