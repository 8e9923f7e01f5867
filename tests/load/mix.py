"""Who is in the simulated class: each student's role, page and link, and the CSV an uploader sends.

A real lecture is not twenty copies of one link. Most students train on the Train page from
the default link or a preset, each link a little different (a data seed, another preset) so
that no expensive result is computed once and shared; a few close the tab mid-run; one
pauses, steps, changes the learning rate, resumes and resets; some upload their own CSV; a
few push every slider to its maximum and must get the app's refusal; and a few are on other
pages that train: the forecast arena, gradients through time, inside LSTM and GRU.

Examples
--------
>>> [s.role for s in class_mix(5)]
['train', 'upload', 'closer', 'arena', 'train']
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

# One class of 20, in order of arrival; a larger class repeats it, a smaller one takes its start.
PATTERN = ("train", "upload", "closer", "arena", "train", "max", "gradients", "train", "fiddler", "upload",
           "train", "inside", "closer", "train", "max", "upload", "train", "train", "train", "train")
ORDINARY = ("train", "closer")  # default or preset links on the Train page, left to train
# The app's refusals of work too large for a shared server: training cost (rnn_core.training.cost)
# and the size of the windows (rnn_core.data.windows), whichever limit a set-up reaches first.
REFUSALS = ("too large for a server the whole class shares", "the app holds per run")
DIVERGED = ("Training diverged",)  # rnn_core.training.trainer's message for a loss that stopped being finite

# Train-page links of ordinary students, in turn; ``{k}`` is the student's number (a data seed).
TRAIN_LINKS = (
    "traffic_seed={k}",  # the default set-up on its own draw of the data
    "preset=traffic_lstm&traffic_seed={k}",
    "preset=trend_extrapolation&noisy_trend_seed={k}",
    "preset=collatz_scaled_tanh&collatz_start={k}7",
    "preset=sine_multi&sine_seed={k}",
    "preset=collatz_raw_relu&collatz_start={k}9",
    # the preset's own data and seeds (its explosion is claimed for them, not for every draw); the
    # hide= of a control that does not exist only makes each link unique
    "preset=diverging_lr&hide=none{k}",
    "preset=collatz_raw_tanh&collatz_start={k}3",
    "dataset=ar1&ar1_seed={k}&cell=lstm",
    "dataset=sine&sine_period=40&sine_noise=0.1&sine_seed={k}",
)
# Every slider and number at its maximum (sine's length, lookback, hidden_size, layers, batch, epochs).
# Closers and the fiddler need a run that lasts: no preset that diverges or stops at once.
STEADY_LINKS = ("traffic_seed={k}", "preset=traffic_lstm&traffic_seed={k}", "dataset=sine&sine_noise=0.2&sine_seed={k}")
MAX_LINKS = (
    "dataset=sine&sine_n=20000&lookback=200&cell=lstm&hidden_size=256&num_layers=4&batch_size=512&epochs=500"
    "&seed={k}",
    "dataset=noisy_trend&noisy_trend_n=20000&mode=seq2seq&horizon=48&lookback=200&cell=gru&hidden_size=256"
    "&num_layers=4&batch_size=512&epochs=500&seed={k}",
)
ARENA_LINKS = ("arena_preset=logistic_rnn_wins&logistic_r=3.8{k}", "arena_preset=ar1_arima_wins&ar1_seed={k}")
GRADIENT_LINKS = ("grad_task=memory&grad_lookback=4{k}&grad_cell=lstm", "grad_task=memory&grad_lookback=2{k}")
INSIDE_LINKS = ("inside_cell=lstm&inside_epochs=20&dataset=sine&sine_seed={k}",
                "inside_cell=gru&inside_epochs=20&traffic_seed={k}")
PAGES = {"train": "Train", "closer": "Train", "fiddler": "Train", "upload": "Train", "max": "Train",
         "arena": "Forecast_arena", "gradients": "Gradients_through_time", "inside": "Inside_LSTM_and_GRU"}
# The first page load of each page the class uses, before anyone arrives (imports done, see load_test).
WARM_UP = (("Train", ""), ("Forecast_arena", "arena_preset=ar1_arima_wins"),
           ("Gradients_through_time", ""), ("Inside_LSTM_and_GRU", ""))


@dataclass(frozen=True)
class Student:
    """One simulated student: what they do (``role``), on which page, with which link."""

    index: int
    role: str
    page: str
    query: str
    epochs: int = 0  # the epoch count a Train-page link asks for; 0 where the page sets its own
    expected_alerts: tuple[str, ...] = ()  # error messages that are this student's intended outcome

    @property
    def ordinary(self) -> bool:
        """Trains a default or preset link on the Train page: the update-interval goal is about these."""
        return self.role in ORDINARY

    @property
    def path(self) -> str:
        return f"/{self.page}?{self.query}" if self.query else f"/{self.page}"


def _pick(links: tuple[str, ...], turn: int, k: int) -> str:
    return links[turn % len(links)].format(k=k)


def class_mix(n: int, epochs: int = 60) -> list[Student]:
    """``n`` students in order of arrival (see ``PATTERN``), every link different from the others."""
    students, turns = [], Counter()
    for i in range(n):
        role = PATTERN[i % len(PATTERN)]
        turn, k = turns[role], i + 1
        turns[role] += 1
        link, expected, count = "", (), 0
        if role in ("train", "closer", "fiddler"):
            link = _pick(TRAIN_LINKS, turn, k) if role == "train" else _pick(STEADY_LINKS, turn, k)
            link, count = f"{link}&epochs={epochs}", epochs
            expected = DIVERGED if "diverging_lr" in link else ()
        elif role == "upload":
            link, count = f"dataset=upload&epochs={epochs}", epochs
        elif role == "max":
            link, expected = _pick(MAX_LINKS, turn, k), REFUSALS
        elif role == "arena":
            link = _pick(ARENA_LINKS, turn, k)
        elif role == "gradients":
            link = _pick(GRADIENT_LINKS, turn, k % 10)
        elif role == "inside":
            link = _pick(INSIDE_LINKS, turn, k)
        students.append(Student(i, role, PAGES[role], link, count, expected))
    return students


def composition(students: list[Student]) -> str:
    """``12 ordinary (9 train, 3 closer), 3 upload, …``: the mix in one phrase for the report."""
    roles = Counter(s.role for s in students)
    ordinary = sum(roles[r] for r in ORDINARY)
    rest = ", ".join(f"{roles[r]} {r}" for r in dict.fromkeys(PATTERN) if r not in ORDINARY and roles[r])
    return (f"{ordinary} ordinary ({roles['train']} train to the end, {roles['closer']} close the tab mid-run)"
            + (f", {rest}" if rest else ""))


def upload_csv(k: int, rows: int = 700) -> tuple[str, bytes]:
    """The ``k``-th uploader's file: a name and a CSV of a daily-and-weekly rhythm plus noise.

    Three shapes in turn, as people export them: one bare value column; an hourly time column
    with a value; a date column with two measurements (the app picks or asks which one).
    """
    rng = np.random.default_rng(1000 + k)
    t = np.arange(rows)
    level = 20 + 5 * np.sin(2 * np.pi * t / 24) + 2 * np.sin(2 * np.pi * t / 168) + rng.normal(0, 0.8, rows)
    shape = k % 3
    if shape == 0:
        lines = ["value", *(f"{v:.3f}" for v in level)]
    elif shape == 1:
        times = np.datetime64("2024-03-01T00:00") + t.astype("timedelta64[h]")
        lines = ["time,load_kw", *(f"{str(s).replace('T', ' ')},{v:.3f}" for s, v in zip(times, level))]
    else:
        days = np.datetime64("2020-01-01") + t.astype("timedelta64[D]")
        other = 1000 + rng.normal(0, 3, rows)
        lines = ["date,temperature,pressure", *(f"{d},{v:.2f},{p:.1f}" for d, v, p in zip(days, level, other))]
    return f"student_{k}.csv", ("\n".join(lines) + "\n").encode()
