"""What each kind of student does, step by step, as a coroutine over a :class:`~tests.load.client.Session`.

Each scenario sets ``session.done`` when the student reached the end they meant to reach, and
records on the session anything that went wrong. The widget keys are the pages' own:
``start_pause``, ``step``, ``reset`` and ``lr`` (ui/live.py, ui/train_controls.py),
``csv_file`` (ui/data_picker.py), ``start_pause_grad_lab`` (ui/live.py's buttons for the
Gradients page's "grad_lab" slot), ``inside_train`` (ui/gate_views.py).
"""

from __future__ import annotations

import asyncio
import time

from tests.load.client import Session
from tests.load.mix import Student, upload_csv

RESULTS_HEADING = "Against the baselines"  # ui/train_views.py: the Train page's results table
SCOREBOARD_HEADING = "2 · The scoreboard"  # pages/7_Forecast_arena.py, once every model is scored
INSIDE_METRIC = "training time"  # ui/gate_views.py, once the gated cell has trained
CHANGED_SETTINGS = "You changed settings since this run started"  # must not follow a change of lr alone
PAUSE_HOLD_S = 1.5  # after Pause, the counter must not move for this long
STEP_TRIES = 5
BUSY = "server is busy"  # ui/live.py's note when no training slot came free in time


def _busy(s: Session) -> bool:
    return any(BUSY in note for note in s.last_run.notes)


def make_session(student: Student, base_url: str) -> Session:
    return Session(student.index, base_url, student.page, student.query, student.epochs, student.expected_alerts)


async def fresh_train_page(s: Session, timeout: float) -> bool:
    """The Train page as first drawn: a Start button and ``Epoch 0 of N``."""
    await s.load(timeout)
    if s.disconnected:
        return False
    if s.widget("start_pause") is None:
        return False
    if s.progress is None or s.progress.epoch != 0 or s.progress.total != s.epochs:
        s.add_error(f"fresh page shows {s.progress_text!r}, expected 'Epoch 0 of {s.epochs}'")
        return False
    return True


async def start(s: Session, timeout: float) -> bool:
    """Press Start; from the click on, the epoch counter's changes are timed."""
    s.clicked_at = time.monotonic()
    s.start_measuring(s.clicked_at)
    return await s.click("start_pause", timeout)


async def train_to_results(s: Session, timeout: float, results_grace: float = 60.0) -> bool:
    """Wait for the last epoch, then for a completed full run that shows the results table."""
    if not await s.until(lambda: s.finished, timeout, "the last epoch"):
        return False
    if not await s.until(lambda: s.completed_after(s.finished_at, RESULTS_HEADING) is not None, results_grace,
                         "a completed run that shows the results table"):
        return False
    s.results_at = s.completed_after(s.finished_at, RESULTS_HEADING)
    return True


async def train(s: Session, student: Student, timeout: float) -> None:
    """Open a Train link, press Start, watch it to the end and the results table."""
    if await fresh_train_page(s, timeout) and await start(s, timeout):
        s.done = await train_to_results(s, timeout)
        if student.expected_alerts and not s.expected_seen:
            s.add_error(f"expected the message {student.expected_alerts[0]!r}")
            s.done = False


