"""Numbers for the load test: intervals, percentiles, the server's memory, the report lines."""

from __future__ import annotations

import math
import os
from pathlib import Path


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100): a value that was actually observed; NaN if none.

    Examples
    --------
    >>> percentile([1.0, 2.0, 3.0, 4.0], 95)
    4.0
    """
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


GOAL_P95_S = 2.0  # every ordinary student sees the epoch counter move at least this often (p95)
GOAL_PEAK_MB = 1536.0  # 1.5 GB (of 2**20 bytes, like every MB here)
GOAL_BACK_MB = 100.0  # RSS after the closed sessions expired, at most this far above the start


def _mb(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f} MB"


def final_line(sessions: int, finished: int, errors: int, p95_s: float, peak_rss_mb: float | None,
               after_close_mb: float | None) -> str:
    """The one-line verdict ``make load-test`` prints last (issue #18's format); n/a for memory not measured.

    Examples
    --------
    >>> final_line(20, 20, 0, 1.234, 612.4, 530.2)
    '20 sessions, 20 finished, 0 errors, p95 update interval 1.23 s, peak RSS 612 MB, RSS after close 530 MB'
    >>> final_line(20, 20, 0, 1.234, None, None).split(", ")[-2:]
    ['peak RSS n/a', 'RSS after close n/a']
    """
    return (f"{sessions} sessions, {finished} finished, {errors} errors, p95 update interval {p95_s:.2f} s, "
            f"peak RSS {_mb(peak_rss_mb)}, RSS after close {_mb(after_close_mb)}")


def class_line(sessions: int, finished: int, errors: int, per_replica: list[int], sticky: float,
               p95_s: float) -> str:
    """The verdict of ``make load-test-class`` (issue #17's format); ``sticky`` is a fraction.

    Examples
    --------
    >>> class_line(20, 20, 0, [11, 9], 1.0, 1.5)
    '20 sessions, 20 finished, 0 errors, replicas 2, sessions per replica 11/9, sticky 100%, p95 update interval 1.50 s'
    """
    return (f"{sessions} sessions, {finished} finished, {errors} errors, replicas {len(per_replica)}, "
            f"sessions per replica {'/'.join(str(n) for n in per_replica)}, sticky {100 * sticky:.0f}%, "
            f"p95 update interval {p95_s:.2f} s")


def missed_goals(sessions: int, finished: int, errors: int, p95_s: float, peak_mb: float | None = None,
                 start_mb: float | None = None, after_mb: float | None = None) -> list[str]:
    """The goals a run missed, each as a phrase; empty when every goal was met.

    Memory goals are judged only when measured (None: not measured, e.g. a remote server).
    A p95 that could not be measured (NaN: no ordinary student trained) is a miss.

    Examples
    --------
    >>> missed_goals(20, 20, 0, 1.9, 900.0, 600.0, 650.0)
    []
    >>> missed_goals(20, 19, 1, 2.4, 1600.0, 600.0, 720.0)  # doctest: +NORMALIZE_WHITESPACE
    ['1 errors (goal 0)', '19 of 20 finished', 'p95 update interval 2.40 s (goal <= 2 s)',
     'peak RSS 1600 MB (goal < 1536 MB)', 'RSS after close 720 MB is 120 MB above the start 600 MB (goal <= 100 MB)']
    """
    missed = []
    if errors:
        missed.append(f"{errors} errors (goal 0)")
    if finished < sessions:
        missed.append(f"{finished} of {sessions} finished")
    if not p95_s <= GOAL_P95_S:
        missed.append(f"p95 update interval {p95_s:.2f} s (goal <= {GOAL_P95_S:g} s)")
    if peak_mb is not None and not peak_mb < GOAL_PEAK_MB:
        missed.append(f"peak RSS {peak_mb:.0f} MB (goal < {GOAL_PEAK_MB:.0f} MB)")
    if start_mb is not None and after_mb is not None and not after_mb - start_mb <= GOAL_BACK_MB:
        missed.append(f"RSS after close {after_mb:.0f} MB is {after_mb - start_mb:.0f} MB above the start "
                      f"{start_mb:.0f} MB (goal <= {GOAL_BACK_MB:.0f} MB)")
    return missed


def memory_line(rss_one_mb: float, rss_five_mb: float) -> str:
    """Issue #8's memory figures: server plus one session, and the cost of each extra one (of 4).

    Examples
    --------
    >>> memory_line(400.0, 560.0)
    'server+1 session: 400 MB; per extra session: 40 MB'
    """
    return f"server+1 session: {rss_one_mb:.0f} MB; per extra session: {(rss_five_mb - rss_one_mb) / 4:.0f} MB"


def vmrss_kb(status_text: str) -> int:
    """The ``VmRSS`` figure (kB) of a ``/proc/<pid>/status`` text; 0 for a zombie without one."""
    for line in status_text.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                children = [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
            found += children
            todo += children
    return found


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and all its child processes, in MB (psutil when installed)."""
    try:
        import psutil
    except ImportError:
        psutil = None
    if psutil is not None:
        try:
            proc = psutil.Process(pid)
            procs = [proc, *proc.children(recursive=True)]
            return sum(p.memory_info().rss for p in procs) / 2**20
        except psutil.Error:
            return 0.0
    total_kb = 0
    for p in [pid, *_descendants(pid)]:
        try:
            total_kb += vmrss_kb(Path(f"/proc/{p}/status").read_text())
        except OSError:
            continue
    return total_kb / 1024


def stat_cpu_seconds(stat_text: str, ticks_per_second: float = 100.0) -> float:
    """User plus system CPU seconds of a ``/proc/<pid>/stat`` text (fields 14 and 15).

    >>> stat_cpu_seconds("42 (python3 -m x) S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0", 100.0)
    3.0
    """
    fields = stat_text.rsplit(")", 1)[1].split()  # the name may hold spaces and parentheses
    return (int(fields[11]) + int(fields[12])) / ticks_per_second


def cpu_seconds(pid: int) -> float:
    """CPU seconds used so far by ``pid`` and its live children; 0 once it is gone."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for p in [pid, *_descendants(pid)]:
        try:
            total += stat_cpu_seconds(Path(f"/proc/{p}/stat").read_text(), ticks)
        except (OSError, IndexError, ValueError):
            continue
    return total


def load_average() -> str:
    """The 1/5/15-minute load averages, for reading noisy timings."""
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"
