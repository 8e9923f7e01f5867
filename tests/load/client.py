"""One student as a lightweight Streamlit websocket client: open the Train page, press Start, train.

It speaks the browser's protocol (Streamlit 1.67, ``/_stcore/stream``): the subprotocol
header carries ``streamlit`` (no XSRF token is needed without an Origin header and no
auth), every request is a ``BackMsg.rerun_script`` carrying the URL's query string, and
the server answers with ``ForwardMsg``s. Like the frontend it

- names the page by URL path on the first run (``page_name="Train"``), then by the
  ``page_script_hash`` of the ``navigation`` message (``new_session``'s is the main script's);
- keeps the query string the server sends in ``page_info_changed`` (bound widgets write it);
- "clicks" a button by sending its id with ``trigger_value`` once;
- runs a ``run_every`` timer per ``auto_rerun`` message (a fixed-period fragment rerun with
  ``is_auto_rerun``, like ``setInterval``), cancelled by ``stop_auto_rerun`` and by the
  start of every full (non-fragment) run, which registers the timers it still wants.

Widget values are not echoed back (a browser sends them all): the server keeps the last
values, so the runs are the same, with slightly less work per rerun than a browser causes.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass

import websockets
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

_PROGRESS = re.compile(r"Epoch (\d+) of (\d+)(?:\s*·\s*(.+))?")
FINISHED_STATUSES = ("done", "stopped early", "diverged")
RESULTS_HEADING = "Against the baselines"
_FULL_RUN_DONE = ForwardMsg.FINISHED_SUCCESSFULLY


@dataclass(frozen=True)
class Progress:
    """What the Train page's progress bar says: ``Epoch 12 of 60 · training…``."""

    epoch: int
    total: int
    status: str

    @property
    def finished(self) -> bool:
        return (self.total > 0 and self.epoch >= self.total) or self.status in FINISHED_STATUSES


def parse_progress(text: str) -> Progress | None:
    """The progress bar's text as numbers, or None when it is not an epoch counter.

    Examples
    --------
    >>> parse_progress("Epoch 60 of 60 · done").finished
    True
    """
    m = _PROGRESS.search(text or "")
    if m is None:
        return None
    return Progress(int(m.group(1)), int(m.group(2)), (m.group(3) or "").strip())