async def closer(s: Session, student: Student, timeout: float) -> None:
    """Start training, then close the tab a third of the way through: fine when it trained until then."""
    if await fresh_train_page(s, timeout) and await start(s, timeout):
        at = max(1, student.epochs // 3)
        reached = await s.until(lambda: s.progress is not None and s.progress.epoch >= at, timeout,
                                f"epoch {at}")
        await s.close()
        s.done = reached and not s.errors


async def fiddler(s: Session, student: Student, timeout: float) -> None:
    """Start, Pause (the counter holds), Step (one epoch), change lr, Resume, Reset, Start, to the end."""
    if not (await fresh_train_page(s, timeout) and await start(s, timeout)):
        return
    if not await s.until(lambda: s.progress.epoch >= 3, timeout, "epoch 3"):
        return
    s.measuring = False
    if not await s.click("start_pause", timeout):  # Pause
        return
    if not await s.until(lambda: s.progress.status == "paused", timeout, "'paused'"):
        return
    held = s.progress.epoch
    await asyncio.sleep(PAUSE_HOLD_S)
    if s.progress.epoch != held:
        s.add_error(f"the counter moved while paused: {held} -> {s.progress.epoch}")
    for _ in range(STEP_TRIES):  # a full server says "busy" and drops the step: the student presses again
        if not await s.click("step", timeout) or s.progress.epoch != held or not _busy(s):
            break
        await asyncio.sleep(1.0)
    if s.progress.epoch != held + 1:
        s.add_error(f"Step went from epoch {held} to {s.progress.epoch}, not one epoch")
        return
    if not await s.set_number("lr", 0.004, timeout):
        return
    if any(CHANGED_SETTINGS in note for note in s.last_run.notes):
        s.add_error("a change of lr alone was called a change of settings")
    s.start_measuring()
    if not await s.click("start_pause", timeout):  # Resume
        return
    if not await s.until(lambda: s.progress.epoch >= held + 4, timeout, f"epoch {held + 4} after Resume"):
        return
    s.measuring = False
    s.allow_restart()
    if not await s.click("reset", timeout):
        return
    if not await s.until(lambda: s.progress.epoch == 0 and s.widgets.get("start_pause"), timeout, "Reset to epoch 0"):
        return
    if await start(s, timeout):
        s.done = await train_to_results(s, timeout)


async def uploader(s: Session, student: Student, timeout: float) -> None:
    """Pick "upload" in the link, upload a CSV through the file uploader, press Start, train to the end."""
    await s.load(timeout)
    if s.disconnected or s.widget("csv_file") is None:
        return
    name, content = upload_csv(student.index)
    if not await s.upload("csv_file", name, content, timeout):
        return
    if s.progress is None or s.progress.epoch != 0 or s.widget("start_pause") is None:
        s.add_error(f"after the upload the page shows {s.progress_text!r}, no fresh run to start")
        return
    if await start(s, timeout):
        s.done = await train_to_results(s, timeout)


async def maximal(s: Session, student: Student, timeout: float) -> None:
    """Every slider at its maximum: the page must refuse with its message and offer nothing to start."""
    await s.load(timeout)
    if s.disconnected:
        return
    if not s.expected_seen:
        s.add_error(f"no refusal ({' or '.join(student.expected_alerts)!r}) for every slider at its maximum")
    elif "start_pause" in s.widgets:
        s.add_error("a Start button next to the refusal")
    else:
        s.done = True


async def arena(s: Session, student: Student, timeout: float) -> None:
    """Open an arena link: every model fitted and scored in the page run."""
    await s.load(timeout)
    if s.disconnected:
        return
    if any(h.startswith(SCOREBOARD_HEADING) for h in s.last_run.headings):
        s.done = True
    else:
        s.add_error("the arena's scoreboard never showed")


async def gradients(s: Session, student: Student, timeout: float) -> None:
    """Start the Gradients page's own model, watch its counter to the end, then the page's rerun."""
    await s.load(timeout)
    if s.disconnected or s.progress is None:
        s.add_error("no epoch counter on the Gradients page")
        return
    s.clicked_at = time.monotonic()
    s.start_measuring(s.clicked_at)
    if await s.click("start_pause_grad_lab", timeout) and await s.until(lambda: s.finished, timeout, "the last epoch"):
        s.done = await s.until(lambda: s.completed_after(s.finished_at) is not None, 60, "the page's rerun after the last epoch")


async def inside(s: Session, student: Student, timeout: float) -> None:
    """Press Train on Inside LSTM and GRU: it trains live to the end, showing the gated cell's metrics."""
    await s.load(timeout)
    if s.disconnected:
        return
    if await s.click("inside_train", timeout):
        s.done = await s.until(lambda: s.progress is not None and s.progress.finished
                               and INSIDE_METRIC in s.last_run.metrics, timeout,
                               f"the last epoch with {INSIDE_METRIC!r} shown")


SCENARIOS = {"train": train, "closer": closer, "fiddler": fiddler, "upload": uploader, "max": maximal,
             "arena": arena, "gradients": gradients, "inside": inside}
