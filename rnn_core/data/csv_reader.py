"""Uploaded CSV files as a :class:`~rnn_core.data.series.Series`: which column, which time axis, what to clean.

:func:`from_csv` turns a real user's file (newest-first rows, "MST" timestamps, empty
columns, gaps) into a clean, chronological series and says in ``Series.notes`` what
it changed; :func:`inspect_csv` lists what a file offers, for the column pickers.
Both are re-exported by :mod:`rnn_core.data`, the place to import them from.
Reading the bytes into text cells is :mod:`rnn_core.data.csv_table`'s job; telling what each
column is and which one to open on, :mod:`rnn_core.data.csv_columns`'; recognising
times, ordering rows by them and finding seasons in their steps is :mod:`rnn_core.data.timeparse`'s.

Examples
--------
>>> info = inspect_csv(b"when,temp (C)\\n" + b"".join(b"2024-01-%02d,%d\\n" % (d, d) for d in range(1, 13)))
>>> info.default_value_column, info.default_time_column
('temp (C)', 'when')
>>> info.default_value_reason
'its name says it is a temperature'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from rnn_core import config
from rnn_core.data.csv_columns import analyse, default_value
from rnn_core.data.csv_table import read_cells
from rnn_core.data.series import Series
from rnn_core.data.timeparse import seasons, time_axis
from rnn_core.errors import DataError

__all__ = ["MAX_GAP", "MAX_SERIES_LENGTH", "MAX_UPLOAD_BYTES", "MIN_LENGTH", "CsvInfo", "from_csv", "inspect_csv"]

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# Longer uploads keep their most recent MAX_SERIES_LENGTH points (and say so in the notes).
MAX_SERIES_LENGTH = config.MAX_SERIES_LENGTH
MIN_LENGTH = 10  # fewer usable values than this cannot make a single useful window
MAX_GAP = 24  # runs of missing values up to this long are interpolated; longer ones split the series


@dataclass(frozen=True)
class CsvInfo:
    """What a CSV file offers, for the column pickers.

    ``numeric_columns``: usable value columns (at least MIN_LENGTH numbers, not time-like);
    ``time_columns``: readable timestamps, unix seconds or years; ``utc_columns``: the time
    columns shown in UTC (their cells carried zones, or they are unix times);
    ``default_value_reason``: why the default value column was picked; ``notes``: what
    reading the time columns assumed (each note names its column).
    """

    columns: tuple
    numeric_columns: tuple
    time_columns: tuple
    n_rows: int
    default_value_column: str | None
    default_time_column: str | None
    default_value_reason: str = ""
    utc_columns: tuple = ()
    notes: tuple = ()


def _choices(columns: dict, n_rows: int) -> tuple[list, list, str | None, str | None, str]:
    numeric = [c.name for c in columns.values() if c.numbers is not None and c.times is None
               and c.count >= MIN_LENGTH]
    times = [c.name for c in columns.values() if c.times is not None]
    value, reason = default_value(columns, numeric, n_rows)
    return numeric, times, value, (times or [None])[0], reason


def _load_table(path_or_buffer, max_bytes: int):
    frame, sep, filename, notes = read_cells(path_or_buffer, max_bytes)
    return frame, analyse(frame, sep), filename, notes


def inspect_csv(path_or_buffer, max_bytes: int = MAX_UPLOAD_BYTES) -> CsvInfo:
    """List a CSV file's columns and the defaults :func:`from_csv` would pick.

    Parameters
    ----------
    path_or_buffer : str, Path, bytes or file-like
        A file-like object (e.g. Streamlit's UploadedFile) is rewound before and after.
    max_bytes : int
        Larger files raise DataError.

    Returns
    -------
    CsvInfo

    Examples
    --------
    >>> inspect_csv(b"when,temp\\n2024-01-01,1\\n2024-01-02,2\\n").time_columns
    ('when',)
    """
    frame, columns, _, _ = _load_table(path_or_buffer, max_bytes)
    numeric, times, value, time, reason = _choices(columns, len(frame))
    readings = [columns[n].reading for n in times]
    return CsvInfo(tuple(frame.columns), tuple(numeric), tuple(times), len(frame), value, time, reason,
                   tuple(n for n, r in zip(times, readings, strict=True) if r.utc),
                   tuple(note for r in readings for note in r.notes))


def _pick(columns: dict, numeric: list, value_column, time_column, default_value):
    names = ", ".join(numeric) or "none"
    if value_column is None:
        if default_value is None:
            short = [c for c in columns.values() if c.count and c.times is None]
            if not short:
                raise DataError(f"No column holds numbers (columns: {', '.join(columns)}).")
            best = max(short, key=lambda c: c.count)
            raise DataError(f"Column {best.name!r} has only {best.count} usable values; at least {MIN_LENGTH} "
                            "are needed.")
        value_column = default_value
    if value_column not in columns:
        raise DataError(f"There is no column {value_column!r}. Numeric columns: {names}.")
    chosen = columns[value_column]
    if chosen.numbers is None:
        raise DataError(f"Column {value_column!r} holds text, not numbers. Numeric columns: {names}.")
    if chosen.count == 0:
        raise DataError(f"Column {value_column!r} is empty. Numeric columns: {names}.")
    if time_column is None:
        time_column = next((c.name for c in columns.values() if c.times is not None and c.name != value_column), None)
    elif time_column is False or time_column == "":
        time_column = None  # the caller asked for the file's row order
    elif time_column not in columns:
        raise DataError(f"There is no column {time_column!r} to use as time.")
    elif columns[time_column].times is None or time_column == value_column:
        raise DataError(f"Column {time_column!r} cannot be read as dates or times.")
    return value_column, time_column


def _fill_gaps(values: np.ndarray, positions: np.ndarray) -> tuple[slice, np.ndarray, list]:
    """Interpolate runs of missing values up to MAX_GAP long; keep the longest stretch between longer ones."""
    missing = np.isnan(values)
    # a run of NaN longer than MAX_GAP (or a leading/trailing one) cuts the series there
    edges = np.flatnonzero(np.diff(np.concatenate([[0], missing.astype(np.int8), [0]])))
    runs = zip(edges[::2], edges[1::2], strict=True)
    long_runs = [(a, b) for a, b in runs if b - a > MAX_GAP or a == 0 or b == len(values)]
    cuts = [0] + [x for run in long_runs for x in run] + [len(values)]
    start, stop = max(zip(cuts[::2], cuts[1::2], strict=True), key=lambda ab: ab[1] - ab[0])
    part, where = values[start:stop].copy(), positions[start:stop]
    gaps = np.isnan(part)
    notes = []
    if gaps.any():
        part[gaps] = np.interp(where[gaps], where[~gaps], part[~gaps])
        notes.append(f"Filled {int(gaps.sum())} missing values by linear interpolation.")
    dropped = len(values) - (stop - start)
    if any(b - a > MAX_GAP and 0 < a and b < len(values) for a, b in long_runs):
        notes.append(f"Gaps longer than {MAX_GAP} rows split the data; kept the longest stretch without one "
                     f"({stop - start} of {len(values)} rows).")
    elif dropped:
        notes.append(f"Dropped {dropped} rows with no value at the start or end.")
    return slice(start, stop), part, notes


def from_csv(path_or_buffer, value_column: str | None = None, time_column=None,
             max_bytes: int = MAX_UPLOAD_BYTES, *, max_length: int = MAX_SERIES_LENGTH) -> Series:
    """Read one numeric column of a CSV file as a chronological :class:`Series`.

    Parameters
    ----------
    path_or_buffer : str, Path, bytes or file-like
        The file. A file-like object (e.g. Streamlit's UploadedFile) is rewound first.
    value_column : str, optional
        The column to forecast. None picks what :func:`inspect_csv` offers first: among the
        mostly-filled numeric columns that are not time-like (timestamps, unix seconds, years),
        one whose name says temperature, else the one that changes most smoothly from row to
        row (a measurement; not ids, counters, flags or codes), else the first.
    time_column : str, optional
        Dates/times to sort by and to index with. None picks the first time-like column;
        False or "" keeps the file's row order and indexes by step.
    max_bytes : int
        Larger files raise DataError.
    max_length : int
        Longer series keep their most recent ``max_length`` points. (``data.from_csv``
        passes ``data.MAX_SERIES_LENGTH``, read when it is called.)

    Returns
    -------
    Series
        Rows sorted oldest first (timestamps with zones converted to UTC, tz-naive, and said
        so in ``notes``; how ambiguous dates and unknown zones were read is said there too),
        duplicate times averaged, gaps up to MAX_GAP rows interpolated; each change is
        described in ``notes``. Over ``max_length`` points, the most recent are kept.

    Raises
    ------
    DataError
        Empty, binary, malformed or oversized files, unknown or non-numeric columns,
        unreadable times, fewer than MIN_LENGTH usable values.

    Examples
    --------
    >>> text = "day,sales\\n" + "".join(f"2024-01-{d:02d},{d}\\n" for d in range(12, 0, -1))
    >>> s = from_csv(text.encode())
    >>> s.values[:3].tolist(), s.notes[0]
    ([1.0, 2.0, 3.0], 'Sorted rows oldest first (the file listed them newest first).')
    """
    frame, columns, filename, notes = _load_table(path_or_buffer, max_bytes)
    numeric, _, default_value, _, _ = _choices(columns, len(frame))
    value_column, time_column = _pick(columns, numeric, value_column, time_column, default_value)
    values = columns[value_column].numbers
    reading = columns[time_column].reading if time_column is not None else None
    in_utc = reading is not None and bool(reading.utc)
    if reading is None:
        index = pd.RangeIndex(len(values))
    else:
        values, index, time_notes = time_axis(values, reading)
        notes += time_notes
    if not np.isfinite(values).any():
        raise DataError(f"Column {value_column!r} has no usable numbers.")
    positions = index.asi8.astype(float) if isinstance(index, pd.DatetimeIndex) else np.arange(len(values), dtype=float)
    kept, values, gap_notes = _fill_gaps(values, positions)
    index, notes = index[kept], notes + gap_notes
    if len(values) > max_length:
        notes.append(f"Kept the most recent {max_length:,} of {len(values):,} points.")
        values, index = values[-max_length:], index[-max_length:]
    if len(values) < MIN_LENGTH:
        raise DataError(f"Column {value_column!r} has only {len(values)} usable values; at least {MIN_LENGTH} "
                        "are needed.")
    if not np.isfinite(values).all():
        raise DataError(f"Column {value_column!r} holds numbers too large to work with.")
    if values.min() == values.max():
        notes.append("All values are equal: a constant series has nothing to learn.")
    if isinstance(index, pd.DatetimeIndex):
        periods, step_notes = seasons(index)
        notes += step_notes
    else:
        index, periods = pd.RangeIndex(len(values)), ()
    found = re.fullmatch(r".+?\s*[(\[]([^()\[\]]{1,15})[)\]]", value_column)  # "temp (°C)" -> unit °C
    return Series(values, index, value_column, unit=found[1].strip() if found else "",
                  period=periods[0] if periods else None, periods=periods, notes=tuple(notes),
                  description=f"Column {value_column!r} of {filename}{', times in UTC' if in_utc else ''}.",
                  source=f"uploaded file {filename}")