class TrainSession:
    """One websocket session on the Train page; call open, load, train, close in turn.

    After the click it records ``update_times`` (progress deltas whose text changed, so
    the student saw the epoch counter move), ``progress_times`` (every progress delta),
    and ``errors``: exception elements, error alerts, compile errors, a missing page, a
    dropped connection, and signs of another session's state (an epoch counter going
    backwards or counting to a different total).
    """

    def __init__(self, index: int, ws_url: str, query: str, epochs: int, page_name: str = "Train",
                 button_key: str = "start_pause"):
        self.index, self.ws_url, self.query, self.epochs = index, ws_url, query, epochs
        self.page_name, self.button_key = page_name, button_key
        self.errors: list[str] = []
        self.notes: dict[str, int] = {}  # info/warning texts seen, with counts (e.g. "server busy")
        self.progress: Progress | None = None
        self.progress_text = ""
        self.progress_times: list[float] = []
        self.update_times: list[float] = []
        self.loaded_at = self.clicked_at = self.finished_at = self.results_at = None
        self.opened_at = time.monotonic()
        self.ticks_sent = 0
        self._ws = None
        self._receiver: asyncio.Task | None = None
        self._timers: dict[str, tuple[float, asyncio.Task]] = {}
        self._page_hash = ""
        self._button_id: str | None = None
        self.fragment_runs = 0  # fragment runs the server started (new_session with fragment ids)
        self.blank_runs = 0  # fragment runs that ended without delivering a progress delta
        self._drew_progress = False
        self._full_run_done = asyncio.Event()
        self._full_run = False  # the run in progress is a full (non-fragment) run
        self._results_this_run = False  # the results heading came in the current full run
        self._complete = asyncio.Event()
        self._closing = False
        self.disconnected = False

    # -- lifecycle ------------------------------------------------------------------------
    async def open(self) -> None:
        # No client pings: a browser sends none, and a busy server missing a pong
        # would make the client drop a connection a browser would keep.
        self._ws = await websockets.connect(self.ws_url, subprotocols=["streamlit"], max_size=None,
                                            ping_interval=None, open_timeout=60)
        self._receiver = asyncio.create_task(self._receive())

    async def load(self, timeout: float) -> None:
        """Send the first run (the page by its URL path) and wait for it to finish."""
        if self.disconnected:
            return
        await self._send_rerun()
        await asyncio.wait_for(self._full_run_done.wait(), timeout)
        if self.disconnected:
            return
        self.loaded_at = time.monotonic()
        if self._button_id is None:
            raise RuntimeError(f"no button with key {self.button_key!r} on the page")
        if self.progress is None or self.progress.epoch != 0 or self.progress.total != self.epochs:
            self.add_error(f"fresh page shows {self.progress_text!r}, expected 'Epoch 0 of {self.epochs}'")

    async def train(self, timeout: float, results_grace: float = 60.0) -> None:
        """Click Start and wait until training ends and the page has re-run to show the results."""
        if self.disconnected:
            return
        self.clicked_at = time.monotonic()
        await self._send_rerun(triggers=[self._button_id])
        deadline = self.clicked_at + timeout
        while not self._complete.is_set():
            if self.finished_at is not None:
                deadline = min(deadline, self.finished_at + results_grace)
            left = deadline - time.monotonic()
            if left <= 0:
                break
            try:
                await asyncio.wait_for(self._complete.wait(), min(left, 1.0))
            except TimeoutError:
                pass
        if self.finished_at is not None and not self._complete.is_set():
            self.add_error(f"training finished ({self.progress_text!r}) but no completed full run showed "
                           f"the results within {results_grace:.0f} s; auto-rerun timers still active: {len(self._timers)}")

    async def close(self) -> None:
        self._closing = True
        self._stop_timers(list(self._timers))
        if self._ws is not None:
            await self._ws.close()
        if self._receiver is not None:
            await asyncio.gather(self._receiver, return_exceptions=True)

    @property
    def finished(self) -> bool:
        return self.finished_at is not None

    # -- sending --------------------------------------------------------------------------
    async def _send_rerun(self, triggers=(), fragment_id: str = "", is_auto_rerun: bool = False) -> None:
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = self.query
        if self._page_hash:
            cs.page_script_hash = self._page_hash
        else:
            cs.page_name = self.page_name
        cs.fragment_id = fragment_id
        cs.is_auto_rerun = is_auto_rerun
        cs.context_info.timezone = "UTC"
        cs.context_info.locale = "en-US"
        for widget_id in triggers:
            state = cs.widget_states.widgets.add()
            state.id = widget_id
            state.trigger_value = True
        await self._ws.send(msg.SerializeToString())

    async def _tick(self, fragment_id: str, interval: float) -> None:
        try:
            while True:
                await asyncio.sleep(interval)
                await self._send_rerun(fragment_id=fragment_id, is_auto_rerun=True)
                self.ticks_sent += 1
        except websockets.ConnectionClosed:
            return

    def _stop_timers(self, fragment_ids) -> None:
        for fid in fragment_ids:
            entry = self._timers.pop(fid, None)
            if entry is not None:
                entry[1].cancel()

    # -- receiving ------------------------------------------------------------------------
    async def _receive(self) -> None:
        try:
            async for data in self._ws:
                msg = ForwardMsg()
                msg.ParseFromString(data)
                self._handle(msg, time.monotonic())
        except websockets.ConnectionClosed as exc:
            if not self._closing:
                self.add_error(f"disconnected: {exc}")
        else:
            if not self._closing:
                self.add_error("disconnected: the server closed the connection")
        finally:
            if not self._closing:  # nothing more will come: stop waiting
                self.disconnected = True
                self._full_run_done.set()
                self._complete.set()
            self._stop_timers(list(self._timers))

    def _handle(self, msg: ForwardMsg, now: float) -> None:
        kind = msg.WhichOneof("type")
        if kind == "delta":
            if msg.delta.WhichOneof("type") == "new_element":
                self._element(msg.delta.new_element, now)
        elif kind == "navigation":
            # the page this run shows; new_session's page_script_hash is the main script's
            self._page_hash = msg.navigation.page_script_hash or self._page_hash
        elif kind == "new_session":
            self._full_run = not msg.metadata.run.fragment_ids
            if self._full_run:  # the browser drops every timer; this run registers those it wants
                self._stop_timers(list(self._timers))
                self._results_this_run = False
            else:
                self.fragment_runs += 1
                self._drew_progress = False
        elif kind == "script_finished":
            if msg.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                self.add_error("script finished with a compile error")
            if not self._full_run and not self._drew_progress:
                self.blank_runs += 1
            if msg.script_finished == _FULL_RUN_DONE:
                self._full_run_done.set()
                if self.finished_at is not None and self._results_this_run:
                    self.results_at = now
                    self._complete.set()
        elif kind == "auto_rerun":
            fid, interval = msg.auto_rerun.fragment_id, msg.auto_rerun.interval
            if fid and self._timers.get(fid, (None,))[0] != interval:
                self._stop_timers([fid])
                self._timers[fid] = (interval, asyncio.create_task(self._tick(fid, interval)))
        elif kind == "stop_auto_rerun":
            self._stop_timers(msg.stop_auto_rerun.fragment_ids)
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "page_not_found":
            self.add_error(f"page not found: {msg.page_not_found.page_name!r}")
        elif kind == "session_event" and msg.session_event.HasField("script_compilation_exception"):
            self.add_error(f"compile error: {msg.session_event.script_compilation_exception.message}")

    def _element(self, el, now: float) -> None:
        kind = el.WhichOneof("type")
        if kind == "progress":
            self._on_progress(el.progress.text, now)
        elif kind == "button" and el.button.id.endswith(f"-{self.button_key}"):
            self._button_id = el.button.id
        elif kind == "heading" and el.heading.body.startswith(RESULTS_HEADING):
            self._results_this_run = self._full_run
            if self.clicked_at is not None and self.finished_at is None:
                self.finished_at = now  # the metrics table only shows once training has ended
        elif kind == "exception":
            self.add_error(f"exception element: {el.exception.type}: {el.exception.message[:200]}")
        elif kind == "alert":
            if el.alert.format == Alert.ERROR:
                self.add_error(f"error alert: {el.alert.body[:200]}")
            else:
                key = el.alert.body[:80]
                self.notes[key] = self.notes.get(key, 0) + 1

    def _on_progress(self, text: str, now: float) -> None:
        self._drew_progress = True
        new = parse_progress(text)
        if self.clicked_at is not None:
            self.progress_times.append(now)
            if text != self.progress_text:
                self.update_times.append(now)
            if new is not None and self.progress is not None and new.epoch < self.progress.epoch:
                self.add_error(f"epoch counter went backwards: {self.progress_text!r} -> {text!r}")
        if new is not None and new.total != self.epochs:
            self.add_error(f"progress counts to {new.total}, this session asked for {self.epochs}: {text!r}")
        self.progress, self.progress_text = new, text
        if new is not None and new.finished and self.clicked_at is not None and self.finished_at is None:
            self.finished_at = now

    def add_error(self, text: str) -> None:
        if text not in self.errors:  # the same exception redrawn on every tick counts once
            self.errors.append(text)
