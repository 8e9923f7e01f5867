"""AppTest: the Recurrent layer page renders, its widgets change what is shown, bad input is a message."""

from pathlib import Path

import pytest

from tests.apptest_helpers import chart, run_page

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "3_Recurrent_layer.py")


@pytest.fixture
def at():
    return run_page("3_Recurrent_layer.py")


_chart = chart


def _metrics(at) -> dict:
    return {m.label: m.value for m in at.metric}


def test_renders_equation_source_unrolled_and_saturation(at):
    assert "def forward" in at.code[0].value
    assert "W_{hh}" in at.latex[0].value
    assert len(at.get("plotly_chart")) == 4  # unrolled, heatmap, two stacked layers, saturation
    texts = [a["text"] for a in _chart(at, "unrolled_chart")["layout"]["annotations"]]
    assert "<b>h₅</b>" in texts, "five steps by default"
    assert any("|h| > 0.99" in label for label in _metrics(at))
    assert not at.error
    assert len(at.expander) >= 5, "Explore prompts and the guided question on h0"


def _number_after(text: str, words: str) -> float:
    return float(text.split(words)[1].split()[0].rstrip(".,"))


def test_the_lecture_notation_is_mapped_and_its_equation_gives_the_cells_states(at):
    table = at.table[0].value
    assert list(table.columns) == ["this app", "PyTorch", "shape"] and table.index.name == "lecture"
    assert "W_ihᵀ" in table.to_string() and "b_ih + b_hh" in table.to_string()
    assert any(r"\mathbf{W}_x^\top" in m.value for m in at.latex)
    worked = next(c.value for c in at.caption if "lecture's ŷ₁" in c.value)
    assert _number_after(worked, "largest difference is") < 1e-12
    at.selectbox(key="layer_cell").set_value("gru").run()
    assert any("Pick **rnn**" in c.value for c in at.caption)


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_the_second_layer_reads_the_first_layers_states(at, cell):
    at.selectbox(key="layer_cell").set_value(cell).run()
    assert not at.exception
    stacked = _chart(at, "stacked_chart")["data"]
    hidden = _chart(at, "hidden_heatmap")["data"][0]
    assert stacked[1]["z"] == hidden["z"], "layer 1 is the cell drawn above"
    caption = next(c.value for c in at.caption if "Layer 2's cell run on its own" in c.value)
    assert _number_after(caption, "largest difference is") < 1e-12
    assert ("12 × 3" if cell == "lstm" else "3 × 3") in caption


def test_switching_the_cell_changes_source_and_equation(at):
    code, latex = at.code[0].value, at.latex[0].value
    at.selectbox(key="layer_cell").set_value("lstm").run()
    assert not at.exception
    assert at.code[0].value != code and "c = f * c + i * g" in at.code[0].value
    assert at.latex[0].value != latex and "c_t" in at.latex[0].value
    at.selectbox(key="layer_cell").set_value("gru").run()
    assert "(1 - z) * n + z * h" in at.code[0].value


def test_switching_activation_changes_the_saturation_numbers(at):
    before = _metrics(at)
    at.radio(key="layer_activation").set_value("relu").run()
    assert not at.exception
    after = _metrics(at)
    changed = [k for k in before if "raw" in k and before[k] != after[k]]
    assert changed, "the saturation numbers follow the activation"
    assert float(after["largest |h| (raw)"]) > 1  # relu is unbounded; tanh never exceeds 1


def test_seed_changes_the_unrolled_numbers(at):
    before = _chart(at, "unrolled_chart")["layout"]["annotations"]
    at.number_input(key="unroll_seed").set_value(7).run()
    assert _chart(at, "unrolled_chart")["layout"]["annotations"] != before


def test_comparison_shows_both_rows_and_the_short_window(at):
    assert not at.dataframe or all("RNN" not in str(df.value.index) for df in at.dataframe)
    at.button(key="compare_run").click().run()
    assert not at.exception
    table = next(df.value for df in at.dataframe if "parameters" in df.value.columns)
    names = list(table.index)
    assert len(names) == 2 and names[0].startswith("RNN") and names[1].startswith("MLP")
    assert any("RNN" in s.value and "predicts" in s.value for s in at.success)
    assert any("cannot take" in w.value for w in at.warning), "the MLP's error is explained, not raised"


def test_typed_junk_is_a_message_not_a_crash(at):
    at.radio(key="unroll_source").set_value("typed").run()
    texts = [a["text"] for a in _chart(at, "unrolled_chart")["layout"]["annotations"]]
    assert any(t.startswith("x₁ = ") for t in texts)
    at.text_input(key="unroll_values").set_value("1, two, 3").run()
    assert not at.exception
    assert any("numbers" in e.value for e in at.error)
    assert len(at.get("plotly_chart")) == 1, "the rest of the page carries on"


def test_a_very_short_sequence_is_a_message_not_a_crash(at):
    at.slider(key="unroll_start").set_value(500).run()
    at.selectbox(key="dataset").set_value("collatz").run()
    assert not at.exception and at.slider(key="unroll_start").value <= 28 - 5, "the start is kept in range"
    at.number_input(key="collatz_start").set_value(16).run()  # 16, 8, 4, 2, 1
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "lookback" in errors
    assert at.code and at.get("plotly_chart"), "the equation, code and unrolled picture still show"
