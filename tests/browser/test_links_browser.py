"""Every preset link keeps its state in the address bar, so a copied link reopens the same page."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest

from rnn_core import config
from rnn_core.forecasting import arena
from tests.browser.conftest import exceptions, wait_ready

# the default preset is the page's default: Streamlit leaves a default value out of the link
LINKS = [("Train", "preset", name) for name in config.PRESETS if name not in ("tiny", "default")]
LINKS += [("Forecast_arena", "arena_preset", name) for name in arena.PRESETS]


def _query(page) -> dict:
    return {k: v[-1] for k, v in parse_qs(urlsplit(page.url).query).items()}


@pytest.mark.browser
@pytest.mark.parametrize("path, param, name", LINKS)
def test_a_preset_link_stays_in_the_address_bar(server, page, path, param, name):
    page.goto(f"{server}/{path}?{param}={name}")
    wait_ready(page)
    time.sleep(0.5)  # the browser writes bound widgets into the address bar after the run
    assert _query(page).get(param) == name, page.url
    assert exceptions(page) == []


@pytest.mark.browser
def test_picking_an_arena_preset_writes_its_short_name(server, page):
    page.goto(f"{server}/Forecast_arena")
    wait_ready(page)
    name = next(iter(arena.PRESETS))
    page.get_by_test_id("stSelectbox").filter(has_text="Preset").first.click()
    page.get_by_role("option", name=name, exact=True).click()
    wait_ready(page)
    time.sleep(0.5)
    assert _query(page).get("arena_preset") == name, page.url
    page.goto(page.url)  # the copied link
    wait_ready(page)
    assert page.get_by_text(arena.PRESETS[name].reason[:40]).count() >= 1
