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
