"""Classroom conveniences every page shares: lecture mode, links that hide controls, URL checks.

- **Lecture mode** (``?lecture=true``): larger type and taller charts, high contrast, captions
  folded away, for a projector.
- **Exercise links**: ``?only=cell,lr`` hides every other control on the page;
  ``?hide=lr`` hides just those. Only keys made of ``[a-z0-9_]`` are used, so nothing from
  the URL ever reaches the page's CSS except a plain identifier.
- **URL checks**: a value in the link that a control cannot take (``?lookback=abc``,
  ``?epochs=99999``) is dropped by Streamlit, which falls back to the default; we say so
  in the page instead of failing silently.
"""

from __future__ import annotations

import math
import re

import streamlit as st

from ui import streamlit_internals

_KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")
_RAW, _NOTES = "_url_raw", "_url_notes_box"
# Query parameters that are not widgets, so they are never "ignored".
NOT_WIDGETS = {"only", "hide", "embed", "embed_options", "run"}  # run: ui.run_store's id
MAX_HIDDEN = 40
LECTURE_CHART_SCALE, LECTURE_FONT_PX = 1.3, 17  # plotly's own type is 12 px

_LECTURE_CSS = """
<style>
[data-testid="stMain"] { font-size: 1.3rem; }
[data-testid="stMain"] p, [data-testid="stMain"] li, [data-testid="stMain"] label { font-size: 1.3rem; color: #000; }
[data-testid="stMain"] [data-testid="stMetricValue"], [data-testid="stMain"] [data-testid="stMetricValue"] p {
  font-size: 2.2rem; color: #000; }
[data-testid="stMain"] h1 { font-size: 3rem; }
[data-testid="stMain"] h2, [data-testid="stMain"] h3 { font-size: 2.1rem; color: #000; }
[data-testid="stMain"] [data-testid="stCaptionContainer"] { display: none; }
[data-testid="stAppViewContainer"], [data-testid="stMain"] { background: #fff; }
</style>
"""


# Streamlit fades an element to a third of its opacity while the script that drew it reruns.
# A live view reruns twice a second, so on a projector it would blink: its elements stay opaque.
# (A fixed rule: nothing from the URL or the user reaches it.)
# Metric cards and buttons wrap a long label or value onto a second line instead of cutting it
# with "…" (a narrow column at 1280 px, lecture mode's larger type).
PAGE_CSS = """
<style>
[class*="st-key-live_"] [data-stale="true"], [data-stale="true"]:has(> [class*="st-key-live_"]) {
  opacity: 1 !important; transition: none !important; }
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] *,
[data-testid="stMetricValue"], [data-testid="stMetricValue"] *,
[data-testid="stMain"] button, [data-testid="stMain"] button * {
  white-space: normal !important; text-overflow: clip !important; overflow-wrap: anywhere; }
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] *, [data-testid="stMetricValue"],
[data-testid="stMetricValue"] * { overflow: visible !important; }
</style>
"""


def _keys(text: str | None) -> list[str]:
    """Identifiers from a comma list; anything else is dropped."""
    words = [w.strip() for w in (text or "").split(",")]
    return [w for w in words if _KEY.fullmatch(w)][:MAX_HIDDEN]


def hiding_css(only: str | None, hide: str | None) -> str:
    """CSS that hides controls: every labelled widget but ``only``, or just ``hide``.

    Examples
    --------
    >>> "st-key-lr" in hiding_css(None, "lr,<script>")
    True
    """
    rules = []
    if _keys(only):
        kept = [*_keys(only), "lecture"]
        keep = "".join(f":not(.st-key-{k})" for k in kept)
        rules.append(f'[class*="st-key-"]:has([data-testid="stWidgetLabel"]){keep} {{ display: none; }}')
        # a section whose controls are all hidden goes too, and so do "Try it" buttons (they load whole set-ups)
        holds_kept = "".join(f":not(:has(.st-key-{k}))" for k in kept)
        rules.append(f'[data-testid="stExpander"]:has([class*="st-key-"] [data-testid="stWidgetLabel"]){holds_kept}'
                     ' { display: none; }')
        rules.append('[class*="st-key-question_try_"] { display: none; }')
    rules += [f".st-key-{k} {{ display: none; }}" for k in _keys(hide)]
    return f"<style>{' '.join(rules)}</style>" if rules else ""


def begin() -> None:
    """Called by ``page_setup``: lecture switch, hiding rules, and the slot for URL notes."""
    lecture = st.sidebar.toggle("🎓 Lecture mode", key="lecture", bind="query-params", persist_state="session",
                                help="For a projector: larger type and charts, high contrast, captions hidden, explanations folded.")
    st.html(PAGE_CSS)
    if lecture:
        st.html(_LECTURE_CSS)
    css = hiding_css(st.query_params.get("only"), st.query_params.get("hide"))
    if css:
        st.html(css)
    _share_box()
    st.session_state[_NOTES] = st.container()
    st.session_state[_RAW] = _tidy_query_params()


def changed_on_purpose(keys) -> None:
    """The page itself just set these controls (say, to suit a new dataset): the link's older
    values for them are not values a control refused, so :func:`check_url` says nothing of them.

    Call between :func:`begin` and :func:`check_url`, in the same run.
    """
    raw = st.session_state.get(_RAW)  # the link as this run began
    if isinstance(raw, dict):
        for key in keys:
            raw.pop(key, None)


def _non_finite(text: str) -> bool:
    """``inf``, ``-inf``, ``nan``, ``1e400``: numbers no control can hold (Streamlit would crash on them)."""
    try:
        return not math.isfinite(float(text))
    except (TypeError, ValueError):
        return False


