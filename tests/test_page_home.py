"""The home page renders and maps every page; rnn_core stays free of the UI."""

import subprocess
import sys
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


def test_home_renders_with_the_page_map():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception
    assert at.title[0].value.endswith("RNN Playground")
    text = " ".join(m.value for m in at.markdown)
    assert "hidden state" in text


def test_every_page_in_the_map_exists():
    from ui.setup import PAGES

    assert [p for p, *_ in PAGES][0] == "app.py"
    for path, *_ in PAGES:
        assert (ROOT / path).is_file(), path
    assert sorted(p.name for p in (ROOT / "pages").glob("*.py")) == sorted(Path(p).name for p, *_ in PAGES[1:])


def test_import_rnn_core_does_not_import_streamlit():
    code = ("import sys, rnn_core; "
            "from rnn_core import data, windows, config, train, experiment, baselines, diagnostics, cells, models; "
            "print('streamlit' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
