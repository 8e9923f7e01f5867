"""The load-test tool's own logic, without a server: numbers, report lines, and the client's protocol."""

from __future__ import annotations

import asyncio
import io
import math
import os
import re
import threading
from collections import Counter

import pytest
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from tests.load import conftest as load_conftest
from tests.load import measure, mix
from tests.load.client import Progress, Session, multipart, parse_cookies, parse_progress, plain_text
from tests.load.load_test import counted_server_errors, load_serve_class, server_log_errors, stickiness

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


def test_percentile_is_nearest_rank_and_nan_when_empty():
    values = [float(v) for v in range(1, 21)]  # 1..20
    assert measure.percentile(values, 95) == 19.0
    assert measure.percentile(values, 50) == 10.0
    assert measure.percentile(values, 100) == 20.0
    assert measure.percentile([3.0], 95) == 3.0
    assert math.isnan(measure.percentile([], 95))


def test_final_line_has_issue_18s_exact_form():
    line = measure.final_line(20, 19, 2, 1.456, 731.6, 512.4)
    assert line == ("20 sessions, 19 finished, 2 errors, p95 update interval 1.46 s, peak RSS 732 MB, "
                    "RSS after close 512 MB")
    pattern = (r"^\d+ sessions, \d+ finished, \d+ errors, p95 update interval [\d.]+ s, peak RSS \d+ MB, "
               r"RSS after close \d+ MB$")
    assert re.match(pattern, line)


def test_class_line_has_issue_17s_exact_form():
    line = measure.class_line(21, 21, 0, [11, 10], 1.0, 1.8)
    pattern = (r"^\d+ sessions, \d+ finished, \d+ errors, replicas 2, sessions per replica \d+/\d+, "
               r"sticky \d+%, p95 update interval [\d.]+ s$")
    assert re.match(pattern, line) and "per replica 11/10, sticky 100%" in line
    assert "sticky 95%" in measure.class_line(20, 20, 0, [10, 10], 0.95, 1.0)


@pytest.mark.parametrize("kwargs, missed", [
    ({}, []),
    ({"errors": 1}, ["errors"]),
    ({"finished": 19}, ["finished"]),
    ({"p95_s": 2.01}, ["p95"]),
    ({"p95_s": math.nan}, ["p95"]),  # nobody trained: the goal is not met, not skipped
    ({"peak_mb": 1536.0}, ["peak"]),
    ({"after_mb": 701.0}, ["after close"]),
    ({"after_mb": 700.0}, []),  # exactly 100 MB above the start is within the goal
    ({"peak_mb": None, "start_mb": None, "after_mb": None}, []),  # not measured (a remote server)
    ({"errors": 3, "p95_s": 9.0, "after_mb": 900.0}, ["errors", "p95", "after close"]),
])
def test_goal_verdict_names_each_missed_goal(kwargs, missed):
    args = {"sessions": 20, "finished": 20, "errors": 0, "p95_s": 1.9, "peak_mb": 900.0, "start_mb": 600.0,
            "after_mb": 650.0, **kwargs}
    found = measure.missed_goals(**args)
    assert len(found) == len(missed) and all(word in text for word, text in zip(missed, found))


def test_memory_line_spreads_the_growth_over_four_extra_sessions():
    assert measure.memory_line(420.4, 600.0) == "server+1 session: 420 MB; per extra session: 45 MB"


def test_vmrss_is_read_from_a_proc_status_text():
    status = "Name:\tpython\nVmPeak:\t 900000 kB\nVmRSS:\t  412345 kB\nThreads:\t12\n"
    assert measure.vmrss_kb(status) == 412345
    assert measure.vmrss_kb("Name:\tzombie\n") == 0


def test_rss_of_this_process_is_plausible():
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


def test_cpu_seconds_are_read_from_a_proc_stat_text():
    stat = "77 (streamlit (app)) S 1 77 77 0 -1 4194560 1 0 0 0 1234 266 0 0 20 0 12 0"
    assert measure.stat_cpu_seconds(stat, 100.0) == 15.0
    assert measure.cpu_seconds(os.getpid()) > 0


def test_teardown_tracebacks_of_closed_tabs_are_told_apart():
    counted, teardowns = counted_server_errors(["starlette.websockets.WebSocketDisconnected: close twice",
                                                "KeyError: 'trainer'"])
    assert counted == ["KeyError: 'trainer'"] and teardowns == 1


