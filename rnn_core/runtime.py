"""Thread settings for a shared server, asked for by the app and the benchmark, never by an import.

The models here are tiny: one thread is as fast on a quiet machine and far steadier when a
whole class shares one server. A notebook that imports rnn_core keeps its own settings.
"""

from __future__ import annotations

import os

THREADS_VARIABLE = "RNN_PLAYGROUND_THREADS"
BLAS_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def threads() -> int:
    """The thread count asked for: ``RNN_PLAYGROUND_THREADS``, or 1."""
    try:
        return max(1, int(os.environ.get(THREADS_VARIABLE, "1")))
    except ValueError:
        return 1


def use_one_thread() -> int:
    """Train on one torch thread and give BLAS one thread, now and for libraries that load later.

    BLAS libraries read their thread variables once, when they load: scipy's own OpenBLAS
    loads later, with statsmodels, and would otherwise start one thread per core, making
    ARIMA fits slow and erratic on a shared 2-core server. Those already loaded are limited
    through threadpoolctl. Returns the thread count set (``RNN_PLAYGROUND_THREADS`` overrides 1).
    """
    import torch

    n = threads()
    for name in BLAS_VARIABLES:
        os.environ.setdefault(name, str(n))
    torch.set_num_threads(n)
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(n)
    except ImportError:  # pragma: no cover - threadpoolctl ships with the requirements
        pass
    return n
