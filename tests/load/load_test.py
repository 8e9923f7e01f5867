"""A class of simulated students on one server (or behind a balancer): errors, update interval, memory.

    python -m tests.load.load_test --sessions 20 [--epochs 60] [--session-ttl S]
    python -m tests.load.load_test --url http://127.0.0.1:8500 [--server-pid PID ...]
    python -m tests.load.load_test --memory

The class is ``tests.load.mix.class_mix``: most students train default and preset links on
the Train page, some close the tab mid-run, one pauses, steps, changes lr, resumes and resets,
some upload a CSV, a few push every slider to its maximum (the app's refusal is their pass),
and some are on the arena, the Gradients page and Inside LSTM and GRU.

Without ``--url`` it starts its own server. Before the class arrives it opens each page the
class uses once (the first page load of each: imports done, those pages' caches warm) and
keeps those tabs open; the RSS then is the *start*. Every tab closes when the class is done;
the test then waits for the server to drop the closed sessions (``server.disconnectedSessionTTL``
from ``.streamlit/config.toml``, or ``--session-ttl`` and says so) and for ui/memory.py's
collector to run, and measures the RSS *after close*. RSS counts the server and its
children, sampled every 0.5 s.

Errors are what students saw: exceptions, error alerts other than the one a student expects,
dropped connections, failed uploads, another session's state, a run that never reached its
end; tracebacks in the server's log count too. The update interval is the time between two
changes of a student's epoch counter while training runs, the first from the click, pooled
over the ordinary students (default and preset links on the Train page).

The last line is ``N sessions, N finished, E errors, p95 update interval X s, peak RSS Y MB,
RSS after close Z MB`` and the exit status is 1 when any goal is missed (0 errors, every
session finished, p95 <= 2 s, peak RSS < 1.5 GB, RSS after close within 100 MB of the start).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import statistics
import sys
import time
import tomllib
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tests.app_server import ROOT, app_server, free_port
from tests.load import measure, mix
from tests.load import students as scenarios
from tests.load.client import Session
from tests.load.students import SCENARIOS, make_session

COLLECT_EVERY_S = 30.0  # ui/memory.py's collector period
EXPIRY_MARGIN_S = 15.0  # after TTL + one collector period, this much longer before measuring


def run_store_ttl() -> float:
    from ui.run_store import RUN_TTL_S

    return RUN_TTL_S


def app_session_ttl() -> float:
    """``server.disconnectedSessionTTL`` as the app sets it in ``.streamlit/config.toml`` (120 s there)."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    return float(config.get("server", {}).get("disconnectedSessionTTL", 120))


class RssSampler:
    """Samples the summed RSS of ``pids`` (each with its children) every ``period`` seconds."""

    def __init__(self, pids: list[int], period: float = 0.5):
        self.pids, self.period = pids, period
        self.last = self.peak = 0.0
        self.samples: list[tuple[float, float]] = []

    def sample(self) -> float:
        return sum(measure.rss_mb(pid) for pid in self.pids)

    async def run(self) -> None:
        while True:
            self.last = await asyncio.to_thread(self.sample)
            self.peak = max(self.peak, self.last)
            self.samples.append((time.monotonic(), self.last))
            await asyncio.sleep(self.period)

    def median_since(self, since: float) -> float:
        values = [mb for t, mb in self.samples if t >= since]
        return statistics.median(values) if values else self.last


class HealthProbe:
    """Times ``/_stcore/health`` once a second: served by the same event loop that sends deltas."""

    def __init__(self, base_url: str, period: float = 1.0):
        self.url, self.period = f"{base_url}/_stcore/health", period
        self.latencies: list[float] = []

    def _get(self) -> float:
        start = time.monotonic()
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(self.url, timeout=30) as r:
                r.read()
        return time.monotonic() - start

    async def run(self) -> None:
        while True:
            self.latencies.append(await asyncio.to_thread(self._get))
            await asyncio.sleep(self.period)


async def _student(s: Session, student: mix.Student, delay: float, timeout: float) -> None:
    await asyncio.sleep(delay)
    try:
        await s.open()
        await SCENARIOS[student.role](s, student, timeout)
    except Exception as exc:  # noqa: BLE001 - one student's failure is a result, not a crash
        s.add_error(f"{type(exc).__name__}: {exc}")