# -- the class: who does what ------------------------------------------------------------
def test_a_class_of_20_is_mostly_ordinary_students_with_every_other_kind_present():
    students = mix.class_mix(20)
    roles = Counter(s.role for s in students)
    assert sum(s.ordinary for s in students) > len(students) / 2
    assert set(roles) == set(mix.PAGES) and all(roles[r] >= 1 for r in mix.PAGES)
    assert roles["upload"] >= 2 and roles["closer"] >= 2 and roles["max"] >= 2
    assert {s.page for s in students} == {"Train", "Forecast_arena", "Gradients_through_time", "Inside_LSTM_and_GRU"}
    assert [s.index for s in students] == list(range(20))
    assert students[0].role == "train"  # a class of one is one ordinary student


@pytest.mark.parametrize("n", [1, 7, 20, 45])
def test_no_two_students_share_a_link_except_the_uploaders(n):
    students = mix.class_mix(n)
    links = [s.path for s in students if s.role != "upload"]  # their files differ instead
    assert len(links) == len(set(links)) and len(students) == n
    files = [mix.upload_csv(s.index)[1] for s in students if s.role == "upload"]
    assert len(files) == len(set(files))


def test_train_links_ask_for_the_epochs_and_expect_only_their_own_refusals():
    for s in mix.class_mix(40, epochs=25):
        if s.role in ("train", "closer", "fiddler", "upload"):
            assert "epochs=25" in s.query and s.epochs == 25
        if s.role == "max":
            assert s.expected_alerts == mix.REFUSALS and "hidden_size=256" in s.query
        elif "diverging_lr" in s.query:
            assert s.expected_alerts == mix.DIVERGED and s.role == "train"
        else:
            assert s.expected_alerts == ()
    assert "diverging_lr" not in "".join(mix.STEADY_LINKS)  # a closer or the fiddler needs a run that lasts


def test_the_max_links_are_refused_by_the_app_itself():
    from rnn_core import config, data
    from rnn_core.errors import PlaygroundError
    from rnn_core.training.trainer import Trainer

    for link in mix.MAX_LINKS:
        q = dict(part.split("=") for part in link.format(k=1).split("&"))
        name = q.pop("dataset")
        params = {k[len(name) + 1:]: float(v) for k, v in q.items() if k.startswith(f"{name}_")}
        series = data.load(name, **{k: int(v) if v.is_integer() else v for k, v in params.items()})
        base = config.PRESETS["default"]
        cfg = base.replace(data={"name": name}, window={"lookback": int(q["lookback"]), "mode": q.get("mode", "next"),
                                                        "horizon": int(q.get("horizon", 1))},
                           model={"cell": q["cell"], "hidden_size": int(q["hidden_size"]),
                                  "num_layers": int(q["num_layers"])},
                           train={"batch_size": int(q["batch_size"]), "epochs": int(q["epochs"])})
        with pytest.raises(PlaygroundError) as refused:
            Trainer(config.validate(cfg), series)
        assert any(text in str(refused.value) for text in mix.REFUSALS)


@pytest.mark.parametrize("k", [0, 1, 2])
def test_every_uploaded_csv_is_one_the_app_reads(k):
    from rnn_core import data

    name, content = mix.upload_csv(k)
    buffer = io.BytesIO(content)
    buffer.name = name
    series = data.from_csv(buffer)
    assert len(series) == 700 and name.endswith(".csv")


def test_the_mix_says_what_it_holds():
    text = mix.composition(mix.class_mix(20))
    assert text.startswith("11 ordinary (9 train to the end, 2 close the tab mid-run)")
    assert "3 upload" in text and "2 max" in text and "1 fiddler" in text


# -- HTTP details of the browser -------------------------------------------------------------
def test_cookies_and_escaped_markdown_read_as_the_browser_does():
    assert parse_cookies(["_streamlit_xsrf=2|a|b|1; Path=/; SameSite=Lax", "RNNPG_REPLICA=app2; path=/; HttpOnly",
                          "broken"]) == {"_streamlit_xsrf": "2|a|b|1", "RNNPG_REPLICA": "app2"}
    assert plain_text(r"This set\-up is too large for a server the whole class shares\.") == \
        "This set-up is too large for a server the whole class shares."


