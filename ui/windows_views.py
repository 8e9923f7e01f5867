"""The Windows page's sections on the four shapes of a sequence task, and on trends: what the
network is asked to predict, and why it matters.

The shapes are drawn from the real first windows of the lecture's 0..9. A scaler fitted on the training part cannot extrapolate. The table counts, for the picked
series and every window preparation, how many test targets lie outside the training range,
before anything is trained.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import streamlit as st

from rnn_core import config
from rnn_core.config import WindowConfig
from rnn_core.data import task_shapes, transforms
from rnn_core.forecasting import evaluation
from rnn_core.plots.task_shapes import task_shapes_figure
from ui import train_controls
from ui.setup import explain, plain, plotly_chart, prose


def shapes_section() -> None:
    """Sequence to vector, sequence to sequence, vector to sequence and encoder-decoder, on 0..9."""
    explain(prose("windows")["shapes"])
    c = st.columns(3)
    lookback = c[0].slider("inputs in the picture", 1, 4, 3, key="shapes_lookback")
    horizon = c[1].slider("outputs in the picture", 1, 4, 3, key="shapes_horizon")
    shapes = task_shapes.task_shapes(lookback, horizon)
    plotly_chart(task_shapes_figure(shapes), key="shapes_chart", width="stretch")
    st.caption("Blue: inputs; orange: the cell, one box per time step; purple: a decoder step; green: the "
               "targets the loss compares with. A purple arrow feeds a decoder's output back in as its next "
               "input. Numbers: the first training pair of each shape cut from 0, 1, …, 9. Examples: "
               + "; ".join(f"{s.title}: {s.example}" for s in shapes) + ".")


@st.cache_data(max_entries=32, show_spinner=False)
def preparation_rows(values: np.ndarray, cfg: WindowConfig, periods: tuple) -> list[dict]:
    return transforms.compare(values, cfg, periods)


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def preparation_table(rows: list[dict]) -> pd.DataFrame:
    """One row per preparation: the test targets outside the training range, and both ranges."""
    out = []
    for r in rows:
        label = config.TRANSFORM_LABELS[r["transform"]] + (f" (season {r['period']})" if r["period"] else "")
        if "error" in r:
            out.append({"preparation": label, "test targets outside the training range": "does not fit (below)",
                        "training range": "–", "test range": "–"})
            continue
        share = r["outside"] / r["total"] if r["total"] else 0.0
        out.append({"preparation": label,
                    "test targets outside the training range": f"{r['outside']} of {r['total']} ({share:.0%})",
                    "training range": f"{_fmt(r['train'][0])} … {_fmt(r['train'][1])}",
                    "test range": f"{_fmt(r['test'][0])} … {_fmt(r['test'][1])}"})
    return pd.DataFrame(out)


def preparation_section(series, cfg: WindowConfig) -> WindowConfig:
    """The preparation picker (shared with Train and the arena), the range table, and what it means.

    Returns ``cfg`` with the chosen preparation.
    """
    explain(prose("windows")["trends"])
    periods = evaluation.known_periods(series)
    transform, period = train_controls.transform_select(periods, st.columns(2)[0])
    chosen = dataclasses.replace(cfg, transform=transform, period=period)
    base = dataclasses.replace(cfg, mode="multi" if cfg.mode == "seq2seq" else cfg.mode)
    rows = preparation_rows(series.values, base, periods)
    if all("error" in r for r in rows):
        st.info("With these settings no preparation leaves room for a test window: see the message above.")
        return chosen
    st.dataframe(preparation_table(rows), hide_index=True, width="stretch", key="preparation_table")
    for r in rows:
        if "error" in r:
            st.caption(f"{config.TRANSFORM_LABELS[r['transform']]} (season {r['period']}): {plain(r['error'])}"
                       if r["period"] else f"{config.TRANSFORM_LABELS[r['transform']]}: {plain(r['error'])}")
    st.caption(f"**{plain(series.name)}**, lookback {cfg.lookback}: every target a test window asks for (one per "
               "step ahead), in what the network outputs before scaling, against the smallest and largest "
               "training target. Scaling cannot change the count: it stretches both parts alike.")
    mine = next((r for r in rows if (r["transform"], r["period"]) == (transform, period)), None)
    if mine is not None and "error" not in mine and mine["total"]:
        share = mine["outside"] / mine["total"]
        if share > 0.25:
            st.warning(f"With **{config.TRANSFORM_LABELS[transform]}**, {share:.0%} of the test targets lie outside "
                       "anything the network saw in training. A network rarely answers beyond the values it "
                       "learned, so it lags behind a rising series: on co2 and noisy_trend it then loses to the "
                       "naive forecast. Pick a preparation whose row is near 0 %.", icon="📈")
        else:
            st.success(f"With **{config.TRANSFORM_LABELS[transform]}**, {share:.0%} of the test targets lie outside "
                       "the training range: the network is asked for numbers like the ones it learned.", icon="✅")
    return chosen
