"""A tick waits (briefly) until its drawing has left the server, so the next tick cannot drop it."""

from __future__ import annotations

import inspect
import threading
import time
from types import SimpleNamespace

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime import Runtime
from streamlit.runtime.app_session import AppSession
from streamlit.runtime.forward_msg_queue import ForwardMsgQueue

from ui import live


def _delta() -> ForwardMsg:
    msg = ForwardMsg()
    msg.delta.new_element.markdown.body = "Epoch 3 of 60"
    msg.metadata.delta_path[:] = [0, 0]
    return msg


def _fake_server(monkeypatch, queue: ForwardMsgQueue) -> None:
    session = SimpleNamespace(_browser_queue=queue)
    manager = SimpleNamespace(get_active_session_info=lambda _id: SimpleNamespace(session=session))
    monkeypatch.setattr(Runtime, "instance", classmethod(lambda cls: SimpleNamespace(_session_mgr=manager)))
    monkeypatch.setattr("streamlit.runtime.scriptrunner.get_script_run_ctx", lambda: SimpleNamespace(session_id="s"))


def test_returns_once_the_event_loop_has_sent_the_drawing(monkeypatch):
    queue = ForwardMsgQueue()
    queue.enqueue(_delta())
    _fake_server(monkeypatch, queue)
    threading.Timer(0.15, queue.flush).start()  # the event loop sends it 0.15 s later
    started = time.monotonic()
    live._wait_until_sent(timeout=2.0)
    assert 0.1 <= time.monotonic() - started < 1.0


def test_gives_up_after_the_timeout_and_without_a_server_returns_at_once(monkeypatch):
    queue = ForwardMsgQueue()
    queue.enqueue(_delta())
    _fake_server(monkeypatch, queue)
    started = time.monotonic()
    live._wait_until_sent(timeout=0.2)
    assert 0.2 <= time.monotonic() - started < 0.6
    monkeypatch.undo()
    started = time.monotonic()
    live._wait_until_sent(timeout=2.0)  # no Runtime here: nothing to wait for
    assert time.monotonic() - started < 0.1


def test_the_streamlit_internals_it_reads_are_still_there():
    """A Streamlit upgrade that moves them would silently turn the wait off: fail here instead."""
    assert isinstance(ForwardMsgQueue()._queue, list)
    assert "self._browser_queue" in inspect.getsource(AppSession.__init__)
    assert "self._session_mgr" in inspect.getsource(Runtime.__init__)
    assert hasattr(Runtime, "instance")
    from streamlit.runtime.state.query_params import QueryParams
    from streamlit.runtime.state.safe_session_state import SafeSessionState

    assert callable(QueryParams.set_initial_query_params_from_current)
    assert "_state" in inspect.getsource(SafeSessionState.__init__)
    from streamlit.runtime.memory_session_storage import MemorySessionStorage
    from streamlit.runtime.websocket_session_manager import WebsocketSessionManager

    assert "self._session_storage" in inspect.getsource(WebsocketSessionManager.__init__)
    assert callable(MemorySessionStorage(ttl_seconds=1)._cache.expire)
    from streamlit.runtime.scriptrunner_utils.script_requests import RerunData, ScriptRequests

    requests = ScriptRequests()
    assert {"_state", "_rerun_data"} <= set(vars(requests))
    assert {"fragment_id", "fragment_id_queue", "is_fragment_scoped_rerun"} <= set(RerunData.__dataclass_fields__)


def _waiting_with(monkeypatch, requests) -> bool:
    from ui import streamlit_internals

    monkeypatch.setattr("streamlit.runtime.scriptrunner.get_script_run_ctx",
                        lambda: SimpleNamespace(script_requests=requests))
    return streamlit_internals.user_is_waiting()


def test_a_click_or_a_closed_tab_is_waiting_but_the_fragment_timer_is_not(monkeypatch):
    from streamlit.runtime.scriptrunner_utils.script_requests import RerunData, ScriptRequests

    idle = ScriptRequests()
    assert not _waiting_with(monkeypatch, idle)
    timer = ScriptRequests()
    timer.request_rerun(RerunData(fragment_id="tick", is_auto_rerun=True))
    assert not _waiting_with(monkeypatch, timer)
    click = ScriptRequests()
    click.request_rerun(RerunData(fragment_id="tick", is_auto_rerun=True))
    click.request_rerun(RerunData())  # Pause: a whole-page run
    assert _waiting_with(monkeypatch, click)
    closed = ScriptRequests()
    closed.request_stop()
    assert _waiting_with(monkeypatch, closed)


class _Batches:
    """A run whose every call trains one batch of ``batch_s`` seconds; an epoch is 10 batches."""

    def __init__(self, batch_s: float = 0.01, batches: int = 1000):
        self.batch_s, self.left, self.calls, self.batches = batch_s, batches, 0, 0

    @property
    def finished(self) -> bool:
        return self.left == 0

    def run(self, budget_s=None) -> int:
        deadline = time.monotonic() + budget_s
        done = 0
        while self.left:
            time.sleep(self.batch_s)
            self.left, self.batches = self.left - 1, self.batches + 1
            done += self.batches % 10 == 0
            if time.monotonic() >= deadline:
                break
        self.calls += 1
        return done


def test_a_chunk_trains_its_budget_in_slices_and_stops_within_a_slice_of_a_click():
    run = _Batches()
    started = time.monotonic()
    live.run_chunk(run, 0.3, user_is_waiting=lambda: False)
    assert 0.3 <= time.monotonic() - started < 0.6 and run.calls >= 3
    clicked = time.monotonic() + 0.1
    run = _Batches()
    started = time.monotonic()
    live.run_chunk(run, 5.0, user_is_waiting=lambda: time.monotonic() >= clicked)
    assert time.monotonic() - started < 0.1 + 2 * live.SLICE_S + 0.2, "Pause does not wait for the chunk's end"
