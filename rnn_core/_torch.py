"""The one place rnn_core imports torch, so the thread count is set exactly once.

These models are tiny: one thread is as fast on a quiet machine and far steadier
when a whole class shares one server. ``RNN_PLAYGROUND_THREADS`` overrides it.
"""

import os

import torch

torch.set_num_threads(max(1, int(os.environ.get("RNN_PLAYGROUND_THREADS", "1"))))

try:  # statsmodels' BLAS calls get one thread as well
    from threadpoolctl import threadpool_limits

    threadpool_limits(int(os.environ.get("RNN_PLAYGROUND_THREADS", "1")))
except ImportError:  # pragma: no cover - threadpoolctl ships with the requirements
    pass

__all__ = ["torch"]