def _tidy_query_params() -> dict:
    """Before any widget reads the link: drop non-finite numbers, which a number input cannot take
    (its default is used and :func:`check_url` says so). Returns key -> every value the link gave."""
    asked, dropped = {}, False
    for key in [k for k in st.query_params if k not in NOT_WIDGETS]:
        values = st.query_params.get_all(key)
        if not values:
            continue
        asked[key] = values
        if any(_non_finite(v) for v in values):
            try:
                del st.query_params[key]
                dropped = True
            except Exception:  # noqa: BLE001 - bound to a widget already (a rerun): it holds a valid value
                pass
    if dropped:
        streamlit_internals.reseed_from_current_query_params()
    return asked


def plotly_chart(fig, key: str, where=None, **kwargs) -> None:
    """``st.plotly_chart`` (or ``where.plotly_chart``); in lecture mode the chart is a third
    taller and its type larger, so the back row can read the axes."""
    if st.session_state.get("lecture"):
        import plotly.graph_objects as go

        fig = go.Figure(fig)  # a copy: the figure may be cached and shared
        px = LECTURE_FONT_PX  # set on each part: Streamlit's chart theme overrides the layout's font
        fig.update_layout(font_size=px, legend_font_size=px, title_font_size=px + 3,
                          height=round((fig.layout.height or 450) * LECTURE_CHART_SCALE))
        fig.update_xaxes(tickfont_size=px, title_font_size=px)
        fig.update_yaxes(tickfont_size=px, title_font_size=px)
        for note in fig.layout.annotations:  # diagram labels and notes: readable from the back row
            note.font.size = max(px - 3, round((note.font.size or 12) * LECTURE_CHART_SCALE))
        legend = fig.layout.legend
        if legend.orientation == "h" and (legend.y is None or legend.y >= 1):
            # at this size a legend above the plot runs into the title: beside it, the plot makes room
            fig.update_layout(legend=dict(orientation="v", x=1.02, xanchor="left", y=1, yanchor="top"))
    (where or st).plotly_chart(fig, key=key, **kwargs)


def apply_linked_preset(param: str, presets, apply) -> None:
    """A link with ``?<param>=name`` opens that preset once; other values in the link still win.

    ``apply(name, keep)`` writes the preset into the controls' keys except those in ``keep``
    and records ``_linked_<param>``, so a preset picked later on the page is not undone.
    Call at the top of the page, before the sequence picker draws its widgets.
    """
    name = st.query_params.get(param)
    if name in presets and st.session_state.get(f"_linked_{param}") != name:
        apply(name, keep=set(st.query_params) - {param})


def exercise_link(url: str, params: dict, keep: list[str]) -> str:
    """The page's link with its current settings, showing only the controls in ``keep``.

    Examples
    --------
    >>> exercise_link("http://x/Train?a=1", {"cell": "lstm", "only": "lr"}, ["cell"])
    'http://x/Train?cell=lstm&only=cell'
    """
    from urllib.parse import urlencode

    base = url.split("?", 1)[0]
    query = {k: v for k, v in params.items() if k not in ("only", "hide", "run")}  # a run is not shared
    if keep:
        query["only"] = ",".join(_keys(",".join(keep)))
    return f"{base}?{urlencode(query)}" if query else base


def _share_box() -> None:
    with st.sidebar.popover("🔗 Share this set-up", width="stretch"):
        st.caption("The address bar holds every setting on this page, the seed included: copy it and "
                   "a classmate opens exactly this. For an exercise, choose the controls students may "
                   "change; every other control is hidden in the link below.")
        shown = [k for k in st.query_params if _KEY.fullmatch(k) and k not in NOT_WIDGETS]
        keep = st.multiselect("Controls students may change", sorted({*shown, "cell", "lr", "hidden_size"}),
                              key="share_keep")
        url = st.context.url or ""
        st.code(exercise_link(url, {k: st.query_params[k] for k in st.query_params}, keep), language=None)


def _same(raw: str, value) -> bool:
    """Whether the widget took the URL's value (Streamlit drops values it cannot take)."""
    if isinstance(value, bool):
        return raw.strip().lower() in (("true", "1") if value else ("false", "0"))
    if isinstance(value, (int, float)):
        try:
            return math.isclose(float(raw), float(value), rel_tol=1e-9, abs_tol=1e-12)
        except ValueError:
            return False
    if isinstance(value, (list, tuple)):
        return True  # multi-value widgets: Streamlit keeps what it can; nothing to report
    return raw == str(value)


def _shown(raw: str) -> str:
    """A URL value made safe to show inside inline code (no markdown, no HTML)."""
    clean = re.sub(r"[^\w.\- ]", "?", raw)[:40]
    return clean or "(empty)"


def check_url() -> None:
    """After the page's widgets: say which link values were not used, once per link."""
    raw = st.session_state.pop(_RAW, None) or {}
    box = st.session_state.get(_NOTES)
    target = box if box is not None else st
    for key, values in raw.items():
        if key not in st.session_state:
            continue
        now = st.session_state[key]
        if len(values) > 1 and not isinstance(now, (list, tuple)):
            target.warning(f"The link gives `{_shown(key)}` {len(values)} values; the control uses "
                           f"`{_shown(str(now))}`.", icon="🔗")
            continue
        value = values[-1]
        if _same(value, now):
            continue
        target.warning(f"The link set `{_shown(key)}` to `{_shown(value)}`, which this control cannot take; "
                       f"it uses `{_shown(str(now))}` instead.", icon="🔗")
