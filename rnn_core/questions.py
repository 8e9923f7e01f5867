"""The lecture's questions, each tied to the page whose experiment answers it.

The questions live in ``rnn_core/resources/questions.toml`` (prose in the project's own words); this
module reads that file and checks it, so a typo in a page id or a preset name fails loudly
in a test instead of silently in a classroom. Every question carries one "Try it" action:
a preset of :data:`rnn_core.config.PRESETS` (training questions, on the Train page) or a
few widget values to set on its page.

Examples
--------
>>> from rnn_core import questions
>>> [q.id for q in questions.for_page("train")][:1]
['seasonal_traffic']
>>> questions.for_page("train")[0].preset
'traffic_lstm'
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rnn_core import resources
from rnn_core.config import PRESETS
from rnn_core.errors import ConfigError

# page id -> the page's file in pages/
PAGES = {
    "sequence_data": "1_Sequence_data.py",
    "windows": "2_Windows.py",
    "recurrent_layer": "3_Recurrent_layer.py",
    "train": "4_Train.py",
    "gradients": "5_Gradients_through_time.py",
    "inside_cells": "6_Inside_LSTM_and_GRU.py",
    "arena": "7_Forecast_arena.py",
    "transfer": "8_Transfer_learning.py",
    "text": "9_Text_generation.py",
}
TRAIN_PAGE = "train"  # preset questions reveal their answer from the Train page's trainer

_TEXT_FIELDS = ("id", "page", "lecture", "question", "experiment", "answer")
_ALL_FIELDS = {*_TEXT_FIELDS, "preset", "settings", "claims"}  # claims: read by rnn_core.claims
_NAME = re.compile(r"[a-z][a-z0-9_]{0,59}")
_ANCHOR = re.compile(r".+#[1-9][0-9]*")


@dataclass(frozen=True)
class Question:
    """One lecture question, rephrased, with the experiment that answers it.

    ``settings`` holds (widget key, value) pairs, so a Question hashes like the configs do.
    Exactly one of ``preset`` and ``settings`` is set.
    """

    id: str
    page: str
    lecture: str
    question: str
    experiment: str
    answer: str
    preset: str | None = None
    settings: tuple = ()

    @property
    def is_training(self) -> bool:
        """True when "Try it" loads a preset that the student then trains."""
        return self.preset is not None

    def settings_match(self, state: Mapping) -> bool:
        """Whether every widget value of this question is set, as asked, in ``state``."""
        return bool(self.settings) and all(key in state and state[key] == value for key, value in self.settings)


def _fail(where: str, message: str) -> None:
    raise ConfigError(f"Guided questions, {where}: {message}")


def _question(raw, n: int) -> Question:
    """Check one table of the file and turn it into a Question."""
    where = f"entry {n}" + (f" ({raw['id']!r})" if isinstance(raw, dict) and "id" in raw else "")
    if not isinstance(raw, dict):
        _fail(where, "each [[question]] must be a table of fields.")
    unknown = sorted(set(raw) - _ALL_FIELDS)
    if unknown:
        _fail(where, f"unknown field(s) {', '.join(unknown)}.")
    for name in _TEXT_FIELDS:
        if not isinstance(raw.get(name), str) or not raw[name].strip():
            _fail(where, f"the field {name!r} is missing or empty.")
    if not _NAME.fullmatch(raw["id"]):
        _fail(where, "an id is lower-case letters, digits and underscores.")
    if raw["page"] not in PAGES:
        _fail(where, f"unknown page {raw['page']!r}: choose one of {', '.join(PAGES)}.")
    if not _ANCHOR.fullmatch(raw["lecture"]):
        _fail(where, "the lecture anchor reads '<slide heading>#<number>'.")
    if ("preset" in raw) == ("settings" in raw):
        _fail(where, "give exactly one 'Try it' action: a preset or [question.settings].")
    settings = ()
    if "preset" in raw:
        if raw["preset"] not in PRESETS:
            _fail(where, f"unknown preset {raw['preset']!r}: choose one of {', '.join(PRESETS)}.")
        if raw["page"] != TRAIN_PAGE:
            _fail(where, "a preset question belongs on the train page, where presets are trained.")
    else:
        table = raw["settings"]
        if not isinstance(table, dict) or not table:
            _fail(where, "[question.settings] must set at least one widget.")
        for key, value in table.items():
            if not _NAME.fullmatch(key):
                _fail(where, f"{key!r} is not a widget key.")
            # only plain values: they go into widgets that are bound to the URL
            if not isinstance(value, (str, int, float, bool)):
                _fail(where, f"the value of {key!r} must be text, a number or true/false.")
        settings = tuple(table.items())
    texts = {name: raw[name].strip() for name in _TEXT_FIELDS}
    return Question(**texts, preset=raw.get("preset"), settings=settings)


def parse(text: str) -> tuple[Question, ...]:
    """Read and check the questions from TOML text.

    Parameters
    ----------
    text : str
        The contents of a questions file: a list of ``[[question]]`` tables.

    Returns
    -------
    tuple of Question
        In the file's order.

    Raises
    ------
    ConfigError
        On a syntax error, a missing or unknown field, an unknown page or preset, a
        question without exactly one "Try it" action, or a repeated id.
    """
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"Guided questions: the file is not valid TOML ({err}).") from None
    unknown = sorted(set(doc) - {"question"})
    if unknown:
        _fail("top level", f"unknown table(s) {', '.join(unknown)}; expected [[question]] entries.")
    entries = doc.get("question", [])
    if not isinstance(entries, list) or not entries:
        _fail("top level", "no [[question]] entries.")
    out = tuple(_question(raw, n) for n, raw in enumerate(entries, start=1))
    seen = set()
    for q in out:
        if q.id in seen:
            _fail(f"id {q.id!r}", "used twice.")
        seen.add(q.id)
    return out


@lru_cache(maxsize=4)
def load(path: str | Path | None = None) -> tuple[Question, ...]:
    """Every question of a questions file (by default the ``questions.toml`` rnn_core ships), checked."""
    if path is None:
        return parse(resources.read_text(resources.QUESTIONS))
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise ConfigError(f"Guided questions: cannot read {Path(path).name} ({err.strerror}).") from None
    return parse(text)


def for_page(page_id: str, path: str | Path | None = None) -> list[Question]:
    """The questions answered on one page, in the file's order (maybe none).

    Parameters
    ----------
    page_id : str
        A key of :data:`PAGES`, e.g. ``"sequence_data"``.

    Raises
    ------
    ConfigError
        For an unknown page id, or a questions file that does not pass :func:`parse`.
    """
    if page_id not in PAGES:
        raise ConfigError(f"Unknown page {page_id!r} for guided questions: choose one of {', '.join(PAGES)}.")
    return [q for q in load(path) if q.page == page_id]
