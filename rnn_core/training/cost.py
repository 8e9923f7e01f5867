"""What a training set-up will cost, estimated before it starts, and the limits one session may spend.

A whole class shares one server: a chunk of live training must end on time (the Trainer checks
its budget after every batch, so one batch must be short), an epoch must be short enough to
show progress, and a session must not hold a large share of the server's memory. The estimate
counts multiply-adds of the recurrent layers and the per-time-step overhead, calibrated on one
CPU thread (see ``python -m rnn_core.bench``), and errs on the generous side.

Examples
--------
>>> from rnn_core import config
>>> c = estimate(config.PRESETS["default"], n_train=1000, n_val=150)
>>> c.batch_seconds < 0.1 and c.megabytes < 50
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rnn_core.errors import ConfigError

GATE_BLOCKS = {"rnn": 1, "leaky": 1, "skip": 2, "lstm": 4, "gru": 3, "mlp": 1}
MAC_PER_SECOND = 5e9      # multiply-adds per second, forward and backward, on one thread (measured 7-30e9)
STEP_SECONDS = 6e-4       # fixed cost of one time step of one layer in a batch (measured 0.3-0.5 ms)
MAX_BATCH_SECONDS = 2.0   # a live chunk ends after the batch in which its time ran out
MAX_EPOCH_SECONDS = 60.0
MAX_MEGABYTES = 600.0     # Community Cloud gives a whole app 0.7-2.7 GB


@dataclass(frozen=True)
class Cost:
    """Estimated seconds for one training batch and one epoch (with validation), and peak MB."""

    batch_seconds: float
    epoch_seconds: float
    megabytes: float


def estimate(cfg, n_train: int, n_val: int, input_size: int = 1) -> Cost:
    """The cost of training ``cfg`` on ``n_train`` windows, validated on ``n_val`` each epoch."""
    m, T, B = cfg.model, cfg.window.lookback, min(cfg.train.batch_size, max(1, n_train))
    H, L, G = m.hidden_size, m.num_layers, GATE_BLOCKS.get(m.cell, 4)
    if m.cell == "mlp":
        macs_per_window, steps = H * (T * input_size + H), 1
    else:
        macs_per_window = T * G * H * ((input_size + H) + (L - 1) * 2 * H)
        steps = T * L
    batch = 3 * B * macs_per_window / MAC_PER_SECOND + steps * STEP_SECONDS
    batches = math.ceil(n_train / B)
    validation = n_val * macs_per_window / MAC_PER_SECOND + steps * STEP_SECONDS
    # autograd keeps every step's gate values and states for the backward pass; a no-grad
    # validation pass over the whole part holds its outputs
    train_bytes = B * T * L * H * (G + 4) * 4
    eval_bytes = max(n_val, 1) * T * H * (G + 2) * 4
    return Cost(batch, batches * batch + validation, max(train_bytes, eval_bytes) / 2**20)


def check(cfg, n_train: int, n_val: int, input_size: int = 1) -> Cost:
    """:func:`estimate`, or a ConfigError that says what to lower when a limit would be passed."""
    c = estimate(cfg, n_train, n_val, input_size)
    over = []
    if c.batch_seconds > MAX_BATCH_SECONDS:
        over.append(f"one batch would take about {c.batch_seconds:.1f} s (at most {MAX_BATCH_SECONDS:g} s)")
    if c.epoch_seconds > MAX_EPOCH_SECONDS:
        over.append(f"one epoch about {c.epoch_seconds:.0f} s (at most {MAX_EPOCH_SECONDS:g} s)")
    if c.megabytes > MAX_MEGABYTES:
        over.append(f"about {c.megabytes:,.0f} MB of memory (at most {MAX_MEGABYTES:g} MB)")
    if over:
        raise ConfigError(
            "This set-up is too large for a server the whole class shares: " + "; ".join(over) + ". "
            "Lower hidden_size, num_layers, lookback or the batch size, or use a shorter series.")
    return c
