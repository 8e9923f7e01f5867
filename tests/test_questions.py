"""The guided-questions file: valid, complete against the lecture, in our own words, and checked on load."""

import dataclasses
import re
from pathlib import Path

import pytest

from rnn_core import config, data, questions
from rnn_core.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]
LECTURE = ROOT.parent / "shared" / "lecture" / "08-rnn-lecture.md"  # beside the checkout, as in CI
MARKERS = (":question:", "❓")
KEY = re.compile(r"""key\s*=\s*["']([a-z][a-z0-9_]*)["']""")

GOOD = """
[[question]]
id = "q1"
page = "windows"
lecture = "Some slide#1"
question = "Why?"
experiment = "Do this."
answer = "Because."
[question.settings]
scaler = "minmax"
lookback = 8
"""


def lecture_questions(text: str) -> list[tuple[str, str]]:
    """(anchor, question) for every marked question: anchor = '<slide heading>#<n on that slide>'."""
    out, heading, n = [], "", 0
    for line in text.splitlines():
        if line.startswith("## "):
            heading, n = line[3:].strip(), 0
        for marker in MARKERS:
            if marker in line:
                n += 1
                out.append((f"{heading}#{n}", line.split(marker, 1)[1].strip()))
    return out


def test_the_file_loads_and_every_page_is_known():
    qs = questions.load()
    assert len(qs) >= 12
    assert all(q.page in questions.PAGES for q in qs)
    assert len({q.id for q in qs}) == len(qs)
    assert all(q.question and q.experiment and q.answer for q in qs)


def test_every_preset_exists_is_offered_by_the_picker_and_lives_on_the_train_page():
    training = [q for q in questions.load() if q.is_training]
    assert training, "some questions are answered by training a preset"
    for q in training:
        assert q.preset in config.PRESETS and q.preset != "tiny", q.id  # the picker hides "tiny"
        assert q.page == questions.TRAIN_PAGE and not q.settings


def test_every_lecture_question_has_exactly_one_entry_in_our_own_words():
    """Twelve questions, one per anchor; against the lecture itself where it lies beside the checkout (CI)."""
    anchors = [q.lecture for q in questions.load()]
    assert len(anchors) == len(set(anchors)) == 12
    assert all(re.fullmatch(r".+#[1-9]", a) for a in anchors), "anchor = '<slide heading>#<n on that slide>'"
    if not LECTURE.exists():  # a checkout on its own: the checks above are all it can make
        return
    text = LECTURE.read_text(encoding="utf-8")
    asked = lecture_questions(text)
    assert len(asked) == sum(text.count(m) for m in MARKERS) == 12
    assert sorted(anchors) == sorted(a for a, _ in asked), "one entry per lecture question, anchored where it is asked"
    for _, question in asked:  # the prose is our own, not the lecture pasted
        plain = re.sub(r"\$[^$]*\$", "", question).strip(" ?").lower()
        for q in questions.load():
            for field in (q.question, q.experiment, q.answer):
                assert plain not in field.lower(), (q.id, question)


def test_for_page_keeps_the_file_order_and_only_that_page():
    every = questions.load()
    for page in questions.PAGES:
        assert questions.for_page(page) == [q for q in every if q.page == page]
    assert [q.id for q in questions.for_page("train")] == ["seasonal_traffic", "training_issues", "activation_choice"]
    assert len(questions.for_page("sequence_data")) == 5


def test_an_unknown_page_is_a_config_error():
    with pytest.raises(ConfigError, match="Unknown page 'nope'"):
        questions.for_page("nope")


def _widget_keys(page_file: str) -> set:
    """Keys a page can hold: written in the page or in a ui module, plus the sequence picker's."""
    sources = [ROOT / "pages" / page_file, *sorted((ROOT / "ui").glob("*.py"))]
    keys = {k for path in sources if path.name != "questions.py" for k in KEY.findall(path.read_text())}
    keys |= {f"{name}_{p}" for name, spec in data.DATASETS.items() for p in spec.params}
    return keys


@pytest.mark.parametrize("q", [q for q in questions.load() if q.settings], ids=lambda q: q.id)
def test_try_it_only_sets_keys_its_page_has(q):
    page_file = questions.PAGES[q.page]
    assert (ROOT / "pages" / page_file).exists(), page_file
    keys = _widget_keys(page_file)
    prefixes = {m for path in [ROOT / "pages" / page_file, *(ROOT / "ui").glob("*.py")]
                for m in re.findall(r'key=f"([a-z_]+)\{', path.read_text())}  # keys made in a loop
    missing = {key for key, _ in q.settings if key not in keys and not key.startswith(tuple(prefixes) or ("\0",))}
    assert not missing, f"{q.id}: no widget with key(s) {sorted(missing)} on {page_file}"


def test_parse_reads_settings_as_pairs_and_questions_are_frozen():
    (q,) = questions.parse(GOOD)
    assert q.settings == (("scaler", "minmax"), ("lookback", 8)) and q.preset is None and not q.is_training
    with pytest.raises(dataclasses.FrozenInstanceError):
        q.answer = "changed"
    assert hash(q)


def test_settings_match_needs_every_value():
    (q,) = questions.parse(GOOD)
    assert q.settings_match({"scaler": "minmax", "lookback": 8, "other": 1})
    assert not q.settings_match({"scaler": "minmax", "lookback": 9})
    assert not q.settings_match({"scaler": "minmax"})


def _with(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new)


BAD = {
    "missing field": (_with(GOOD, 'answer = "Because."\n', ""), "'answer' is missing"),
    "empty field": (_with(GOOD, 'answer = "Because."', 'answer = "  "'), "'answer' is missing or empty"),
    "unknown field": (_with(GOOD, 'answer = "Because."', 'answer = "Because."\nanswr = "x"'), "unknown field"),
    "unknown page": (_with(GOOD, 'page = "windows"', 'page = "window"'), "unknown page 'window'"),
    "unknown preset": (_with(GOOD, "[question.settings]\nscaler = \"minmax\"\nlookback = 8\n",
                             'preset = "no_such_preset"\n'), "unknown preset 'no_such_preset'"),
    "both actions": (_with(GOOD, "[question.settings]", 'preset = "default"\n[question.settings]'),
                     "exactly one"),
    "no action": (_with(GOOD, "[question.settings]\nscaler = \"minmax\"\nlookback = 8\n", ""), "exactly one"),
    "preset off the train page": (_with(GOOD, "[question.settings]\nscaler = \"minmax\"\nlookback = 8\n",
                                        'preset = "default"\n'), "train page"),
    "list value": (_with(GOOD, "lookback = 8", "lookback = [8, 9]"), "text, a number or true/false"),
    "bad anchor": (_with(GOOD, 'lecture = "Some slide#1"', 'lecture = "Some slide"'), "anchor"),
    "bad id": (_with(GOOD, 'id = "q1"', 'id = "Q 1"'), "lower-case"),
    "duplicate id": (GOOD + GOOD, "used twice"),
    "not toml": ("[[question]\nid = 1", "not valid TOML"),
    "empty file": ("", "no [[question]] entries"),
    "stray table": (GOOD + "\n[extra]\nx = 1\n", "unknown table"),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_a_broken_file_raises_a_config_error_that_says_what(case):
    text, message = BAD[case]
    with pytest.raises(ConfigError, match=re.escape(message)):
        questions.parse(text)


def test_load_reports_a_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        questions.load(tmp_path / "missing.toml")
    path = tmp_path / "q.toml"
    path.write_text(GOOD, encoding="utf-8")
    assert [q.id for q in questions.for_page("windows", path)] == ["q1"]
    assert questions.for_page("train", path) == []
