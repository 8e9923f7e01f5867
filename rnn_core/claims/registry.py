"""Where claims and the texts they check live, gathered in one list.

Each claim sits next to its text:

- a guided question's answer: ``[[question.claims]]`` tables in ``rnn_core/resources/questions.toml``
  (text id ``question:<id>``);
- a Train preset's reason: :data:`rnn_core.config.PRESET_CLAIMS` beside ``PRESET_REASONS``
  (``preset:<name>``);
- the reason the Train page gives for a series' opening settings: :data:`rnn_core.config.OPENING_CLAIMS`
  beside ``OPENING_REASONS`` (``opening:<name>``);
- a lag-sweep preset's reason: :data:`rnn_core.labs.memory.SWEEP_CLAIMS` beside
  ``SWEEP_PRESETS`` (``sweep:<name>``);
- a caption or explanation in ``assets/prose/<page>.md`` (``prose:<page>#<key>``) or an
  Explore answer (``explore:<page>#<key>``): ``[[claim]]`` tables with a ``text`` field in
  ``assets/prose/claims.toml``.

:func:`texts` lists every interpretive text the app shows, claimed or not, so a text that
no experiment checks is visible in the report. A text that interprets no result (a definition,
a description of what a chart draws, a piece of advice) is listed in the same claims file as a
``[[no_result]]`` table with a ``why``, so that decision is made once, in review, and shown
in the report rather than silently skipped.
"""

from __future__ import annotations

import ast
import inspect
import re
import tomllib
from pathlib import Path

import rnn_core.claims.page_experiments  # noqa: F401  (registers its experiments)
from rnn_core import config, resources
from rnn_core.claims import experiments
from rnn_core.claims.spec import Claim, parse_claim
from rnn_core.errors import ConfigError
from rnn_core.labs import memory

ROOT = Path(__file__).resolve().parents[2]  # the checkout: assets/ and ui/ lie here
PROSE_CLAIMS = Path("assets") / "prose" / "claims.toml"
_SECTION = re.compile(r"^<!-- ([a-z0-9_]+) -->\s*$", re.M)


def _check_experiment(claim: Claim) -> Claim:
    """The experiment exists and takes the claim's params (besides ``seed``)."""
    if claim.experiment not in experiments.EXPERIMENTS:
        raise ConfigError(f"claim of {claim.text}: unknown experiment {claim.experiment!r}; "
                          f"choose one of {', '.join(sorted(experiments.EXPERIMENTS))}.")
    accepted = set(inspect.signature(experiments.EXPERIMENTS[claim.experiment]).parameters) - {"seed"}
    unknown = sorted(set(dict(claim.params)) - accepted)
    if unknown:
        raise ConfigError(f"claim of {claim.text}: the experiment {claim.experiment!r} takes no "
                          f"parameter {', '.join(unknown)} (it takes {', '.join(sorted(accepted)) or 'none'}).")
    return claim


def _table_claims(table: dict, prefix: str, where: str) -> list[Claim]:
    """{name: [claim table, ...]} -> Claims of the texts ``<prefix>:<name>``."""
    out = []
    for name, raws in table.items():
        if not isinstance(raws, list):
            raise ConfigError(f"{where}: the claims of {name!r} are a list of tables.")
        for n, raw in enumerate(raws, start=1):
            out += parse_claim(raw, f"{prefix}:{name}", f"{where}, {prefix}:{name} claim {n}")
    return out


def question_claims(text: str | None = None) -> list[Claim]:
    """The ``[[question.claims]]`` of the questions file (default: the one rnn_core ships)."""
    doc = tomllib.loads(resources.read_text(resources.QUESTIONS) if text is None else text)
    table = {q["id"]: q.get("claims", []) for q in doc.get("question", []) if isinstance(q, dict) and "id" in q}
    return _table_claims(table, "question", "questions.toml")


def file_claims(path: Path) -> list[Claim]:
    """The ``[[claim]]`` tables of a claims file, each with a ``text`` field naming its text."""
    try:
        doc = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as err:
        raise ConfigError(f"Claims: cannot read {path} ({err.strerror}).") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"Claims: {Path(path).name} is not valid TOML ({err}).") from None
    unknown = sorted(set(doc) - {"claim", "no_result"})
    if unknown:
        raise ConfigError(f"Claims: {Path(path).name} has unknown table(s) {', '.join(unknown)}; "
                          "expected [[claim]] or [[no_result]].")
    out = []
    for n, raw in enumerate(doc.get("claim", []), start=1):
        where = f"{Path(path).name}, claim {n}"
        if not isinstance(raw, dict) or not isinstance(raw.get("text"), str):
            raise ConfigError(f"{where}: each [[claim]] names its text, e.g. text = \"prose:gradients#sweep\".")
        rest = {k: v for k, v in raw.items() if k != "text"}
        out += parse_claim(rest, raw["text"], where)
    return out