def _status_line(t0: float, sessions: list[Session], rss: RssSampler | None, health: HealthProbe) -> str:
    epochs = [s.progress.epoch for s in sessions if s.clicked_at is not None and s.progress]
    spread = f"{min(epochs)}/{statistics.median(epochs):.0f}/{max(epochs)}" if epochs else "-"
    working = sum(s.loaded_at is None or (s.clicked_at is not None and not s.done and s.closed_at is None)
                  for s in sessions)
    memory = f"RSS {rss.last:.0f} MB (peak {rss.peak:.0f}), " if rss else ""
    return (f"[{time.monotonic() - t0:6.1f} s] busy {working}, done {sum(s.done for s in sessions)}, "
            f"errors {sum(len(s.errors) for s in sessions)}, epochs min/median/max {spread}, {memory}"
            f"health {health.latencies[-1] if health.latencies else float('nan'):.2f} s, load {measure.load_average()}")


async def _report_every(period: float, line) -> None:
    while True:
        await asyncio.sleep(period)
        print(line(), flush=True)


def server_log_errors(text: str) -> list[str]:
    """The final exception line of each traceback in a server log (a chained one counts once)."""
    errors, previous, in_trace = [], "", False
    for line in text.splitlines():
        if line.startswith("Traceback"):
            if not (in_trace or previous.startswith(("During handling", "The above exception"))):
                errors.append("")
            in_trace = True
        elif in_trace and line and not line[0].isspace():
            errors[-1], in_trace = line.strip(), False
        if line.strip():
            previous = line
    return errors


# Streamlit 1.67's websocket endpoint, when a tab closes while it sends, logs a second close of
# the same socket: server-side bookkeeping after the student has gone, nothing anyone sees.
TEARDOWN = "starlette.websockets.WebSocketDisconnected"


def counted_server_errors(errors: list[str]) -> tuple[list[str], int]:
    """(server-log errors that count, how many were the websocket teardown of a closed tab).

    >>> counted_server_errors(["ValueError: boom", TEARDOWN + ": Cannot call send once closed"])
    (['ValueError: boom'], 1)
    """
    counted = [e for e in errors if not e.startswith(TEARDOWN)]
    return counted, len(errors) - len(counted)


def _fmt(values: list[float], *qs: int) -> str:
    return "/".join(f"{measure.percentile(values, q):.2f}" for q in qs)


def report(students: list[mix.Student], sessions: list[Session], health: HealthProbe) -> float:
    """Lines that explain the figures; returns the ordinary students' pooled p95 update interval."""
    for s, st in zip(sessions, students):
        if s.errors or not s.done:
            print(f"  student {s.index} ({st.role}, {st.path}): {s.progress_text!r}, done={s.done}, errors={s.errors}")
    notes: dict[str, int] = {}
    for s in sessions:
        for text, n in s.notes.items():
            notes[text] = notes.get(text, 0) + n
    for text, n in sorted(notes.items(), key=lambda kv: -kv[1])[:4]:
        print(f"  note shown {n}x: {text!r}")
    by_role: dict[str, list[str]] = {}
    for s, st in zip(sessions, students):
        by_role.setdefault(st.role, []).append("ok" if s.done and not s.errors else "FAILED")
    print("roles: " + ", ".join(f"{role} {v.count('ok')}/{len(v)}" for role, v in by_role.items()))
    ordinary = [s for s, st in zip(sessions, students) if st.ordinary]
    gaps = [g for s in ordinary for g in s.gaps]
    train_page = [g for s, st in zip(sessions, students) if st.page == "Train" for g in s.gaps]
    worst = max((measure.percentile(s.gaps, 95) for s in ordinary if s.gaps), default=float("nan"))
    loads = [s.loaded_at - s.opened_at for s in sessions if s.loaded_at]
    trains = [s.finished_at - s.clicked_at for s in ordinary if s.finished_at and s.clicked_at]
    results = [s.results_at - s.finished_at for s in sessions if s.results_at and s.finished_at]
    runs, blank = sum(s.fragment_runs for s in sessions), sum(s.blank_runs for s in sessions)
    print(f"fragment runs {runs}, {blank} without a progress delta; ticks sent {sum(s.ticks_sent for s in sessions)}; "
          f"/_stcore/health p50/p95/max {_fmt(health.latencies, 50, 95, 100)} s")
    print(f"page load p50/p95 {_fmt(loads, 50, 95)} s; ordinary training time p50/max {_fmt(trains, 50, 100)} s; "
          f"results table after the last epoch p50/max {_fmt(results, 50, 100)} s")
    for s, st in zip(sessions, students):
        if st.page == "Train" and s.clicked_at is not None:
            epochs = s.progress.epoch if s.progress else 0
            took = (s.finished_at or s.closed_at or time.monotonic()) - s.clicked_at
            print(f"  {s.index:3d} {st.role:8s} {st.query[:60]:60s} {epochs:3d} epochs in {took:5.1f} s, "
                  f"gaps p50/p95/max {_fmt(s.gaps, 50, 95, 100)} s")
    print(f"epoch-counter change, ordinary students p50/p95/max {_fmt(gaps, 50, 95, 100)} s "
          f"(worst student's own p95 {worst:.2f} s); every Train-page run incl. uploads and the fiddler "
          f"p95 {_fmt(train_page, 95)} s; any progress delta p95 "
          f"{_fmt([g for s in ordinary for g in s.tick_gaps], 95)} s")
    return measure.percentile(gaps, 95)


