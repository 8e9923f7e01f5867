"""Transfer learning: pretrain and plan the copy (:mod:`~rnn_core.labs.transfer.setup`), race
the copy against training from scratch (:mod:`~rnn_core.labs.transfer.race`), and compare
what the layers learned (:mod:`~rnn_core.labs.transfer.probe`)."""