def no_result(root: Path = ROOT, path: Path | None = None) -> dict:
    """Texts that state no result: ``{text id: why}`` from the ``[[no_result]]`` tables of the claims file.

    Raises
    ------
    ConfigError
        An entry without a text or a reason, a text the app does not show, or one listed twice.
    """
    path = root / PROSE_CLAIMS if path is None else Path(path)
    if not path.exists():
        return {}
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    known, out = texts(root), {}
    for n, raw in enumerate(doc.get("no_result", []), start=1):
        where = f"{path.name}, no_result {n}"
        if not isinstance(raw, dict) or not isinstance(raw.get("text"), str) or not str(raw.get("why", "")).strip():
            raise ConfigError(f"{where}: each [[no_result]] names its text and says why, e.g. "
                              "text = \"prose:text#intro\", why = \"describes what the page draws\".")
        if raw["text"] not in known:
            raise ConfigError(f"{where}: the app shows no text {raw['text']!r}.")
        if raw["text"] in out:
            raise ConfigError(f"{where}: {raw['text']} is listed twice.")
        out[raw["text"]] = raw["why"].strip()
    return out


def all_claims(root: Path = ROOT, extra: Path | None = None) -> list[Claim]:
    """Every claim, checked against the experiments and the texts; ``extra``: a claims file instead.

    Raises
    ------
    ConfigError
        A malformed claim, an unknown experiment or parameter, or a claim on a text that
        does not exist.
    """
    if extra is not None:
        return [_check_experiment(c) for c in file_claims(extra)]
    claims = (question_claims() + _table_claims(config.PRESET_CLAIMS, "preset", "config.PRESET_CLAIMS")
              + _table_claims(memory.SWEEP_CLAIMS, "sweep", "memory.SWEEP_CLAIMS")
              + _table_claims(config.OPENING_CLAIMS, "opening", "config.OPENING_CLAIMS"))
    if (root / PROSE_CLAIMS).exists():
        claims += file_claims(root / PROSE_CLAIMS)
    known = texts(root)
    for claim in claims:
        if claim.text not in known:
            raise ConfigError(f"A claim names the text {claim.text!r}, which the app does not show.")
        _check_experiment(claim)
    return claims


# ---------------------------------------------------------------- the interpretive texts

def _prose_texts(root: Path) -> dict:
    out = {}
    for path in sorted((root / "assets" / "prose").glob("*.md")):
        parts = _SECTION.split(path.read_text(encoding="utf-8"))
        for key, body in zip(parts[1::2], parts[2::2], strict=True):
            out[f"prose:{path.stem}#{key}"] = body.strip()
    return out


def _explore_files(root: Path) -> dict:
    """``## id | title`` prompts of assets/*_explore.md: their answers."""
    out = {}
    for path in sorted((root / "assets").glob("*_explore.md")):
        text = re.sub(r"<!--.*?-->", "", path.read_text(encoding="utf-8"), flags=re.S)
        for block in re.split(r"^## ", text, flags=re.M)[1:]:
            head, _, rest = block.partition("\n")
            out[f"explore:{path.stem.removesuffix('_explore')}#{head.partition('|')[0].strip()}"] = \
                rest.partition("### Answer")[2].strip()
    return out


def _explore_dicts(root: Path) -> dict:
    """The ``EXPLORE = {key: (title, prompt, answer)}`` dicts of ui/*_views.py, read without importing them."""
    out = {}
    for path in sorted((root / "ui").glob("*_views.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "EXPLORE" for t in node.targets)
                    and isinstance(node.value, ast.Dict)):
                page = path.stem.removesuffix("_views")
                for key, value in zip(node.value.keys, node.value.values, strict=True):
                    if isinstance(key, ast.Constant) and isinstance(value, ast.Tuple) and value.elts:
                        answer = value.elts[-1]
                        out[f"explore:{page}#{key.value}"] = answer.value if isinstance(answer, ast.Constant) else ""
    return out


def texts(root: Path = ROOT) -> dict:
    """Every interpretive text the app shows: id -> its words (answers, reasons, captions, Explore answers)."""
    from rnn_core import questions

    out = {f"question:{q.id}": q.answer for q in questions.load()}
    out.update({f"preset:{name}": reason for name, reason in config.PRESET_REASONS.items()})
    out.update({f"opening:{name}": reason for name, reason in config.OPENING_REASONS.items()})
    out.update({f"sweep:{name}": preset.reason for name, preset in memory.SWEEP_PRESETS.items()})
    if (root / "assets").is_dir():
        out.update(_prose_texts(root))
        out.update(_explore_files(root))
    if (root / "ui").is_dir():
        out.update(_explore_dicts(root))
    return out


def unclaimed(claims: list[Claim], root: Path = ROOT) -> list[str]:
    """The ids of the texts no claim checks and review has not marked as stating no result, in :func:`texts` order.

    Raises
    ------
    ConfigError
        A text both claimed and marked as stating no result: one of the two is wrong.
    """
    claimed, plain = {c.text for c in claims}, no_result(root)
    both = sorted(claimed & set(plain))
    if both:
        raise ConfigError(f"{', '.join(both)}: claimed and also marked [[no_result]]; keep one.")
    return [text for text in texts(root) if text not in claimed and text not in plain]
