"""The load-test tool's own logic, without a server: numbers, report lines, and the client's protocol."""

from __future__ import annotations

import asyncio
import math
import re
import threading

import pytest
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from tests.load import conftest as load_conftest
from tests.load import measure
from tests.load.client import Progress, TrainSession, parse_progress
from tests.load.load_test import server_log_errors

FID = "0078e715b52c416919afc906ef9f8b0c"
BUTTON = "$$ID-5d733bd89be6504c2b46a7b19e766deb-start_pause"


def _run(coro):
    """asyncio.run on a fresh thread: Playwright's sync tests may leave this thread's loop running."""
    out = []
    worker = threading.Thread(target=lambda: out.append(asyncio.run(coro)))
    worker.start()
    worker.join()
    assert out, "the scenario raised (see the thread's traceback above)"
    return out[0]


# -- pure helpers ---------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("Epoch 0 of 60 · ready", Progress(0, 60, "ready")),
    ("Epoch 12 of 60 · training…", Progress(12, 60, "training…")),
    ("Epoch 60 of 60 · done", Progress(60, 60, "done")),
    ("Epoch 31 of 60 · stopped early", Progress(31, 60, "stopped early")),
    ("Epoch 7 of 9", Progress(7, 9, "")),
    ("Loss curve", None),
    ("", None),
])
def test_parse_progress_reads_the_train_pages_counter(text, expected):
    assert parse_progress(text) == expected


@pytest.mark.parametrize("text, finished", [
    ("Epoch 59 of 60 · training…", False), ("Epoch 60 of 60 · done", True),
    ("Epoch 31 of 60 · stopped early", True), ("Epoch 4 of 60 · diverged", True),
    ("Epoch 3 of 60 · paused", False),
])
def test_progress_finished_at_the_last_epoch_or_a_final_status(text, finished):
    assert parse_progress(text).finished is finished


def test_intervals_start_at_the_click_and_sort_the_updates():
    assert intervals_close(measure.intervals(10.0, [10.5, 12.0, 11.0]), [0.5, 0.5, 1.0])
    assert measure.intervals(None, [1.0, 3.0]) == [2.0]
    assert measure.intervals(5.0, []) == []


def intervals_close(a, b):
    return len(a) == len(b) and all(math.isclose(x, y) for x, y in zip(a, b))


def test_percentile_is_nearest_rank_and_nan_when_empty():
    values = [float(v) for v in range(1, 21)]  # 1..20
    assert measure.percentile(values, 95) == 19.0
    assert measure.percentile(values, 50) == 10.0
    assert measure.percentile(values, 100) == 20.0
    assert measure.percentile([3.0], 95) == 3.0
    assert math.isnan(measure.percentile([], 95))


def test_final_line_has_issue_8s_exact_form():
    line = measure.final_line(20, 19, 2, 1.456, 731.6)
    assert line == "20 sessions, 19 finished, 2 errors, p95 update interval 1.46 s, peak RSS 732 MB"
    pattern = r"^\d+ sessions, \d+ finished, \d+ errors, p95 update interval [\d.]+ s, peak RSS \d+ MB$"
    assert re.match(pattern, line)


def test_memory_line_spreads_the_growth_over_four_extra_sessions():
    assert measure.memory_line(420.4, 600.0) == "server+1 session: 420 MB; per extra session: 45 MB"


def test_vmrss_is_read_from_a_proc_status_text():
    status = "Name:\tpython\nVmPeak:\t 900000 kB\nVmRSS:\t  412345 kB\nThreads:\t12\n"
    assert measure.vmrss_kb(status) == 412345
    assert measure.vmrss_kb("Name:\tzombie\n") == 0


def test_rss_of_this_process_is_plausible():
    import os

    assert 5 < measure.rss_mb(os.getpid()) < 10_000


def test_server_log_tracebacks_count_once_each_with_their_last_exception():
    chained = ("Exception in ASGI application\nTraceback (most recent call last):\n  File \"a.py\"\n"
               "    x()\nstarlette.websockets.WebSocketDisconnected: not connected\n\n"
               "During handling of the above exception, another exception occurred:\n\n"
               "Traceback (most recent call last):\n  File \"b.py\"\nRuntimeError: close twice\n")
    single = "started\nTraceback (most recent call last):\n  File \"c.py\"\nValueError: boom\nfine\n"
    assert server_log_errors(chained + single) == ["RuntimeError: close twice", "ValueError: boom"]
    assert server_log_errors("  You can now view your Streamlit app\n  Stopping...\n") == []


def test_pytest_never_collects_the_tool():
    assert "load_test.py" in load_conftest.collect_ignore


# -- the client's protocol, fed by hand-made ForwardMsgs ---------------------------------
class FakeSocket:
    def __init__(self):
        self.sent: list[BackMsg] = []

    async def send(self, data: bytes) -> None:
        msg = BackMsg()
        msg.ParseFromString(data)
        self.sent.append(msg)


def _new_session(fragment: bool = False) -> ForwardMsg:
    msg = ForwardMsg()
    msg.new_session.page_script_hash = "main-script-hash"
    if fragment:
        msg.metadata.run.fragment_ids.append(FID)
    return msg


def _navigation(page_hash: str = "train-hash") -> ForwardMsg:
    msg = ForwardMsg()
    msg.navigation.page_script_hash = page_hash
    return msg


def _progress(text: str) -> ForwardMsg:
    msg = ForwardMsg()
    msg.delta.new_element.progress.text = text
    return msg


def _button(widget_id: str = BUTTON) -> ForwardMsg:
    msg = ForwardMsg()
    msg.delta.new_element.button.id = widget_id
    msg.delta.new_element.button.label = "▶ Start"
    return msg


