"""The split modules: every old import path still gives the very same object."""

import subprocess
import sys

import pytest

from rnn_core import baselines, csv_reader, data, datasets, errors, series, stats

STATS_NAMES = ["ADFResult", "adf_test", "suggest_d", "difference", "stl_decompose", "acf_pacf"]
CSV_NAMES = ["inspect_csv", "CsvInfo", "MAX_UPLOAD_BYTES", "MAX_SERIES_LENGTH", "MIN_LENGTH", "MAX_GAP"]


@pytest.mark.parametrize("name", STATS_NAMES)
def test_baselines_reexports_the_stats_objects(name):
    assert getattr(baselines, name) is getattr(stats, name)
    assert name in baselines.__all__


@pytest.mark.parametrize("name", CSV_NAMES)
def test_data_reexports_the_csv_reader_objects(name):
    assert getattr(data, name) is getattr(csv_reader, name)
    assert name in data.__all__


def test_data_reexports_series_and_the_error():
    assert data.Series is series.Series
    assert data.DataError is errors.DataError
    assert csv_reader.from_csv(b"x\n" + b"1\n" * 12).__class__ is data.Series


def test_every_dataset_loader_lives_in_datasets():
    for spec in data.DATASETS.values():
        assert getattr(datasets, spec.loader.__name__) is spec.loader


def test_data_from_csv_reads_the_cap_from_data_when_called(monkeypatch):
    # data.from_csv wraps csv_reader.from_csv (not a re-export) exactly so this keeps working
    raw = b"x\n" + b"".join(b"%d\n" % i for i in range(40))
    assert data.from_csv(raw).values.tolist() == csv_reader.from_csv(raw).values.tolist() == list(range(40))
    monkeypatch.setattr(data, "MAX_SERIES_LENGTH", 15)
    assert data.from_csv(raw).values.tolist() == list(range(25, 40))
    assert len(csv_reader.from_csv(raw)) == 40


@pytest.mark.parametrize("module", ["data", "baselines", "csv_reader", "stats", "datasets", "timeparse",
                                    "csv_table", "series"])
def test_each_module_imports_first_without_a_cycle(module):
    # a fresh interpreter, so that no earlier import hides a circular one
    code = f"import rnn_core.{module}; import rnn_core.data, rnn_core.baselines"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
