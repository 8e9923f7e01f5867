"""The four shapes a sequence task can take, each with its first training pair cut by :func:`make_windows`.

- **sequence to vector**: read a window, answer once at the end (the app's *next* and *next n*);
- **sequence to sequence**: answer at every step (the app's *seq2seq*);
- **vector to sequence**: one input, a sequence out (e.g. a caption from one image vector);
- **encoder-decoder**: one network reads the whole window into its last state, a second one
  starts from that state and writes the answer one value at a time, each value fed back in.

The pairs are the real windows of the values given (the lecture's 0..9 by default), so the
picture on the Windows page shows exactly what each shape would train on.

Examples
--------
>>> shapes = task_shapes(lookback=3, horizon=3)
>>> [(s.key, s.inputs, s.targets) for s in shapes][:2]
[('seq_to_vec', [0.0, 1.0, 2.0], [3.0, 4.0, 5.0]), ('seq_to_seq', [0.0, 1.0, 2.0], [[1.0, 2.0, 3.0], [2.0, 3.0, 4.0], [3.0, 4.0, 5.0]])]
>>> shapes[2].inputs, shapes[2].targets
([2.0], [3.0, 4.0, 5.0])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnn_core.data.windows import make_windows
from rnn_core.errors import ConfigError

MAX_SHAPE_STEPS = 6  # more boxes than this no longer fit in one panel


@dataclass(frozen=True)
class TaskShape:
    """One shape: its first (inputs, targets) pair, and where inputs go in and outputs come out.

    ``reads``: the steps that get an input; ``emits``: the steps whose output meets the loss;
    ``decoder``: the steps (after the encoder's) that write the answer, each fed the output
    before it; ``app_mode``: the Train page's window mode that trains this shape, or "".
    """

    key: str
    title: str
    inputs: list
    targets: list
    reads: tuple
    emits: tuple
    decoder: tuple
    app_mode: str
    example: str


def task_shapes(lookback: int = 3, horizon: int = 3, values=None) -> list[TaskShape]:
    """The four shapes for windows of ``lookback`` inputs and ``horizon`` targets of ``values`` (default 0..9)."""
    if not (isinstance(lookback, int) and isinstance(horizon, int)
            and 1 <= lookback <= MAX_SHAPE_STEPS and 1 <= horizon <= MAX_SHAPE_STEPS):
        raise ConfigError(f"The picture has room for lookback and horizon from 1 to {MAX_SHAPE_STEPS}.")
    values = np.arange(10.0) if values is None else np.asarray(values, dtype=np.float64)
    multi_x, multi_y = make_windows(values, lookback, horizon, "multi")
    seq_x, seq_y = make_windows(values, lookback, horizon, "seq2seq")
    one_x, one_y = make_windows(values[lookback - 1:], 1, horizon, "multi")  # the window's last value alone
    inputs, targets = multi_x[0, :, 0].tolist(), multi_y[0].tolist()
    steps_in, steps_out = tuple(range(lookback)), tuple(range(horizon))
    return [
        TaskShape("seq_to_vec", "sequence → vector", inputs, targets, steps_in, (lookback - 1,), (),
                  "next" if horizon == 1 else "multi", "the coming hours of traffic from the last 16"),
        TaskShape("seq_to_seq", "sequence → sequence", inputs, seq_y[0].tolist(), steps_in, steps_in, (),
                  "seq2seq", "a forecast after every hour read"),
        TaskShape("vec_to_seq", "vector → sequence", one_x[0, :, 0].tolist(), one_y[0].tolist(), (0,), steps_out, (),
                  "", "a sentence describing one image"),
        TaskShape("encoder_decoder", "encoder → decoder", inputs, targets, steps_in, (),
                  tuple(range(lookback, lookback + horizon)), "", "translating a sentence"),
    ]
