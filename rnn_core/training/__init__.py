"""Training: the :class:`~rnn_core.training.trainer.Trainer`, the live-run protocol every
chunked run follows (:mod:`~rnn_core.training.live`), and what can be measured while it
learns (:mod:`~rnn_core.training.diagnostics`)."""
