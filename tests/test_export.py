"""Exports: predictions and metrics as CSV, model files that round-trip and refuse bad uploads, notebook code."""

import functools
import io
import json
import os
import pickle

import numpy as np
import pandas as pd
import pytest
import torch

from rnn_core import config, data, experiment, export
from rnn_core.data.series import Series
from rnn_core.errors import DataError
from rnn_core.training.trainer import Trainer

TINY = config.PRESETS["tiny"]


def _series(cfg=TINY):
    return data.load(cfg.data.name, **cfg.data.kwargs())


@pytest.fixture(scope="module")
def trained():
    tr = Trainer(TINY, _series())
    tr.run(max_epochs=2)
    return tr


@pytest.fixture(scope="module")
def blob(trained):
    return export.save_model(trained)


def _payload(blob):
    return torch.load(io.BytesIO(blob), weights_only=True)


def _resave(payload, checksum=True) -> bytes:
    """A model file with ``payload`` as it is; its checksum recomputed so the later checks are reached."""
    if checksum:
        meta = {k: payload[k] for k in ("format", "version", "config", "series", "scaler", "trained")}
        payload = {**payload, "checksum": export._checksum(meta, payload["state_dict"])}
    buffer = io.BytesIO()
    torch.save(payload, buffer)
    return buffer.getvalue()


# -- round trip ---------------------------------------------------------------------------
def test_round_trip_gives_the_same_config_and_identical_predictions(trained, blob):
    cfg, model = export.load_model(blob)
    assert cfg == trained.cfg
    assert not model.training
    rebuilt = Trainer(cfg, _series(), model=model)
    np.testing.assert_array_equal(rebuilt.predict("test"), trained.predict("test"))
    np.testing.assert_array_equal(rebuilt.predict("val"), trained.predict("val"))


def test_the_file_is_plain_data_that_torch_reads_with_weights_only(trained, blob):
    payload = _payload(blob)
    assert payload["format"] == export.FORMAT and payload["version"] == export.VERSION
    json.dumps(payload["config"])  # plain dicts, lists, strings and numbers only
    assert payload["config"]["data"] == {"name": "sine", "params": [["n", 200], ["period", 20]]}
    assert payload["series"]["name"] == trained.series.name and payload["series"]["length"] == 200
    info = export.load_checkpoint(blob).info
    assert info["trained"]["epochs"] == 2 and info["scaler"]["kind"] == "standard"
    assert info["scaler"]["shift"] == trained.prepared.scaler.shift


@pytest.mark.parametrize("changes", [
    {"model": {"cell": "lstm", "num_layers": 2, "h0": "learned"}},
    {"model": {"cell": "gru", "layer_norm": True}, "window": {"mode": "multi", "horizon": 3}},
    {"model": {"cell": "mlp", "num_layers": 2}, "window": {"mode": "seq2seq", "horizon": 2}},
    {"model": {"cell": "leaky", "alpha": 0.3, "radius": 0.9}},
    {"model": {"cell": "skip", "skip": 3, "init": "orthogonal"}, "train": {"clip": None, "patience": 4}},
])
def test_round_trip_for_every_kind_of_network(changes):
    cfg = TINY.replace(**changes)
    tr = Trainer(cfg, _series())
    tr.run(max_epochs=1)
    loaded_cfg, model = export.load_model(export.save_model(tr))
    assert loaded_cfg == cfg
    np.testing.assert_array_equal(Trainer(cfg, _series(), model=model).predict("test"), tr.predict("test"))


def test_loading_leaves_the_global_random_state_alone(blob):
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    export.load_model(blob)
    assert torch.equal(torch.rand(3), expected)


def test_config_dicts_round_trip_for_every_preset():
    for cfg in config.PRESETS.values():
        d = export.config_to_dict(cfg)
        assert export.config_from_dict(json.loads(json.dumps(d))) == cfg


