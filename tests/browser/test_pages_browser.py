"""Every page opened directly by its URL in Chromium, and the Train flow clicked through."""

from __future__ import annotations

import re
import time

import pytest

from tests.browser.conftest import LONG_RUN, exceptions, pause_holds, read_epoch, screenshot, wait_ready

PAGES = ["", "Sequence_data", "Windows", "Recurrent_layer", "Train"]


@pytest.mark.browser
@pytest.mark.parametrize("path", PAGES)
def test_page_opens_by_url_without_exception(server, page, path):
    page.goto(f"{server}/{path}")
    wait_ready(page)
    started = time.perf_counter()  # again on the warm server: caches filled, modules imported
    page.goto(f"{server}/{path}")
    wait_ready(page)
    painted = time.perf_counter() - started
    main = page.get_by_test_id("stMain")
    assert main.locator("h1").count() >= 1, "every page has a title"
    assert exceptions(page) == []
    screenshot(page, f"page_{path or 'home'}")
    print(f"{path or 'home'} painted in {painted:.2f} s")





@pytest.mark.browser
def test_train_start_pause_resume(server, page):
    # the most epochs allowed, in small batches: no machine finishes this during the test
    page.goto(f"{server}/Train?{LONG_RUN}")
    wait_ready(page)
    main = page.get_by_test_id("stMain")
    assert "Epoch 0 of 500" in main.inner_text(), "the link's epochs were taken"
    clicked = time.perf_counter()
    main.get_by_role("button", name=re.compile("Start")).click()
    page.wait_for_function(
        "() => /Epoch [1-9]\\d* of/.test(document.querySelector(\"[data-testid='stMain']\").innerText)",
        timeout=15_000)
    first_point = time.perf_counter() - clicked
    # the epoch counter can paint a moment before plotly has laid out the second chart
    page.wait_for_function(
        "() => document.querySelectorAll(\"[data-testid='stMain'] [data-testid='stPlotlyChart']\").length >= 2",
        timeout=10_000)
    page.wait_for_function(
        "() => /Epoch ([3-9]|\\d\\d+) of/.test(document.querySelector(\"[data-testid='stMain']\").innerText)",
        timeout=20_000)
    assert exceptions(page) == []
    screenshot(page, "train_running")

    held = pause_holds(page, read_epoch)

    main.get_by_role("button", name=re.compile("Resume")).click()
    page.wait_for_function(
        f"() => {{ const m = /Epoch (\\d+) of/.exec(document.querySelector(\"[data-testid='stMain']\").innerText);"
        f" return m && +m[1] > {held}; }}", timeout=20_000)
    # steady state: epochs shown on screen between two readings 8 s apart, while it trains
    first, since = read_epoch(page), time.perf_counter()
    time.sleep(8)
    rate = (read_epoch(page) - first) / (time.perf_counter() - since)
    assert rate > 0, "Resume continues"
    assert exceptions(page) == []
    main.get_by_role("button", name=re.compile("Pause")).click()
    wait_ready(page)  # the results table (an ARIMA fit) must not share the CPU with the headless figure
    headless = _headless_rate(seconds=3.0)
    print(f"first loss point visible {first_point:.2f} s after Start; {rate:.1f} epochs/s in the browser; "
          f"headless {headless:.1f} epochs/s; live/headless time ratio {headless / rate:.2f}")


def _headless_rate(seconds: float) -> float:
    """Epochs per second of the same config trained directly (the figure the ratio target uses)."""
    from rnn_core import config, data
    from rnn_core.training.trainer import Trainer

    cfg = config.PRESETS["default"]
    tr = Trainer(cfg.replace(train={"epochs": 500, "batch_size": 8}), data.load(cfg.data.name, **cfg.data.kwargs()))
    tr.run(max_epochs=3)  # warm-up, as the browser run had been going before Resume
    start, done = time.perf_counter(), tr.epoch
    tr.run(budget_s=seconds)
    return (tr.epoch - done) / (time.perf_counter() - start)
