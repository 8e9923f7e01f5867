"""The Forecast arena in Chromium: opens by its URL, and the scoreboard follows the dataset and the models."""

from __future__ import annotations

import time

import pytest

from tests.browser.conftest import exceptions, screenshot, wait_ready


def _scoreboard(page) -> str:
    return page.get_by_test_id("stMain").get_by_test_id("stTable").first.inner_text()


@pytest.mark.browser
def test_arena_scores_and_follows_dataset_and_models(server, page):
    started = time.perf_counter()
    page.goto(f"{server}/Forecast_arena?dataset=ar1&epochs=2")  # short training: the test is about the page
    wait_ready(page, timeout_ms=120_000)
    first = time.perf_counter() - started
    main = page.get_by_test_id("stMain")
    assert "Forecast arena" in main.locator("h1").first.inner_text()
    assert exceptions(page) == []
    board = _scoreboard(page)
    assert "ARIMA(1, 0, 0)" in board and "GRU" in board and "drift" in board
    assert main.get_by_test_id("stPlotlyChart").count() >= 3
    screenshot(page, "page_Forecast_arena")

    # the sidebar's dataset picker: a chaotic map instead of AR(1)
    page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").filter(has_text="Dataset").click()
    page.get_by_role("option", name="logistic", exact=True).click()
    page.wait_for_function(
        "() => { const t = document.querySelector(\"[data-testid='stMain'] [data-testid='stTable']\");"
        " return t && !t.innerText.includes('ARIMA(1, 0, 0)'); }", timeout=120_000)
    wait_ready(page, timeout_ms=120_000)
    assert exceptions(page) == []
    assert "GRU" in _scoreboard(page)

    # a model taken out of the arena leaves the scoreboard
    main.get_by_role("button", name="Remove drift").click()
    page.wait_for_function(
        "() => { const t = document.querySelector(\"[data-testid='stMain'] [data-testid='stTable']\");"
        " return t && !t.innerText.includes('drift'); }", timeout=60_000)
    wait_ready(page)
    assert exceptions(page) == []
    assert "naive" in _scoreboard(page)
    print(f"arena first paint {first:.2f} s")
