"""Sequences to learn from: built-in datasets and uploaded CSV files, as one :class:`Series`.

Every dataset is a function of its parameters (seeded where random), checked against
hard bounds by :func:`load`, because a URL can carry any value. The real series ship
inside statsmodels, so nothing here touches the network. :func:`from_csv` turns a real
user's file (newest-first rows, "MST" timestamps, empty columns, gaps) into a clean,
chronological series and says in ``Series.notes`` what it changed.

Examples
--------
>>> from rnn_core import data
>>> s = data.load("collatz", start=67)
>>> s.values[:3].tolist(), s.values[-1].item()
([67.0, 202.0, 101.0], 1.0)
"""

from __future__ import annotations

import csv
import io
import math
import numbers
import os
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from rnn_core import config
from rnn_core.errors import DataError

__all__ = [
    "DATASETS", "MAX_GAP", "MAX_SERIES_LENGTH", "MAX_UPLOAD_BYTES", "MIN_LENGTH",
    "CsvInfo", "DataError", "DatasetSpec", "ParamSpec", "Series", "from_csv", "inspect_csv", "load",
]

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# Longer uploads keep their most recent MAX_SERIES_LENGTH points (and say so in the notes).
MAX_SERIES_LENGTH = config.MAX_SERIES_LENGTH
MIN_LENGTH = 10  # fewer usable values than this cannot make a single useful window
MAX_GAP = 24  # runs of missing values up to this long are interpolated; longer ones split the series


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


@dataclass(frozen=True)
class ParamSpec:
    """One dataset parameter: its default, hard bounds and type (``int`` or ``float``)."""

    label: str
    default: int | float
    min: int | float
    max: int | float
    kind: type = int
    help: str = ""


@dataclass(frozen=True)
class DatasetSpec:
    """A named dataset: what it is, its parameters, and the function that builds it."""

    name: str
    label: str
    description: str
    params: dict
    loader: Callable[..., Series]
    real: bool = False

    @property
    def defaults(self) -> dict:
        return {key: p.default for key, p in self.params.items()}


# ---------------------------------------------------------------- generated datasets

def _collatz(start: int) -> Series:
    sequence = [start]
    n = start
    while n != 1:  # Python ints: exact however large the values climb
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        sequence.append(n)
    notes = () if len(sequence) > 20 else (f"Only {len(sequence)} values: too short to learn from; try another start.",)
    return Series(np.array(sequence, dtype=np.float64), pd.RangeIndex(len(sequence)), f"Collatz (start {start})",
                  description="Halve an even number, triple an odd one and add 1; repeat until reaching 1.",
                  source="computed exactly with integer arithmetic", notes=notes)


def _noisy_trend(n: int, noise: float, seed: int) -> Series:
    rng = np.random.default_rng(seed)
    values = np.sin(np.linspace(0, 100, n)) + rng.normal(0.0, noise, n) + 0.5 * np.linspace(0, 20, n)
    period = max(2, round(2 * math.pi * (n - 1) / 100))  # one sine cycle, in steps
    return Series(values, pd.RangeIndex(n), "Noisy trend", period=period, periods=(period,),
                  description="The course's example: a sine wave plus Gaussian noise on a rising straight line.",
                  source="synthetic, seeded")


def _sine(n: int, period: int, amplitude: float, noise: float, seed: int) -> Series:
    rng = np.random.default_rng(seed)
    values = amplitude * np.sin(2 * math.pi * np.arange(n) / period) + rng.normal(0.0, noise, n)
    return Series(values, pd.RangeIndex(n), f"Sine (period {period})", period=period, periods=(period,),
                  description=f"A sine wave repeating every {period} steps, optionally with Gaussian noise.",
                  source="synthetic, seeded")


def _bump(hour: np.ndarray, centre: float, width: float) -> np.ndarray:
    distance = (hour - centre + 12) % 24 - 12  # around the clock: 23h is close to 1h
    return np.exp(-0.5 * (distance / width) ** 2)


