"""Numbers for the load test: intervals, percentiles, the server's memory, the report lines."""

from __future__ import annotations

import math
import os
from pathlib import Path


def intervals(start: float | None, times: list[float]) -> list[float]:
    """Gaps between consecutive updates, the first measured from ``start`` (the click).

    Examples
    --------
    >>> intervals(0.0, [0.5, 1.0, 2.5])
    [0.5, 0.5, 1.5]
    """
    points = ([start] if start is not None else []) + sorted(times)
    return [b - a for a, b in zip(points, points[1:])]


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


def final_line(sessions: int, finished: int, errors: int, p95_s: float, peak_rss_mb: float) -> str:
    """The one-line verdict ``make load-test`` prints last (issue #8's format).

    Examples
    --------
    >>> final_line(20, 20, 0, 1.234, 612.4)
    '20 sessions, 20 finished, 0 errors, p95 update interval 1.23 s, peak RSS 612 MB'
    """
    return (f"{sessions} sessions, {finished} finished, {errors} errors, "
            f"p95 update interval {p95_s:.2f} s, peak RSS {peak_rss_mb:.0f} MB")


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


def load_average() -> str:
    """The 1/5/15-minute load averages, for reading noisy timings."""
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"
