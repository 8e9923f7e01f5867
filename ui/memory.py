"""Giving memory back: a server-wide collector for what closed sessions leave behind.

``.streamlit/config.toml`` turns off Streamlit's full garbage collection after every script
run (it cost 0.2-0.5 s per live tick), and Streamlit forgets a closed tab's session only when
its reconnect cache is next touched. So a closed tab's trainer, windows and figures were never
given back. One daemon thread per server, every ``COLLECT_EVERY_S`` seconds, drops the sessions
whose ``server.disconnectedSessionTTL`` (set in ``.streamlit/config.toml``) has passed and runs
a full collection: a fraction of a percent of one core.

glibc gives threads their own heaps ("arenas", up to eight per core), and every Streamlit
session runs its scripts in threads of its own: after a class each heap kept its share of
fragmented free memory. From the moment ``ui`` is first imported at most two arenas are used.
Measured with ``make load-test`` (a class of 20, every tab closed and expired), the server's
RSS came back to 67-75 MB above its start this way, 71-97 MB without the limit, and 37 MB with
``MALLOC_ARENA_MAX=2`` in the environment from the start (Streamlit's own threads have made
four arenas before any page runs), which ``make serve-class`` sets and which wins when set.
The limit cost no measurable training speed.
"""

from __future__ import annotations

import ctypes
import gc
import os
import threading

import streamlit as st

from ui import run_store, streamlit_internals

COLLECT_EVERY_S = 30.0
ARENA_MAX = 2
_M_ARENA_MAX = -8  # glibc's mallopt() parameter number for the arena limit


def limit_arenas(n: int = ARENA_MAX) -> bool:
    """Let glibc's malloc use at most ``n`` heaps from now on (unless ``MALLOC_ARENA_MAX`` is set).

    Effective when called before the process has eight arenas (glibc fixes its limit then);
    True when the limit was set. A no-op elsewhere (another C library, or no ``mallopt``).
    """
    if os.environ.get("MALLOC_ARENA_MAX"):
        return False
    try:
        return bool(ctypes.CDLL("libc.so.6").mallopt(_M_ARENA_MAX, n))
    except (OSError, AttributeError):
        return False


def _trim_heap() -> None:
    """Hand the C heap's free pages back to the system (glibc keeps them otherwise); a no-op elsewhere."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


class Collector:
    """A daemon thread that runs ``gc.collect()`` every ``every_s`` seconds; counts its runs."""

    def __init__(self, every_s: float = COLLECT_EVERY_S, cleanups=()):
        self.every_s, self.runs, self.freed, self.expired = every_s, 0, 0, 0
        self.cleanups = tuple(cleanups)  # more to drop before each collection (runs kept for reloads)
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="rnn-playground-gc", daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(self.every_s):
            self.expired += max(0, streamlit_internals.expire_closed_sessions())
            for cleanup in self.cleanups:
                cleanup()
            self.freed += gc.collect()
            _trim_heap()
            self.runs += 1

    def stop(self) -> None:
        self._stop.set()


# At import: ``ui/__init__.py`` imports this module first, so the limit is set when the first
# page starts importing, before torch, numpy and pyarrow start their threads.
ARENAS_LIMITED = limit_arenas()


@st.cache_resource
def collector() -> Collector:
    """The server's one collector, started by the first page any session opens; it also drops the
    expired runs :mod:`ui.run_store` keeps for reloads."""
    return Collector(cleanups=(run_store.store().expire,))

