"""Start the app and drive a class of websocket students through a full training each.

    python -m tests.load.load_test --sessions 20 [--port P] [--epochs N]
    python -m tests.load.load_test --memory

The last line is issue #8's verdict,
``20 sessions, N finished, E errors, p95 update interval X s, peak RSS Y MB``. E counts
what sessions saw: exceptions, error alerts, dropped connections, another session's
state, a finished run whose results never showed (tracebacks in the server's log get a
line of their own). The update interval is the time between two changes of a session's
epoch counter, the first measured from the click, pooled over all sessions. RSS is the
server process and its children, sampled every 0.5 s. Lines before the last one add what
explains a bad figure: /_stcore/health latency (the event loop that sends deltas), and
fragment runs that delivered no progress. Exit status 1 when a session erred or did not
finish.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import sys
import time
import urllib.request
from pathlib import Path

from tests.app_server import app_server, free_port
from tests.load import measure
from tests.load.client import TrainSession

GOAL_P95_S = 2.0


class RssSampler:
    """Samples the server's RSS every ``period`` seconds; ``peak`` since the last ``reset``."""

    def __init__(self, pid: int, period: float = 0.5):
        self.pid, self.period = pid, period
        self.last = self.peak = self.overall_peak = 0.0

    async def run(self) -> None:
        while True:
            self.last = await asyncio.to_thread(measure.rss_mb, self.pid)
            self.peak = max(self.peak, self.last)
            self.overall_peak = max(self.overall_peak, self.last)
            await asyncio.sleep(self.period)

    def reset(self) -> None:
        self.peak = self.last


class HealthProbe:
    """Times ``/_stcore/health`` once a second: served by the same event loop that sends deltas."""

    def __init__(self, port: int, period: float = 1.0):
        self.url, self.period = f"http://127.0.0.1:{port}/_stcore/health", period
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


async def _student(s: TrainSession, delay: float, timeout: float, keep_open: bool = False) -> None:
    await asyncio.sleep(delay)
    try:
        await s.open()
        await s.load(timeout)
        await s.train(timeout)
    except Exception as exc:  # noqa: BLE001 - one student's failure is a result, not a crash
        s.add_error(f"{type(exc).__name__}: {exc}")
    finally:
        if not keep_open:
            await s.close()


def _status_line(t0: float, sessions: list[TrainSession], rss: RssSampler, health: HealthProbe) -> str:
    epochs = [s.progress.epoch for s in sessions if s.clicked_at is not None and s.progress]
    spread = f"{min(epochs)}/{statistics.median(epochs):.0f}/{max(epochs)}" if epochs else "-"
    training = sum(s.clicked_at is not None and not s.finished for s in sessions)
    return (f"[{time.monotonic() - t0:6.1f} s] training {training}, finished {sum(s.finished for s in sessions)}, "
            f"errors {sum(len(s.errors) for s in sessions)}, epochs min/median/max {spread}, "
            f"RSS {rss.last:.0f} MB (peak {rss.overall_peak:.0f}), "
            f"health {health.latencies[-1] if health.latencies else float('nan'):.2f} s, load {measure.load_average()}")


async def _report_every(period: float, t0: float, sessions, rss, health) -> None:
    while True:
        await asyncio.sleep(period)
        print(_status_line(t0, sessions, rss, health), flush=True)


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


def _summary(sessions: list[TrainSession], log: Path, rss: RssSampler, health: HealthProbe) -> tuple[str, bool]:
    gaps = [g for s in sessions for g in measure.intervals(s.clicked_at, s.update_times)]
    ticks = [g for s in sessions for g in measure.intervals(s.clicked_at, s.progress_times)]
    loads = [s.loaded_at - s.opened_at for s in sessions if s.loaded_at]
    trains = [s.finished_at - s.clicked_at for s in sessions if s.finished_at]
    results = [s.results_at - s.finished_at for s in sessions if s.results_at and s.finished_at]
    for s in sessions:
        if s.errors or not s.finished:
            print(f"  session {s.index}: {s.progress_text!r}, finished={s.finished}, errors={s.errors}")
    notes: dict[str, int] = {}
    for s in sessions:
        for text, n in s.notes.items():
            notes[text] = notes.get(text, 0) + n
    for text, n in sorted(notes.items(), key=lambda kv: -kv[1])[:5]:
        print(f"  note shown {n}x: {text!r}")
    server_errors = server_log_errors(log.read_text(errors="replace"))
    print(f"server log: {len(server_errors)} tracebacks {sorted(set(server_errors))[:3]} (not counted below)")
    runs, blank = sum(s.fragment_runs for s in sessions), sum(s.blank_runs for s in sessions)
    print(f"fragment runs started {runs}, of which {blank} delivered no progress delta; ticks sent {sum(s.ticks_sent for s in sessions)}; /_stcore/health p50/p95/max "
          f"{measure.percentile(health.latencies, 50):.2f}/{measure.percentile(health.latencies, 95):.2f}/"
          f"{max(health.latencies, default=float('nan')):.2f} s")
    print(f"page load p50/p95 {measure.percentile(loads, 50):.2f}/{measure.percentile(loads, 95):.2f} s; "
          f"training time p50/max {measure.percentile(trains, 50):.1f}/{max(trains, default=float('nan')):.1f} s; "
          f"results table after the last epoch p50/max {measure.percentile(results, 50):.1f}/"
          f"{max(results, default=float('nan')):.1f} s; "
          f"any progress delta p95 {measure.percentile(ticks, 95):.2f} s; "
          f"epoch-counter change p50/p95/max {measure.percentile(gaps, 50):.2f}/{measure.percentile(gaps, 95):.2f}/"
          f"{max(gaps, default=float('nan')):.2f} s; load average {measure.load_average()} (log {log})")
    finished = sum(s.finished for s in sessions)
    errors = sum(len(s.errors) for s in sessions)
    p95 = measure.percentile(gaps, 95)
    print(f"goal (0 errors, all finish, p95 <= {GOAL_P95_S:g} s): "
          f"{'met' if errors == 0 and finished == len(sessions) and p95 <= GOAL_P95_S else 'NOT met'}")
    return measure.final_line(len(sessions), finished, errors, p95, rss.overall_peak), errors == 0 and finished == len(
        sessions)


