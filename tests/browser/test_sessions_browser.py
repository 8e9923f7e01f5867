"""Two students on one server: neither sees the other's upload, settings or model."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import exceptions, wait_ready

CSV = b"day,visitors\n" + b"".join(f"{d},{100 + (d * 37) % 23}\n".encode() for d in range(1, 301))


@pytest.mark.browser
def test_two_sessions_do_not_share_uploads_settings_or_models(server, browser):
    a = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    b = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    try:
        # student A uploads their own file and starts training on it
        a.goto(f"{server}/Train?dataset=upload&epochs=400&hidden_size=9")
        wait_ready(a)
        a.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
            files=[{"name": "student_a_private.csv", "mimeType": "text/csv", "buffer": CSV}])
        a.get_by_test_id("stSidebar").get_by_text("Time column").wait_for(timeout=20_000)
        wait_ready(a)
        a.get_by_test_id("stMain").get_by_role("button", name=re.compile("Start")).click()
        a.wait_for_function(
            "() => /Epoch [1-9]\\d* of/.test(document.querySelector(\"[data-testid='stMain']\").innerText)",
            timeout=20_000)

        # student B, at the same time, opens the same page with no link parameters
        b.goto(f"{server}/Train")
        wait_ready(b)
        text = b.get_by_test_id("stApp").inner_text()
        assert "student_a_private" not in text and "visitors" not in text
        assert re.search(r"Epoch 0 of", text), "B has no trainer of its own yet, and not A's"
        assert b.locator(".st-key-hidden_size [data-testid='stSliderThumbValue']").inner_text() == "32"
        assert "dataset=upload" not in b.url
        assert exceptions(a) == [] and exceptions(b) == []
    finally:
        a.context.close()
        b.context.close()