def test_a_network_that_is_not_what_its_config_builds_is_not_exported():
    other = TINY.replace(model={"hidden_size": 4})
    from rnn_core.networks.models import build_model

    model = build_model(other.model, "next", 8, 1)
    tr = Trainer(TINY, _series(), model=model)
    with pytest.raises(DataError, match="do not fit|settings make"):
        export.save_model(tr)


# -- bad files ----------------------------------------------------------------------------
def _flip(blob, where):
    b = bytearray(blob)
    b[where] ^= 0xFF
    return bytes(b)


def _tensor_data_offset(blob):
    """Where the first weights' bytes sit in the zip: damage there goes unnoticed by torch itself."""
    payload = _payload(blob)
    first = next(iter(payload["state_dict"].values())).numpy().tobytes()
    return blob.index(first[:16])


@pytest.mark.parametrize("make, message", [
    (lambda b: b"", "empty"),
    (lambda b: os.urandom(2000), "not a readable model file"),
    (lambda b: b[: len(b) // 2], "not a readable model file"),
    (lambda b: b[:-10], "not a readable model file"),
    (lambda b: b"PK\x03\x04" + b[4:200], "not a readable model file"),
    (lambda b: _flip(b, _tensor_data_offset(b)), "damaged"),
    (lambda b: "a string, not bytes", "empty"),
], ids=["empty", "random", "half", "truncated", "zip-header-only", "weights-damaged", "not-bytes"])
def test_damaged_or_junk_files_are_refused_with_a_message(blob, make, message):
    with pytest.raises(DataError, match=message):
        export.load_model(make(blob))


def test_every_single_byte_flip_is_refused_or_harmless(trained, blob):
    """Damage anywhere is either caught or changes nothing the model computes."""
    expected = trained.predict("test")
    for where in range(0, len(blob), max(1, len(blob) // 150)):
        try:
            cfg, model = export.load_model(_flip(blob, where))
        except DataError:
            continue
        assert cfg == trained.cfg
        np.testing.assert_array_equal(Trainer(cfg, _series(), model=model).predict("test"), expected)


@pytest.mark.parametrize("foreign", [
    {"weight": torch.ones(3, 3), "bias": torch.zeros(3)},  # someone else's state_dict
    torch.ones(5),
    [1, 2, 3],
    {"format": "something-else", "version": 1},
])
def test_foreign_torch_files_are_refused(foreign):
    buffer = io.BytesIO()
    torch.save(foreign, buffer)
    with pytest.raises(DataError, match="not saved by RNN Playground"):
        export.load_model(buffer.getvalue())


class _Evil:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return os.mkdir, (self.path,)


@pytest.mark.parametrize("how, message", [
    ("torch", "program code"),
    ("pickle-2", "program code"),
    ("pickle-5", "not a readable model file"),  # the weights-only reader stops even earlier, at protocol 5
])
def test_a_file_with_code_is_refused_and_the_code_never_runs(tmp_path, how, message):
    target = str(tmp_path / "pwned")
    if how == "torch":
        buffer = io.BytesIO()
        torch.save({"format": export.FORMAT, "payload": _Evil(target)}, buffer)
        raw = buffer.getvalue()
    else:
        raw = pickle.dumps(_Evil(target), protocol=int(how[-1]))
    with pytest.raises(DataError, match=message):
        export.load_model(raw)
    assert not os.path.exists(target)


def test_too_large_a_file_is_refused_before_reading(blob, monkeypatch):
    monkeypatch.setattr(export, "MAX_MODEL_BYTES", len(blob) - 1)
    with pytest.raises(DataError, match="at most"):
        export.load_model(blob)


def test_wrong_tag_and_unknown_version_are_refused(blob):
    payload = _payload(blob)
    with pytest.raises(DataError, match="not saved by RNN Playground"):
        export.load_model(_resave({**payload, "format": "keras/model"}))
    with pytest.raises(DataError, match="version 2"):
        export.load_model(_resave({**payload, "version": 2}))
    with pytest.raises(DataError, match="incomplete or has extra"):
        export.load_model(_resave({**payload, "extra": 1}, checksum=False))


def test_a_changed_setting_without_a_matching_checksum_is_damage(blob):
    payload = _payload(blob)
    payload["config"]["train"]["lr"] = 0.5
    with pytest.raises(DataError, match="checksum"):
        export.load_model(_resave(payload, checksum=False))


@pytest.mark.parametrize("section, key, value, message", [
    ("model", "hidden_size", 100_000, "Hidden size"),
    ("model", "cell", "transformer", "Unknown cell"),
    ("window", "split", [0.9, 0.5], "Split"),
    ("train", "lr", "fast", "learning rate"),
    ("model", "radius", [1, 2], "radius"),
])
def test_settings_outside_the_limits_are_refused(blob, section, key, value, message):
    payload = _payload(blob)
    payload["config"][section][key] = value
    with pytest.raises(DataError, match=message):
        export.load_model(_resave(payload))


def test_settings_of_another_shape_are_refused(blob):
    payload = _payload(blob)
    del payload["config"]["model"]["alpha"]
    with pytest.raises(DataError, match="model settings"):
        export.load_model(_resave(payload))
    payload = _payload(blob)
    payload["config"]["data"]["params"] = [["n", {"nested": 1}]]
    with pytest.raises(DataError, match="pairs"):
        export.load_model(_resave(payload))


def test_weights_that_do_not_fit_the_settings_are_refused(blob):
    payload = _payload(blob)
    payload["config"]["model"]["hidden_size"] = 16  # valid, but the weights are 8 wide
    with pytest.raises(DataError, match=r"\(16, 16\)|\(16,"):
        export.load_model(_resave(payload))
    payload = _payload(blob)
    payload["config"]["model"]["cell"] = "mlp"
    with pytest.raises(DataError, match="do not fit"):
        export.load_model(_resave(payload))
    payload = _payload(blob)
    key = next(iter(payload["state_dict"]))
    payload["state_dict"][key] = payload["state_dict"][key].double()
    with pytest.raises(DataError, match="float64"):
        export.load_model(_resave(payload))


def test_non_finite_weights_and_odd_notes_are_refused(blob):
    payload = _payload(blob)
    key = next(iter(payload["state_dict"]))
    payload["state_dict"][key][0] = float("nan")
    with pytest.raises(DataError, match="non-finite"):
        export.load_model(_resave(payload))
    payload = _payload(blob)
    payload["series"]["name"] = ["<b>not", "a name</b>"]
    with pytest.raises(DataError, match="not plain values"):
        export.load_model(_resave(payload))
    payload["series"]["name"] = torch.ones(2)  # cannot even be checksummed
    with pytest.raises(DataError, match="damaged"):
        export.load_model(_resave(payload, checksum=False))


# -- predictions and metrics --------------------------------------------------------------
def test_predictions_frame_lines_up_targets_and_forecasts(trained):
    frame = export.predictions_frame(trained)
    test = trained.prepared.test
    assert list(frame.columns) == ["origin", "target", "prediction"]
    assert frame.index.name == "time" and len(frame) == len(test)
    np.testing.assert_array_equal(frame["origin"], test.origins)
    np.testing.assert_array_equal(frame["target"], trained.values[test.origins])
    np.testing.assert_array_equal(frame["prediction"], trained.predict("test")[:, 0])
    assert len(export.predictions_frame(trained, "val")) == len(trained.prepared.val)
    with pytest.raises(config.ConfigError):
        export.predictions_frame(trained, "future")


def test_predictions_with_baselines_and_csv_round_trip(trained):
    result = experiment.evaluate(trained, arima=False)
    frame = export.predictions_frame(trained, result=result)
    assert {"naive", "seasonal_naive"} <= set(frame.columns)
    np.testing.assert_array_equal(frame["naive"], result.predictions["naive"][:, 0])
    back = pd.read_csv(io.StringIO(export.predictions_csv(trained, result=result)), index_col="time")
    np.testing.assert_allclose(back.to_numpy(), frame.to_numpy(), rtol=1e-15)
    metrics = pd.read_csv(io.StringIO(export.metrics_csv(result)), index_col="model")
    assert list(metrics.columns) == ["mae", "rmse", "mase"]
    assert metrics.loc["rnn", "mae"] == pytest.approx(result.metrics["rnn"]["mae"], rel=1e-15)
    assert set(metrics.index) == set(result.metrics)


def test_multi_step_forecasts_get_one_column_per_step_and_dates_stay_dates():
    cfg = TINY.replace(window={"mode": "multi", "horizon": 3})
    values = np.sin(np.arange(150) / 4)
    series = Series(values, pd.date_range("2024-01-01", periods=150, freq="h"), "hourly")
    tr = Trainer(cfg, series)
    frame = export.predictions_frame(tr)
    assert [c for c in frame.columns if c.startswith("target")] == ["target_h1", "target_h2", "target_h3"]
    assert isinstance(frame.index, pd.DatetimeIndex)
    assert frame.index[0] == series.index[tr.prepared.test.origins[0]]
    np.testing.assert_array_equal(frame["target_h3"], values[tr.prepared.test.origins + 2])


# -- notebook snippet ---------------------------------------------------------------------
def _exec(snippet, monkeypatch):
    # the snippet scores against ARIMA too; the order search is slow on a busy machine and not what is tested
    monkeypatch.setattr(experiment, "evaluate", functools.partial(experiment.evaluate, arima=False))
    namespace = {}
    exec(compile(snippet, "<snippet>", "exec"), namespace)  # noqa: S102 - our own generated code
    return namespace


def test_the_snippet_reproduces_the_run(monkeypatch, capsys):
    cfg = TINY.replace(train={"epochs": 2, "lr": 0.0123, "clip": None}, model={"radius": 0.95})
    ns = _exec(export.notebook_snippet(cfg), monkeypatch)
    assert ns["cfg"] == cfg
    direct = Trainer(cfg, _series(cfg))
    direct.run(max_epochs=1)
    assert ns["trainer"].history[0].train_loss == direct.history[0].train_loss
    assert "mase" in capsys.readouterr().out


def test_the_snippet_for_an_upload_reads_the_csv(tmp_path, monkeypatch):
    rows = "\n".join(f"{i},{np.sin(i / 3):.6f}" for i in range(120))
    (tmp_path / "my data.csv").write_text("step,x\n" + rows + "\n")
    params = (("file", "my data.csv"), ("sha1", "0123"), ("value_column", "x"), ("time_column", ""))
    cfg = TINY.replace(data=config.DataConfig("upload", params), train={"epochs": 1})
    monkeypatch.chdir(tmp_path)
    ns = _exec(export.notebook_snippet(cfg), monkeypatch)
    direct = Trainer(cfg, data.from_csv(str(tmp_path / "my data.csv"), value_column="x", time_column=""))
    direct.run()
    assert ns["trainer"].history[0].train_loss == direct.history[0].train_loss


@pytest.mark.parametrize("name", sorted(config.PRESETS))
def test_the_snippet_rebuilds_every_preset_exactly(name):
    cfg = config.PRESETS[name]
    snippet = export.notebook_snippet(cfg)
    head = snippet[: snippet.index("\n)\n") + 3]  # the imports and the config, without training
    ns = {}
    exec(head, ns)  # noqa: S102
    assert ns["cfg"] == cfg
    assert max(len(line) for line in snippet.splitlines()) <= 88, "fits a notebook cell"


def test_one_upload_cap_the_uploader_states_and_the_server_enforces():
    import tomllib
    from pathlib import Path

    server = tomllib.loads((Path(__file__).parents[1] / ".streamlit" / "config.toml").read_text())
    cap_mb = server["server"]["maxUploadSize"]
    assert export.MAX_MODEL_BYTES == cap_mb * 2**20, "the model uploader says the server's own number"
    assert data.MAX_UPLOAD_BYTES <= cap_mb * 2**20, "a CSV the app accepts fits through the server"
