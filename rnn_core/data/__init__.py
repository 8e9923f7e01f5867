"""Sequences and how they are cut: the lecture's first steps.

- :mod:`~rnn_core.data.catalog`: the built-in datasets and :func:`load`, :func:`from_csv`;
- :mod:`~rnn_core.data.datasets`: the generators and real series behind them;
- :mod:`~rnn_core.data.series`: :class:`Series`, the one shape every sequence takes;
- :mod:`~rnn_core.data.csv_reader`, :mod:`~rnn_core.data.csv_table`, :mod:`~rnn_core.data.timeparse`:
  a real user's CSV file, read;
- :mod:`~rnn_core.data.stats`: trends and seasons (ADF, STL, ACF/PACF through statsmodels);
- :mod:`~rnn_core.data.windows`: inputs and targets, split and scaled.

The names below are the ones to use (``from rnn_core import data; data.load("traffic")``).
"""

from rnn_core.data.catalog import DATASETS, DatasetSpec, ParamSpec, from_csv, load
from rnn_core.data.csv_reader import MAX_GAP, MAX_SERIES_LENGTH, MAX_UPLOAD_BYTES, MIN_LENGTH, CsvInfo, inspect_csv
from rnn_core.data.series import Series
from rnn_core.errors import DataError

__all__ = [
    "DATASETS", "MAX_GAP", "MAX_SERIES_LENGTH", "MAX_UPLOAD_BYTES", "MIN_LENGTH",
    "CsvInfo", "DataError", "DatasetSpec", "ParamSpec", "Series", "from_csv", "inspect_csv", "load",
]
