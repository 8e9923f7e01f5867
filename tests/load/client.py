"""One student as a lightweight Streamlit client: the browser's HTTP requests and websocket protocol.

It speaks what the browser speaks to Streamlit 1.67:

- before the websocket, ``GET /_stcore/health`` (the server sets its XSRF cookie there, and a
  load balancer its own affinity cookie); every later request carries those cookies;
- ``/_stcore/stream`` with the ``streamlit`` subprotocol (no XSRF token is needed on the
  websocket without an Origin header and without auth); every request is a
  ``BackMsg.rerun_script`` carrying the URL's query string, and the server answers with
  ``ForwardMsg``s;
- the page is named by URL path on the first run (``page_name``), then by the
  ``page_script_hash`` of the ``navigation`` message; the query string the server sends in
  ``page_info_changed`` (bound widgets write it) is kept, as the browser's address bar does;
- a button "click" sends its id with ``trigger_value`` once; a number sends ``double_value``;
- a file upload asks for URLs (``file_urls_request``), PUTs the file as multipart form data to
  ``/_stcore/upload_file/<session_id>/<file_id>`` with the XSRF cookie echoed in the
  ``X-Xsrftoken`` header, then reruns with the uploader's ``file_uploader_state_value``;
- one timer per ``auto_rerun`` message (a fixed-period fragment rerun with ``is_auto_rerun``,
  like ``setInterval``), cancelled by ``stop_auto_rerun`` and by the start of every full
  (non-fragment) run, which registers the timers it still wants.

Widget values are not echoed back (a browser sends them all): the server keeps the last
values, so the runs are the same, with slightly less work per rerun than a browser causes.
Each HTTP response and the websocket handshake may name the replica that served it
(``REPLICA_HEADER``, added by the load balancer); ``replicas`` lists them in order.
"""

from __future__ import annotations

import asyncio
import re
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field

import websockets
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

# "Epoch 12 of 60 · training…" (Train) and "12 of at most 60 epochs · training…" (Gradients' own model)
_PROGRESS = (re.compile(r"^Epoch (\d+) of (\d+)(?:\s*·\s*(.+))?$"),
             re.compile(r"^(\d+) of at most (\d+) epochs · (.+)$"))
FINISHED_STATUSES = ("done", "stopped early", "diverged")
XSRF_COOKIE = "_streamlit_xsrf"
REPLICA_HEADER = "X-Replica"
_FULL_RUN_DONE = ForwardMsg.FINISHED_SUCCESSFULLY


@dataclass(frozen=True)
class Progress:
    """What a live progress bar says: ``Epoch 12 of 60 · training…``."""

    epoch: int
    total: int
    status: str

    @property
    def finished(self) -> bool:
        return (self.total > 0 and self.epoch >= self.total) or self.status in FINISHED_STATUSES


def parse_progress(text: str) -> Progress | None:
    """A live progress bar's text as numbers, or None when it is not an epoch counter.

    Examples
    --------
    >>> parse_progress("Epoch 60 of 60 · done").finished
    True
    >>> parse_progress("7 of at most 60 epochs · paused")
    Progress(epoch=7, total=60, status='paused')
    >>> parse_progress("0 of at most 180 epochs (all cells) · ready") is None
    True
    >>> parse_progress("Epoch 3 of 60 · paused (epoch 4 40% done)").status  # inside an epoch
    'paused'
    """
    for pattern in _PROGRESS:
        m = pattern.match((text or "").strip())
        if m is not None:
            status = (m.group(3) or "").split(" (epoch ")[0].strip()
            return Progress(int(m.group(1)), int(m.group(2)), status)
    return None


def plain_text(markdown: str) -> str:
    r"""Markdown as read: the app escapes user-facing punctuation (``set\-up``) before showing it.

    >>> plain_text(r"This set\-up is too large\: lower it\.")
    'This set-up is too large: lower it.'
    """
    return re.sub(r"\\(.)", r"\1", markdown)


def parse_cookies(set_cookie_headers: list[str]) -> dict[str, str]:
    """``name -> value`` of ``Set-Cookie`` header values (attributes such as ``Path`` dropped).

    >>> parse_cookies(["_streamlit_xsrf=2|ab|cd|17; Path=/; SameSite=Lax", "SERVERID=app2; path=/"])
    {'_streamlit_xsrf': '2|ab|cd|17', 'SERVERID': 'app2'}
    """
    out = {}
    for header in set_cookie_headers:
        name, equals, rest = header.partition("=")
        if equals and name.strip():
            out[name.strip()] = rest.split(";", 1)[0].strip()
    return out