def _traffic(n: int, noise: float, seed: int) -> Series:
    rng = np.random.default_rng(seed)
    index = pd.date_range("2024-01-01", periods=n, freq="h")  # 2024-01-01 is a Monday
    hour = index.hour.to_numpy(dtype=float)
    weekday = 100 + 1500 * _bump(hour, 12.5, 3.5) + 4200 * _bump(hour, 8, 1.3) + 4300 * _bump(hour, 17, 1.8)
    weekend = 100 + 1900 * _bump(hour, 13, 3.5)
    profile = np.where(index.day_of_week.to_numpy() >= 5, weekend, weekday)
    day = (np.arange(n) // 24)
    daily = rng.lognormal(0.0, noise / 2, day[-1] + 1)[day]  # some days are busier than others
    values = np.round(profile * daily * rng.lognormal(0.0, noise, n))
    return Series(values, index, "Traffic (synthetic)", unit="vehicles/hour", period=24, periods=(24, 168),
                  description="Synthetic hourly traffic: weekday rush hours at 8h and 17h, quieter weekends.",
                  source="synthetic, seeded (not real counts)")


def _ar1(n: int, phi: float, seed: int) -> Series:
    eps = np.random.default_rng(seed).normal(size=n)
    x = np.empty(n)
    x[0] = eps[0] / math.sqrt(1 - phi**2)  # start in the stationary distribution
    for t in range(1, n):
        x[t] = phi * x[t - 1] + eps[t]  # x_t = phi * x_{t-1} + noise
    return Series(x, pd.RangeIndex(n), f"AR(1) (phi {phi:g})",
                  description="Each value is phi times the previous one plus Gaussian noise: ARMA's home ground.",
                  source="synthetic, seeded")


def _logistic(n: int, r: float, x0: float) -> Series:
    x = np.empty(n)
    x[0] = x0
    for t in range(1, n):
        x[t] = r * x[t - 1] * (1 - x[t - 1])  # x_{t+1} = r x_t (1 - x_t)
    return Series(x, pd.RangeIndex(n), f"Logistic map (r {r:g})",
                  description="x becomes r x (1 - x): fully deterministic, yet chaotic and nonlinear for r near 4.",
                  source="computed, no randomness")


# ---------------------------------------------------------------- real datasets (inside statsmodels)

@cache
def _statsmodels_frame(name: str) -> pd.DataFrame:
    import statsmodels.datasets as smd  # slow to import: only when a real series is asked for

    return getattr(smd, name).load_pandas().data


def _year_index(years) -> pd.DatetimeIndex:
    return pd.DatetimeIndex([pd.Timestamp(year=int(y), month=1, day=1) for y in years])


def _co2() -> Series:
    raw = _statsmodels_frame("co2")["co2"]
    missing = int(raw.isna().sum())
    filled = raw.interpolate(method="time").dropna()
    notes = (f"Filled {missing} missing weekly values by interpolation over time.",) if missing else ()
    return Series(filled.to_numpy(dtype=float), pd.DatetimeIndex(filled.index), "CO2 at Mauna Loa", unit="ppm",
                  period=52, periods=(52,), notes=notes,
                  description="Weekly atmospheric carbon dioxide, 1958-2001: a rising trend with a yearly cycle.",
                  source="statsmodels.datasets.co2")


def _sunspots() -> Series:
    frame = _statsmodels_frame("sunspots")
    return Series(frame["SUNACTIVITY"].to_numpy(dtype=float), _year_index(frame["YEAR"]), "Sunspots",
                  unit="sunspot number", period=11, periods=(11,),
                  description="Yearly sunspot activity since 1700: an irregular cycle of about 11 years.",
                  source="statsmodels.datasets.sunspots")


def _nile() -> Series:
    frame = _statsmodels_frame("nile")
    return Series(frame["volume"].to_numpy(dtype=float), _year_index(frame["year"]), "Nile flow", unit="10^8 m^3",
                  description="Yearly flow of the Nile at Aswan, 1871-1970, with a drop after 1898.",
                  source="statsmodels.datasets.nile")


_N = ParamSpec("Length", 500, 20, 20_000, int, "Number of time steps.")
_SEED = ParamSpec("Seed", 0, 0, 2**31 - 1, int, "Same seed, same series.")

DATASETS: dict[str, DatasetSpec] = {spec.name: spec for spec in [
    DatasetSpec("collatz", "Collatz (3x+1)", "The lecture's first sequence: 3x+1 from a start until it reaches 1.",
                {"start": ParamSpec("Start", 67, 1, 10**12, int, "Any whole number from 1 to 10^12.")}, _collatz),
    DatasetSpec("noisy_trend", "Noisy trend", "A sine wave with noise on top of a linear trend (the course example).",
                {"n": ParamSpec("Length", 1000, 50, 20_000, int, "Number of time steps."),
                 "noise": ParamSpec("Noise", 0.2, 0.0, 5.0, float, "Standard deviation of the Gaussian noise."),
                 "seed": ParamSpec("Seed", 42, 0, 2**31 - 1, int, "Same seed, same series.")}, _noisy_trend),
    DatasetSpec("sine", "Sine wave", "A clean (or noisy) sine wave with a period you choose.",
                {"n": _N, "period": ParamSpec("Period", 25, 2, 5_000, int, "Steps per cycle."),
                 "amplitude": ParamSpec("Amplitude", 1.0, 0.01, 1_000.0, float, "Height of the wave."),
                 "noise": ParamSpec("Noise", 0.0, 0.0, 100.0, float, "Standard deviation of the Gaussian noise."),
                 "seed": _SEED}, _sine),
    DatasetSpec("traffic", "Hourly traffic (synthetic)", "Made-up hourly traffic with daily and weekly rhythms.",
                {"n": ParamSpec("Hours", 24 * 7 * 8, 48, 24 * 7 * 104, int, "Number of hours (8 weeks by default)."),
                 "noise": ParamSpec("Noise", 0.1, 0.0, 0.5, float, "Size of the random multiplicative wobble."),
                 "seed": _SEED}, _traffic),
    DatasetSpec("ar1", "AR(1) process", "x_t = phi x_{t-1} + noise: the simplest autoregressive process.",
                {"n": _N, "phi": ParamSpec("phi", 0.8, -0.99, 0.99, float, "How much of the last value carries over."),
                 "seed": _SEED}, _ar1),
    DatasetSpec("logistic", "Logistic map (chaotic)", "x_{t+1} = r x_t (1 - x_t): deterministic chaos.",
                {"n": _N, "r": ParamSpec("r", 3.9, 2.5, 4.0, float, "Growth rate; above about 3.57 it is chaotic."),
                 "x0": ParamSpec("x0", 0.2, 0.01, 0.99, float, "Starting value, between 0 and 1.")}, _logistic),
    DatasetSpec("co2", "CO2 at Mauna Loa (real)", "Weekly CO2 concentration, 1958-2001.", {}, _co2, real=True),
    DatasetSpec("sunspots", "Sunspots (real)", "Yearly sunspot activity, 1700-2008.", {}, _sunspots, real=True),
    DatasetSpec("nile", "Nile river flow (real)", "Yearly Nile flow at Aswan, 1871-1970.", {}, _nile, real=True),
]}


def _fmt(x) -> str:
    return f"{x:,}" if isinstance(x, int) else f"{x:g}"


def _as_int(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
        try:
            value = float(value)
        except ValueError:
            return None
    if isinstance(value, numbers.Real) and math.isfinite(value) and float(value).is_integer() \
            and abs(value) <= 2**53:  # beyond 2**53 a float no longer holds an exact whole number
        return int(value)
    return None


def _as_float(value) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    if isinstance(value, numbers.Real) and math.isfinite(value):
        return float(value)
    return None


def load(name: str, **params) -> Series:
    """Build a dataset from :data:`DATASETS` by name; missing parameters take their defaults.

    Parameters
    ----------
    name : str
        A key of :data:`DATASETS`, e.g. ``"collatz"``.
    **params
        Dataset parameters. Strings and floats (as a URL delivers them) are accepted when
        they are exactly a value of the right type: ``"67"`` and ``67.0`` mean 67.

    Returns
    -------
    Series

    Raises
    ------
    DataError
        Unknown dataset or parameter, a value of the wrong type or outside its bounds.

    Examples
    --------
    >>> load("sine", n=100, period="20").period
    20
    """
    if name not in DATASETS:
        raise DataError(f"Unknown dataset {name!r}: choose one of {', '.join(DATASETS)}.")
    spec = DATASETS[name]
    unknown = sorted(set(params) - set(spec.params))
    if unknown:
        allowed = ", ".join(spec.params) if spec.params else "none (it takes no parameters)"
        raise DataError(f"{spec.label} has no parameter {unknown[0]!r}; its parameters: {allowed}.")
    kwargs = {}
    for key, p in spec.params.items():
        raw = params.get(key, p.default)
        value = _as_int(raw) if p.kind is int else _as_float(raw)
        what = "a whole number" if p.kind is int else "a number"
        if value is None or not p.min <= value <= p.max:
            raise DataError(f"{p.label} ({key}) must be {what} between {_fmt(p.min)} and {_fmt(p.max)} "
                            f"(got {raw!r}).")
        kwargs[key] = value
    return spec.loader(**kwargs)


# ---------------------------------------------------------------- CSV files

@dataclass(frozen=True)
class CsvInfo:
    """What a CSV file offers, for the column pickers.

    ``numeric_columns``: usable value columns (at least MIN_LENGTH numbers, not time-like);
    ``time_columns``: readable timestamps, unix seconds or years.
    """

    columns: tuple
    numeric_columns: tuple
    time_columns: tuple
    n_rows: int
    default_value_column: str | None
    default_time_column: str | None


@dataclass
class _Column:
    name: str
    numbers: np.ndarray | None  # float64 with NaN where a cell is missing; None for a text column
    times: pd.DatetimeIndex | None  # tz-naive (UTC when the file gave zones); None if not time-like
    present: int  # non-empty cells

    @property
    def count(self) -> int:
        return 0 if self.numbers is None else int(np.isfinite(self.numbers).sum())


_SIGNATURES = {
    b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image", b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (an Excel .xlsx file is one: save it as CSV first)", b"\x1f\x8b": "a gzip archive",
    b"\xd0\xcf\x11\xe0": "an old Office file (save it as CSV first)",
}
# pandas cannot read zone abbreviations; North American ones are what these files carry.
_ZONES = {"UTC": "+00:00", "GMT": "+00:00", "NST": "-03:30", "NDT": "-02:30", "AST": "-04:00", "ADT": "-03:00",
          "EST": "-05:00", "EDT": "-04:00", "CST": "-06:00", "CDT": "-05:00", "MST": "-07:00", "MDT": "-06:00",
          "PST": "-08:00", "PDT": "-07:00", "AKST": "-09:00", "AKDT": "-08:00", "HST": "-10:00",
          "WET": "+00:00", "WEST": "+01:00", "BST": "+01:00", "CET": "+01:00", "CEST": "+02:00",
          "EET": "+02:00", "EEST": "+03:00"}
_ZONE_RE = re.compile(r"\s*\b(" + "|".join(_ZONES) + r")$")
_TIME_WORDS = ("unix", "epoch", "time", "date", "stamp", "seconds")


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def _read_bytes(source, max_bytes: int) -> tuple[bytes, str]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        raw, name = bytes(source), "uploaded data"
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source)
        try:
            if path.stat().st_size > max_bytes:
                raise DataError(f"The file is {_mb(path.stat().st_size)}; the limit is {_mb(max_bytes)}.")
            raw = path.read_bytes()
        except OSError:
            raise DataError(f"Cannot read a file at {str(path)[:200]!r}.") from None
        name = path.name
    elif hasattr(source, "read"):
        if hasattr(source, "seek"):
            source.seek(0)
        raw = source.read(max_bytes + 1)
        if hasattr(source, "seek"):
            source.seek(0)  # so that inspect_csv and then from_csv can read the same upload
        raw = raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)
        name = Path(str(getattr(source, "name", "") or "uploaded file")).name
    else:
        raise DataError("Expected a file path, bytes or an open file.")
    if len(raw) > max_bytes:
        raise DataError(f"The file is larger than the {_mb(max_bytes)} limit.")
    if not raw.strip():
        raise DataError("The file is empty.")
    return raw, name


