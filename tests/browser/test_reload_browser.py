"""A reload (F5) brings the session's run back: mid-run, paused where it was; after the end, with its results."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import LONG_RUN, exceptions, read_epoch, screenshot, wait_ready

_EPOCH = "() => {{ const m = /Epoch (\\d+) of/.exec(document.querySelector(\"[data-testid='stMain']\").innerText);" \
         " return m && +m[1] >= {n}; }}"



@pytest.mark.browser
def test_a_reload_mid_run_brings_the_run_back_paused(server, page):
    page.goto(f"{server}/Train?{LONG_RUN}")
    wait_ready(page)
    page.get_by_test_id("stMain").get_by_role("button", name=re.compile("Start")).click()
    page.wait_for_function(_EPOCH.format(n=3), timeout=60_000)
    assert "run=" in page.url, "the address bar carries the run's id"
    page.reload()
    wait_ready(page)
    page.get_by_text("came back after the reload").wait_for(timeout=30_000)
    assert read_epoch(page) >= 3, "not a fresh run at epoch 0"
    main = page.get_by_test_id("stMain")
    assert main.get_by_role("button", name=re.compile("Resume")).count() == 1
    screenshot(page, "train_after_reload")
    assert exceptions(page) == []


@pytest.mark.browser
def test_a_reload_after_the_run_ended_keeps_its_results_and_leaderboard(server, page):
    page.goto(f"{server}/Train?epochs=3")
    wait_ready(page)
    page.get_by_test_id("stMain").get_by_role("button", name=re.compile("Start")).click()
    page.get_by_text("Against the baselines").first.wait_for(timeout=90_000)
    wait_ready(page)
    page.reload()
    wait_ready(page)
    page.get_by_text("Against the baselines").first.wait_for(timeout=60_000)
    assert read_epoch(page) == 3
    assert page.get_by_text("This session's runs").count() >= 1, "the leaderboard came back"
    assert exceptions(page) == []
