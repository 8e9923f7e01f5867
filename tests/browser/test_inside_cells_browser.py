"""The Inside LSTM and GRU page in Chromium: opened by its URL, a model trained, three cells measured."""

from __future__ import annotations

import re
import time

import pytest

from tests.browser.conftest import exceptions, screenshot, wait_ready

CHARTS = "[data-testid='stMain'] [data-testid='stPlotlyChart']"


def _charts(page) -> int:
    return page.locator(CHARTS).count()


@pytest.mark.browser
def test_inside_cells_opens_by_url_trains_and_measures(server, page):
    page.goto(f"{server}/Inside_LSTM_and_GRU?dataset=sine&inside_epochs=5")
    wait_ready(page)
    main = page.get_by_test_id("stMain")
    assert main.locator("h1").filter(has_text="Inside LSTM and GRU").count() == 1
    assert exceptions(page) == []
    assert _charts(page) == 1, "the cell diagram"

    clicked = time.perf_counter()
    main.get_by_role("button", name="Train").click()
    page.wait_for_function(f"() => document.querySelectorAll(\"{CHARTS}\").length >= 2", timeout=60_000)
    wait_ready(page, 60_000)
    trained = time.perf_counter() - clicked
    assert main.get_by_text(re.compile(r"Window 1 of \d+")).count() == 1
    assert exceptions(page) == []

    main.get_by_role("button", name="Measure").click()
    page.wait_for_function(f"() => document.querySelectorAll(\"{CHARTS}\").length >= 3", timeout=60_000)
    wait_ready(page, 60_000)
    assert main.get_by_text("Measured just now").count() == 1
    assert exceptions(page) == []
    screenshot(page, "page_Inside_LSTM_and_GRU")
    print(f"trained and drawn {trained:.1f} s after the click")