async def load_test(args) -> bool:
    port = args.port or free_port()
    query = f"epochs={args.epochs}"
    with app_server(port) as (proc, log):
        rss, health = RssSampler(proc.pid), HealthProbe(port)
        sampler, prober = asyncio.create_task(rss.run()), asyncio.create_task(health.run())
        print(f"server pid {proc.pid} on port {port}; {args.sessions} sessions on /Train?{query}; "
              f"load average {measure.load_average()}", flush=True)
        ws = f"ws://127.0.0.1:{port}/_stcore/stream"
        sessions = [TrainSession(i, ws, query, args.epochs) for i in range(args.sessions)]
        t0 = time.monotonic()
        reporter = asyncio.create_task(_report_every(args.report_every, t0, sessions, rss, health))
        await asyncio.gather(*(_student(s, i * args.ramp / max(1, len(sessions)), args.timeout)
                               for i, s in enumerate(sessions)))
        reporter.cancel()
        print(_status_line(t0, sessions, rss, health), flush=True)
        await asyncio.sleep(1.0)  # let the server log what the closed sessions left behind
        sampler.cancel()
        prober.cancel()
        line, ok = _summary(sessions, log, rss, health)
    print(line, flush=True)
    return ok


async def _peak_when(rss: RssSampler, done) -> float:
    while not done():
        await asyncio.sleep(0.1)
    return rss.peak


async def memory_test(args) -> bool:
    """Idle after the first page load, one training session, then five (the first stays open)."""
    port = args.port or free_port()
    query = f"epochs={args.epochs}"
    with app_server(port) as (proc, log):
        rss = RssSampler(proc.pid)
        sampler = asyncio.create_task(rss.run())
        ws = f"ws://127.0.0.1:{port}/_stcore/stream"
        await asyncio.sleep(1.0)
        print(f"server started: {rss.last:.0f} MB; load average {measure.load_average()}", flush=True)
        first = TrainSession(0, ws, query, args.epochs)
        await first.open()
        await first.load(args.timeout)
        await asyncio.sleep(2.0)
        idle = rss.last
        print(f"idle after the first page load: {idle:.0f} MB", flush=True)
        rss.reset()
        training_peak = asyncio.create_task(_peak_when(rss, lambda: first.finished))
        await first.train(args.timeout)
        await asyncio.sleep(1.0)
        rss_one = rss.peak
        print(f"one session trained: peak {rss_one:.0f} MB (until the last epoch {await training_peak:.0f} MB, "
              f"the rest is the results table), now {rss.last:.0f} MB", flush=True)
        rss.reset()
        others = [TrainSession(i, ws, query, args.epochs) for i in range(1, 5)]
        await asyncio.gather(*(_student(s, 0.5 * i, args.timeout, keep_open=True) for i, s in enumerate(others)))
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
        finished = sum(s.finished for s in sessions)
    print(f"{finished} of 5 finished, {len(errors)} errors; targets: server+1 <= 500 MB, per extra <= 50 MB")
    print(measure.memory_line(rss_one, rss_five), flush=True)
    return not errors and finished == len(sessions)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sessions", type=int, default=20, help="concurrent students (default 20)")
    p.add_argument("--port", type=int, default=0, help="server port (default: a free one)")
    p.add_argument("--epochs", type=int, default=60, help="epochs in the link, ?epochs=N (default 60)")
    p.add_argument("--ramp", type=float, default=2.0, help="seconds over which the sessions arrive (default 2)")
    p.add_argument("--timeout", type=float, default=900.0, help="per-session limit in seconds (default 900)")
    p.add_argument("--report-every", type=float, default=5.0, help="seconds between progress lines")
    p.add_argument("--memory", action="store_true", help="measure memory: idle, 1 session, 5 sessions")
    args = p.parse_args(argv)
    ok = asyncio.run(memory_test(args) if args.memory else load_test(args))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