def _heading(text: str) -> ForwardMsg:
    msg = ForwardMsg()
    msg.delta.new_element.heading.body = text
    return msg


def _finished(status=ForwardMsg.FINISHED_SUCCESSFULLY) -> ForwardMsg:
    msg = ForwardMsg()
    msg.script_finished = status
    return msg


def _session() -> TrainSession:
    s = TrainSession(0, "ws://unused", "epochs=60", 60)
    s._ws = FakeSocket()
    return s


def test_first_run_names_the_page_then_later_runs_use_the_navigation_hash():
    async def scenario():
        s = _session()
        await s._send_rerun()
        for msg in (_new_session(), _navigation(), _button(), _progress("Epoch 0 of 60 · ready"), _finished()):
            s._handle(msg, 1.0)
        await s._send_rerun(triggers=[s._button_id])
        return s

    s = _run(scenario())
    first, click = (m.rerun_script for m in s._ws.sent)
    assert (first.page_name, first.page_script_hash, first.query_string) == ("Train", "", "epochs=60")
    assert (click.page_name, click.page_script_hash) == ("", "train-hash")
    assert [(w.id, w.trigger_value) for w in click.widget_states.widgets] == [(BUTTON, True)]
    assert not click.fragment_id and not click.is_auto_rerun


def test_auto_rerun_ticks_the_fragment_until_a_full_run_starts():
    async def scenario():
        s = _session()
        msg = ForwardMsg()
        msg.auto_rerun.interval = 0.01
        msg.auto_rerun.fragment_id = FID
        s._handle(msg, 0.0)
        await asyncio.sleep(0.08)
        s._handle(_new_session(), 0.1)  # a full run drops every timer, like the browser
        ticks = len(s._ws.sent)
        await asyncio.sleep(0.05)
        return s, ticks

    s, ticks = _run(scenario())
    assert ticks >= 3 and len(s._ws.sent) == ticks and not s._timers
    assert all(m.rerun_script.fragment_id == FID and m.rerun_script.is_auto_rerun for m in s._ws.sent)


def test_a_session_finishes_when_the_results_show_in_a_completed_full_run():
    s = _session()
    s.clicked_at = 0.0
    for t, msg in enumerate([_new_session(True), _progress("Epoch 1 of 60 · training…"), _finished(3),
                             _new_session(True), _progress("Epoch 60 of 60 · done"), _finished(2),
                             _new_session(), _progress("Epoch 60 of 60 · done"),
                             _heading("Against the baselines, on the same test points"), _finished()]):
        s._handle(msg, float(t + 1))
    assert s.finished and s.finished_at == 5.0 and s.results_at == 10.0 and s._complete.is_set()
    assert s.update_times == [2.0, 5.0] and s.progress_times == [2.0, 5.0, 8.0]
    assert s.fragment_runs == 2 and s.blank_runs == 0 and s.errors == []


def test_fragment_runs_that_deliver_no_progress_are_counted():
    s = _session()
    s.clicked_at = 0.0
    for msg in (_new_session(True), _finished(2), _new_session(True), _progress("Epoch 3 of 60 · training…"),
                _finished(3)):
        s._handle(msg, 1.0)
    assert (s.fragment_runs, s.blank_runs) == (2, 1)


def test_errors_exceptions_alerts_and_another_sessions_state():
    s = _session()
    s.clicked_at = 0.0
    exc = ForwardMsg()
    exc.delta.new_element.exception.type = "RuntimeError"
    exc.delta.new_element.exception.message = "boom"
    alert = ForwardMsg()
    alert.delta.new_element.alert.body = "Something went wrong"
    alert.delta.new_element.alert.format = 1  # ERROR
    busy = ForwardMsg()
    busy.delta.new_element.alert.body = "The server is busy; retrying…"
    busy.delta.new_element.alert.format = 3  # INFO
    for msg in (exc, exc, alert, busy, _progress("Epoch 30 of 60 · training…"), _progress("Epoch 12 of 60 · training…"),
                _progress("Epoch 13 of 400 · training…")):
        s._handle(msg, 1.0)
    assert s.errors[0] == "exception element: RuntimeError: boom"  # counted once though drawn twice
    assert s.errors[1] == "error alert: Something went wrong"
    assert "went backwards" in s.errors[2] and "counts to 400" in s.errors[3]
    assert len(s.errors) == 4 and s.notes == {"The server is busy; retrying…": 1}


def test_other_buttons_are_not_taken_for_start():
    s = _session()
    s._handle(_button("$$ID-abc-question_try_seasonal_traffic"), 0.0)
    s._handle(_button("$$ID-def-start_pause_text"), 0.0)
    assert s._button_id is None
    s._handle(_button(), 0.0)
    assert s._button_id == BUTTON


class DroppingSocket(FakeSocket):
    """Delivers the given messages, then the connection breaks."""

    def __init__(self, messages):
        super().__init__()
        self.messages = [m.SerializeToString() for m in messages]

    def __aiter__(self):
        return self._gen()

    async def _gen(self):
        for data in self.messages:
            yield data
        raise websockets.ConnectionClosedError(None, None)


def test_a_dropped_connection_is_an_error_and_ends_the_wait():
    async def scenario():
        s = TrainSession(0, "ws://unused", "epochs=60", 60)
        s._ws = DroppingSocket([_new_session(), _progress("Epoch 0 of 60 · ready")])
        await s._receive()
        await s.load(timeout=1)  # returns at once instead of waiting for a run that never ends
        await s.train(timeout=1)
        return s

    s = _run(scenario())
    assert s.disconnected and s.progress_text == "Epoch 0 of 60 · ready"
    assert len(s.errors) == 1 and s.errors[0].startswith("disconnected")
    assert s.clicked_at is None and s._ws.sent == []  # nothing sent into a closed connection
