"""One look for every chart: a colour per model, the same on every page, and the colours of roles.

Pages draw through Streamlit's chart theme (fonts, background, grid); what a colour *means*
is fixed here, so the GRU is the same green on the Train page, the arena, the gradient lab
and the speed chart.
"""

from __future__ import annotations

# every forecaster and cell, one colour each
MODEL_COLORS = {
    "naive": "#6b7280", "seasonal_naive": "#10b981", "drift": "#7c3aed", "mean": "#b45309",
    "arima": "#0891b2", "sarima": "#0e7490",
    "rnn": "#dc2626", "leaky": "#f59e0b", "skip": "#8b5cf6", "lstm": "#2563eb", "gru": "#059669",
    "mlp": "#a16207",
}
# roles that are not models
ROLE_COLORS = {"truth": "#111827", "train": "#2563eb", "val": "#f97316", "test": "#10b981", "muted": "#64748b"}


def model_color(name: str) -> str:
    """The colour of a model (a cell or a forecaster); a muted grey for anything else."""
    return MODEL_COLORS.get(name, ROLE_COLORS["muted"])