def test_a_multipart_body_carries_the_file_between_boundaries():
    content_type, body = multipart("file", "a.csv", b"value\n1\n2\n")
    boundary = content_type.split("boundary=")[1]
    assert content_type.startswith("multipart/form-data; ")
    assert body.startswith(f"--{boundary}\r\n".encode()) and body.endswith(f"\r\n--{boundary}--\r\n".encode())
    assert b'filename="a.csv"' in body and b"\r\n\r\nvalue\n1\n2\n\r\n" in body


def test_stickiness_counts_sessions_whose_every_response_named_one_replica():
    a, b, c, d = (Session(i, "http://x", "Train", "") for i in range(4))
    a.replicas, b.replicas, c.replicas, d.replicas = ["app1", "app1"], ["app2"] * 3, ["app1", "app2"], []
    per, sticky = stickiness([a, b, c, d])
    assert per == {"app1": 2, "app2": 1} and sticky == 0.5


# -- the HAProxy configuration that serve-class writes -----------------------------------------
def test_haproxy_config_gets_one_server_per_replica_on_consecutive_ports():
    serve = load_serve_class()
    text = serve.haproxy_config(serve.CONFIG.read_text(), 4, 9000, 9101, 8999)
    servers = [line.split() for line in text.splitlines() if line.strip().startswith("server ")]
    assert [s[1:3] for s in servers] == [[f"app{i}", f"127.0.0.1:{9100 + i}"] for i in range(1, 5)]
    assert all(s[3:] == ["cookie", s[1]] for s in servers)  # each replica has its own sticky cookie value
    assert "bind 127.0.0.1:9000" in text and "bind 127.0.0.1:8999" in text
    for needed in ("cookie RNNPG_REPLICA insert", "option httpchk GET /_stcore/health", "timeout tunnel",
                   "http-response set-header X-Replica", "option redispatch"):
        assert needed in text


def test_haproxy_stats_csv_gives_each_replicas_state():
    serve = load_serve_class()
    csv_text = ("# pxname,svname,qcur,status\nclass,FRONTEND,,OPEN\nreplicas,app1,0,UP\n"
                "replicas,app2,0,DOWN\nreplicas,BACKEND,0,UP\nstats,FRONTEND,,OPEN\n")
    assert serve.parse_stats(csv_text) == {"app1": "UP", "app2": "DOWN"}


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


def _session() -> Session:
    s = Session(0, "http://unused", "Train", "epochs=60", 60)
    s._ws = FakeSocket()
    return s


def test_first_run_names_the_page_then_later_runs_use_the_navigation_hash():
    async def scenario():
        s = _session()
        await s._send_rerun()
        for msg in (_new_session(), _navigation(), _button(), _progress("Epoch 0 of 60 · ready"), _finished()):
            s._handle(msg, 1.0)
        await s._send_rerun(triggers=[s.widgets["start_pause"]])
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


def test_updates_are_timed_from_the_click_and_runs_are_logged_when_complete():
    s = _session()
    s.clicked_at = 0.0
    s.start_measuring(0.0)
    for t, msg in enumerate([_new_session(True), _progress("Epoch 1 of 60 · training…"), _finished(3),
                             _new_session(True), _progress("Epoch 1 of 60 · training…"), _finished(3),
                             _new_session(True), _progress("Epoch 60 of 60 · done"), _finished(2),
                             _new_session(), _progress("Epoch 60 of 60 · done"),
                             _heading("Against the baselines, on the same test points"), _finished()]):
        s._handle(msg, float(t + 1))
    assert s.finished and s.finished_at == 8.0 and not s.measuring  # the last epoch ends the timing
    assert s.gaps == [2.0, 6.0] and s.tick_gaps == [2.0, 3.0, 3.0]  # the redraw at 5.0 changed nothing
    assert s.completed_after(s.finished_at, "Against the baselines") == 13.0
    assert s.completed_after(s.finished_at, "Something else") is None and s.completed_after(None) is None
    assert s.full_runs == 1 and s.fragment_runs == 3 and s.blank_runs == 0 and s.errors == []