def multipart(field_name: str, file_name: str, content: bytes, content_type: str = "text/csv") -> tuple[str, bytes]:
    """A ``multipart/form-data`` body with one file, as the browser's ``FormData`` sends it: (content type, body)."""
    boundary = f"----load-test-{uuid.uuid4().hex}"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field_name}\"; filename=\"{file_name}\"\r\n"
            f"Content-Type: {content_type}\r\n\r\n").encode()
    return f"multipart/form-data; boundary={boundary}", head + content + f"\r\n--{boundary}--\r\n".encode()


def http_request(method: str, url: str, headers: dict, body: bytes | None = None,
                 timeout: float = 60.0) -> tuple[int, list[tuple[str, str]]]:
    """One blocking HTTP request: (status, response headers); an error status is returned, not raised."""
    req = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            r.read()
            return r.status, list(r.headers.items())
    except urllib.error.HTTPError as err:
        return err.code, list(err.headers.items())


@dataclass
class RunLog:
    """What one full script run drew: headings, metric labels and non-error alerts."""

    headings: list[str] = field(default_factory=list)
    metrics: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class Session:
    """One browser tab on one page; ``open``, ``load``, then clicks and waits, then ``close``.

    Records ``errors`` (exception elements, error alerts other than the one this student
    expects, compile errors, a missing page, a dropped connection, failed uploads, and signs
    of another session's state: an epoch counter going backwards or counting to another
    total), ``gaps`` (seconds between changes of the epoch counter while ``measuring``, the
    first from the click) and ``tick_gaps`` (between any two progress deltas).
    """

    def __init__(self, index: int, base_url: str, page: str, query: str, epochs: int = 0,
                 expected_alerts: tuple[str, ...] = ()):
        self.index, self.page_name, self.query, self.epochs = index, page, query, epochs
        self.base_url = base_url.rstrip("/")
        self.expected_alerts, self.expected_seen = expected_alerts, False
        self.errors: list[str] = []
        self.notes: dict[str, int] = {}  # info/warning texts seen, with counts (e.g. "server busy")
        self.cookies: dict[str, str] = {}
        self.replicas: list[str] = []  # the replica named by each response, when a balancer names them
        self.session_id = ""
        self.widgets: dict[str, str] = {}  # widget key -> id, as last drawn
        self.progress: Progress | None = None
        self.progress_text = ""
        self.gaps: list[float] = []
        self.tick_gaps: list[float] = []
        self.update_times: list[float] = []
        self.measuring = False
        self._mark = self._tick_mark = 0.0
        self._restart_allowed = False
        self.opened_at = time.monotonic()
        self.loaded_at = self.clicked_at = self.finished_at = self.results_at = None
        self.closed_at: float | None = None
        self.done = False  # reached the end this student meant to reach (set by the scenario)
        self.ticks_sent = 0
        self.fragment_runs = 0  # fragment runs the server started (new_session with fragment ids)
        self.blank_runs = 0  # fragment runs that ended without delivering a progress delta
        self.full_runs = 0  # completed full (non-fragment) runs
        self.completed: list[tuple[float, RunLog]] = []  # each completed full run: when, and what it drew
        self.last_run = RunLog()
        self._run = RunLog()
        self._full_run = False
        self._drew_progress = False
        self._page_hash = ""
        self._file_urls: dict[str, list] = {}
        self._ws = None
        self._receiver: asyncio.Task | None = None
        self._timers: dict[str, tuple[float, asyncio.Task]] = {}
        self._changed = asyncio.Event()
        self._closing = False
        self.disconnected = False

    # -- lifecycle ------------------------------------------------------------------------
    def _cookie_header(self) -> dict:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}

    def _remember(self, headers) -> None:
        self.cookies.update(parse_cookies([v for k, v in headers if k.lower() == "set-cookie"]))
        replica = next((v for k, v in headers if k.lower() == REPLICA_HEADER.lower()), None)
        if replica:
            self.replicas.append(replica)

    async def open(self) -> None:
        status, headers = await asyncio.to_thread(http_request, "GET", f"{self.base_url}/_stcore/health",
                                                  self._cookie_header(), None, 60.0)
        self._remember(headers)
        if status != 200:
            raise RuntimeError(f"/_stcore/health answered {status}")
        # No client pings: a browser sends none, and a busy server missing a pong
        # would make the client drop a connection a browser would keep.
        ws_url = re.sub(r"^http", "ws", self.base_url) + "/_stcore/stream"
        self._ws = await websockets.connect(ws_url, subprotocols=["streamlit"], max_size=None, ping_interval=None,
                                            open_timeout=60, additional_headers=self._cookie_header())
        self._remember(list(self._ws.response.headers.raw_items()))
        self._receiver = asyncio.create_task(self._receive())

    async def load(self, timeout: float) -> None:
        """Send the first run (the page by its URL path) and wait for it to finish."""
        await self.rerun_and_wait(timeout)
        self.loaded_at = time.monotonic()

    async def close(self) -> None:
        self._closing = True
        self.measuring = False
        self.closed_at = time.monotonic()
        self._stop_timers(list(self._timers))
        if self._ws is not None:
            await self._ws.close()
        if self._receiver is not None:
            await asyncio.gather(self._receiver, return_exceptions=True)

    @property
    def finished(self) -> bool:
        return self.finished_at is not None

    # -- acting like a student ------------------------------------------------------------
    async def until(self, condition, timeout: float, what: str) -> bool:
        """Wait until ``condition()`` holds (checked after every message); an error when it never does."""
        deadline = time.monotonic() + timeout
        while not condition():
            if self.disconnected:
                return False
            left = deadline - time.monotonic()
            if left <= 0:
                self.add_error(f"waited {timeout:.0f} s for {what}; the page shows {self.progress_text!r}")
                return False
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), min(left, 1.0))
            except TimeoutError:
                pass
        return True

    async def rerun_and_wait(self, timeout: float, what: str = "the page to finish running", **rerun) -> bool:
        """Send one rerun (a click, a value) and wait until a full run after it has completed."""
        if self.disconnected:
            return False
        before = self.full_runs
        await self._send_rerun(**rerun)
        return await self.until(lambda: self.full_runs > before, timeout, what)

    def completed_after(self, since: float | None, heading: str = "") -> float | None:
        """When the first full run completed after ``since`` (drawing a heading that starts with
        ``heading``, if given); None while there is none."""
        return next((t for t, log in self.completed if since is not None and t >= since
                     and (not heading or any(h.startswith(heading) for h in log.headings))), None)

    def widget(self, key: str) -> str | None:
        wid = self.widgets.get(key)
        if wid is None:
            self.add_error(f"no widget with key {key!r} on the page")
        return wid

    async def click(self, key: str, timeout: float) -> bool:
        """Press the button with ``key`` and wait for the full run it starts."""
        wid = self.widget(key)
        return wid is not None and await self.rerun_and_wait(timeout, f"the run after pressing {key!r}",
                                                             triggers=[wid])

    async def set_number(self, key: str, value: float, timeout: float) -> bool:
        wid = self.widget(key)
        return wid is not None and await self.rerun_and_wait(timeout, f"the run after setting {key!r}",
                                                             numbers={wid: value})

    async def upload(self, key: str, file_name: str, content: bytes, timeout: float) -> bool:
        """Upload ``content`` through the file uploader ``key`` the way the browser does."""
        wid = self.widget(key)
        if wid is None or self.disconnected:
            return False
        request = BackMsg()
        request_id = uuid.uuid4().hex
        request.file_urls_request.request_id = request_id
        request.file_urls_request.session_id = self.session_id
        request.file_urls_request.file_names.append(file_name)
        await self._ws.send(request.SerializeToString())
        if not await self.until(lambda: request_id in self._file_urls, timeout, "upload URLs"):
            return False
        urls = self._file_urls.pop(request_id)[0]
        content_type, body = multipart("file", file_name, content)
        headers = {**self._cookie_header(), "Content-Type": content_type,
                   "X-Xsrftoken": self.cookies.get(XSRF_COOKIE, "")}
        status, response_headers = await asyncio.to_thread(http_request, "PUT", self.base_url + urls.upload_url,
                                                           headers, body, timeout)
        self._remember(response_headers)
        if status not in (200, 204):
            self.add_error(f"upload of {file_name} answered HTTP {status}")
            return False
        return await self.rerun_and_wait(timeout, "the run after the upload",
                                         uploads={wid: (file_name, len(content), urls)})

    def start_measuring(self, now: float | None = None) -> None:
        """From now on, changes of the epoch counter count as updates the student waited for."""
        self.measuring = True
        self._mark = self._tick_mark = time.monotonic() if now is None else now

    def allow_restart(self) -> None:
        """The next counter may start again from 0 (after Reset): not another session's state."""
        self._restart_allowed = True

    # -- sending --------------------------------------------------------------------------
    async def _send_rerun(self, triggers=(), numbers=None, uploads=None, fragment_id: str = "",
                          is_auto_rerun: bool = False) -> None:
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
            state.id, state.trigger_value = widget_id, True
        for widget_id, value in (numbers or {}).items():
            state = cs.widget_states.widgets.add()
            state.id, state.double_value = widget_id, float(value)
        for widget_id, (name, size, urls) in (uploads or {}).items():
            state = cs.widget_states.widgets.add()
            state.id = widget_id
            info = state.file_uploader_state_value.uploaded_file_info.add()
            info.name, info.size, info.file_id = name, size, urls.file_id
            info.file_urls.CopyFrom(urls)
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
                self.measuring = False
                self._changed.set()
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
            self.session_id = msg.new_session.initialize.session_id or self.session_id
            self._full_run = not msg.metadata.run.fragment_ids
            if self._full_run:  # the browser drops every timer; this run registers those it wants
                self._stop_timers(list(self._timers))
                self._run = RunLog()
            else:
                self.fragment_runs += 1
                self._drew_progress = False
        elif kind == "script_finished":
            if msg.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                self.add_error("script finished with a compile error")
            if not self._full_run and not self._drew_progress:
                self.blank_runs += 1
            if msg.script_finished == _FULL_RUN_DONE:
                self.last_run = self._run
                self.full_runs += 1
                self.completed.append((now, self._run))
        elif kind == "auto_rerun":
            fid, interval = msg.auto_rerun.fragment_id, msg.auto_rerun.interval
            if fid and self._timers.get(fid, (None,))[0] != interval:
                self._stop_timers([fid])
                self._timers[fid] = (interval, asyncio.create_task(self._tick(fid, interval)))
        elif kind == "stop_auto_rerun":
            self._stop_timers(msg.stop_auto_rerun.fragment_ids)
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "file_urls_response":
            response = msg.file_urls_response
            if response.error_msg:
                self.add_error(f"upload URLs refused: {response.error_msg}")
            self._file_urls[response.response_id] = list(response.file_urls)
        elif kind == "page_not_found":
            self.add_error(f"page not found: {msg.page_not_found.page_name!r}")
        elif kind == "session_event" and msg.session_event.HasField("script_compilation_exception"):
            self.add_error(f"compile error: {msg.session_event.script_compilation_exception.message}")
        self._changed.set()

    def _element(self, el, now: float) -> None:
        kind = el.WhichOneof("type")
        widget_id = getattr(getattr(el, kind), "id", "") if kind else ""
        if isinstance(widget_id, str) and widget_id.startswith("$$ID-"):
            self.widgets[widget_id.split("-", 2)[-1]] = widget_id
        if kind == "progress":
            self._on_progress(el.progress.text, now)
        elif kind == "heading":
            self._run.headings.append(el.heading.body)
        elif kind == "metric":
            self._run.metrics.append(el.metric.label)
        elif kind == "exception":
            self.add_error(f"exception element: {el.exception.type}: {el.exception.message[:200]}")
        elif kind == "alert":
            body = plain_text(el.alert.body)
            if el.alert.format == Alert.ERROR:
                if any(text in body for text in self.expected_alerts):
                    self.expected_seen = True
                else:
                    self.add_error(f"error alert: {body[:200]}")
            else:
                self._run.notes.append(body)
                self.notes[body[:80]] = self.notes.get(body[:80], 0) + 1

    def _on_progress(self, text: str, now: float) -> None:
        new = parse_progress(text)
        if new is None:
            return  # another bar (the arena's steps, a race's counter)
        self._drew_progress = True
        if self.measuring:
            self.tick_gaps.append(now - self._tick_mark)
            self._tick_mark = now
            if text != self.progress_text:
                self.update_times.append(now)
                self.gaps.append(now - self._mark)
                self._mark = now
        if self.progress is not None and new.epoch < self.progress.epoch:
            if self._restart_allowed and new.epoch == 0:
                self._restart_allowed = False
            else:
                self.add_error(f"epoch counter went backwards: {self.progress_text!r} -> {text!r}")
        if self.epochs and new.total != self.epochs:
            self.add_error(f"progress counts to {new.total}, this session asked for {self.epochs}: {text!r}")
        self.progress, self.progress_text = new, text
        if new.finished and self.clicked_at is not None and self.finished_at is None:
            self.finished_at = now
            self.measuring = False

    def add_error(self, text: str) -> None:
        if text not in self.errors:  # the same exception redrawn on every tick counts once
            self.errors.append(text)
