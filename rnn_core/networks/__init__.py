"""The networks: written-out cells (:mod:`~rnn_core.networks.cells`), the sequence models and
heads that loop them over time (:mod:`~rnn_core.networks.models`), and the optimizers
(:mod:`~rnn_core.networks.optim`)."""