async def _settle(seconds: float, line, every: float = 15.0) -> None:
    end = time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        await asyncio.sleep(min(every, left))
        print(line(), flush=True)


@dataclass
class ClassResult:
    students: list[mix.Student]
    sessions: list[Session]
    errors: int
    finished: int
    p95: float
    peak_mb: float | None
    start_mb: float | None
    after_mb: float | None

    @property
    def missed(self) -> list[str]:
        return measure.missed_goals(len(self.sessions), self.finished, self.errors, self.p95, self.peak_mb,
                                    self.start_mb, self.after_mb)


async def run_class(args, base_url: str, pids: list[int], logs: list[Path], ttl: float | None) -> ClassResult:
    """The class on ``base_url``. With ``pids`` (the servers' processes) it measures their RSS and CPU;
    with ``ttl`` too, it waits for the closed sessions to expire and measures the RSS after close."""
    rss = RssSampler(pids) if pids else None
    health = HealthProbe(base_url)
    tasks = [asyncio.create_task(health.run())] + ([asyncio.create_task(rss.run())] if rss else [])
    students = mix.class_mix(args.sessions, args.epochs)
    print(f"{len(students)} students on {base_url}: {mix.composition(students)}; load average "
          f"{measure.load_average()}", flush=True)

    warm = [Session(-1 - i, base_url, page, query) for i, (page, query) in enumerate(mix.WARM_UP)]
    for w in warm:  # one after another, as the first visitors would
        await w.open()
        await w.load(args.timeout)
    await asyncio.sleep(3.0)
    start_mb = rss.median_since(time.monotonic() - 2.0) if rss else None
    warm_errors = [e for w in warm for e in w.errors]
    if rss:
        print(f"start: {start_mb:.0f} MB = RSS once the first load of each page the class uses "
              f"({', '.join(p for p, _ in mix.WARM_UP)}) has run (imports done); those tabs stay open until the "
              "class leaves", flush=True)
    sessions = [make_session(st, base_url) for st in students]
    cpu0, own0 = sum(measure.cpu_seconds(p) for p in pids), time.process_time()
    t0 = time.monotonic()
    reporter = asyncio.create_task(_report_every(args.report_every, lambda: _status_line(t0, sessions, rss, health)))
    await asyncio.gather(*(_student(s, st, i * args.ramp / max(1, len(students)), args.timeout)
                           for i, (s, st) in enumerate(zip(sessions, students))))
    reporter.cancel()
    for s in [*sessions, *warm]:
        if s.closed_at is None:
            await s.close()
    closed_at = time.monotonic()
    print(_status_line(t0, sessions, rss, health), flush=True)
    p95 = report(students, sessions, health)
    if pids:
        cpu = sum(measure.cpu_seconds(p) for p in pids) - cpu0
        print(f"server CPU {cpu:.0f} s in {closed_at - t0:.0f} s of class ({cpu / (closed_at - t0):.2f} cores), "
              f"{cpu / len(students):.1f} CPU-s per student; this test's own client CPU "
              f"{time.process_time() - own0:.0f} s; load average {measure.load_average()}", flush=True)
    peak_mb = rss.peak if rss else None
    after_mb = None
    if rss and ttl is not None:
        wait = ttl + COLLECT_EVERY_S + EXPIRY_MARGIN_S
        print(f"every tab closed; waiting {wait:.0f} s: sessions expire {ttl:.0f} s after their tab closed, "
              f"then ui/memory.py's collector (every {COLLECT_EVERY_S:.0f} s) drops them", flush=True)
        await _settle(wait, lambda: _status_line(t0, sessions, rss, health))
        measured_from = time.monotonic()
        await asyncio.sleep(5.0)
        after_mb = rss.median_since(measured_from)
        print(f"memory: start {start_mb:.0f} MB, peak {peak_mb:.0f} MB, after close {after_mb:.0f} MB "
              f"({after_mb - start_mb:+.0f} MB, median over 5 s, {time.monotonic() - closed_at:.0f} s after the "
              f"last tab closed); load average {measure.load_average()}", flush=True)
    for t in tasks:
        t.cancel()
    server_errors, teardowns = counted_server_errors(
        [e for log in logs for e in server_log_errors(log.read_text(errors="replace"))])
    if server_errors or teardowns:
        print(f"server log: {len(server_errors)} tracebacks {sorted(set(server_errors))[:3]}, and {teardowns} of "
              "Streamlit's websocket teardown after a tab closed (not counted: nobody sees them)")
    errors = sum(len(s.errors) for s in sessions) + len(warm_errors) + len(server_errors)
    result = ClassResult(students, sessions, errors, sum(s.done for s in sessions), p95, peak_mb, start_mb, after_mb)
    print("goals (0 errors, all finish, p95 <= 2 s, peak < 1.5 GB, back within 100 MB): "
          + ("met" if not result.missed else "MISSED: " + "; ".join(result.missed)), flush=True)
    return result


