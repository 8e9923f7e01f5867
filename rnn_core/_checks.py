"""Input checks shared by :mod:`rnn_core.forecasting.baselines` and :mod:`rnn_core.data.stats`.

Both take whatever a page or a notebook hands them (lists, arrays, pandas columns)
and must answer bad input with an error a student can read, not one from deep
inside numpy or statsmodels.
"""

from __future__ import annotations

import numpy as np

from rnn_core.errors import ConfigError, DataError


def as_values(x, what: str = "series") -> np.ndarray:
    """``x`` as a non-empty, all-finite 1-D float64 array, else DataError naming ``what``."""
    try:
        v = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise DataError(f"The {what} must be numbers.") from None
    if v.ndim != 1 or len(v) == 0:
        raise DataError(f"The {what} must be a non-empty 1-D list of values (got shape {v.shape}).")
    if not np.all(np.isfinite(v)):
        raise DataError(f"The {what} contains missing or infinite values: fill or drop them first.")
    return v


def whole_number(x, lo: int, what: str) -> int:
    """``x`` as an int if it is a whole number (not a bool) >= ``lo``, else ConfigError naming ``what``."""
    if not isinstance(x, (int, np.integer)) or isinstance(x, bool) or x < lo:
        raise ConfigError(f"{what} must be a whole number of at least {lo} (got {x!r}).")
    return int(x)
