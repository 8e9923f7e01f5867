"""A real `streamlit run` on a free localhost port, driven by Playwright in Debian's Chromium."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.app_server import app_server, free_port

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "tests" / "artifacts"
# A Train run no machine finishes during a test: the most epochs the slider takes, in the smallest batches
# (about 0.3 s an epoch here, so over two minutes). Tests check the page shows "of 500": a value the
# control refused would silently fall back to the default 60 epochs.
LONG_RUN = "epochs=500&batch_size=8"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM):
        return
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}: `apt-get install chromium` (CI installs it)")
    for item in items:
        if "browser" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def server():
    """The app served from the repo root; yields its base URL."""
    port, started = free_port(), time.perf_counter()
    with app_server(port):
        os.environ["RNN_PLAYGROUND_HEALTHY_S"] = f"{time.perf_counter() - started:.2f}"
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    yield pg
    context.close()


def wait_ready(page, timeout_ms: int = 60_000) -> None:
    """Until the script has finished running and no skeleton placeholder is left."""
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout_ms)
    page.wait_for_function("!document.querySelector(\"[data-testid='stSkeleton']\")", timeout=timeout_ms)


def read_epoch(page) -> int:
    """The epoch the page's progress bar shows ("Epoch 12 of 60 · ...")."""
    import re

    text = page.get_by_test_id("stMain").get_by_text(re.compile(r"Epoch \d+ of \d+")).first.inner_text()
    return int(re.search(r"Epoch (\d+) of", text).group(1))


def exceptions(page) -> list[str]:
    return page.get_by_test_id("stException").all_inner_texts()


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def pause_holds(page, read_epoch) -> int:
    """Click Pause, wait for Resume, and check the epoch count stays put; returns it."""
    import re

    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    main = page.get_by_test_id("stMain")
    pause, resume = (main.get_by_role("button", name=re.compile(name)) for name in ("Pause", "Resume"))
    pause.click()
    try:
        resume.wait_for(timeout=10_000)
    except PlaywrightTimeout:  # on a loaded machine a click can land while the fragment redraws: a second one
        if pause.is_visible():
            pause.click()
        resume.wait_for(timeout=20_000)
    wait_ready(page)
    held = read_epoch(page)
    time.sleep(1.5)
    assert read_epoch(page) == held, "Pause holds the epoch count"
    return held
