"""The one sequence type every part of the app passes around: :class:`Series`.

It lives on its own so that the dataset generators, the CSV reader and
:mod:`rnn_core.data` can all build one without importing each other.

Examples
--------
>>> from rnn_core.data.series import Series
>>> s = Series([3.0, 1.0, 2.0], None, "tiny")
>>> len(s), type(s.index).__name__
(3, 'RangeIndex')
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from rnn_core.errors import DataError

__all__ = ["Series"]


MAX_ABS_VALUE = 1e15  # squared errors and variances of larger values overflow in training


@dataclass(frozen=True, eq=False)
class Series:
    """One univariate sequence, ready for windowing.

    ``values`` are float64, 1-D, chronological and all finite; ``index`` is a
    ``pd.DatetimeIndex`` or ``pd.RangeIndex`` of the same length (``None`` gives a
    RangeIndex). ``period`` is the main seasonal period in steps (or None),
    ``periods`` all known ones; ``notes`` are what the user should be told.
    """

    values: np.ndarray
    index: pd.Index
    name: str
    unit: str = ""
    period: int | None = None
    periods: tuple = ()
    description: str = ""
    source: str = ""
    notes: tuple = ()

    def __post_init__(self):
        try:
            values = np.asarray(self.values, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise DataError(f"Series values must be numbers ({exc}).") from None
        if values.ndim != 1:
            raise DataError(f"A series is one column of numbers, not an array of shape {values.shape}.")
        if not np.isfinite(values).all():
            raise DataError("A series may not contain missing or infinite values.")
        largest = float(np.max(np.abs(values))) if len(values) else 0.0
        if largest > MAX_ABS_VALUE:
            raise DataError(f"Values as large as {largest:.3g} are beyond what the app can train on (at most "
                            f"{MAX_ABS_VALUE:.0e}): their squares overflow. Rescale the column first, e.g. divide "
                            "it by a power of ten.")
        index = pd.RangeIndex(len(values)) if self.index is None else self.index
        if not isinstance(index, (pd.DatetimeIndex, pd.RangeIndex)):
            raise DataError("A series index must be a DatetimeIndex or a RangeIndex.")
        if len(index) != len(values):
            raise DataError(f"The index has {len(index)} entries but there are {len(values)} values.")
        if self.period is not None and not (isinstance(self.period, int) and self.period >= 2):
            raise DataError(f"A seasonal period is a whole number of steps >= 2 (got {self.period!r}).")
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "index", index)
        object.__setattr__(self, "periods", tuple(self.periods))
        object.__setattr__(self, "notes", tuple(self.notes))

    def __len__(self) -> int:
        return len(self.values)

    def to_frame(self) -> pd.DataFrame:
        """Return a two-column table: ``time`` (or ``step``) and ``value``."""
        key = "time" if isinstance(self.index, pd.DatetimeIndex) else "step"
        return pd.DataFrame({key: self.index, "value": self.values})
