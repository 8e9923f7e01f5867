"""What a lecture hall sees: live elements that do not blink, and no text cut to "…" at 1280 px."""

from __future__ import annotations

import re
import time

import pytest

from tests.browser.conftest import LONG_RUN, exceptions, screenshot, wait_ready

ALL_PAGES = ["", "Sequence_data", "Windows", "Recurrent_layer", "Train", "Gradients_through_time",
             "Inside_LSTM_and_GRU", "Forecast_arena", "Transfer_learning", "Text_generation"]

# the lowest effective opacity (own opacity times every ancestor's) of the charts, metric
# cards and progress bar in the page's main area
_MIN_OPACITY = """() => {
  const main = document.querySelector("[data-testid='stMain']");
  const parts = main.querySelectorAll("[data-testid='stPlotlyChart'], [data-testid='stMetric'], [data-testid='stProgress']");
  let lowest = 1;
  for (const el of parts) {
    let o = 1;
    for (let n = el; n && n !== document.body; n = n.parentElement) o *= +getComputedStyle(n).opacity;
    lowest = Math.min(lowest, o);
  }
  return [parts.length, lowest];
}"""

# texts a reader sees cut: ending in an ellipsis, or overflowing a box that draws one
_CUT_TEXTS = """() => {
  const main = document.querySelector("[data-testid='stMain']");
  const cut = [];
  for (const el of main.querySelectorAll("[data-testid='stMetric'] *, button, button *")) {
    if (!el.offsetParent) continue;
    const style = getComputedStyle(el);
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim().endsWith("…"));
    const clipped = style.textOverflow === "ellipsis" && el.scrollWidth > el.clientWidth + 1;
    if (own || clipped) cut.push(el.innerText.slice(0, 60));
  }
  return cut;
}"""


@pytest.mark.browser
def test_the_live_view_stays_opaque_while_it_trains(server, page):
    page.goto(f"{server}/Train?{LONG_RUN}")
    wait_ready(page)
    page.get_by_test_id("stMain").get_by_role("button", name=re.compile("Start")).click()
    page.wait_for_function(
        "() => /Epoch ([2-9]|\\d\\d+) of/.test(document.querySelector(\"[data-testid='stMain']\").innerText)",
        timeout=30_000)
    samples = []
    for _ in range(20):
        samples.append(page.evaluate(_MIN_OPACITY))
        time.sleep(0.25)
    assert all(n >= 3 for n, _ in samples), "charts, metrics and the progress bar are on screen"
    lowest = min(o for _, o in samples)
    print(f"lowest opacity of a live element over 20 samples: {lowest:.2f}")
    assert lowest >= 0.9, f"the live view faded to {lowest:.2f} while training"
    assert exceptions(page) == []


@pytest.mark.browser
@pytest.mark.parametrize("path", ALL_PAGES)
def test_nothing_is_cut_short_at_1280_px_in_lecture_mode(server, browser, path):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        page.goto(f"{server}/{path}?lecture=true")
        wait_ready(page)
        if path == "Train":  # numbers in the metric cards, not dashes
            page.get_by_test_id("stMain").get_by_role("button", name=re.compile("Step one epoch")).click()
            page.wait_for_function(
                "() => /Epoch 1 of/.test(document.querySelector(\"[data-testid='stMain']\").innerText)",
                timeout=30_000)
            wait_ready(page)
        cut = page.evaluate(_CUT_TEXTS)
        screenshot(page, f"lecture_1280_{path or 'home'}")
        assert cut == [], f"cut to '…' at 1280 px: {cut}"
        assert exceptions(page) == []
    finally:
        context.close()
