"""Live training: one Trainer per browser session, advanced in short chunks by a fragment.

Buttons only flip state in ``on_click``; the fragment does the work. While training runs,
the fragment re-runs itself every ``TICK_S`` seconds, trains for ``BUDGET_S`` and redraws.
A per-session lock keeps two script runs from touching the trainer at once (fast reruns
can overlap), and a server-wide semaphore caps how many trainers run at the same moment.

The next tick is already queued when one ends (the browser's timer fires every ``TICK_S``),
so the only gap between chunks is Streamlit's own bookkeeping; ``.streamlit/config.toml``
turns off its full garbage collection after every run, which alone cost 0.2-0.5 s a tick.
A closed tab sends no more ticks, so training stops with it.
"""

from __future__ import annotations

import os
import threading
import time
import weakref
from collections import deque
from contextlib import contextmanager

import streamlit as st

from rnn_core.errors import PlaygroundError
from rnn_core.training.trainer import Trainer
from ui import classroom, run_store, streamlit_internals

BUDGET_S = 0.45  # training time per tick: about two redraws a second; drawing (server and browser) costs the rest
FIRST_BUDGET_S = 0.05
TICK_S = 0.1  # the fragment asks for its next tick this soon; ticks never overlap
# One process, one GIL: more chunks at once than cores only adds contention.
MAX_RUNNING = int(os.environ.get("RNN_PLAYGROUND_MAX_TRAINERS", "2"))
WAIT_S = 3.0  # a session waits this long for a free slot (asleep, so it costs nothing) before saying "busy"
BUSY_CHART_S = 1.0  # while students queue for slots, a chart is rebuilt at most this often
SEND_WAIT_S = 0.5  # at most this long for the event loop to send a tick's drawing
SLICE_S = 0.05  # within a chunk, how often training looks for a click (Pause) or a closed tab
MIN_BUDGET_S = 0.05  # under load chunks shrink towards this, so a full class still sees an update every ~2 s

TRAINER = "trainer"  # the Train page's slot; other pages pass their own slot name
_SLOTS = "_live_slots"  # the slots this session has trained in
LIVE_KEY = "live_"  # key prefix of the container a live fragment draws in (see ui.classroom.PAGE_CSS)


def _keys(slot: str) -> tuple[str, str, str, str]:
    """Session-state keys of one slot: trainer, running flag, lock, step request."""
    if slot == TRAINER:  # the Train page's historical names (tests and links rely on them)
        return "trainer", "train_running", "train_lock", "train_step_requested"
    return slot, f"{slot}_running", f"{slot}_lock", f"{slot}_step_requested"


class _Slots:
    """Server-wide: at most ``size`` chunks train at once, handed out first come, first served.

    A freed slot goes straight to the session that has waited longest, so nobody starves
    while others keep coming back (a plain semaphore lets a returning session barge in).
    ``wanting`` counts the sessions holding or waiting for a slot.
    """

    def __init__(self, size: int):
        self._lock = threading.Lock()
        self._queue: deque[threading.Event] = deque()
        self.size, self.free, self.wanting = size, size, 0

    def acquire(self, timeout: float) -> bool:
        with self._lock:
            self.wanting += 1
            if self.free and not self._queue:
                self.free -= 1
                return True
            turn = threading.Event()
            self._queue.append(turn)
        if turn.wait(timeout):
            return True
        with self._lock:
            if turn.is_set():  # handed over just as the wait ran out: keep it
                return True
            self._queue.remove(turn)
            self.wanting -= 1
            return False

    def release(self) -> None:
        with self._lock:
            self.wanting -= 1
            if self._queue:
                self._queue.popleft().set()
            else:
                self.free += 1

    @property
    def busy(self) -> bool:
        """Sessions are queueing for a slot."""
        return self.wanting >= self.size

    def budget(self, full: float) -> float:
        """A chunk's length: the full budget when nobody waits, shorter as the queue grows."""
        return max(MIN_BUDGET_S, full * self.size / max(self.size, self.wanting))


@st.cache_resource
def _server_slots() -> _Slots:
    """Shared by every session on this server (read-only object with its own locks)."""
    return _Slots(MAX_RUNNING)


BLOCKING_WAIT_S = 60.0  # training that runs in the page itself waits this long for a slot


@contextmanager
def server_slot():
    """Hold one of the server-wide training slots while the block trains in the page itself (the
    arena's networks, the gate lab, the layer lab, pretraining), so every training on the server,
    live or not, goes through the same cap. Waits its turn, then says the server is busy."""
    slots = _server_slots()
    if not slots.acquire(timeout=BLOCKING_WAIT_S):
        raise PlaygroundError("The server is busy with other students' training right now; try again in a minute.")
    try:
        yield
    finally:
        slots.release()


