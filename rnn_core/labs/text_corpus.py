"""How the English corpus is made: this app's own notes, then prose from the standard library's docstrings.

A character model that reads 8,000 characters three hundred times learns them by heart: its
validation loss climbs while its training loss falls, and its samples are passages of the
corpus. More text is the first cure. This module builds ``rnn_core/resources/text_corpus.txt``
once, when the project is built (``python -m rnn_core.labs.text_corpus``), from two sources:

1. ``text_notes.txt``: notes on sequences and memory, written for this app;
2. documentation strings of the standard-library modules in :data:`MODULES`, as the Python
   that runs the script has them (Python Software Foundation License), keeping only
   paragraphs of plain prose: no code examples, no parameter tables, no unusual symbols.

The written file is what the app trains on, so every installation trains on the same text
whatever its own Python version. Run the script in a fresh interpreter (``make corpus``): a
module imported earlier by other code can change what a few docstrings hold.
"""

from __future__ import annotations

import importlib
import inspect
import re
import sys

from rnn_core import resources

NOTES = "text_notes.txt"
MODULES = ("collections", "functools", "itertools", "heapq", "bisect", "textwrap", "string", "random",
           "statistics", "fractions", "datetime", "calendar", "queue", "threading", "argparse", "logging",
           "json", "csv", "pathlib", "shutil", "tempfile", "subprocess", "unittest", "difflib", "inspect",
           "typing", "dataclasses", "enum", "contextlib", "abc", "copy", "pickle", "zipfile", "tarfile",
           "email.message", "http.client", "urllib.request", "socket", "selectors", "asyncio.tasks",
           "asyncio.queues", "concurrent.futures", "multiprocessing.pool", "sched", "weakref", "operator",
           "numbers", "decimal", "configparser", "gettext", "locale", "codecs", "io", "os", "glob", "fnmatch",
           "sqlite3", "hashlib", "hmac", "secrets", "base64", "struct", "array", "pprint", "reprlib", "traceback",
           "warnings", "timeit", "trace", "pdb", "doctest", "tokenize", "ast", "dis", "importlib", "pkgutil",
           "zipimport", "runpy", "platform", "signal", "mmap", "uuid", "ipaddress", "mimetypes", "smtplib",
           "imaplib", "ftplib", "poplib", "xml.dom.minidom", "html.parser", "wave", "colorsys", "graphlib")
# prose only: letters, digits, spaces and the punctuation of ordinary sentences
PROSE = re.compile(r"[A-Za-z0-9 .,;:'\"()?!-]+")
MIN_PARAGRAPH = 80
MAX_CHARS = 150_000


def _docstrings(module) -> list[str]:
    """The docstrings of a module and of the classes, functions and methods it defines, in source order."""
    found = [inspect.getdoc(module) or ""]
    for _, obj in sorted(vars(module).items()):
        if getattr(obj, "__module__", None) != module.__name__:
            continue
        if inspect.isclass(obj):
            found.append(inspect.getdoc(obj) or "")
            found += [inspect.getdoc(member) or "" for _, member in sorted(vars(obj).items())
                      if inspect.isfunction(member) and member.__doc__]
        elif inspect.isfunction(obj):
            found.append(inspect.getdoc(obj) or "")
    return found


def prose_paragraphs(doc: str) -> list[str]:
    """The paragraphs of ``doc`` that read as sentences, each joined into one line."""
    out = []
    for block in re.split(r"\n\s*\n", doc):
        lines = block.split("\n")
        if any(line.startswith((" ", "\t")) or line.lstrip().startswith((">>>", "...")) for line in lines):
            continue  # code, examples, or a parameter table
        text = re.sub(r"\s+", " ", " ".join(lines)).strip()
        if len(text) < MIN_PARAGRAPH or not PROSE.fullmatch(text) or not text.endswith("."):
            continue
        letters = sum(c.isalpha() or c == " " for c in text)
        if letters < 0.9 * len(text):
            continue
        out.append(text)
    return out


def build(modules=MODULES, limit: int = MAX_CHARS) -> str:
    """The corpus: the notes, a line saying where the rest comes from, then the prose paragraphs."""
    notes = resources.read_text(NOTES).strip()
    names = [m for m in modules if _importable(m)]
    intro = ("What follows comes from the documentation strings of the Python standard library, "
             f"version {sys.version_info.major}.{sys.version_info.minor}, modules "
             f"{', '.join(names[:-1])} and {names[-1]}.")
    seen, parts, size = set(), [notes, intro], len(notes) + len(intro)
    for name in names:
        for doc in _docstrings(importlib.import_module(name)):
            for paragraph in prose_paragraphs(doc):
                if paragraph in seen or size + len(paragraph) + 2 > limit:
                    continue
                seen.add(paragraph)
                parts.append(paragraph)
                size += len(paragraph) + 2
    return "\n\n".join(parts) + "\n"


def _importable(name: str) -> bool:
    try:
        importlib.import_module(name)
        return True
    except ImportError:
        return False


def main() -> None:
    text = build()
    path = resources.source_path(resources.ENGLISH_CORPUS)
    path.write_text(text, encoding="utf-8")
    print(f"wrote {len(text):,} characters ({len(set(text))} distinct) to {path}")


if __name__ == "__main__":
    main()
