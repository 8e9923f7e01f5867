"""Run every claim's experiment once per seed, check the conditions, print the table.

Claims that name the same experiment with the same params share its run: one run per
(experiment, params, seed), never reused across seeds, so the variation between seeds
is what the table shows. Runs are spread over ``jobs`` worker processes, each on one
torch thread.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import textwrap
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from rnn_core.claims import experiments, registry
from rnn_core.claims.spec import Claim
from rnn_core.errors import ConfigError


@dataclass
class Outcome:
    """What one claim saw on each seed: (seed, holds, what was seen)."""

    claim: Claim
    per_seed: list

    @property
    def hits(self) -> int:
        return sum(holds for _, holds, _ in self.per_seed)

    @property
    def holds(self) -> bool:
        return self.hits >= self.claim.needed(len(self.per_seed))


def _one_run(job: tuple) -> tuple:
    """In a worker: (experiment, params, seed) -> (numbers or None, error message, CPU seconds)."""
    from rnn_core import runtime

    runtime.use_one_thread()
    name, params, seed = job
    start = time.process_time()
    try:
        numbers = experiments.run(name, dict(params), seed)
    except Exception as err:  # noqa: BLE001 - any failure of an experiment fails its claims, with its message
        return None, f"{type(err).__name__}: {err}", time.process_time() - start
    return numbers, "", time.process_time() - start


def run_all(claims: list[Claim], seeds: list[int], jobs: int = 1) -> tuple[list[Outcome], dict]:
    """Check ``claims`` on ``seeds``; returns the outcomes and each run's CPU seconds.

    ``jobs`` > 1 runs the experiments in that many worker processes (spawned, so each starts
    clean); 1 runs them here, in order.
    """
    runs = sorted({(*c.run_key, seed) for c in claims for seed in seeds}, key=lambda job: (job[2], job[0], str(job[1])))
    if jobs > 1 and len(runs) > 1:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            results = dict(zip(runs, pool.map(_one_run, runs), strict=True))
    else:
        results = {job: _one_run(job) for job in runs}
    outcomes = []
    for claim in claims:
        per_seed = []
        for seed in seeds:
            numbers, error, _ = results[(*claim.run_key, seed)]
            if numbers is None:
                per_seed.append((seed, False, "error"))
                continue
            try:
                per_seed.append((seed, *claim.check(numbers)))
            except KeyError as err:
                per_seed.append((seed, False, f"missing: {err.args[0]}"))
        outcomes.append(Outcome(claim, per_seed))
    errors = {job: error for job, (_, error, _) in results.items() if error}
    return outcomes, {"seconds": {job: sec for job, (_, _, sec) in results.items()}, "errors": errors}


def _experiment_label(claim: Claim) -> str:
    args = ", ".join(f"{k}={v}" for k, v in claim.params)
    return f"{claim.experiment}({args})"


def table(outcomes: list[Outcome]) -> str:
    """One row per claim: text, condition, experiment, rule, outcome per seed, holds?"""
    header = ("text", "condition", "experiment", "seeds", "outcome per seed", "holds?")
    rows = [header]
    for o in outcomes:
        seen = "  ".join(f"{seed}:{what}{'✓' if ok else '✗'}" for seed, ok, what in o.per_seed)
        verdict = f"{'yes' if o.holds else 'NO'} ({o.hits}/{len(o.per_seed)})"
        rows.append((o.claim.text, o.claim.condition, _experiment_label(o.claim), o.claim.seeds_rule, seen, verdict))
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _matches(claim: Claim, only: str) -> bool:
    return only in (claim.text, claim.text.split(":", 1)[-1], claim.experiment)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rnn_core.claims",
                                     description="Check every claim the app's texts make against its experiment.")
    parser.add_argument("--seeds", default="0,1,2", help="comma-separated seeds (default 0,1,2)")
    parser.add_argument("--only", action="append", default=[],
                        help="check only this text (e.g. question:rnn_limitations or rnn_limitations) or experiment")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="worker processes")
    parser.add_argument("--claims-file", type=Path, help="check the [[claim]] tables of this file instead")
    args = parser.parse_args(argv)
    try:
        seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
        if not seeds or min(seeds) < 0:
            raise ValueError
    except ValueError:
        print(f"--seeds takes whole numbers >= 0 separated by commas (got {args.seeds!r}).", file=sys.stderr)
        return 2
    try:
        claims = registry.all_claims(extra=args.claims_file)
    except ConfigError as err:
        print(f"Claims: {err}", file=sys.stderr)
        return 2
    if args.only:
        claims = [c for c in claims if any(_matches(c, only) for only in args.only)]
        if not claims:
            print(f"No claim matches {', '.join(args.only)}.", file=sys.stderr)
            return 2
    start = time.perf_counter()
    outcomes, info = run_all(claims, seeds, jobs=max(1, args.jobs))
    print(table(outcomes))
    for (name, params, seed), error in sorted(info["errors"].items()):
        print(f"error in {name}{dict(params)} seed {seed}: {error}")
    if args.claims_file is None and not args.only:
        missing, plain = registry.unclaimed(claims), registry.no_result()
        print(f"\ntexts that state no result, by review ({len(plain)}; why: assets/prose/claims.toml):")
        print(textwrap.fill(", ".join(plain), width=110, initial_indent="  ", subsequent_indent="  "))
        print(f"\ntexts with no claim ({len(missing)}):")
        print(textwrap.fill(", ".join(missing), width=110, initial_indent="  ", subsequent_indent="  "))
    cpu = sum(info["seconds"].values())
    by_experiment: dict = {}
    for (name, _, _), seconds in info["seconds"].items():
        by_experiment[name] = by_experiment.get(name, 0.0) + seconds
    print(f"\n{len(info['seconds'])} runs, {cpu:.0f} s CPU in the experiments "
          f"({', '.join(f'{n} {s:.0f} s' for n, s in sorted(by_experiment.items(), key=lambda kv: -kv[1]))}), "
          f"{time.perf_counter() - start:.0f} s wall clock on {args.jobs} process(es); seeds {args.seeds}")
    held = sum(o.holds for o in outcomes)
    print(f"claims: {len(outcomes)} checked, {held} hold")
    return 0 if held == len(outcomes) else 1
