"""The Transfer learning page in Chromium: opened by its URL with settings in the query string, the race
run to the end with its scores, and the data-size sweep started."""

from __future__ import annotations

import re
import time

import pytest

from tests.browser.conftest import exceptions, screenshot, wait_ready

SMALL = "transfer_hidden_size=8&transfer_pretrain_epochs=2&transfer_epochs=20"


def _main_text(page) -> str:
    return page.get_by_test_id("stMain").inner_text()


@pytest.mark.browser
def test_transfer_race_runs_to_the_end_and_the_sweep_starts(server, page):
    started = time.perf_counter()
    page.goto(f"{server}/Transfer_learning?{SMALL}")
    wait_ready(page, timeout_ms=60_000)
    opened = time.perf_counter() - started
    main = page.get_by_test_id("stMain")
    assert main.locator("h1").first.inner_text().endswith("Transfer learning")
    assert exceptions(page) == []
    assert "Epoch 0 of 20" in _main_text(page)
    assert main.get_by_test_id("stPlotlyChart").count() >= 5, "pretraining, race, sweep, hidden states, similarity"

    clicked = time.perf_counter()
    main.get_by_role("button", name=re.compile("Start")).first.click()
    page.wait_for_function(
        "() => /Epoch 20 of 20/.test(document.querySelector(\"[data-testid='stMain']\").innerText)", timeout=60_000)
    raced = time.perf_counter() - clicked
    wait_ready(page, timeout_ms=60_000)
    text = _main_text(page)
    assert "MASE" in text and "fully fine-tuned" in text, "the scores table follows the race"
    assert exceptions(page) == []

    main.get_by_role("button", name=re.compile("Start")).first.click()  # the race's button now says Resume
    page.wait_for_function(
        "() => /[1-9]\\d* of \\d+ data sizes done/.test(document.querySelector(\"[data-testid='stMain']\").innerText)",
        timeout=60_000)
    assert exceptions(page) == []
    screenshot(page, "page_Transfer_learning")
    print(f"transfer page painted in {opened:.1f} s; a 20-epoch race took {raced:.1f} s in the browser")