async def load_test(args) -> bool:
    if args.url:
        ttl = float(args.session_ttl) if args.session_ttl is not None else app_session_ttl()
        r = await run_class(args, args.url.rstrip("/"), args.server_pid, [], ttl if args.server_pid else None)
    else:
        port = args.port or free_port()
        flags, ttl = (), app_session_ttl()
        if args.session_ttl is not None:
            flags, ttl = ("--server.disconnectedSessionTTL", str(args.session_ttl)), float(args.session_ttl)
            print(f"NOTE: server started with --server.disconnectedSessionTTL {args.session_ttl} "
                  f"(the app's own setting is {app_session_ttl():.0f} s)", flush=True)
        else:
            print(f"server.disconnectedSessionTTL = {ttl:.0f} s, as the app sets it (.streamlit/config.toml)",
                  flush=True)
        # runs kept for reloads (ui/run_store.py) expire with the sessions, so "after close" means all of it
        print(f"RNN_PLAYGROUND_RUN_TTL_S = {ttl:.0f} s: runs kept for a reload expire with their sessions "
              f"(the app's default is {run_store_ttl():.0f} s)", flush=True)
        with app_server(port, *flags, env={"RNN_PLAYGROUND_RUN_TTL_S": str(ttl)}) as (proc, log):
            print(f"server pid {proc.pid} on port {port} (log {log})", flush=True)
            r = await run_class(args, f"http://127.0.0.1:{port}", [proc.pid], [log], ttl)
    print(measure.final_line(len(r.sessions), r.finished, r.errors, r.p95, r.peak_mb, r.after_mb), flush=True)
    return not r.missed


def stickiness(sessions: list[Session]) -> tuple[dict[str, int], float]:
    """Sessions per replica (the one that served a session's first request), and the fraction of
    sessions whose every response came from one replica (a session with none named is not sticky)."""
    per: dict[str, int] = {}
    for s in sessions:
        if s.replicas:
            per[s.replicas[0]] = per.get(s.replicas[0], 0) + 1
    sticky = sum(bool(s.replicas) and len(set(s.replicas)) == 1 for s in sessions)
    return dict(sorted(per.items())), sticky / max(1, len(sessions))


