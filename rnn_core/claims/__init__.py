"""Every sentence that interprets a result, checked against the experiment that shows it, over several seeds.

A **claim** ties an interpretive text (a guided answer, a preset's reason, a caption) to an
experiment, a function of :mod:`rnn_core.claims.experiments` that runs for one seed the
rnn_core code and settings the page runs and returns named numbers, and to a condition on
those numbers that must hold in enough seeds (:mod:`rnn_core.claims.spec`). Claims live
next to their texts (:mod:`rnn_core.claims.registry` says where); ``python -m rnn_core.claims``
(``make claims``) checks them all and lists the texts that no claim checks yet.

Adding one: write the condition next to the text, e.g. in ``questions.toml``::

    [[question.claims]]
    experiment = "gradients_page"
    params = { cells = "rnn,gru", lookback = 100 }
    expect = ["rnn.vanishing == 1", "gru.error < 0.1"]
    seeds = "all"

and, if no experiment shows it yet, a function in ``experiments.py`` decorated with
``@experiment``.
"""

from rnn_core.claims.registry import all_claims, texts, unclaimed
from rnn_core.claims.runner import main, run_all
from rnn_core.claims.spec import Claim, parse_claim

__all__ = ["Claim", "all_claims", "main", "parse_claim", "run_all", "texts", "unclaimed"]
