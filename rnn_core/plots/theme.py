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


# Plotly labels a log axis's minor ticks with bare digits ("5", "2"): a student reads 5, not 0.05.
# Label powers of ten, or, when the data spans less than two decades, 1-2-5 steps, always in full
# (0.02, 0.05, 0.1).
LOG_AXIS = {"type": "log", "dtick": 1}
# A loss in scaled units before its first point: the decades it will start in, not plotly's 0.1 to 1M
EMPTY_LOSS_RANGE = [-3, 1]
MAX_DECADE_LABELS = 6  # a wide log axis labels at most about this many powers of ten
PAD = 2.0  # a narrow log axis shows its data from half the smallest to twice the largest value


def log_ticks(values) -> list[float] | None:
    """Tick values for a log axis over ``values``: 1, 2 and 5 times the powers of ten when they span
    under two decades, None (label the decades) otherwise or when nothing is positive and finite.

    Examples
    --------
    >>> log_ticks([0.09, 0.3])
    [0.05, 0.1, 0.2, 0.5]
    >>> log_ticks([0.773, 0.844])
    [0.5, 1.0]
    >>> log_ticks([1e-4, 10.0]) is None
    True
    """
    import math

    good = [float(v) for v in values if v is not None and math.isfinite(v) and v > 0]
    if not good:
        return None
    lo, hi = min(good), max(good)
    if math.log10(hi / lo) >= 2:
        return None
    ticks = [m * 10.0**k for k in range(math.floor(math.log10(lo)) - 1, math.ceil(math.log10(hi)) + 1)
             for m in (1, 2, 5)]
    return [float(f"{t:.12g}") for t in ticks if lo / PAD <= t <= hi * PAD]


def log_axis(title: str, empty: bool = False, empty_range=EMPTY_LOSS_RANGE, values=()) -> dict:
    """A log axis labelled in full values; ``empty``: the range the data will have (log10 units)."""
    axis = {**LOG_AXIS, "title": title, "tickvals": None, "ticktext": None}
    if empty:
        return {**axis, "range": list(empty_range)}
    import math

    ticks = log_ticks(values)
    good = [v for v in values if v is not None and math.isfinite(v) and v > 0]
    if not ticks:
        decades = math.log10(max(good) / min(good)) if good else 0.0
        # a loss that blew up spans 20 decades or more: a label every few decades keeps them apart
        return {**axis, "autorange": True, "range": None, "dtick": max(1, math.ceil(decades / MAX_DECADE_LABELS))}
    span = [math.log10(min(good) / PAD), math.log10(max(good) * PAD)]  # so at least two ticks show
    return {**axis, "tickvals": ticks, "ticktext": [f"{t:g}" for t in ticks], "dtick": None,
            "autorange": False, "range": span}
