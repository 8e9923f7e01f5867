"""Streamlit helpers of the Sequence data and Windows pages: cached statistics, facts, Explore prompts.

Statistics are cached on plain values (numpy arrays, ints, strings); every function that can
meet a bad series lets rnn_core's PlaygroundError through for the page to show.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from rnn_core import baselines, metrics, windows
from rnn_core.config import WindowConfig

ASSETS = Path(__file__).resolve().parent.parent / "assets"
FORECASTS = ("naive", "seasonal_naive", "drift", "mean")
_FLAT = {"naive": baselines.naive_forecast, "drift": baselines.drift_forecast, "mean": baselines.mean_forecast}


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
            origins = np.arange(today, len(values))
            out[name] = baselines.rolling_forecasts(name, values, origins, 1, period=period)[:, 0]
        elif name == "seasonal_naive":
            out[name] = baselines.seasonal_naive_forecast(past, horizon, period)
        else:
            out[name] = _FLAT[name](past, horizon)
    scores = {name: metrics.score(future[:, None], pred[:, None], past) for name, pred in out.items()}
    return out, pd.DataFrame(scores).T[["mae", "rmse", "mase"]]


@st.cache_data(max_entries=32, show_spinner=False)
def differenced(values: np.ndarray, lag: int) -> np.ndarray:
    return baselines.difference(values, 1, lag)


@st.cache_data(max_entries=32, show_spinner=False)
def adf(values: np.ndarray):
    return baselines.adf_test(values)


@st.cache_data(max_entries=16, show_spinner=False)
def stl(values: np.ndarray, period: int) -> pd.DataFrame:
    return baselines.stl_decompose(values, period)


@st.cache_data(max_entries=32, show_spinner=False)
def acf_pacf(values: np.ndarray, nlags: int):
    return baselines.acf_pacf(values, nlags)


@st.cache_data(max_entries=32, show_spinner=False)
def prepare(values: np.ndarray, cfg: WindowConfig):
    return windows.prepare(values, cfg)


@st.cache_data(max_entries=32, show_spinner=False)
def make_windows(values: np.ndarray, lookback: int, horizon: int, mode: str):
    return windows.make_windows(values, lookback, horizon, mode)


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
    span = f"{first:%Y-%m-%d} → {last:%Y-%m-%d}" if isinstance(series.index, pd.DatetimeIndex) else f"steps {first}–{last}"
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
    title, body, answer = _prompts(asset)[key]
    with st.expander(f"Explore: {title}"):
        st.markdown(body)
        if answer and st.toggle("Show an answer", key=f"answer_{key}"):
            st.markdown(answer)
