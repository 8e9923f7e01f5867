"""The built-in sequences, each a plain function of its parameters (seeded where random).

:data:`rnn_core.data.DATASETS` names them, lists their parameters with hard bounds
and checks every value in :func:`rnn_core.data.load` before calling one of these;
called directly they trust their arguments. The real series ship inside
statsmodels, so nothing here touches the network.

Examples
--------
>>> from rnn_core.data import datasets
>>> datasets.collatz(6).values.tolist()
[6.0, 3.0, 10.0, 5.0, 16.0, 8.0, 4.0, 2.0, 1.0]
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import pandas as pd

from rnn_core.data.series import Series

__all__ = ["ar1", "co2", "collatz", "logistic", "nile", "noisy_trend", "sine", "sunspots", "traffic"]


# ---------------------------------------------------------------- generated datasets

def collatz(start: int) -> Series:
    """Halve if even, else 3x+1, from ``start`` until 1; exact integer arithmetic."""
    sequence = [start]
    n = start
    while n != 1:  # Python ints: exact however large the values climb
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        sequence.append(n)
    notes = () if len(sequence) > 20 else (f"Only {len(sequence)} values: too short to learn from; try another start.",)
    return Series(np.array(sequence, dtype=np.float64), pd.RangeIndex(len(sequence)), f"Collatz (start {start})",
                  description="Halve an even number, triple an odd one and add 1; repeat until reaching 1.",
                  source="computed exactly with integer arithmetic", notes=notes)


def noisy_trend(n: int, noise: float, seed: int) -> Series:
    """The course example: ``n`` steps of sine + Gaussian noise (std ``noise``) + a straight line."""
    rng = np.random.default_rng(seed)
    values = np.sin(np.linspace(0, 100, n)) + rng.normal(0.0, noise, n) + 0.5 * np.linspace(0, 20, n)
    period = max(2, round(2 * math.pi * (n - 1) / 100))  # one sine cycle, in steps
    return Series(values, pd.RangeIndex(n), "Noisy trend", period=period, periods=(period,),
                  description="The course's example: a sine wave plus Gaussian noise on a rising straight line.",
                  source="synthetic, seeded")


def sine(n: int, period: int, amplitude: float, noise: float, seed: int) -> Series:
    """A sine wave of ``period`` steps and height ``amplitude``, plus Gaussian noise."""
    rng = np.random.default_rng(seed)
    values = amplitude * np.sin(2 * math.pi * np.arange(n) / period) + rng.normal(0.0, noise, n)
    return Series(values, pd.RangeIndex(n), f"Sine (period {period})", period=period, periods=(period,),
                  description=f"A sine wave repeating every {period} steps, optionally with Gaussian noise.",
                  source="synthetic, seeded")


def _bump(hour: np.ndarray, centre: float, width: float) -> np.ndarray:
    distance = (hour - centre + 12) % 24 - 12  # around the clock: 23h is close to 1h
    return np.exp(-0.5 * (distance / width) ** 2)


def traffic(n: int, noise: float, seed: int) -> Series:
    """``n`` hours of synthetic traffic: weekday rush hours, quieter weekends, multiplicative noise."""
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


def ar1(n: int, phi: float, seed: int) -> Series:
    """An AR(1) process ``x_t = phi x_{t-1} + e_t``, started in its stationary distribution."""
    eps = np.random.default_rng(seed).normal(size=n)
    x = np.empty(n)
    x[0] = eps[0] / math.sqrt(1 - phi**2)  # start in the stationary distribution
    for t in range(1, n):
        x[t] = phi * x[t - 1] + eps[t]  # x_t = phi * x_{t-1} + noise
    return Series(x, pd.RangeIndex(n), f"AR(1) (phi {phi:g})",
                  description="Each value is phi times the previous one plus Gaussian noise: ARMA's home ground.",
                  source="synthetic, seeded")


def logistic(n: int, r: float, x0: float) -> Series:
    """The logistic map ``x_{t+1} = r x_t (1 - x_t)`` from ``x0``: chaotic for r near 4."""
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


def co2() -> Series:
    """Weekly CO2 at Mauna Loa (statsmodels), missing weeks interpolated over time."""
    raw = _statsmodels_frame("co2")["co2"]
    missing = int(raw.isna().sum())
    filled = raw.interpolate(method="time").dropna()
    notes = (f"Filled {missing} missing weekly values by interpolation over time.",) if missing else ()
    return Series(filled.to_numpy(dtype=float), pd.DatetimeIndex(filled.index), "CO2 at Mauna Loa", unit="ppm",
                  period=52, periods=(52,), notes=notes,
                  description="Weekly atmospheric carbon dioxide, 1958-2001: a rising trend with a yearly cycle.",
                  source="statsmodels.datasets.co2")


def sunspots() -> Series:
    """Yearly sunspot numbers since 1700 (statsmodels)."""
    frame = _statsmodels_frame("sunspots")
    return Series(frame["SUNACTIVITY"].to_numpy(dtype=float), _year_index(frame["YEAR"]), "Sunspots",
                  unit="sunspot number", period=11, periods=(11,),
                  description="Yearly sunspot activity since 1700: an irregular cycle of about 11 years.",
                  source="statsmodels.datasets.sunspots")


def nile() -> Series:
    """Yearly Nile flow at Aswan, 1871-1970 (statsmodels)."""
    frame = _statsmodels_frame("nile")
    return Series(frame["volume"].to_numpy(dtype=float), _year_index(frame["year"]), "Nile flow", unit="10^8 m^3",
                  description="Yearly flow of the Nile at Aswan, 1871-1970, with a drop after 1898.",
                  source="statsmodels.datasets.nile")
