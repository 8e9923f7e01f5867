"""Figures of the char model: loss and perplexity beside the uniform baseline, next-character bars."""

import math
from types import SimpleNamespace

import numpy as np
import pytest

from rnn_core.plots import text as plots


def _history(losses):
    return [SimpleNamespace(epoch=i + 1, train_loss=t, val_loss=v) for i, (t, v) in enumerate(losses)]


def test_loss_figure_draws_loss_perplexity_and_the_uniform_baseline():
    history = _history([(3.0, 3.1), (2.0, 2.2), (1.0, 1.5)])
    fig = plots.loss_figure(history, uniform_loss=math.log(50))
    by = {(t.name, t.xaxis): t for t in fig.data}
    assert list(by["training", "x"].y) == [3.0, 2.0, 1.0]
    assert list(by["validation", "x"].y) == [3.1, 2.2, 1.5]
    assert np.allclose(by["validation", "x2"].y, np.exp([3.1, 2.2, 1.5])), "perplexity = exp(loss)"
    assert list(by["guessing uniformly", "x"].y) == pytest.approx([math.log(50)] * 2)
    assert list(by["guessing uniformly", "x2"].y) == pytest.approx([50, 50]), "uniform perplexity = vocab size"
    assert fig.layout.yaxis2.type == "log"
    assert sum(t.showlegend is not False for t in fig.data) == 3, "one legend entry per line, not per panel"


def test_loss_figure_handles_an_empty_and_a_long_history():
    assert len(plots.loss_figure([], 3.0).data) == 6
    long = plots.loss_figure(_history([(1.0, 1.0)] * 5000), 3.0)
    assert len(long.data[0].x) <= 400 and long.data[0].x[-1] == 5000


def test_next_char_figure_shows_the_top_characters_in_order_with_visible_whitespace():
    chars = (" ", "\n", "a", "b", "e")
    probs = np.array([0.3, 0.1, 0.05, 0.05, 0.5])
    fig = plots.next_char_figure(chars, probs, top=3)
    bar = fig.data[0]
    assert list(bar.x) == ["e", "␣", "⏎"]
    assert list(bar.y) == [0.5, 0.3, 0.1]
    assert fig.layout.xaxis.type == "category", "digits stay labels, not numbers"
    assert list(plots.next_char_figure(chars, probs).data[0].x)[:3] == ["e", "␣", "⏎"]
