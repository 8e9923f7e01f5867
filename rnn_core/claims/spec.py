"""One claim: a text, the experiment that shows it, a condition on its numbers, and how many seeds must agree.

A claim is written as a small table next to its text (TOML or a Python dict)::

    experiment = "memory_lag_sweep"          # a name in rnn_core.claims.experiments.EXPERIMENTS
    params = { preset = "lecture" }          # keyword arguments of that experiment (optional)
    expect = ["gru.error_at_lag_50 < 0.1"]   # one or more conditions on the numbers it returns
    seeds = "3/3"                            # in how many of the seeds each must hold

``expect`` compares two sides with one of ``< <= > >= == !=``; a side is a number, a
name the experiment returns (dotted, e.g. ``gru.error_at_lag_50``) or a little arithmetic of
those (``+ - * /``, e.g. ``3 * rnn.first_val_loss``). ``seeds`` is ``"all"`` (or ``"3/3"``):
every seed checked; or ``">= 2/3"``: at least that share of them. ``note`` (optional) says
in words why the condition stands for the sentence.

Examples
--------
>>> c = parse_claim({"experiment": "memory_lag_sweep", "expect": "gru.error_at_lag_50 < 0.1",
...                  "seeds": ">= 2/3"}, "sweep:lecture")[0]
>>> c.needed(3), c.needed(5)
(2, 4)
>>> c.check({"gru.error_at_lag_50": 0.04})
(True, '0.04')
"""

from __future__ import annotations

import ast
import math
import operator
import re
from dataclasses import dataclass
from fractions import Fraction

from rnn_core.errors import ConfigError

FIELDS = {"experiment", "params", "expect", "seeds", "note"}
_COMPARE = {ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge,
            ast.Eq: operator.eq, ast.NotEq: operator.ne}
_ARITHMETIC = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
_SEEDS = re.compile(r"\s*(?:(all)|(>=)?\s*(\d+)\s*/\s*(\d+))\s*")


