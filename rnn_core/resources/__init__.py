"""Data that ships inside rnn_core: the guided questions, the cached lag sweep, the English corpus.

Read through :mod:`importlib.resources`, so an installed rnn_core (``pip install .``) finds
them as well as a checkout does.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

QUESTIONS = "questions.toml"
MEMORY_SWEEP = "cached_memory_sweep.csv"
ENGLISH_CORPUS = "text_corpus.txt"


def read_text(name: str) -> str:
    """The text of one bundled file, e.g. ``read_text(QUESTIONS)``."""
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")


def source_path(name: str) -> Path:
    """Where a bundled file lies in a checkout: for the scripts that write it anew."""
    return Path(__file__).resolve().parent / name
