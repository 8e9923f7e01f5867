"""A page whose run is not on this server any more says so (a replica died, the server restarted)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "4_Train.py")
LOST = "no longer on the server"


def _warnings(at: AppTest) -> list[str]:
    return [w.value for w in at.warning]


def test_a_link_naming_a_run_this_server_does_not_have_says_it_was_lost_once():
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params["run"] = "a-run-id-from-a-replica-that-died"
    at.query_params["epochs"] = "5"
    at.run()
    assert not at.exception
    assert sum(LOST in w for w in _warnings(at)) == 1
    assert "run" not in at.query_params or at.query_params["run"] != "a-run-id-from-a-replica-that-died"
    at.run()  # said once: the next run of the page does not repeat it
    assert not any(LOST in w for w in _warnings(at))


def test_a_fresh_link_says_nothing_about_a_lost_run():
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params["epochs"] = "5"
    at.run()
    assert not at.exception and not any(LOST in w for w in _warnings(at))
