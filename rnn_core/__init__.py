"""RNN Playground's library: everything that computes, nothing that draws a page.

Submodules are imported on first use (``from rnn_core import data``) so that
``import rnn_core`` stays cheap; torch and statsmodels load only where needed.
This package never imports streamlit, and importing it changes no global state:
the app and the benchmark call :func:`rnn_core.runtime.use_one_thread` themselves.
"""

from rnn_core.errors import ConfigError, DataError, PlaygroundError

__all__ = ["ConfigError", "DataError", "PlaygroundError"]
