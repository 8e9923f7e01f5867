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
from rnn_core.forecasting import baselines, metrics
from ui.setup import explore_box

ASSETS = Path(__file__).resolve().parent.parent / "assets"
# statsmodels' ADF, PACF and STL slow down steeply with length (ADF on 200,000 values takes
# minutes): on a long series they look at the recent past only, and the page says so.
STATS_MAX = 5000
STL_BUDGET = 1_000_000  # values × period: about half a second of STL


# ---------------------------------------------------------------- cached statistics

@st.cache_data(max_entries=32, show_spinner=False)
def forecasts(values: np.ndarray, today: int, period: int | None, methods: tuple, one_step: bool):
    """Each method's forecast of ``values[today:]`` and its scores, as (name -> (H,), table).

    ``one_step``: at every future point forecast one step from the true history up to it;
    otherwise forecast the whole future at once from today.
    """
    past, future = values[:today], values[today:]
    horizon = len(future)
    out = {}
    for name in methods:
        if name == "seasonal_naive" and not period:
            continue
        if one_step:
            out[name] = baselines.rolling_forecasts(name, values, np.arange(today, len(values)), 1, period)[:, 0]
        else:
            out[name] = baselines.rolling_forecasts(name, values, [today], horizon, period)[0]
    scores = {name: metrics.score(future[:, None], pred[:, None], past) for name, pred in out.items()}
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
    st.markdown(f"**{series.name}**: {series.description}")
    cols = st.columns(4)
    cols[0].metric("length", f"{len(series):,} values")
    cols[1].metric("unit", series.unit or "–")
    cols[2].metric("seasonal period", f"{series.period} steps" if series.period else "none known")
    first, last = series.index[0], series.index[-1]
    dated = isinstance(series.index, pd.DatetimeIndex)
    span = f"{first:%Y-%m-%d} → {last:%Y-%m-%d}" if dated else f"steps {first}–{last}"
    cols[3].metric("time span", span)
    st.caption(f"Source: {series.source or 'unknown'}")
    for note in series.notes:
        st.info(note, icon="ℹ️")


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