def _lock(slot: str = TRAINER) -> threading.Lock:
    key = _keys(slot)[2]
    if key not in st.session_state:
        st.session_state[key] = threading.Lock()
    return st.session_state[key]


def trainer(slot: str = TRAINER) -> Trainer | None:
    return st.session_state.get(_keys(slot)[0])


def is_running(slot: str = TRAINER) -> bool:
    tr = trainer(slot)
    return bool(st.session_state.get(_keys(slot)[1])) and tr is not None and not tr.finished


def status_word(run, slot: str = TRAINER) -> str:
    """"training…" while the slot runs, else the run's status in words ("paused", "done", "stopped early")."""
    return "training…" if is_running(slot) else run.status.replace("running", "paused").replace("_", " ")


def header(note: str | None, done: float, text: str) -> None:
    """The first lines of every live fragment: the busy-server note, if any, then the progress bar."""
    if note:
        st.info(note, icon="⏳")
    st.progress(min(max(float(done), 0.0), 1.0), text=text)


def ensure_trainer(cfg, series, slot: str = TRAINER, factory=Trainer) -> Trainer | None:
    """The session's trainer for this config; a new one when nothing has been trained yet.

    A trainer that has trained keeps its run when settings change (the page offers Reset);
    a change of learning rate alone is applied to the running trainer.
    """
    tr = trainer(slot)
    if tr is not None and tr.epoch > 0:
        if same_run(tr.cfg, cfg) and tr.lr != cfg.train.lr:
            with _lock(slot):
                tr.set_lr(cfg.train.lr)
        return tr
    if tr is None or tr.cfg != cfg:
        st.session_state[_keys(slot)[0]] = factory(cfg, series)
    return st.session_state[_keys(slot)[0]]


def same_run(a, b) -> bool:
    """Configs that differ at most in the learning rate belong to the same run."""
    return a.replace(train={"lr": 1.0}) == b.replace(train={"lr": 1.0})


# -- button callbacks: flip state only --------------------------------------------------
def toggle_running(slot: str = TRAINER) -> None:
    running = _keys(slot)[1]
    st.session_state[running] = not st.session_state.get(running, False)


def request_step(slot: str = TRAINER) -> None:
    _, running, _, step = _keys(slot)
    st.session_state[running] = False
    st.session_state[step] = True


def pause(slot: str = TRAINER) -> None:
    st.session_state[_keys(slot)[1]] = False


def slots_in(state) -> list[str]:
    """The live slots whose trainer is among ``state``'s keys (a run brought back by a reload)."""
    return [slot for slot in state.get(_SLOTS, ()) if _keys(slot)[0] in state]


def _kept_keys() -> list[str]:
    """Session-state keys a reload must not lose: every live slot's trainer and lock, and the slot list."""
    slots = st.session_state.get(_SLOTS, set())
    return [_SLOTS, *(key for slot in slots for key in (_keys(slot)[0], _keys(slot)[2]))]


def request_reset(slot: str = TRAINER) -> None:
    key, running, _, _ = _keys(slot)
    st.session_state[running] = False
    st.session_state.pop(key, None)


def buttons(tr: Trainer, slot: str = TRAINER) -> None:
    """Start/Pause/Resume, Step and Reset for one slot's trainer, in a row."""
    cols = st.columns(4)
    label = "⏸ Pause" if is_running(slot) else ("▶ Resume" if tr.epoch > 0 else "▶ Start")
    suffix = "" if slot == TRAINER else f"_{slot}"
    cols[0].button(label, on_click=toggle_running, args=(slot,), type="primary", disabled=tr.finished,
                   width="stretch", key=f"start_pause{suffix}")
    cols[1].button("⏭ Step one epoch", on_click=request_step, args=(slot,), disabled=tr.finished,
                   width="stretch", key=f"step{suffix}")
    cols[2].button("↺ Reset", on_click=request_reset, args=(slot,), width="stretch", key=f"reset{suffix}")