def test_a_paused_run_is_not_timed_and_a_reset_may_restart_the_counter():
    s = _session()
    s.clicked_at = 0.0
    s.start_measuring(0.0)
    s._handle(_progress("Epoch 5 of 60 · training…"), 1.0)
    s.measuring = False  # Pause
    s._handle(_progress("Epoch 5 of 60 · paused"), 30.0)
    s._handle(_progress("Epoch 6 of 60 · paused"), 40.0)  # Step
    s.start_measuring(50.0)  # Resume
    s._handle(_progress("Epoch 7 of 60 · training…"), 51.5)
    s.measuring = False  # the fiddler stops timing, then presses Reset
    s.allow_restart()
    s._handle(_progress("Epoch 0 of 60 · ready"), 60.0)  # Reset
    assert s.gaps == [1.0, 1.5] and s.errors == []
    s._handle(_progress("Epoch 3 of 60 · training…"), 61.0)
    s._handle(_progress("Epoch 0 of 60 · ready"), 62.0)  # no Reset this time: another session's state
    assert len(s.errors) == 1 and "went backwards" in s.errors[0]


def test_the_gradients_pages_counter_is_read_and_its_other_bars_are_not():
    s = Session(0, "http://unused", "Gradients_through_time", "")
    s._handle(_progress("0 of at most 60 epochs · ready"), 0.0)
    s._handle(_progress("0 of at most 180 epochs (all cells) · ready"), 0.1)  # the race below it
    s._handle(_progress("Fitting ARIMA…"), 0.2)
    assert s.progress == Progress(0, 60, "ready") and s.errors == []


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


def test_widgets_are_found_by_their_key_whatever_else_is_on_the_page():
    s = _session()
    s._handle(_button("$$ID-abc-question_try_seasonal_traffic"), 0.0)
    s._handle(_button("$$ID-def-start_pause_grad_lab"), 0.0)
    assert "start_pause" not in s.widgets
    s._handle(_button(), 0.0)
    assert s.widgets["start_pause"] == BUTTON and s.widgets["start_pause_grad_lab"] == "$$ID-def-start_pause_grad_lab"
    assert s.widget("reset") is None and s.errors == ["no widget with key 'reset' on the page"]


def test_an_expected_refusal_is_a_pass_and_any_other_error_alert_is_not():
    s = Session(0, "http://unused", "Train", "", expected_alerts=mix.REFUSALS)
    refusal, other = ForwardMsg(), ForwardMsg()
    refusal.delta.new_element.alert.body = r"This set\-up is too large for a server the whole class shares\: …"
    refusal.delta.new_element.alert.format = 1
    other.delta.new_element.alert.body = "Could not read the file"
    other.delta.new_element.alert.format = 1
    s._handle(refusal, 0.0)
    assert s.expected_seen and s.errors == []
    s._handle(other, 0.0)
    assert s.errors == ["error alert: Could not read the file"]


def test_a_number_and_an_upload_are_sent_as_the_browser_sends_them():
    from streamlit.proto.Common_pb2 import FileURLs

    async def scenario():
        s = _session()
        urls = FileURLs(file_id="f1", upload_url="/_stcore/upload_file/s1/f1", delete_url="/_stcore/upload_file/s1/f1")
        await s._send_rerun(numbers={"$$ID-x-lr": 0.004}, uploads={"$$ID-y-csv_file": ("a.csv", 12, urls)})
        return s._ws.sent[0].rerun_script.widget_states.widgets

    lr, upload = _run(scenario())
    assert lr.id == "$$ID-x-lr" and lr.double_value == 0.004
    info = upload.file_uploader_state_value.uploaded_file_info[0]
    assert (info.name, info.size, info.file_id, info.file_urls.upload_url) == ("a.csv", 12, "f1",
                                                                                "/_stcore/upload_file/s1/f1")


def test_upload_urls_and_the_session_id_are_taken_from_the_server():
    s = _session()
    new = _new_session()
    new.new_session.initialize.session_id = "abc-123"
    response = ForwardMsg()
    response.file_urls_response.response_id = "r1"
    response.file_urls_response.file_urls.add(file_id="f1", upload_url="/_stcore/upload_file/abc-123/f1")
    s._handle(new, 0.0)
    s._handle(response, 0.0)
    assert s.session_id == "abc-123" and s._file_urls["r1"][0].file_id == "f1"


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
        s = Session(0, "http://unused", "Train", "epochs=60", 60)
        s._ws = DroppingSocket([_new_session(), _progress("Epoch 0 of 60 · ready")])
        await s._receive()
        await s.load(timeout=1)  # returns at once instead of waiting for a run that never ends
        clicked = await s.click("start_pause", timeout=1)
        return s, clicked

    s, clicked = _run(scenario())
    assert s.disconnected and s.progress_text == "Epoch 0 of 60 · ready" and not clicked
    assert s.errors[0].startswith("disconnected")
    assert s._ws.sent == []  # nothing sent into a closed connection
