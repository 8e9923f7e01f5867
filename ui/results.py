"""After training: scores against the baselines (cached) and the session's leaderboard."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from rnn_core import experiment
from rnn_core.config import CELL_LABELS
from rnn_core.forecasting import evaluation
from rnn_core.training.trainer import Trainer

LEADERBOARD = "leaderboard"


@st.cache_data(max_entries=32, show_spinner="Fitting the naive and ARIMA baselines…")
def baseline_forecasts(values_bytes: bytes, origins: tuple, horizon: int, train_end: int, period: int | tuple | None):
    import numpy as np

    values = np.frombuffer(values_bytes, dtype=np.float64)
    return experiment.baseline_forecasts(values, np.asarray(origins), horizon, train_end, period=period)


def evaluate(tr: Trainer) -> experiment.ExperimentResult:
    p = tr.prepared
    done = baseline_forecasts(tr.values.tobytes(), tuple(int(o) for o in p.test.origins), p.horizon, p.a,
                              evaluation.known_periods(tr.series))
    return experiment.evaluate(tr, baselines_done=done)


def metrics_table(result: experiment.ExperimentResult) -> pd.DataFrame:
    table = result.metrics_frame()
    names = {**evaluation.LABELS, "rnn": f"RNN ({CELL_LABELS[result.cfg.model.cell]})",
             "arima": f"ARIMA{result.arima_order}" if result.arima_order else "ARIMA"}
    table.index = [names.get(i, i) for i in table.index]
    return table


def add_to_leaderboard(tr: Trainer, result: experiment.ExperimentResult) -> None:
    """One row per finished run in this session (not shared with anyone else)."""
    c = tr.cfg
    row = {  # scores first: they are what a student compares, and they stay on screen at 1400 px
        "run": len(st.session_state.get(LEADERBOARD, [])) + 1,
        **{f"{k} (rnn)": v for k, v in result.metrics["rnn"].items()},
        "mase (naive)": result.metrics["naive"]["mase"],
        "mase (arima)": result.metrics.get("arima", {}).get("mase"),
        "data": c.data.name, "cell": c.model.cell, "mode": c.window.mode, "lookback": c.window.lookback,
        "horizon": c.window.horizon, "transform": c.window.transform, "hidden_size": c.model.hidden_size,
        "num_layers": c.model.num_layers, "lr": tr.lr, "epochs": tr.epoch,
        "status": "loaded from a file" if tr.epoch == 0 and getattr(tr, "loaded_from", None) else tr.status,
    }
    st.session_state.setdefault(LEADERBOARD, []).append(row)


def leaderboard() -> pd.DataFrame:
    return pd.DataFrame(st.session_state.get(LEADERBOARD, []))
