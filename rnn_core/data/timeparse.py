"""Recognising times in a CSV column: date strings, zone abbreviations, unix seconds, years.

Used by :mod:`rnn_core.data.csv_reader` to decide which columns are time-like: those are
offered as the time axis and never picked as the value to forecast. Every function
returns None (not an exception) for a column that is not time-like.

Examples
--------
>>> import pandas as pd
>>> parse_times(pd.Series(["2024-03-10 01:00 MST"])).tolist()
[Timestamp('2024-03-10 08:00:00')]
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd

__all__ = ["numeric_times", "parse_times", "text_times"]

# pandas cannot read zone abbreviations; North American ones are what these files carry.
_ZONES = {"UTC": "+00:00", "GMT": "+00:00", "NST": "-03:30", "NDT": "-02:30", "AST": "-04:00", "ADT": "-03:00",
          "EST": "-05:00", "EDT": "-04:00", "CST": "-06:00", "CDT": "-05:00", "MST": "-07:00", "MDT": "-06:00",
          "PST": "-08:00", "PDT": "-07:00", "AKST": "-09:00", "AKDT": "-08:00", "HST": "-10:00",
          "WET": "+00:00", "WEST": "+01:00", "BST": "+01:00", "CET": "+01:00", "CEST": "+02:00",
          "EET": "+02:00", "EEST": "+03:00"}
_ZONE_RE = re.compile(r"\s*\b(" + "|".join(_ZONES) + r")$")
_TIME_WORDS = ("unix", "epoch", "time", "date", "stamp", "seconds")


def parse_times(cells: pd.Series) -> pd.Series:
    """Parse text cells as datetimes; if any cell carries a zone, all are converted to UTC (tz-naive).

    Returns
    -------
    pd.Series of datetime64, NaT where a cell cannot be read
    """
    text = cells.astype(object).where(cells.notna(), None).astype(str).str.strip()
    text = text.str.replace(_ZONE_RE, lambda m: _ZONES[m[1]], regex=True).where(cells.notna(), None)
    aware = bool(text.str.contains(r"(?:[+-]\d\d:?\d\d|Z)$", na=False).any())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        best = pd.Series(pd.NaT, index=cells.index, dtype="datetime64[ns]")
        # month first (pandas' guess), then day first (13/3/2023), then each row on its own
        for options in ({}, {"dayfirst": True}, {"format": "mixed"}):
            try:
                parsed = pd.to_datetime(text, errors="coerce", utc=aware, **options)
            except (ValueError, TypeError, OverflowError):
                continue
            if parsed.notna().sum() > best.notna().sum():
                best = parsed.dt.tz_convert("UTC").dt.tz_localize(None) if aware else parsed
            if best.isna().sum() <= 0.1 * text.notna().sum():
                break
    return best


def text_times(cells: pd.Series) -> pd.DatetimeIndex | None:
    """The column's times if at least 90% of its filled cells read as dates, else None."""
    present = cells[cells.notna()]
    sample = present.iloc[:50]
    if sample.empty or not sample.str.contains(r"\d").all():
        return None
    if parse_times(sample).notna().mean() < 0.9:
        return None
    parsed = parse_times(cells)
    return pd.DatetimeIndex(parsed) if parsed.notna().sum() >= 0.9 * len(present) else None


def _digits(numbers: np.ndarray) -> pd.Series:
    return pd.Series([f"{v:.0f}" if np.isfinite(v) else None for v in numbers], dtype=object)


def numeric_times(name: str, numbers: np.ndarray) -> pd.DatetimeIndex | None:
    """Whole numbers that are times (unix seconds or ms, years, 20240303), judged by range and name, else None."""
    finite = numbers[np.isfinite(numbers)]
    if finite.size < 2 or not np.all(finite == np.round(finite)):
        return None
    low, high, lname = finite.min(), finite.max(), name.lower()
    hint = any(word in lname for word in _TIME_WORDS) or re.search(r"(^|[_ ])ts($|[_ ])", lname) is not None
    with np.errstate(over="ignore", invalid="ignore"):
        steps = np.diff(finite)
    regular = (np.all(steps > 0) or np.all(steps < 0)) and np.all(steps % 60 == 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if 1e8 <= low and high <= 4.1e9 and (hint or regular):  # unix seconds: 1973 to 2099
            return pd.DatetimeIndex(pd.to_datetime(numbers, unit="s", errors="coerce"))
        if 1e11 <= low and high <= 4.1e12 and (hint or regular and np.all(steps % 1000 == 0)):  # unix ms
            return pd.DatetimeIndex(pd.to_datetime(numbers, unit="ms", errors="coerce"))
        if "year" in lname and 1000 <= low and high <= 2500:
            return pd.DatetimeIndex(pd.to_datetime(_digits(numbers), format="%Y", errors="coerce"))
        if hint and 1e7 <= low and high < 1e8:  # 20240303
            parsed = pd.to_datetime(_digits(numbers), format="%Y%m%d", errors="coerce")
            return pd.DatetimeIndex(parsed) if parsed.notna().sum() >= 0.9 * finite.size else None
    return None
