"""Streamlit helpers of the Sequence data and Windows pages: cached statistics, facts, Explore prompts.

Statistics are cached on plain values (numpy arrays, ints, strings); every function that can
meet a bad series lets rnn_core's PlaygroundError through for the page to show.
"""

from __future__ import annotations

import dataclasses
import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from rnn_core.config import WindowConfig
from rnn_core.data import stats, windows
from rnn_core.forecasting import baselines
from rnn_core.plots import series as plots
from ui.setup import chart_text, explore_box, plain, plotly_chart

BIND = {"bind": "query-params", "persist_state": "session"}

ASSETS = Path(__file__).resolve().parent.parent / "assets"
# statsmodels' ADF, PACF and STL slow down steeply with length (ADF on 200,000 values takes
# minutes): on a long series they look at the recent past only, and the page says so.
STATS_MAX = stats.MAX_TEST_VALUES
STL_BUDGET = 1_000_000  # values × period: about half a second of STL


# ---------------------------------------------------------------- cached statistics

@st.cache_data(max_entries=32, show_spinner=False)
def forecasts(values: np.ndarray, today: int, period: int | None, methods: tuple, one_step: bool):
    """Each method's forecast of ``values[today:]`` and its scores, as (name -> (H,), table).

    ``one_step``: at every future point forecast one step from the true history up to it;
    otherwise forecast the whole future at once from today.
    """
    out, scores = baselines.from_today(values, today, methods, period, one_step)
    return out, pd.DataFrame(scores).T[["mae", "rmse", "mase"]]


@st.cache_data(max_entries=32, show_spinner=False)
def differenced(values: np.ndarray, lag: int) -> np.ndarray:
    return stats.difference(values, 1, lag)


@st.cache_data(max_entries=32, show_spinner=False)
def adf(values: np.ndarray):
    return stats.adf_test(values)


@st.cache_data(max_entries=16, show_spinner=False)
def stl(values: np.ndarray, period: int) -> pd.DataFrame:
    return stats.stl_decompose(values, period)


@st.cache_data(max_entries=32, show_spinner=False)
def acf_pacf(values: np.ndarray, nlags: int):
    return stats.acf_pacf(values, nlags)


@st.cache_data(max_entries=32, show_spinner=False)
def split_summary(values: np.ndarray, cfg: WindowConfig) -> dict:
    """What the page shows of ``windows.prepare``: bounds a, b, window counts and the fitted scaler.

    The windows themselves are dropped (only this small dict is cached). Seq2seq targets
    (N, lookback, horizon) can run to gigabytes on a long series; the split, the counts and
    the scaler are the same as multi's, so those windows are the ones built here.
    """
    if cfg.mode == "seq2seq":
        cfg = dataclasses.replace(cfg, mode="multi")
    p = windows.prepare(values, cfg)
    return {"a": p.a, "b": p.b, "scaler": p.scaler,
            "counts": {"train": len(p.train), "val": len(p.val), "test": len(p.test)}}


def first_windows(values: np.ndarray, lookback: int, horizon: int, mode: str, first: int = 10):
    """The first ``first`` windows (X, Y as make_windows gives them) and how many the series makes.

    Only a prefix of the series is cut, so a long series with a long lookback costs nothing;
    a series too short for one window raises make_windows' own DataError.
    """
    X, Y = windows.make_windows(values[: lookback + horizon - 1 + first], lookback, horizon, mode)
    return X, Y, len(windows.window_origins(len(values), lookback, horizon))


def recent(values: np.ndarray, x, limit: int = STATS_MAX):
    """The most recent ``limit`` values and their times; shorter series come back whole."""
    return (values, x) if len(values) <= limit else (values[-limit:], x[-limit:])


