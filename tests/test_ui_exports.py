"""AppTest: the export panel offers every download and answers a bad weights file with a message."""

import io

import pytest
from streamlit.testing.v1 import AppTest

from rnn_core import config, data, export
from rnn_core.training.trainer import Trainer
from tests.apptest_helpers import ROOT, run_page

APP = str(ROOT / "tests" / "apps" / "exports_app.py")


def _run(**state) -> AppTest:
    return run_page(APP, **state)  # an absolute path: pathlib's "/" keeps it as it is


def _downloads(at) -> dict:
    return {b.proto.id.rsplit("-", 1)[-1]: b for b in at.get("download_button")}


def _uploaded(at, name: str, content: bytes) -> AppTest:
    at.file_uploader(key="weights_file").set_value((name, content, "application/octet-stream")).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


@pytest.fixture(scope="module")
def at():
    return _run()


def test_every_download_is_offered_with_the_snippet(at):
    buttons = _downloads(at)
    for key in ("download_predictions", "download_metrics", "download_weights", "download_snippet"):
        assert any(k.endswith(key) for k in buttons), (key, list(buttons))
    code = at.code[0].value
    assert "Trainer(cfg, series)" in code and "hidden_size=8" in code
    assert "DataConfig(name='sine', params=(('n', 200), ('period', 20)))" in code
    assert not at.error


def test_a_junk_file_shows_an_error_not_an_exception():
    at = _uploaded(_run(), "model.pt", b"\x00junk, not a model" * 20)
    assert any("not a readable model file" in e.value for e in at.error)
    assert not at.success


def test_a_foreign_torch_file_shows_an_error():
    import torch

    buffer = io.BytesIO()
    torch.save({"weight": torch.ones(2, 2)}, buffer)
    at = _uploaded(_run(), "other.pt", buffer.getvalue())
    assert any("not saved by RNN Playground" in e.value for e in at.error)


def test_a_saved_model_loads_back_and_its_settings_are_shown():
    cfg = config.PRESETS["tiny"].replace(model={"cell": "lstm", "hidden_size": 5}, train={"epochs": 1})
    tr = Trainer(cfg, data.load("sine", n=200, period=20))
    tr.run()
    at = _uploaded(_run(), "lstm.pt", export.save_model(tr))
    assert not at.error and at.success
    table = at.dataframe[-1].value
    values = dict(zip(table["setting"], table["value"], strict=True))
    assert values["network"] == "LSTM" and values["hidden_size × num_layers"] == "5 × 1"
    assert values["trained"].startswith("1 epochs")


def test_without_scores_the_scores_download_waits():
    at = _run(with_result=False)
    buttons = _downloads(at)
    assert not any(k.endswith("download_metrics") for k in buttons)
    assert any(k.endswith("download_weights") for k in buttons)
    assert any("once the run is scored" in c.value for c in at.caption)


def test_before_training_there_is_code_but_no_files():
    at = _run(train=False)
    assert any("at least one epoch" in i.value for i in at.info)
    assert not at.get("download_button")[:-1], "only the code download"
    assert "trainer.run()" in at.code[0].value
