"""Nothing a user typed or uploaded reaches raw HTML: every HTML sink gets a constant or sanitised CSS.

An AST scan of the app's own code (pages/, ui/, app.py): `st.html(...)` and any call with
`unsafe_allow_html=True` must be given a module-level constant (UPPER_CASE name or a literal),
or the `css` that ui.classroom builds from plain identifiers only. rnn_core never imports
streamlit (checked too), so these are all the sinks there are.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APP_FILES = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "ui").glob("*.py"))]
SANITISED = {("classroom.py", "css")}  # built by classroom.hiding_css from [a-z0-9_] keys


def _sinks(tree: ast.AST):
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        unsafe = any(k.arg == "unsafe_allow_html" and not (isinstance(k.value, ast.Constant) and not k.value.value)
                     for k in node.keywords)
        if name == "html" or unsafe:
            yield node


def _safe(path: Path, arg: ast.expr) -> bool:
    if isinstance(arg, ast.Constant):
        return True
    if isinstance(arg, ast.Name):
        return arg.id.isupper() or arg.id.lstrip("_").isupper() or (path.name, arg.id) in SANITISED
    return False


@pytest.mark.parametrize("path", APP_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_html_sinks_take_only_constants(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for call in _sinks(tree):
        arg = call.args[0] if call.args else None
        assert arg is not None and _safe(path, arg), f"{path.name}:{call.lineno} passes non-constant HTML"


def test_rnn_core_never_imports_streamlit():
    for path in (ROOT / "rnn_core").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, (ast.Import, ast.ImportFrom)) else []
            module = node.module if isinstance(node, ast.ImportFrom) else ""
            assert not any(n.split(".")[0] == "streamlit" for n in [*names, module or ""]), path


EVIL = "[click](http://evil.invalid/x) ![i](http://evil.invalid/i.png) <a href='http://evil.invalid'>a</a> :red[x]"


@pytest.mark.parametrize("page", ["1_Sequence_data.py", "2_Windows.py"])
def test_a_column_name_with_markdown_and_html_is_shown_as_text(page):
    from tests.apptest_helpers import run_page

    rows = "".join(f"{i}\n" for i in range(60))
    at = run_page(page, dataset="upload", uploaded_csv=("evil [x](http://evil.invalid).csv",
                                                          f"{EVIL}\n{rows}".encode()))
    assert not at.exception
    shown = [e.value for kind in ("markdown", "caption", "info", "warning", "error", "success")
             for e in getattr(at, kind) if "evil" in str(e.value)]
    assert shown, "the name is shown somewhere"
    for text in shown:
        assert "](" not in text.replace("\\](", ""), f"an active markdown link: {text!r}"
        assert "<a " not in text.replace("\\<", ""), text
        assert "http" not in text, f"a bare address markdown would make a link of: {text!r}"
    for chart in at.get("plotly_chart"):
        assert "<a href" not in chart.proto.spec, "plotly would make a link of it"
