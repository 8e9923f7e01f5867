"""Lecture mode, exercise links and link checks in Chromium."""

from __future__ import annotations

import pytest

from tests.browser.conftest import exceptions, screenshot, wait_ready

_FONT = "() => parseFloat(getComputedStyle(document.querySelector(\"[data-testid='stMain'] p\")).fontSize)"


@pytest.mark.browser
def test_lecture_mode_enlarges_the_page(server, page):
    page.goto(f"{server}/Sequence_data")
    wait_ready(page)
    plain = page.evaluate(_FONT)
    page.goto(f"{server}/Sequence_data?lecture=true")
    wait_ready(page)
    assert page.evaluate(_FONT) >= 1.2 * plain
    assert exceptions(page) == []
    screenshot(page, "lecture_mode")


@pytest.mark.browser
def test_an_exercise_link_leaves_only_the_chosen_control(server, page):
    page.goto(f"{server}/Train?only=cell")
    wait_ready(page)
    assert page.locator(".st-key-cell").is_visible()
    assert not page.locator(".st-key-lr").is_visible()
    assert not page.locator(".st-key-dataset").is_visible()
    assert page.locator(".st-key-start_pause").is_visible(), "buttons stay"
    screenshot(page, "exercise_link")


@pytest.mark.browser
def test_a_bad_link_value_is_a_note_and_moving_a_control_is_not(server, page):
    page.goto(f"{server}/Train?lookback=abc&hidden_size=20")
    wait_ready(page)
    main = page.get_by_test_id("stMain")
    assert main.get_by_text("which this control cannot take").count() == 1
    seed = page.locator(".st-key-seed input")
    seed.fill("3")
    seed.press("Enter")
    page.wait_for_function("() => location.search.includes('seed=3')", timeout=10_000)
    # the rerun the change starts must not repeat the note (wait for it, the URL changes first)
    main.get_by_text("which this control cannot take").wait_for(state="detached", timeout=15_000)
    wait_ready(page)
    assert "hidden_size=20" in page.url, "the link keeps the values the student set"
