"""The suite runs on one torch and BLAS thread, as the app's server does (rnn_core.runtime)."""

from rnn_core import runtime

runtime.use_one_thread()

# Streamlit scripts that AppTest runs; never imported by pytest itself (not even for doctests).
collect_ignore_glob = ["apps/*"]
