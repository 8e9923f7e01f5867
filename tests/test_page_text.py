"""AppTest: the Text generation page trains live, writes at three temperatures, and explains bad input."""

import re

import pytest

from tests.apptest_helpers import chart, plotly_array, run_page

PAGE = "9_Text_generation.py"
START, STEP, RESET = "start_pause_char_lm", "step_char_lm", "reset_char_lm"


def _epoch(at) -> int:
    texts = [p.proto.text for p in at.get("progress")]
    assert texts, "the progress bar is shown"
    return int(re.search(r"Epoch (\d+) of", texts[0]).group(1))


def _samples(at) -> list[str]:
    return [c.value for c in at.main.code]  # the sidebar's share box holds a code block too


@pytest.fixture
def at():
    return run_page(PAGE)


def test_start_ticks_train_pause_holds_step_and_reset(at):
    assert _epoch(at) == 0
    assert len(_samples(at)) == 3 and all(s.startswith("th") for s in _samples(at)), "prompt first, 3 samples"
    at.button(key=START).click().run()
    for _ in range(60):  # a tick ends on time, maybe inside an epoch: a few ticks make the first one
        if _epoch(at) >= 1:
            break
        at.run()
    first = _epoch(at)
    assert first >= 1
    for _ in range(60):
        at.run()
        if _epoch(at) > first:
            break
    assert _epoch(at) > first, "ticks keep training"
    loss = chart(at, "text_loss_chart")
    names = {t["name"] for t in loss["data"]}
    assert {"training", "validation", "guessing uniformly"} <= names
    assert len(plotly_array(loss["data"][0]["x"])) == _epoch(at)

    at.button(key=START).click().run()  # pause
    held = _epoch(at)
    at.run()
    assert _epoch(at) == held
    at.button(key=STEP).click().run()
    assert _epoch(at) == held + 1
    at.button(key=RESET).click().run()
    assert _epoch(at) == 0
    assert not at.exception


def test_temperature_and_prompt_change_samples_and_bars(at):
    at.button(key=START).click().run()
    at.button(key=START).click().run()  # one chunk trained, then paused
    greedy, mid, hot = _samples(at)
    bars = chart(at, "next_char_chart")["data"][0]
    at.slider(key="temperature").set_value(1.5).run()
    greedy2, mid2, hot2 = _samples(at)
    assert greedy2 == greedy, "temperature 0 does not depend on the slider"
    assert mid2 != mid
    assert max(plotly_array(chart(at, "next_char_chart")["data"][0]["y"])) < max(plotly_array(bars["y"])), \
        "a higher temperature flattens the next-character probabilities"
    at.text_input(key="prompt").set_value("The network").run()
    assert all(s.startswith("The network") for s in _samples(at))
    assert chart(at, "next_char_chart")["data"][0] != bars

    at.text_input(key="prompt").set_value("th€").run()  # € is not in the English notes
    assert not at.exception
    assert any("never seen" in e.value for e in at.error)
    assert at.session_state["char_lm"].steps >= 1, "a bad prompt does not stop the page or lose the run"


def test_pasted_text_trains_on_its_own_vocabulary(at):
    at.radio(key="corpus").set_value("paste").run()
    assert not at.exception
    assert any("empty" in e.value for e in at.error), "an empty paste box is a message"
    at.text_area(key="pasted_text").set_value("abc").run()
    assert any("at least" in e.value for e in at.error)
    at.text_area(key="pasted_text").set_value("to be or not to be, " * 30).run()
    tr = at.session_state["char_lm"]
    assert "".join(tr.vocab.chars) == " ,benort"
    assert not at.error, "switching corpus empties the prompt: the samples start at a new line"
    at.text_input(key="prompt").set_value("th").run()
    assert any(re.search(r"never seen.*: h\.", e.value.replace("\\", "")) for e in at.error), "this text has no h"
    at.text_input(key="prompt").set_value("to be").run()
    assert not at.error and all(s.startswith("to be") for s in _samples(at))


def test_python_corpus_and_model_limits(at):
    at.radio(key="corpus").set_value("python").run()
    assert "def " in at.session_state["char_lm"].text
    assert all(c.language == "python" and c.value.startswith("    def ") for c in at.main.code), "a prompt for code"
    at.selectbox(key="text_cell").set_value("lstm").run()
    at.slider(key="text_hidden_size").set_value(256).run()
    at.slider(key="text_num_layers").set_value(3).run()
    assert not at.exception
    assert any("parameters" in e.value for e in at.error)


def test_samples_show_what_they_copy_and_the_chart_marks_the_best_epoch(at):
    copies = [c.value for c in at.caption if "Longest stretch copied" in c.value]
    assert len(copies) == 3, "one under each sample"
    assert at.number_input(key="text_patience").value == 15, "early stopping is on by default"
    at.button(key=STEP).click().run()
    at.button(key=STEP).click().run()
    tr = at.session_state["char_lm"]
    best = min(tr.history, key=lambda r: r.val_loss).epoch
    layout = chart(at, "text_loss_chart")["layout"]
    assert any(s.get("x0") == best for s in layout.get("shapes", [])), "a dotted line at the best epoch"
    assert any(f"in epoch {best}" in c.value for c in at.caption)
    assert not at.exception