def load_serve_class():
    """``.streamlit/serve_class.py`` as a module (it lives beside the HAProxy configuration it fills in)."""
    spec = importlib.util.spec_from_file_location("serve_class", ROOT / ".streamlit" / "serve_class.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


async def class_test(args) -> bool:
    """``--replicas N``: N app processes behind HAProxy (.streamlit/serve_class.py), the class through it."""
    serve = load_serve_class()
    with serve.class_servers(args.replicas, free_port(), free_port(), free_port()) as servers:
        print(f"{args.replicas} replicas behind HAProxy at {servers.url} (logs {servers.config.parent}); "
              f"load average {measure.load_average()}", flush=True)
        r = await run_class(args, servers.url, [rep.process.pid for rep in servers.replicas],
                            [rep.log for rep in servers.replicas], None)
    per, sticky = stickiness(r.sessions)
    counts = [per.get(rep.name, 0) for rep in servers.replicas]
    named = sorted(len(s.replicas) for s in r.sessions)
    print(f"sessions by replica {per}; responses naming a replica per session min/median/max "
          f"{named[0]}/{named[len(named) // 2]}/{named[-1]}; sticky {sticky:.0%}", flush=True)
    print(measure.class_line(len(r.sessions), r.finished, r.errors, counts, sticky, r.p95), flush=True)
    return r.errors == 0 and r.finished == len(r.sessions) and sticky == 1.0 and all(counts)


async def _peak_when(rss: RssSampler, done) -> float:
    while not done():
        await asyncio.sleep(0.1)
    return rss.peak


async def memory_test(args) -> bool:
    """Idle after the first page load, one training session, then five (the first stays open)."""
    port = args.port or free_port()
    student = mix.Student(0, "train", "Train", f"epochs={args.epochs}", args.epochs)
    with app_server(port) as (proc, log):
        base = f"http://127.0.0.1:{port}"
        rss = RssSampler([proc.pid])
        sampler = asyncio.create_task(rss.run())
        await asyncio.sleep(1.0)
        print(f"server started: {rss.last:.0f} MB; load average {measure.load_average()}", flush=True)
        first = make_session(student, base)
        await first.open()
        await scenarios.fresh_train_page(first, args.timeout)
        await asyncio.sleep(2.0)
        print(f"idle after the first page load: {rss.last:.0f} MB", flush=True)
        rss.peak = rss.last
        training_peak = asyncio.create_task(_peak_when(rss, lambda: first.finished))
        if await scenarios.start(first, args.timeout):
            first.done = await scenarios.train_to_results(first, args.timeout)
        await asyncio.sleep(1.0)
        rss_one = rss.peak
        print(f"one session trained: peak {rss_one:.0f} MB (until the last epoch {await training_peak:.0f} MB, "
              f"the rest is the results table), now {rss.last:.0f} MB", flush=True)
        rss.peak = rss.last
        others = [make_session(student, base) for _ in range(4)]
        await asyncio.gather(*(_student(s, student, 0.5 * i, args.timeout) for i, s in enumerate(others)))
        await asyncio.sleep(1.0)
        rss_five = rss.peak
        print(f"five sessions trained (all still open): peak {rss_five:.0f} MB, now {rss.last:.0f} MB", flush=True)
        sessions = [first, *others]
        for s in sessions:
            await s.close()
        sampler.cancel()
        errors = [e for s in sessions for e in s.errors]
        for e in errors:
            print(f"  error: {e}")
        print(f"server log: {server_log_errors(log.read_text(errors='replace'))}")
        finished = sum(s.done for s in sessions)
    print(f"{finished} of 5 finished, {len(errors)} errors; targets: server+1 <= 500 MB, per extra <= 50 MB")
    print(measure.memory_line(rss_one, rss_five), flush=True)
    return not errors and finished == len(sessions)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sessions", type=int, default=20, help="students in the class (default 20)")
    p.add_argument("--url", default="", help="a running server or balancer (default: start its own server)")
    p.add_argument("--server-pid", type=int, action="append", default=[],
                   help="with --url: a server process whose RSS to measure (repeatable)")
    p.add_argument("--port", type=int, default=0, help="own server's port (default: a free one)")
    p.add_argument("--epochs", type=int, default=60, help="epochs in the Train links, ?epochs=N (default 60)")
    p.add_argument("--session-ttl", type=int, default=None,
                   help="start the own server with this server.disconnectedSessionTTL (default: the app's); "
                        "with --url, the TTL that server was started with")
    p.add_argument("--ramp", type=float, default=5.0, help="seconds over which the students arrive (default 5)")
    p.add_argument("--timeout", type=float, default=900.0, help="per-step limit in seconds (default 900)")
    p.add_argument("--report-every", type=float, default=10.0, help="seconds between progress lines")
    p.add_argument("--memory", action="store_true", help="measure memory: idle, 1 session, 5 sessions")
    p.add_argument("--replicas", type=int, default=0,
                   help="start this many app processes behind HAProxy and run the class through it")
    args = p.parse_args(argv)
    run = memory_test if args.memory else class_test if args.replicas else load_test
    ok = asyncio.run(run(args))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
