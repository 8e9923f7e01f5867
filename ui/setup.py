"""Page setup every page calls first, so each page works when opened directly by its URL."""

from __future__ import annotations

import html
import re
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from rnn_core import runtime
from rnn_core.errors import PlaygroundError
from ui import classroom, memory, run_store
from ui.classroom import plotly_chart  # noqa: F401 - pages draw charts through it (lecture mode)

ASSETS = Path(__file__).resolve().parent.parent / "assets"

runtime.use_one_thread()  # once per server process, before any training or ARIMA fit

# Pages in lecture order: (file, title, icon, one line on what it is for).
PAGES = [
    ("app.py", "Home", "🏠", "What this is and how to use it."),
    ("pages/1_Sequence_data.py", "Sequence data", "📈",
     "Pick a sequence or upload one; trends, seasonality and naive forecasts."),
    ("pages/2_Windows.py", "Windows", "🪟",
     "Cut a sequence into inputs and targets: next value, next n values, seq2seq; scaling."),
    ("pages/3_Recurrent_layer.py", "The recurrent layer", "🔁",
     "The equation and the code that runs it, unrolled through time; tanh vs relu; RNN vs MLP."),
    ("pages/4_Train.py", "Train", "🏋️",
     "Train a small RNN live, watch loss, predictions and gradients, compare with naive and ARIMA."),
    ("pages/5_Gradients_through_time.py", "Gradients through time", "📉",
     "Watch ∂L/∂hₜ vanish or explode while a model trains; clipping, gates, leaky and skip cells; "
     "how far back each cell remembers."),
    ("pages/6_Inside_LSTM_and_GRU.py", "Inside LSTM and GRU", "🔬",
     "The LSTM and GRU cells drawn with the code's names, their gates at work on your sequence, "
     "and measured speed vs a vanilla RNN."),
    ("pages/7_Forecast_arena.py", "Forecast arena", "🏟️",
     "Naive, ARIMA and networks scored on the same test points; error by horizon, residuals, "
     "rolling origin, three multi-step strategies."),
    ("pages/8_Transfer_learning.py", "Transfer learning", "🧳",
     "Pretrain on sine waves, copy to a new series with little data: freeze, fine-tune or retrain "
     "each layer, race it against training from scratch."),
    ("pages/9_Text_generation.py", "Text generation", "✍️",
     "A character-level language model trained live: samples at several temperatures, "
     "next-character probabilities."),
]


def page_setup(title: str, icon: str = "🔁") -> None:
    """Set the page config and the sidebar map. Call once, first, on every page."""
    st.set_page_config(page_title=f"{title} · RNN Playground", page_icon=icon, layout="wide")
    with st.sidebar:
        for path, label, page_icon, _ in PAGES:
            _link(path, label, page_icon)
        st.divider()
    classroom.begin()
    run_store.restore()  # a reload takes the session's runs back (?run=<id>)
    memory.collector()  # one per server: gives back what closed sessions leave behind


def url_checked() -> None:
    """Call after a page's widgets: notes for link values a control could not take."""
    classroom.check_url()


def _link(path: str, label: str, icon: str) -> None:
    try:
        st.page_link(path, label=label, icon=icon)
    except StreamlitPageNotFoundError:
        # a page run on its own (AppTest.from_file on one page) has no app around it to link to
        st.markdown(f"{icon} {label}")


def page_map() -> None:
    """Links to every page in lecture order, each with its one-line purpose."""
    for path, title, icon, blurb in PAGES[1:]:
        _link(path, f"**{title}**: {blurb}", icon)


_AUTOLINK = re.compile(r"(?i)https?|ftp|www|mailto|@")
_MARKDOWN_ACTIVE = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=^])")


def plain(text) -> str:
    """``text`` shown as it is inside markdown: every character markdown (or Streamlit's ``:red[...]``,
    ``$...$`` and emoji codes) would act on is escaped, so a column named ``[x](http://...)`` stays text.
    """
    escaped = _MARKDOWN_ACTIVE.sub(r"\\\1", str(text))
    # a bare address is made a link even when escaped: a zero-width space keeps it from being recognised
    return _AUTOLINK.sub(lambda m: m.group(0)[0] + "\u200b" + m.group(0)[1:], escaped)


def chart_text(text) -> str:
    """``text`` for a plotly title or axis label: plotly reads tags such as ``<a href>``, so they are escaped."""
    return html.escape(str(text))


_SUFFIXES = ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"))


def number(v, digits: int = 3) -> str:
    """A value short enough for a metric card: ``3.77 M`` rather than ``3770000`` or ``3.77e+06``.

    Examples
    --------
    >>> [number(x) for x in (0.01234, 3.774e6, -2.5e4, 4.2e-5, 1.77e21, float("inf"), None)]
    ['0.0123', '3.77 M', '-25 k', '4.2e-5', '2e21', '∞', '–']

    Past 10¹⁵ (a loss that blew up) only the power of ten matters, and one digit keeps the card on one line.
    """
    if v is None or v != v:
        return "–"
    if abs(v) == float("inf"):
        return "∞" if v > 0 else "-∞"
    size = abs(v)
    if 1e-3 <= size < 1e4 or size == 0:
        return f"{v:.{digits}g}"
    for scale, suffix in _SUFFIXES:
        if scale <= size < 1e15:
            return f"{v / scale:.{digits}g} {suffix}"
    mantissa, exponent = f"{v:.{0 if size >= 1e15 else max(1, digits - 1)}e}".split("e")
    return f"{float(mantissa):g}e{int(exponent)}"


def show_error(err: Exception) -> None:
    """A friendly message in the page instead of a traceback (its text may quote a user's file: shown plain)."""
    st.error(plain(err), icon="⚠️")


@contextmanager
def guarded(stop: bool = False):
    """``with guarded():`` shows a :class:`PlaygroundError` raised inside as a message in the page,
    and the page carries on (or ends there with ``stop=True``)."""
    try:
        yield
    except PlaygroundError as err:
        show_error(err)
        if stop:
            st.stop()


@lru_cache(maxsize=32)
def prose(page: str) -> dict:
    """The explanations of one page, from ``assets/prose/<page>.md``: key -> markdown.

    A section starts with a line ``<!-- key -->``; the text up to the next such line is its body.
    """
    text = (ASSETS / "prose" / f"{page}.md").read_text(encoding="utf-8")
    parts = re.split(r"^<!-- ([a-z0-9_]+) -->\s*$", text, flags=re.M)
    return {key: body.strip() for key, body in zip(parts[1::2], parts[2::2], strict=True)}


def choices_help(labels: dict) -> str:
    """A tooltip naming each option: the URL and the code use the short name, this says what it is."""
    return "  \n".join(f"**{name}**: {label}" for name, label in labels.items())


def explain(text: str) -> None:
    """A paragraph of explanation; in lecture mode folded under "Explanation", so the projected
    page keeps its controls and charts while the instructor does the talking."""
    if st.session_state.get("lecture"):
        with st.expander("📖 Explanation"):
            st.markdown(text)
    else:
        st.markdown(text)


def explore_box(title: str, body: str, answer: str | None, key: str) -> None:
    """An Explore expander: an experiment to try on what is on screen, an answer behind a toggle."""
    with st.expander(f"Explore: {title}"):
        st.markdown(body)
        if answer and st.toggle("Show an answer", key=key):
            st.markdown(answer)
