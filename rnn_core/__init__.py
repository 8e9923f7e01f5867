"""RNN Playground's library: everything that computes, nothing that draws a page.

Submodules are imported on first use (``from rnn_core import data``) so that
``import rnn_core`` stays cheap; torch and statsmodels load only where needed.
This package never imports streamlit.
"""

import os

# BLAS libraries read these once, when they load: scipy's own OpenBLAS loads later (with
# statsmodels) and would otherwise start one thread per core, making ARIMA fits slow and
# erratic on a shared 2-core server. threadpoolctl (in rnn_core._torch) covers those already loaded.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, os.environ.get("RNN_PLAYGROUND_THREADS", "1"))

from rnn_core.errors import ConfigError, DataError, PlaygroundError  # noqa: E402

__all__ = ["ConfigError", "DataError", "PlaygroundError"]
