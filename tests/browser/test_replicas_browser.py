"""Two replicas behind HAProxy (``make serve-class``); one dies mid-run.

The student on the dying replica sees Streamlit's reconnect and then the page's message that
the run was lost; the student on the other replica trains to the end without an error; HAProxy
takes the dead replica out within its health checks. Each browser is placed on its replica by
the balancer's own cookie, so the test does not depend on how HAProxy spreads new visitors.
"""

from __future__ import annotations

import os
import re
import shutil
import time

import pytest

from tests.app_server import free_port
from tests.browser.conftest import exceptions, wait_ready
from tests.load.load_test import load_serve_class

LOST = "no longer on the server"  # ui/run_store.py's message for a run this server does not have
COOKIE = "RNNPG_REPLICA"  # .streamlit/haproxy.cfg


def _check_timing() -> tuple[float, int]:
    """(inter seconds, fall count) of the health checks in .streamlit/haproxy.cfg."""
    text = load_serve_class().CONFIG.read_text()
    m = re.search(r"default-server check inter (\d+)s fall (\d+)", text)
    return float(m.group(1)), int(m.group(2))


@pytest.fixture
def two_replicas():
    if not shutil.which("haproxy") and not os.path.exists("/usr/sbin/haproxy"):
        pytest.skip("no HAProxy: `apt-get install haproxy` (CI installs it)")
    serve = load_serve_class()
    with serve.class_servers(2, free_port(), free_port(), free_port()) as servers:
        yield servers


def _on(browser, servers, replica: str):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_cookies([{"name": COOKIE, "value": replica, "url": servers.url}])
    return context.new_page()


def _main_text(page) -> str:
    return page.get_by_test_id("stMain").inner_text()


@pytest.mark.browser
def test_a_dead_replica_loses_only_its_own_runs_and_says_so(two_replicas, browser):
    servers = two_replicas
    doomed, survivor = _on(browser, servers, "app1"), _on(browser, servers, "app2")
    try:
        # a long run on app1, a short one on app2
        doomed.goto(f"{servers.url}/Train?epochs=500&traffic_seed=3")
        survivor.goto(f"{servers.url}/Train?epochs=25&traffic_seed=4")
        for page in (doomed, survivor):
            wait_ready(page)
            page.get_by_test_id("stMain").get_by_role("button", name=re.compile("Start")).click()
        for page in (doomed, survivor):
            page.wait_for_function(
                "() => /Epoch [1-9]\\d* of/.test(document.querySelector(\"[data-testid='stMain']\").innerText)",
                timeout=60_000)
        assert "run=" in doomed.url  # the page holds a run the server keeps under that id

        app1 = next(r for r in servers.replicas if r.name == "app1")
        app1.process.kill()
        killed = time.monotonic()
        inter, fall = _check_timing()
        while servers.statuses().get("app1", "").split(" ")[0] != "DOWN":
            assert time.monotonic() - killed < fall * inter + 3.0, servers.statuses()
            time.sleep(0.1)
        down_after = time.monotonic() - killed
        assert down_after <= fall * inter + 3.0  # a few checks' worth, plus one check's own timeout

        # the survivor finishes, untouched
        survivor.wait_for_function(
            "() => /Epoch 25 of 25 · done/.test(document.querySelector(\"[data-testid='stMain']\").innerText)",
            timeout=240_000)
        assert exceptions(survivor) == []
        assert survivor.get_by_test_id("stAlertContentError").count() == 0

        # the other one reconnects (to app2, through HAProxy) and is told its run is gone
        doomed.get_by_text(LOST).wait_for(timeout=120_000)
        assert re.search(r"Epoch 0 of 500", _main_text(doomed)), "a fresh run to start, not an old one"
        assert exceptions(doomed) == []
        assert servers.statuses()["app2"].startswith("UP")
    finally:
        doomed.context.close()
        survivor.context.close()
