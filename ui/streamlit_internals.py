"""The one place ``ui`` reads Streamlit internals (pinned: streamlit==1.67.0 in requirements.txt).

:func:`pending_drawing` tells whether this session's drawing is still waiting in Streamlit's
send queue; ``ui.live`` waits on it so a tick's chart is not dropped by the next tick.
``tests/test_live_send.py`` checks that the internals read here still exist, so an upgrade
that moves them fails a test instead of silently turning the wait off.
"""

from __future__ import annotations


def session_queue():
    """This session's outgoing message queue, or None where there is none (AppTest, or an internal that moved)."""
    try:
        from streamlit.runtime import Runtime
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        info = Runtime.instance()._session_mgr.get_active_session_info(get_script_run_ctx().session_id)
        return info.session._browser_queue
    except Exception:  # noqa: BLE001 - no server, or an internal that moved: nothing to wait for
        return None


def pending_drawing(queue) -> bool:
    """True while ``queue`` still holds drawing (delta) messages the browser has not been sent."""
    return any(m.WhichOneof("type") == "delta" for m in list(queue._queue))


def reseed_from_current_query_params() -> bool:
    """After the page tidied ``st.query_params``, let widgets be seeded from the tidied link.

    Streamlit seeds a bound widget from a snapshot of the link taken when the session began,
    not from ``st.query_params``; a value no widget can hold (``?seed=inf`` makes a whole-number
    input raise ``OverflowError``) must leave that snapshot too. Returns False where the
    internal is missing (then the page still works; only that value keeps its old effect).
    """
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        get_script_run_ctx().session_state._state.query_params.set_initial_query_params_from_current()
        return True
    except Exception:  # noqa: BLE001 - an internal that moved; tests/test_live_send.py notices
        return False


def expire_closed_sessions() -> int:
    """Drop the closed tabs' sessions whose ``server.disconnectedSessionTTL`` has passed; how many.

    Streamlit keeps a closed tab's session in a time-to-live cache for a reconnect, and that
    cache only forgets an expired entry when it is next touched: with nobody connecting, a
    closed session (its trainer, windows, uploads) stayed in memory for good. Returns -1 where
    the internal is missing (no server, or an upgrade moved it; tests/test_live_send.py notices).
    """
    try:
        from streamlit.runtime import Runtime

        return len(Runtime.instance()._session_mgr._session_storage._cache.expire())
    except Exception:  # noqa: BLE001
        return -1


def user_is_waiting() -> bool:
    """True when the session has asked for something a live chunk must not keep waiting: a whole-page
    run (a click such as Pause, a changed widget) or a stop (the tab closed). A fragment's own timer
    ticks do not count. False where the internals are missing (AppTest), so chunks run their budget.
    """
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx
        from streamlit.runtime.scriptrunner_utils.script_requests import ScriptRequestType

        requests = get_script_run_ctx().script_requests
        state, data = requests._state, requests._rerun_data
        if state == ScriptRequestType.STOP:
            return True
        whole_page = not (data.fragment_id or data.fragment_id_queue or data.is_fragment_scoped_rerun)
        return state == ScriptRequestType.RERUN and whole_page
    except Exception:  # noqa: BLE001 - no server, or an internal that moved; tests/test_live_send.py notices
        return False