def _decode(raw: bytes) -> tuple[str, list]:
    for magic, what in _SIGNATURES.items():
        if raw.startswith(magic):
            raise DataError(f"This looks like {what}, not a CSV text file.")
    notes = []
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            raise DataError("This file is not readable text (broken UTF-16).") from None
    elif b"\x00" in raw:
        raise DataError("This file contains binary data (NUL bytes), not CSV text.")
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            # older spreadsheet exports: Windows-1252 (Latin-1 plus curly quotes and the euro sign);
            # Latin-1 itself never fails
            try:
                text = raw.decode("cp1252")
            except UnicodeDecodeError:
                text = raw.decode("latin-1")
            notes.append("The file is not UTF-8; it was read as Latin-1 (Windows-1252).")
    sample = text[:4096]
    control = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\r\n") or 127 <= ord(ch) < 160)
    if control > 0.02 * len(sample):
        raise DataError("This does not look like a CSV text file (it is full of control characters).")
    return text, notes


def _unique(names) -> list:
    seen, out = set(), []
    for i, name in enumerate(names):
        name = str(name).strip() or f"column {i + 1}"
        base, k = name, 2
        while name in seen:
            name, k = f"{base} ({k})", k + 1
        seen.add(name)
        out.append(name)
    return out


def _read_table(text: str) -> tuple[pd.DataFrame, str]:
    header = next((line for line in text[:65536].splitlines() if line.strip()), "")
    sep = max([",", ";", "\t", "|"], key=header.count)  # ties (none found) go to the comma
    single = header.count(sep) == 0  # one column: a blank line is a missing value, not padding

    def read(**kw):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, index_col=False, skipinitialspace=True,
                               skip_blank_lines=not single, **kw)
    try:
        frame = read()
        if all(_to_numbers(pd.Series([c]), sep).notna().all() for c in frame.columns):
            frame = read(header=None)  # the first line is data, not a header
            frame.columns = ["value"] if frame.shape[1] == 1 else [f"column {i + 1}" for i in range(frame.shape[1])]
    except pd.errors.EmptyDataError:
        raise DataError("The file has no columns.") from None
    except pd.errors.ParserError as exc:
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        detail = (f"line {found[2]} has {found[3]} fields but earlier lines have {found[1]}" if found
                  else "its rows could not be split into columns")
        raise DataError(f"This CSV file is malformed: {detail}.") from None
    except (ValueError, csv.Error, OverflowError) as exc:
        raise DataError(f"This file cannot be read as CSV ({str(exc)[:120]}).") from None
    if frame.empty:
        raise DataError("The file has a header but no data rows.")
    frame.columns = _unique(frame.columns)
    return frame, sep


