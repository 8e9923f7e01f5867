"""AppTest: guided questions hide their answer until the experiment has run; "Try it" sets the state."""

from pathlib import Path
from types import SimpleNamespace

import pytest
from streamlit.testing.v1 import AppTest

from rnn_core import config, questions
from rnn_core.config import DataConfig
from tests.apptest_helpers import run_page
from ui.questions import LOCKED, ran_preset

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "tests" / "apps" / "questions_app.py")


def _app(page: str, **state) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["qa_page"] = page
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _locked(at) -> int:
    return sum(i.value == LOCKED for i in at.info)


def _answers(at) -> list[str]:
    return [s.value for s in at.success if s.value.startswith("**Answer.**")]


def _answer_of(q) -> str:
    return f"**Answer.** {q.answer}"


def test_answers_are_hidden_until_try_it_and_the_rerun_with_its_settings():
    page = questions.for_page("sequence_data")
    at = _app("sequence_data")
    assert len(at.expander) == len(page) == 5
    assert _locked(at) == 5 and not _answers(at)

    q = next(q for q in page if q.id == "trends_obvious")
    at.button(key=f"question_try_{q.id}").click().run()
    assert not at.exception
    for key, value in q.settings:
        assert at.session_state[key] == value
    assert at.selectbox(key="dataset").value == "co2", "the page's own widget took the value"
    assert _answers(at) == [_answer_of(q)], "only the question that was tried is answered"
    assert _locked(at) == 4

    at.selectbox(key="dataset").set_value("nile").run()  # moving on keeps the answer
    assert _answers(at) == [_answer_of(q)]


def test_try_it_with_a_value_the_page_does_not_take_stays_locked():
    # the student changed the dataset again before the page was drawn with the settings
    page = questions.for_page("sequence_data")
    q = next(q for q in page if q.id == "sequence_examples")
    at = _app("sequence_data", questions_tried={q.id}, dataset="nile")
    assert not _answers(at) and _locked(at) == 5


def test_a_training_question_unlocks_when_its_preset_has_trained_to_the_end():
    q = next(q for q in questions.for_page("train") if q.preset == "diverging_lr")
    at = _app("train")
    assert at.selectbox(key="preset").value == "default" and not _answers(at)

    at.button(key=f"question_try_{q.id}").click().run()
    assert not at.exception
    assert at.session_state["preset"] == "diverging_lr"
    preset = config.PRESETS["diverging_lr"]
    assert at.session_state["lr"] == preset.train.lr and at.session_state["optimizer"] == "sgd"
    assert at.session_state["radius"] == preset.model.radius == 2.0 and at.session_state["clip"] == 0.0
    assert at.session_state["dataset"] == "noisy_trend"
    tr = at.session_state["trainer"]
    assert tr.epoch == 0 and ran_preset(tr.cfg, "diverging_lr"), "a fresh trainer on the preset's settings"
    assert not _answers(at), "loading the preset is not running it"

    tr.run()  # what the Train page's Start does, tick by tick; this preset diverges within a few epochs
    assert tr.status == "diverged"
    at.run()
    assert _answers(at) == [_answer_of(q)]


def test_a_finished_run_of_another_config_does_not_unlock():
    def fake(finished, cfg):  # what ui.live and the reveal read of a trainer
        return SimpleNamespace(finished=finished, cfg=cfg, epoch=1, lr=cfg.train.lr)

    other, unfinished = fake(True, config.PRESETS["default"]), fake(False, config.PRESETS["traffic_lstm"])
    for trainer in (other, unfinished):
        at = _app("train", trainer=trainer)
        assert not _answers(at)


def test_try_it_on_the_train_page_replaces_a_trained_run():
    q = next(q for q in questions.for_page("train") if q.preset == "collatz_raw_tanh")
    at = _app("train")
    old = at.session_state["trainer"]
    old.run(max_epochs=1)
    at.button(key=f"question_try_{q.id}").click().run()
    new = at.session_state["trainer"]
    assert new is not old and new.epoch == 0 and ran_preset(new.cfg, "collatz_raw_tanh")


def test_ran_preset_ignores_lr_and_extra_dataset_parameters_but_not_the_rest():
    preset = config.PRESETS["collatz_raw_tanh"]
    assert ran_preset(preset, "collatz_raw_tanh")
    assert ran_preset(preset.replace(train={"lr": 0.5}), "collatz_raw_tanh")
    assert not ran_preset(preset.replace(model={"activation": "relu"}), "collatz_raw_tanh")
    assert not ran_preset(preset.replace(data=DataConfig("collatz", (("start", 67),))), "collatz_raw_tanh")
    traffic = config.PRESETS["traffic_lstm"]
    assert ran_preset(traffic.replace(data=DataConfig("traffic", (("n", 1344), ("noise", 0.1)))), "traffic_lstm")
    assert not ran_preset(traffic.replace(data=DataConfig("sine")), "traffic_lstm")


def test_an_unknown_page_shows_a_message_and_a_page_without_questions_shows_nothing():
    at = _app("no_such_page")
    assert any("Unknown page" in e.value for e in at.error)
    empty = [p for p in questions.PAGES if not questions.for_page(p)]
    if empty:
        at = _app(empty[0])
        assert not at.expander and not at.error


# pages that draw quickly; the Recurrent layer page trains for seconds (its values were checked by hand)
QUICK_PAGES = ("sequence_data", "windows")


@pytest.mark.parametrize("q", [q for q in questions.load() if q.settings and q.page in QUICK_PAGES], ids=lambda q: q.id)
def test_try_it_values_fit_the_real_page(q):
    # the page's widgets take every value a question sets (a value they refuse would be replaced)
    at = run_page(questions.PAGES[q.page], **dict(q.settings))
    for key, value in q.settings:
        assert at.get_by_key(key).value == value
    assert not at.error
