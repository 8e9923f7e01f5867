"""Sequences to learn from: built-in datasets and uploaded CSV files, as one :class:`Series`.

Every dataset is a function of its parameters (seeded where random, written in
:mod:`rnn_core.data.datasets`), checked against hard bounds by :func:`load`, because a URL
can carry any value. :func:`from_csv` turns a real user's file (newest-first rows,
"MST" timestamps, empty columns, gaps) into a clean, chronological series and says in
``Series.notes`` what it changed; the reading lives in :mod:`rnn_core.data.csv_reader`.
Import them from the package: ``from rnn_core import data``.

Examples
--------
>>> from rnn_core import data
>>> s = data.load("collatz", start=67)
>>> s.values[:3].tolist(), s.values[-1].item()
([67.0, 202.0, 101.0], 1.0)
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass

from rnn_core.data import csv_reader, datasets
from rnn_core.data.csv_reader import MAX_SERIES_LENGTH, MAX_UPLOAD_BYTES
from rnn_core.data.series import Series
from rnn_core.errors import DataError

__all__ = ["DATASETS", "DatasetSpec", "ParamSpec", "from_csv", "load"]


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


_N = ParamSpec("Length", 500, 20, 20_000, int, "Number of time steps.")
_SEED = ParamSpec("Data seed", 0, 0, 2**31 - 1, int, "Same seed, same series.")

DATASETS: dict[str, DatasetSpec] = {spec.name: spec for spec in [
    DatasetSpec("collatz", "Collatz (3x+1)", "The lecture's first sequence: 3x+1 from a start until it reaches 1.",
                {"start": ParamSpec("Start", 67, 1, 10**12, int, "Any whole number from 1 to 10^12.")},
                datasets.collatz),
    DatasetSpec("noisy_trend", "Noisy trend", "A sine wave with noise on top of a linear trend (the course example).",
                {"n": ParamSpec("Length", 1000, 50, 20_000, int, "Number of time steps."),
                 "noise": ParamSpec("Noise", 0.2, 0.0, 5.0, float, "Standard deviation of the Gaussian noise."),
                 "seed": ParamSpec("Data seed", 42, 0, 2**31 - 1, int, "Same seed, same series.")}, datasets.noisy_trend),
    DatasetSpec("sine", "Sine wave", "A clean (or noisy) sine wave with a period you choose.",
                {"n": _N, "period": ParamSpec("Period", 25, 2, 5_000, int, "Steps per cycle."),
                 "amplitude": ParamSpec("Amplitude", 1.0, 0.01, 1_000.0, float, "Height of the wave."),
                 "noise": ParamSpec("Noise", 0.0, 0.0, 100.0, float, "Standard deviation of the Gaussian noise."),
                 "seed": _SEED}, datasets.sine),
    DatasetSpec("traffic", "Hourly traffic (synthetic)", "Made-up hourly traffic with daily and weekly rhythms.",
                {"n": ParamSpec("Hours", 24 * 7 * 8, 48, 24 * 7 * 104, int, "Number of hours (8 weeks by default)."),
                 "noise": ParamSpec("Noise", 0.1, 0.0, 0.5, float, "Size of the random multiplicative wobble."),
                 "seed": _SEED}, datasets.traffic),
    DatasetSpec("ar1", "AR(1) process", "x_t = phi x_{t-1} + noise: the simplest autoregressive process.",
                {"n": _N, "phi": ParamSpec("phi", 0.8, -0.99, 0.99, float, "How much of the last value carries over."),
                 "seed": _SEED}, datasets.ar1),
    DatasetSpec("logistic", "Logistic map (chaotic)", "x_{t+1} = r x_t (1 - x_t): deterministic chaos.",
                {"n": _N, "r": ParamSpec("r", 3.9, 2.5, 4.0, float, "Growth rate; above about 3.57 it is chaotic."),
                 "x0": ParamSpec("x0", 0.2, 0.01, 0.99, float, "Starting value, between 0 and 1.")},
                datasets.logistic),
    DatasetSpec("co2", "CO2 at Mauna Loa (real)", "Weekly CO2 concentration, 1958-2001.", {}, datasets.co2, real=True),
    DatasetSpec("sunspots", "Sunspots (real)", "Yearly sunspot activity, 1700-2008.", {}, datasets.sunspots, real=True),
    DatasetSpec("nile", "Nile river flow (real)", "Yearly Nile flow at Aswan, 1871-1970.", {}, datasets.nile, real=True),
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


def from_csv(path_or_buffer, value_column: str | None = None, time_column=None,
             max_bytes: int = MAX_UPLOAD_BYTES) -> Series:
    """Read one numeric column of a CSV file as a chronological :class:`Series`.

    This is :func:`rnn_core.data.csv_reader.from_csv` (whose docstring lists every cleaning
    step) with the app's length cap, ``MAX_SERIES_LENGTH``.

    Parameters
    ----------
    path_or_buffer : str, Path, bytes or file-like
    value_column : str, optional
        None picks a temperature if a column's name says so, else the numeric column that
        varies most like a measurement (see :func:`~rnn_core.data.csv_reader.from_csv`).
    time_column : str, optional
        None picks the first time-like column; False or "" keeps the file's row order.
    max_bytes : int
        Larger files raise DataError.

    Returns
    -------
    Series
        Sorted oldest first, gaps filled; each change described in ``notes``.

    Examples
    --------
    >>> text = "day,sales\\n" + "".join(f"2024-01-{d:02d},{d}\\n" for d in range(12, 0, -1))
    >>> s = from_csv(text.encode())
    >>> s.values[:3].tolist(), s.notes[0]
    ([1.0, 2.0, 3.0], 'Sorted rows oldest first (the file listed them newest first).')
    """
    return csv_reader.from_csv(path_or_buffer, value_column, time_column, max_bytes, max_length=MAX_SERIES_LENGTH)
