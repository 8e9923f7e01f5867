"""Shared AppTest helpers: run a page with some session state, read its plotly charts."""

import base64
import json
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


def run_page(filename: str, **state) -> AppTest:
    """Run ``pages/<filename>`` (or ``app.py``) once with ``state`` preset; it must not raise."""
    path = ROOT / filename if filename == "app.py" else ROOT / "pages" / filename
    app = AppTest.from_file(str(path), default_timeout=60)
    for key, value in state.items():
        app.session_state[key] = value
    app.run()
    assert not app.exception, [e.message for e in app.exception]
    return app


def chart(at, key: str) -> dict:
    """The plotly figure (as a dict) of the chart with this key."""
    for element in at.get("plotly_chart"):
        if element.proto.id.endswith(key):  # a keyed element's id ends with its key
            return json.loads(element.proto.spec)
    raise AssertionError(f"no chart {key!r}")


def plotly_array(a) -> list:
    """A trace's x or y: plotly sends numpy arrays as {"dtype", "bdata"} (base64), lists as they are."""
    if isinstance(a, dict) and "bdata" in a:
        return np.frombuffer(base64.b64decode(a["bdata"]), dtype=np.dtype(a["dtype"])).tolist()
    return list(a)


def tick_until(at, done, max_ticks: int = 400):
    """Run fragment ticks until ``done(at)``: a tick trains for a time budget, so how many ticks a
    result takes depends on the machine's speed and load, never what the result is."""
    for _ in range(max_ticks):
        if done(at):
            return at
        at.run()
    assert done(at), f"not reached in {max_ticks} ticks"
    return at