def stl_limit(period: int) -> int:
    """How many recent values STL gets: its cost grows with length × period; two seasons at least."""
    return max(2 * period, min(STATS_MAX, STL_BUDGET // period))


# ---------------------------------------------------------------- tables and facts

def fmt_value(v: float) -> str:
    """A whole number prints as one (the lecture writes 3, not 3.0); others with 4 significant digits."""
    v = float(v)
    return str(int(v)) if v.is_integer() and abs(v) < 1e15 else f"{v:.4g}"


def fmt_list(a) -> str:
    """Nested Python-style lists: ``[[1, 2], [2, 3]]``."""
    a = np.asarray(a)
    if a.ndim == 0:
        return fmt_value(a)
    return "[" + ", ".join(fmt_list(x) for x in a) + "]"


def window_table(X: np.ndarray, Y: np.ndarray, mode: str, first: int = 10) -> pd.DataFrame:
    """The first windows as the lecture writes them: inputs and targets as lists.

    X (N, lookback, 1), Y (N, 1) / (N, horizon) / (N, lookback, horizon). A seq2seq target with
    horizon 1 is written flat, [1, 2, 3], as the lecture does (we hold it as [[1], [2], [3]]).
    """
    rows = []
    for i in range(min(first, len(X))):
        y = Y[i]
        if mode == "seq2seq" and y.shape[-1] == 1:
            y = y[:, 0]
        rows.append({"window": i, "input": fmt_list(X[i, :, 0]), "target": fmt_list(y)})
    return pd.DataFrame(rows, columns=["window", "input", "target"])


def facts(series) -> None:
    """What the series is: description, source, unit, length, period, and what was changed."""
    st.markdown(f"**{plain(series.name)}**: {plain(series.description)}")
    cols = st.columns(4)
    cols[0].metric("length", f"{len(series):,} values")
    cols[1].metric("unit", series.unit or "–")
    cols[2].metric("seasonal period", f"{series.period} steps" if series.period else "none known")
    first, last = series.index[0], series.index[-1]
    dated = isinstance(series.index, pd.DatetimeIndex)
    span = f"{first:%Y-%m-%d} → {last:%Y-%m-%d}" if dated else f"steps {first}–{last}"
    cols[3].metric("time span", span)
    st.caption(f"Source: {plain(series.source or 'unknown')}")
    for note in series.notes:
        st.info(plain(note), icon="ℹ️")


# ---------------------------------------------------------------- Explore prompts

@lru_cache(maxsize=8)
def _prompts(asset: str) -> dict:
    """``## id | title`` blocks of an asset file -> id -> (title, body, answer)."""
    text = (ASSETS / asset).read_text(encoding="utf-8")
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    out = {}
    for block in re.split(r"^## ", text, flags=re.M)[1:]:
        head, _, rest = block.partition("\n")
        key, _, title = head.partition("|")
        body, _, answer = rest.partition("### Answer")
        out[key.strip()] = (title.strip(), body.strip(), answer.strip())
    return out


def explore(asset: str, key: str) -> None:
    """An Explore expander: an experiment to try on what is on screen, the answer behind a toggle."""
    explore_box(*_prompts(asset)[key], key=f"answer_{key}")


# ---------------------------------------------------------------- the page's sections

def past_future_section(series) -> int | None:
    """Today's split, the naive forecasts drawn and scored on the future; returns the season length chosen."""
    values, x, n = series.values, series.index, len(series)
    c1, c2, c3, c4 = st.columns(4)
    today_pct = c1.slider("today (% of the series in the past)", 50, 95, 80, 5, key="today", **BIND)
    one_step = c2.radio("Forecast", ["from today", "one step ahead"], key="forecast_style", horizontal=True,
                        help="From today: the whole future in one go. One step ahead: at every future point, "
                             "forecast the next value from the true values up to it.", **BIND) == "one step ahead"
    extra = c3.multiselect("Also draw", ["drift", "mean"], key="extra_forecasts",
                           help="Drift continues the line from the first to the last known value; "
                                "mean repeats the average of the past.")
    season_key = f"season_{series.name}_{n}"  # a new series starts from its own period
    period = int(c4.number_input("season length (steps; 0 = none)", 0, n // 2, min(series.period or 0, n // 2), 1,
                                 key=season_key, help="Used by the seasonal naive forecast and STL below.")) or None
    today = baselines.today_at(n, today_pct)
    preds, scores = forecasts(values, today, period, ("naive", "seasonal_naive", *extra), one_step)
    plotly_chart(plots.past_future_figure(x, values, today, preds, f"{chart_text(series.name)}: what a naive "
                                          "forecast sees", chart_text(series.unit or "value")),
                 key="past_future", width="stretch")
    scores.index = [plots.FORECAST_LABELS.get(i, i) for i in scores.index]
    st.dataframe(scores.style.format("{:.4g}").highlight_min(axis=0, color="#bbf7d0"), width="stretch")
    st.caption(f"Errors over the {n - today:,} future values, in {plain(series.unit or 'value')}. MASE divides "
               "the MAE by the one-step naive forecast's error on the past: below 1 beats that one-step naive; "
               "forecasting many steps ahead, even naive scores above 1." +
               ("" if period else " Seasonal naive needs a season length."))
    return period


def stl_section(work, wx, period: int | None) -> None:
    if not period:
        st.info("Set a season length above (e.g. 12 for monthly data, 24 for hourly) to split the series into "
                "trend, seasonal pattern and residual.")
        return
    lv, lx = recent(work, wx, stl_limit(period))
    parts = stl(lv, period)
    plotly_chart(plots.stl_figure(lx, parts, f"STL decomposition with period {period}"), key="stl", width="stretch")
    st.caption(f"STL (seasonal-trend decomposition by Loess) fits smooth local curves to split the series into a "
               f"slow trend, a pattern repeating every {period} steps, and the rest; trend + season + rest "
               "add up to the series.")


def acf_section(sv, label: str) -> None:
    nlags = st.columns(2)[0].slider("lags", 5, 200, 40, key="nlags", **BIND)
    acf, pacf, band = acf_pacf(sv, nlags)
    plotly_chart(plots.acf_figure(acf, pacf, band, f"How much each value resembles the one k steps before: "
                                  f"{label}"), key="acf", width="stretch")
    st.caption("Bars beyond the dashed band are correlations unlikely to be chance. A slowly fading ACF means a "
               "trend; peaks at the season length mean a cycle.")


# ---------------------------------------------------------------- the Windows page's sections

LECTURE_ROWS = {  # the lecture's rows on 0..9 with lookback 3: (mode, horizon) -> first target
    ("next", 1): "[3]", ("multi", 2): "[3, 4]", ("seq2seq", 1): "[1, 2, 3]",
    ("seq2seq", 2): "[[1, 2], [2, 3], [3, 4]]", ("seq2seq", 3): "[[1, 2, 3], [2, 3, 4], [3, 4, 5]]",
}


def windows_section(values, lookback: int, horizon: int, mode: str, example: bool) -> None:
    """The first windows as a table (checked against the lecture's on 0..9), and one drawn on the series."""
    X, Y, N = first_windows(values, lookback, horizon, mode)
    table = window_table(X, Y, mode)
    st.dataframe(table, hide_index=True, width="stretch", key="window_table",
                 column_config={"window": st.column_config.NumberColumn(width="small")})
    shape = ", ".join(str(d) for d in Y.shape[1:])
    st.caption(f"{N:,} windows from {len(values):,} values (the first {len(X)} shown): X has shape "
               f"({N}, {lookback}, 1), Y ({N}, {shape})." + ("" if example else " Values before scaling."))
    row = LECTURE_ROWS.get((mode, horizon))
    if example and lookback == 3 and row:
        same = (table.input[0], table.target[0]) == ("[0, 1, 2]", row)
        (st.success if same else st.warning)(f"The lecture's row: `[0, 1, 2]` → `{row}`" +
                                             (": the same." if same else ": different!"), icon="✅" if same else "❌")
    st.subheader("One window on the series")
    i = st.slider("which window", 0, N - 1, 0, key=f"window_index_{N}") if N > 1 else 0
    left, right = st.columns([3, 2])
    plotly_chart(where=left, fig=plots.window_figure(values, i, lookback, horizon, mode,
                                                     f"Window {i}: inputs and targets"),
                 key="window_chart", width="stretch")
    plotly_chart(where=right, fig=plots.supervision_figure(i, lookback, horizon, mode, "Which index each output learns"),
                 key="supervision_chart", width="stretch")
    right.caption("Rows: the time step reading that index. Columns: the outputs. An empty row is never "
                  "trained: " + ("every step gets targets in seq2seq." if mode == "seq2seq"
                                 else "only the last step's output meets the loss."))


def split_section(series, cfg: WindowConfig) -> None:
    """The chronological split of the picked series and what the scaler, fitted on training only, does."""
    st.markdown(f"**{plain(series.name)}** with lookback {cfg.lookback}: the windows the **Train** page will use.")
    split = split_summary(series.values, cfg)
    a, b, scaler_fit, values = split["a"], split["b"], split["scaler"], series.values
    plotly_chart(plots.split_figure(series.index, values, a, b, "Training, validation and test parts",
                                    chart_text(series.unit or "value")), key="split_chart", width="stretch")
    counts = st.columns(3)
    for col, part, label in zip(counts, ("train", "val", "test"), ("training", "validation", "test"), strict=True):
        col.metric(f"{label} windows", f"{split['counts'][part]:,}")
    st.caption(f"Chronological split: the targets of training windows lie in values[:{a}], validation in "
               f"values[{a}:{b}], test in values[{b}:]. A later part reads its first inputs from the part "
               "before: that is its past, not a leak.")
    plotly_chart(plots.histogram_figure(values, scaler_fit.transform(values), a, b,
                                        f"Scaler '{cfg.scaler}': values before and after"),
                 key="hist_chart", width="stretch")
    st.info(f"The scaler is fitted on the **training part only**, then applied unchanged to validation and "
            f"test: {scaler_fit.describe()}.", icon="📏")
