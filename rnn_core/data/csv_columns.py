"""What each column of an uploaded table is, and which one a page should open on.

:func:`analyse` sorts a table's columns into numbers, text and times (a column of unix
seconds or years is both numbers and times); :func:`default_value` picks the value column
to start on and says why, passing over ids, counters, flags and mostly empty columns.
:mod:`rnn_core.data.csv_reader` uses both; it is the place to import CSV reading from.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"id": list(range(12)), "temp (C)": [str(v % 5) for v in range(12)]})
>>> columns = analyse(frame, ",")
>>> default_value(columns, ["id", "temp (C)"], 12)
('temp (C)', 'its name says it is a temperature')
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from rnn_core.data.csv_table import to_numbers
from rnn_core.data.timeparse import TimeReading, numeric_times, text_times

_ID_WORDS = {"id", "idx", "index", "key", "code", "seq", "row", "zip"}  # words of names that label, not measure


@dataclass
class Column:
    name: str
    numbers: np.ndarray | None  # float64 with NaN where a cell is missing; None for a text column
    present: int  # non-empty cells
    reading: TimeReading | None  # the times (tz-naive) and how they were read; None if not time-like

    @property
    def times(self) -> pd.DatetimeIndex | None:
        return None if self.reading is None else self.reading.times

    @property
    def count(self) -> int:
        return 0 if self.numbers is None else int(np.isfinite(self.numbers).sum())


def analyse(frame: pd.DataFrame, sep: str) -> dict:
    columns = {}
    for name in frame.columns:
        cells = frame[name].astype(object)
        cells = cells.where(cells.notna() & (cells.astype(str).str.strip() != ""), None)
        present = int(cells.notna().sum())
        numbers = to_numbers(cells, sep).to_numpy(dtype=float)
        if present and np.isfinite(numbers).sum() >= 0.8 * present:
            columns[name] = Column(name, numbers, present, numeric_times(name, numbers))
        else:
            columns[name] = Column(name, None if present else numbers, present,
                                    text_times(cells, name) if present else None)
    return columns


def _row_counter(column: Column) -> bool:
    """An unnamed 0, 1, 2, ... column is a spreadsheet's row number, not data."""
    unnamed = re.fullmatch(r"(Unnamed: \d+|column \d+|index)", column.name) is not None
    return unnamed and bool(np.all(np.diff(column.numbers) == 1))


def _words(name: str) -> list:
    return [w for w in re.split(r"[^a-z0-9°]+", name.lower()) if w]


def _temperature(name: str) -> int:
    """2 for a name that says temperature ("temp (°C)"), 1 for an extreme of one ("max_air_temp"), else 0."""
    words = _words(name)
    if not any(re.fullmatch(r"\w*temp|temperature\w*|t(?:avg|mean)|°[cf]|celsius|fahrenheit|deg[cf]", w)
               for w in words):
        return 0
    return 1 if any(w.startswith(("max", "min", "high", "low")) for w in words) else 2


def _smoothness(column: Column) -> float | None:
    """How much each row's value follows the last one's (lag-1 autocorrelation), for a column that varies
    like a measurement; None for what does not: ids and codes by name, counters and timestamps (always
    rising or always falling), flags (two values), settings (stuck on one value most of the time)."""
    if _ID_WORDS & set(_words(column.name)):
        return None
    x = column.numbers
    a, b = x[:-1], x[1:]
    both = np.isfinite(a) & np.isfinite(b)
    a, b = a[both], b[both]
    with np.errstate(all="ignore"):  # steps between values near the float limit overflow to inf: still a sign
        steps = b - a
    if len(steps) < 3 or np.all(steps > 0) or np.all(steps < 0) or np.count_nonzero(steps) < 0.5 * len(steps):
        return None
    if len(np.unique(x[np.isfinite(x)])) < 3:
        return None
    with np.errstate(all="ignore"):
        r = float(np.corrcoef(a, b)[0, 1])
    return r if np.isfinite(r) else None


def default_value(columns: dict, numeric: list, n_rows: int) -> tuple[str | None, str]:
    """The value column to start on, and why: a temperature if the name says so (what a weather file is
    opened for), else the smoothest measurement-like column, else the first mostly-filled one."""
    good = [n for n in numeric if columns[n].count >= 0.5 * n_rows and not _row_counter(columns[n])]
    varied = [n for n in good if np.nanmin(columns[n].numbers) < np.nanmax(columns[n].numbers)]
    for level in (2, 1):
        named = [n for n in varied if _temperature(n) == level]
        if named:
            return named[0], "its name says it is a temperature"
    scores = {n: _smoothness(columns[n]) for n in good}
    measured = [n for n in good if scores[n] is not None]
    if measured:
        return max(measured, key=lambda n: scores[n]), ("it changes smoothly from row to row, as a measurement "
                                                        "does (ids, counters, codes and mostly empty columns are "
                                                        "passed over)")
    if good:
        return good[0], "it is the first numeric column with values in most rows"
    return (numeric[0], "it is the first numeric column") if numeric else (None, "")
