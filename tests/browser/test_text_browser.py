"""The Text generation page in Chromium: opens by its URL, trains live, writes samples, pauses."""

from __future__ import annotations

import re
import time

import pytest

from tests.browser.conftest import exceptions, pause_holds, read_epoch, screenshot, wait_ready

EPOCH = "document.querySelector(\"[data-testid='stMain']\").innerText"


@pytest.mark.browser
def test_text_generation_trains_writes_and_pauses(server, page):
    page.goto(f"{server}/Text_generation?text_epochs=2000")
    wait_ready(page)
    main = page.get_by_test_id("stMain")
    assert main.locator("h1").first.inner_text().startswith("✍️ Text generation")
    assert exceptions(page) == []
    assert main.get_by_test_id("stCode").count() == 3, "three samples side by side"

    clicked = time.perf_counter()
    main.get_by_role("button", name=re.compile("Start")).click()
    page.wait_for_function(f"() => /Epoch ([5-9]|\\d\\d+) of/.test({EPOCH})", timeout=30_000)
    five_epochs = time.perf_counter() - clicked
    page.wait_for_function(
        "() => document.querySelectorAll(\"[data-testid='stMain'] [data-testid='stPlotlyChart']\").length >= 2",
        timeout=10_000)
    time.sleep(4)  # samples are rewritten every few seconds while training
    samples = main.get_by_test_id("stCode").all_inner_texts()
    assert len(samples) == 3 and all(s.startswith("th") for s in samples)
    assert exceptions(page) == []
    screenshot(page, "text_generation_running")

    pause_holds(page, read_epoch)
    assert exceptions(page) == []
    print(f"text generation: 5 epochs {five_epochs:.1f} s after Start")