def advance(tr: Trainer, slot: str = TRAINER) -> str | None:
    """Train one chunk (or one requested step). Returns a message when the server is busy."""
    step = st.session_state.pop(_keys(slot)[3], False)
    if not (step or is_running(slot)):
        return None
    # No Streamlit call between acquire and release: a rerun can stop this thread at any
    # Streamlit call (even a session_state read), and a lock must never be left held.
    lock, slots = _lock(slot), _server_slots()
    if not slots.acquire(timeout=WAIT_S):
        return "The server is busy with other students' training; retrying…"
    try:
        if not (step or is_running(slot)):  # paused while this tick waited for a slot: train nothing
            return None
        if not lock.acquire(timeout=1.0):
            return "Still finishing the previous chunk…"
        try:
            # the very first chunk is short, so the first loss point shows at once
            first = tr.epoch == 0 and not getattr(tr, "in_epoch", False)
            tr.step() if step else run_chunk(tr, FIRST_BUDGET_S if first else slots.budget(BUDGET_S))
        finally:
            lock.release()
    except PlaygroundError as err:  # a config the Trainer refuses mid-way
        st.session_state[_keys(slot)[1]] = False
        return str(err)
    finally:
        slots.release()
    return None


def run_chunk(tr, budget_s: float, user_is_waiting=streamlit_internals.user_is_waiting) -> int:
    """Train for ``budget_s`` in slices of ``SLICE_S``, ending early once the user is waiting:
    Pause stops training within a slice, not at the end of the chunk (the next epoch does not
    start). Resumable runs make the slices add up to the same history as one call."""
    deadline, done = time.monotonic() + budget_s, 0
    while True:
        done += tr.run(budget_s=max(0.0, min(SLICE_S, deadline - time.monotonic())))
        if tr.finished or time.monotonic() >= deadline or user_is_waiting():
            return done


def chart(key: str, build, source, version=(), slot: str = TRAINER, every_s: float = 0.0, update=None) -> None:
    """``st.plotly_chart(build())`` under a stable key, rebuilt only when ``source`` (the
    trainer drawn) or ``version`` (what changed in it, e.g. its epoch) changes.

    While ``slot`` trains, a changed chart is rebuilt at most every ``every_s`` seconds and is
    drawn static (no hover layer): an unchanged figure costs the browser nothing, and every
    redraw takes CPU from training when browser and server share a machine. ``update(fig)``,
    when given, brings the same run's previous figure up to date in place (cheaper than a build).
    """
    running = is_running(slot)
    if running and _server_slots().busy:  # a full class: the counters still move every tick
        every_s = max(every_s, BUSY_CHART_S)
    store = st.session_state.setdefault("live_charts", {})
    cached, now = store.get(key), time.monotonic()
    same_run = cached is not None and cached[0]() is source
    if not (same_run and cached[1] == version) and (not running or not same_run or now - cached[2] >= every_s):
        fig = update(cached[3]) if update is not None and same_run else build()
        cached = store[key] = (weakref.ref(source), version, now, fig)
    classroom.plotly_chart(cached[3], key=key, width="stretch", config={"staticPlot": True} if running else None)


def _wait_until_sent(timeout: float = SEND_WAIT_S) -> None:
    """Let the server's event loop send this tick's drawing before the next tick starts.

    The next tick is already queued when one ends, and Streamlit drops a fragment's unsent
    drawing when that fragment runs again; with a whole class on one server the event loop
    can lag that far behind. This reads Streamlit's own queue (the pinned version's
    internals, through :mod:`ui.streamlit_internals`) and does nothing where they are
    missing, as under AppTest.
    """
    queue = streamlit_internals.session_queue()
    if queue is None:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and streamlit_internals.pending_drawing(queue):
        time.sleep(0.003)


def live_fragment(draw, slot: str = TRAINER) -> None:
    """Run ``draw(trainer, note)`` inside a fragment that ticks while ``slot``'s training runs."""
    # the flag, not is_running(): a run that ended in a tick whose page rerun got lost still
    # ticks once more, and that tick reruns the page to show the results
    interval = TICK_S if st.session_state.get(_keys(slot)[1]) and trainer(slot) is not None else None
    if trainer(slot) is not None:  # kept on the server under the session's run id: a reload brings it back
        st.session_state.setdefault(_SLOTS, set()).add(slot)
        run_store.keep(_kept_keys())
        run_store.restored_note()

    @st.fragment(run_every=interval)
    def tick():
        tr = trainer(slot)
        if tr is None:
            return
        if tr.finished and st.session_state.get(_keys(slot)[1]):
            st.session_state[_keys(slot)[1]] = False
            st.rerun()
        was_running = is_running(slot)
        note = advance(tr, slot)
        with st.container(key=f"{LIVE_KEY}{slot}"):  # stays fully opaque while it redraws
            draw(tr, note)
        _wait_until_sent()
        if was_running and tr.finished:
            st.session_state[_keys(slot)[1]] = False
            st.rerun()  # the whole page: stops the timer and shows the final results

    tick()