def _dotted(node) -> str | None:
    """``a.b.c`` as the string 'a.b.c', or None when the node is not a plain dotted name."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value)
        return None if head is None else f"{head}.{node.attr}"
    return None


def _check_side(node, where: str) -> None:
    """Refuse anything but numbers, dotted names and + - * / of them."""
    if _dotted(node) is not None:
        return
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return _check_side(node.operand, where)
    if isinstance(node, ast.BinOp) and type(node.op) in _ARITHMETIC:
        _check_side(node.left, where)
        return _check_side(node.right, where)
    raise ConfigError(f"{where}: only numbers, names and + - * / may appear in a condition.")


def _value(node, numbers: dict) -> float:
    name = _dotted(node)
    if name is not None:
        if name not in numbers:
            given = ", ".join(sorted(numbers)) or "nothing"
            raise KeyError(f"the experiment gives no number {name!r} (it gives {given})")
        return float(numbers[name])
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.UnaryOp):
        return -_value(node.operand, numbers)
    return _ARITHMETIC[type(node.op)](_value(node.left, numbers), _value(node.right, numbers))


def _names(node) -> list[str]:
    name = _dotted(node)
    if name is not None:
        return [name]
    return [n for child in ast.iter_child_nodes(node) for n in _names(child)]


def parse_condition(text: str, where: str) -> ast.Compare:
    """``text`` as one comparison of two sides, checked; raises ConfigError otherwise."""
    if not isinstance(text, str) or not text.strip():
        raise ConfigError(f"{where}: a condition is a non-empty string such as 'gru.error < 0.1'.")
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        raise ConfigError(f"{where}: the condition {text!r} is not a comparison such as 'gru.error < 0.1'.") from None
    if not isinstance(tree, ast.Compare) or len(tree.ops) != 1 or type(tree.ops[0]) not in _COMPARE:
        raise ConfigError(f"{where}: the condition {text!r} must compare two sides with one of < <= > >= == !=.")
    _check_side(tree.left, where)
    _check_side(tree.comparators[0], where)
    if not _names(tree):
        raise ConfigError(f"{where}: the condition {text!r} names no number of the experiment.")
    return tree


def parse_seeds(text, where: str) -> Fraction:
    """``"all"``, ``"3/3"`` -> 1; ``">= 2/3"`` -> 2/3 (the share of seeds that must satisfy a condition)."""
    match = _SEEDS.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise ConfigError(f"{where}: seeds is 'all', '3/3' or '>= 2/3' (got {text!r}).")
    if match.group(1):
        return Fraction(1)
    k, n = int(match.group(3)), int(match.group(4))
    if not 0 < k <= n:
        raise ConfigError(f"{where}: seeds {text!r} must be a share between 0 and 1, such as 2/3.")
    if k < n and not match.group(2):
        raise ConfigError(f"{where}: write a share below all seeds as '>= {k}/{n}'.")
    return Fraction(k, n)


@dataclass(frozen=True)
class Claim:
    """One condition on one experiment's numbers, for one interpretive text."""

    text: str  # the text's id, e.g. "question:rnn_limitations", "preset:diverging_lr"
    experiment: str
    params: tuple  # (key, value) pairs: hashable, so a run can be shared
    condition: str
    share: Fraction  # the share of seeds that must satisfy the condition
    note: str = ""

    @property
    def run_key(self) -> tuple:
        """Claims with the same key share one run of their experiment per seed."""
        return (self.experiment, self.params)

    def needed(self, n_seeds: int) -> int:
        """How many of ``n_seeds`` seeds must satisfy the condition."""
        return max(1, math.ceil(self.share * n_seeds))

    @property
    def seeds_rule(self) -> str:
        return "all" if self.share == 1 else f">= {self.share.numerator}/{self.share.denominator}"

    def check(self, numbers: dict) -> tuple[bool, str]:
        """(holds, what was seen) for one seed's numbers; a missing number raises KeyError."""
        tree = parse_condition(self.condition, self.text)
        left, right = _value(tree.left, numbers), _value(tree.comparators[0], numbers)
        holds = math.isfinite(left) and math.isfinite(right) and _COMPARE[type(tree.ops[0])](left, right)
        right_is_number = isinstance(tree.comparators[0], ast.Constant)
        seen = f"{left:.3g}" if right_is_number else f"{left:.3g} vs {right:.3g}"
        return bool(holds), seen


def parse_claim(raw, text: str, where: str = "") -> list[Claim]:
    """One claim table -> a Claim per condition of its ``expect``; raises ConfigError when malformed.

    Whether the experiment exists and takes these params is checked by the registry, which
    knows the experiments.
    """
    where = where or f"claim of {text}"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: a claim is a table of fields ({', '.join(sorted(FIELDS))}).")
    unknown = sorted(set(raw) - FIELDS)
    if unknown:
        raise ConfigError(f"{where}: unknown field(s) {', '.join(unknown)}.")
    for name in ("experiment", "expect", "seeds"):
        if name not in raw:
            raise ConfigError(f"{where}: the field {name!r} is missing.")
    if not isinstance(raw["experiment"], str) or not raw["experiment"]:
        raise ConfigError(f"{where}: 'experiment' names a function of rnn_core.claims.experiments.")
    params = raw.get("params", {})
    if not isinstance(params, dict) or not all(isinstance(v, (str, int, float, bool)) for v in params.values()):
        raise ConfigError(f"{where}: 'params' is a table of plain values (text, numbers, true/false).")
    expect = raw["expect"]
    expect = [expect] if isinstance(expect, str) else expect
    if not isinstance(expect, list) or not expect:
        raise ConfigError(f"{where}: 'expect' is a condition or a list of them.")
    share = parse_seeds(raw["seeds"], where)
    note = raw.get("note", "")
    if not isinstance(note, str):
        raise ConfigError(f"{where}: 'note' is text.")
    out = []
    for condition in expect:
        parse_condition(condition, where)
        out.append(Claim(text, raw["experiment"], tuple(sorted(params.items())), condition.strip(), share, note))
    return out