def _to_numbers(cells: pd.Series, sep: str) -> pd.Series:
    text = cells.astype(object).where(cells.notna(), None)
    numbers = pd.to_numeric(text, errors="coerce").astype(float)
    failed = text.notna() & numbers.isna()
    if failed.any():  # only the cells plain parsing missed go through the slower clean-up
        numbers[failed] = pd.to_numeric(_clean_numbers(text[failed].astype(str), sep), errors="coerce")
    return numbers.where(np.isfinite(numbers))


def _clean_numbers(text: pd.Series, sep: str) -> pd.Series:
    text = text.str.strip().str.replace("\u2212", "-", regex=False)
    text = text.str.replace(r"(?<=\d)[ \u00a0\u202f'](?=\d{3}(?:\D|$))", "", regex=True)  # 1 234 567
    if sep == ",":
        grouped = text.str.fullmatch(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?", na=False)  # 1,234.5
        return text.where(~grouped, text.str.replace(",", "", regex=False))
    return text.str.replace(r"^([+-]?\d*),(\d+)$", r"\1.\2", regex=True)  # a ; file writes 3,14


def _parse_times(cells: pd.Series) -> pd.Series:
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


def _text_times(cells: pd.Series) -> pd.DatetimeIndex | None:
    present = cells[cells.notna()]
    sample = present.iloc[:50]
    if sample.empty or not sample.str.contains(r"\d").all():
        return None
    if _parse_times(sample).notna().mean() < 0.9:
        return None
    parsed = _parse_times(cells)
    return pd.DatetimeIndex(parsed) if parsed.notna().sum() >= 0.9 * len(present) else None


def _digits(numbers: np.ndarray) -> pd.Series:
    return pd.Series([f"{v:.0f}" if np.isfinite(v) else None for v in numbers], dtype=object)


def _numeric_times(name: str, numbers: np.ndarray) -> pd.DatetimeIndex | None:
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


def _analyse(frame: pd.DataFrame, sep: str) -> dict:
    columns = {}
    for name in frame.columns:
        cells = frame[name].astype(object)
        cells = cells.where(cells.notna() & (cells.astype(str).str.strip() != ""), None)
        present = int(cells.notna().sum())
        numbers = _to_numbers(cells, sep).to_numpy(dtype=float)
        if present and np.isfinite(numbers).sum() >= 0.8 * present:
            columns[name] = _Column(name, numbers, _numeric_times(name, numbers), present)
        else:
            times = _text_times(cells) if present else None
            columns[name] = _Column(name, None if present else numbers, times, present)
    return columns


def _row_counter(column: _Column) -> bool:
    """An unnamed 0, 1, 2, ... column is a spreadsheet's row number, not data."""
    unnamed = re.fullmatch(r"(Unnamed: \d+|column \d+|index)", column.name) is not None
    return unnamed and bool(np.all(np.diff(column.numbers) == 1))


def _choices(columns: dict, n_rows: int) -> tuple[list, list, str | None, str | None]:
    numeric = [c.name for c in columns.values() if c.numbers is not None and c.times is None
               and c.count >= MIN_LENGTH]
    times = [c.name for c in columns.values() if c.times is not None]
    good = [n for n in numeric if columns[n].count >= 0.5 * n_rows and not _row_counter(columns[n])]
    value = (good or numeric or [None])[0]
    return numeric, times, value, (times or [None])[0]


def _load_table(path_or_buffer, max_bytes: int):
    raw, filename = _read_bytes(path_or_buffer, max_bytes)
    text, notes = _decode(raw)
    frame, sep = _read_table(text)
    return frame, _analyse(frame, sep), filename, notes


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
    numeric, times, value, time = _choices(columns, len(frame))
    return CsvInfo(tuple(frame.columns), tuple(numeric), tuple(times), len(frame), value, time)


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


def _periods(index: pd.DatetimeIndex, notes: list) -> tuple:
    if len(index) < 3:
        return ()
    steps = pd.Series(index).diff().dropna()
    step = steps.mode().iloc[0]
    if ((steps - step).abs() > 0.1 * step).mean() > 0.1:  # months of 28 to 31 days still count as even
        notes.append("The time steps are uneven; the network treats each row as one step.")
    day = pd.Timedelta(days=1)
    if pd.Timedelta(0) < step <= day and day % step == pd.Timedelta(0):
        per_day = int(day / step)
        found = (per_day, 7 * per_day) if per_day > 1 else (7,)
    elif pd.Timedelta(days=7) == step:
        found = (52,)
    elif pd.Timedelta(days=28) <= step <= pd.Timedelta(days=31):
        found = (12,)
    elif pd.Timedelta(days=89) <= step <= pd.Timedelta(days=92):
        found = (4,)
    else:
        found = ()
    return tuple(p for p in found if 2 * p <= len(index))


def from_csv(path_or_buffer, value_column: str | None = None, time_column=None,
             max_bytes: int = MAX_UPLOAD_BYTES) -> Series:
    """Read one numeric column of a CSV file as a chronological :class:`Series`.

    Parameters
    ----------
    path_or_buffer : str, Path, bytes or file-like
        The file. A file-like object (e.g. Streamlit's UploadedFile) is rewound first.
    value_column : str, optional
        The column to forecast. None picks the first mostly-filled numeric column that
        is not time-like (timestamps, unix seconds, years).
    time_column : str, optional
        Dates/times to sort by and to index with. None picks the first time-like column;
        False or "" keeps the file's row order and indexes by step.
    max_bytes : int
        Larger files raise DataError.

    Returns
    -------
    Series
        Rows sorted oldest first (timestamps with zones converted to UTC, tz-naive),
        duplicate times averaged, gaps up to MAX_GAP rows interpolated; each change is
        described in ``notes``. Over MAX_SERIES_LENGTH points, the most recent are kept.

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
    numeric, _, default_value, _ = _choices(columns, len(frame))
    value_column, time_column = _pick(columns, numeric, value_column, time_column, default_value)
    values = columns[value_column].numbers
    if time_column is None:
        index = pd.RangeIndex(len(values))
    else:
        times = columns[time_column].times
        unreadable = int(times.isna().sum())
        if unreadable:
            notes.append(f"Dropped {unreadable} rows whose time could not be read.")
        values, times = values[times.notna()], times[times.notna()]
        steps = np.diff(times.asi8)
        if (steps < 0).any():
            notes.append("Sorted rows oldest first (the file listed them newest first)." if (steps <= 0).all()
                         else "Sorted rows by time.")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a mean of huge numbers may overflow: caught below
            merged = pd.Series(values, index=times).groupby(level=0).mean()  # sorts by time too
        if len(merged) < len(values):
            notes.append(f"Averaged rows that share a timestamp ({len(values) - len(merged)} duplicates).")
        values, index = merged.to_numpy(dtype=float), pd.DatetimeIndex(merged.index).rename(None)
    if not np.isfinite(values).any():
        raise DataError(f"Column {value_column!r} has no usable numbers.")
    positions = index.asi8.astype(float) if isinstance(index, pd.DatetimeIndex) else np.arange(len(values), dtype=float)
    kept, values, gap_notes = _fill_gaps(values, positions)
    index, notes = index[kept], notes + gap_notes
    if len(values) > MAX_SERIES_LENGTH:
        notes.append(f"Kept the most recent {MAX_SERIES_LENGTH:,} of {len(values):,} points.")
        values, index = values[-MAX_SERIES_LENGTH:], index[-MAX_SERIES_LENGTH:]
    if len(values) < MIN_LENGTH:
        raise DataError(f"Column {value_column!r} has only {len(values)} usable values; at least {MIN_LENGTH} "
                        "are needed.")
    if not np.isfinite(values).all():
        raise DataError(f"Column {value_column!r} holds numbers too large to work with.")
    if values.min() == values.max():
        notes.append("All values are equal: a constant series has nothing to learn.")
    if isinstance(index, pd.DatetimeIndex):
        periods = _periods(index, notes)
    else:
        index, periods = pd.RangeIndex(len(values)), ()
    found = re.fullmatch(r".+?\s*[(\[]([^()\[\]]{1,15})[)\]]", value_column)  # "temp (°C)" -> unit °C
    return Series(values, index, value_column, unit=found[1].strip() if found else "",
                  period=periods[0] if periods else None, periods=periods, notes=tuple(notes),
                  description=f"Column {value_column!r} of {filename}.", source=f"uploaded file {filename}")
