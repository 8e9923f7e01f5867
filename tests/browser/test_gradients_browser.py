"""The Gradients through time page in Chromium: opened by its URL, then a short race of two cells."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import exceptions, screenshot, wait_ready

URL = "Gradients_through_time?grad_lookback=12&grad_race_cells=rnn&grad_race_cells=lstm"


def _main_text(page) -> str:
    return page.get_by_test_id("stMain").inner_text()


@pytest.mark.browser
def test_gradients_page_opens_by_url_and_races_two_cells(server, page):
    page.goto(f"{server}/{URL}")
    wait_ready(page)
    main = page.get_by_test_id("stMain")
    assert main.locator("h1").filter(has_text="Gradients through time").count() == 1
    assert exceptions(page) == []
    assert "0 of at most" in _main_text(page)
    # the profile of the untrained model, the race and the cached sweep show before anything trains
    page.wait_for_function(
        "() => document.querySelectorAll(\"[data-testid='stMain'] [data-testid='stPlotlyChart']\").length >= 3",
        timeout=15_000)

    # the second Start button belongs to the race (the first to the single model)
    main.get_by_role("button", name=re.compile("Start")).nth(1).click()
    page.wait_for_function(
        "() => /([1-9]\\d*) of at most \\d+ epochs \\(all cells\\)/.test("
        "document.querySelector(\"[data-testid='stMain']\").innerText)", timeout=30_000)
    page.wait_for_function(
        "() => /(\\d+) of at most \\d+ epochs \\(all cells\\) · done/.test("
        "document.querySelector(\"[data-testid='stMain']\").innerText)", timeout=60_000)
    wait_ready(page)
    assert exceptions(page) == []
    done = re.search(r"(\d+) of at most (\d+) epochs \(all cells\)", _main_text(page))
    assert done and done.group(1) == done.group(2) == "120", "the two cells from the URL trained 60 epochs each"
    main.get_by_text("Side by side").scroll_into_view_if_needed()
    screenshot(page, "gradients_race")
