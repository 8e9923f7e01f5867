"""The character-level language model: vocabulary, limits, the trainer, sampling, structure."""

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from rnn_core.errors import ConfigError, DataError
from rnn_core.labs import text, text_writing

REPEATED = "hello world, " * 40  # 520 characters, 9 distinct


def tiny_config(**changes):
    kw = dict(corpus="paste", text_digest=text.digest(REPEATED), cell="gru", hidden_size=24, embedding=8,
              seq_len=16, lr=0.02, batch_size=16, epochs=50, seed=0)
    kw.update(changes)
    return text.text_config(**kw)


@pytest.fixture(scope="module")
def english():
    return text.load_corpus("english")


# ---------------------------------------------------------------- vocabulary
@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=200))
def test_encode_decode_round_trip(s):
    v = text.Vocab.from_text(s)
    ids = v.encode(s)
    assert ids.dtype == np.int64 and ids.shape == (len(s),)
    assert v.decode(ids) == s
    assert list(v.chars) == sorted(set(s)) and ids.max() < v.size


def test_unknown_character_is_a_data_error_that_names_it():
    v = text.Vocab.from_text("abc ")
    with pytest.raises(DataError, match="never seen.*z"):
        v.encode("a z")
    assert "␣" in text.printable(" ") and text.printable("\n") == "⏎"


# ---------------------------------------------------------------- corpus and limits
def test_bundled_corpora_load_within_the_limits(english):
    python = text.load_corpus("python")
    for corpus in (english, python):
        assert text.MIN_CORPUS_CHARS <= len(corpus) <= text.MAX_CORPUS_CHARS
        assert text.Vocab.from_text(corpus).size <= text.MAX_VOCAB
    assert "def " in python and "    return" in python, "standard-library source, read at run time"
    assert "the next character" in english


@pytest.mark.parametrize("raw, message", [
    ("", "empty"), ("   \n ", "empty"), ("abc" * 10, "at least"),
    ("a" * (text.MAX_CORPUS_CHARS + 1), "at most"),
    ("".join(chr(0x4E00 + i) for i in range(text.MAX_VOCAB + 1)) * 3, "different characters"),
])
def test_bad_corpus_raises_a_readable_data_error(raw, message):
    with pytest.raises(DataError, match=message):
        text.check_corpus(raw)
    with pytest.raises(DataError):
        text.CharTrainer(text.text_config(), raw)


def test_line_endings_are_normalised():
    assert "\r" not in text.check_corpus("line\r\n" * 100)


@pytest.mark.parametrize("changes, message", [
    (dict(hidden_size=256, num_layers=3, cell="lstm"), "parameters"),
    (dict(seq_len=256, batch_size=64), "characters per step"),
    (dict(embedding=65), "embedding"),
    (dict(seq_len=300), "between"),
    (dict(cell="mlp"), "rnn, lstm or gru"),
    (dict(hidden_size=1000), "Hidden size"),
])
def test_model_and_batch_limits_raise_config_error(changes, message):
    with pytest.raises(ConfigError, match=message):
        text.check_config(tiny_config(**changes), 60)


def test_parameter_count_matches_the_built_model():
    for cell in text.TEXT_CELLS:
        for emb in (0, 8):
            cfg = tiny_config(cell=cell, embedding=emb, num_layers=2)
            model = text.CharLM(10, cell, 24, 2, emb)
            assert text.parameter_count(cfg, 10) == sum(p.numel() for p in model.parameters())


def test_training_part_shorter_than_one_window_is_a_data_error():
    cfg = tiny_config(seq_len=64).replace(window={"split": (0.1, 0.1)})  # 52 training characters
    with pytest.raises(DataError, match="sequence length"):
        text.CharTrainer(cfg, REPEATED)


# ---------------------------------------------------------------- training
def test_loss_on_a_repeated_string_drops_far_below_the_uniform_baseline():
    tr = text.CharTrainer(tiny_config(), REPEATED)
    assert tr.uniform_loss == pytest.approx(math.log(9))
    tr.run()  # 50 epochs of 2 batches: 100 optimizer steps
    assert tr.status == "done"
    first, last = tr.history[0], tr.history[-1]
    assert first.train_loss > 0.6 * tr.uniform_loss
    assert last.val_loss < 0.1 * tr.uniform_loss, [r.val_loss for r in tr.history[::15]]
    assert text.perplexity(last.val_loss) < 1.3
    assert tr.accuracy() > 0.9
    # the greedy continuation of "hello" is the text itself
    assert text_writing.samples(tr.model, tr.vocab, [0.0], prompt="hello", length=13)[0] == " world, hello"


def test_one_hot_and_vanilla_models_learn_too():
    for cell, emb in (("rnn", 0), ("lstm", 0)):
        tr = text.CharTrainer(tiny_config(cell=cell, embedding=emb, epochs=40), REPEATED)
        tr.run()
        assert tr.history[-1].val_loss < 0.5 * tr.uniform_loss


def test_resumed_training_equals_one_run():
    a = text.CharTrainer(tiny_config(epochs=6), REPEATED)
    a.run(max_epochs=2)
    a.run(max_epochs=2)
    b = text.CharTrainer(tiny_config(epochs=6), REPEATED)
    b.run(max_epochs=4)
    assert [r.train_loss for r in a.history] == [r.train_loss for r in b.history]
    assert [r.val_loss for r in a.history] == [r.val_loss for r in b.history]
    assert a.status == b.status == "paused" and a.epoch == 4 and a.epochs_total == 6


def test_budget_run_step_and_lr(english):
    tr = text.CharTrainer(text.text_config(hidden_size=32, epochs=50), english)
    tr.run(budget_s=0.01)  # may end inside the first epoch: the budget is checked between batches
    assert tr.status == "paused"
    tr.step()
    assert tr.epoch >= 1 and not tr.in_epoch
    tr.set_lr(0.001)
    tr.step()
    assert tr.history[-1].lr == 0.001 and tr.windows_per_epoch >= 1
    assert tr.predict("val").shape == tr.targets("val").shape


# ---------------------------------------------------------------- writing
@pytest.fixture(scope="module")
def untrained(english):
    torch.manual_seed(3)
    v = text.Vocab.from_text(english)
    return text.CharLM(v.size, "gru", 32, 1, 16), v


def test_temperature_zero_is_greedy_and_deterministic(untrained):
    model, v = untrained
    a = text_writing.samples(model, v, [0.0, 1e-6], prompt="The ", length=60, seed=1)
    b = text_writing.samples(model, v, [0.0], prompt="The ", length=60, seed=99)
    assert a[0] == a[1] == b[0], "temperature 0 and near 0 give the same text whatever the seed"
    # greedy by hand: always the argmax of the next-character probabilities
    written = "The "
    for _ in range(60):
        written += v.chars[int(np.argmax(text_writing.next_char_probs(model, v, written)))]
    assert a[0] == written[4:]


def test_sampling_is_seeded_and_temperature_spreads_the_choices(untrained):
    model, v = untrained
    hot = text_writing.samples(model, v, [1.5], length=200, seed=5)[0]
    assert hot == text_writing.samples(model, v, [1.5], length=200, seed=5)[0]
    assert hot != text_writing.samples(model, v, [1.5], length=200, seed=6)[0]
    assert len(hot) == 200 and set(hot) <= set(v.chars)
    greedy = text_writing.samples(model, v, [0.0], length=200)[0]
    assert len(set(hot)) > len(set(greedy))


def test_next_char_probabilities(untrained):
    model, v = untrained
    p1 = text_writing.next_char_probs(model, v, "th", 1.0)
    assert p1.shape == (v.size,) and p1.sum() == pytest.approx(1.0) and (p1 >= 0).all()
    cold, hot = text_writing.next_char_probs(model, v, "th", 0.3), text_writing.next_char_probs(model, v, "th", 3.0)
    assert cold.max() > p1.max() > hot.max(), "a low temperature sharpens, a high one flattens"
    greedy = text_writing.next_char_probs(model, v, "th", 0.0)
    assert greedy.max() == 1.0 and greedy.argmax() == p1.argmax()


@pytest.mark.parametrize("kwargs", [dict(temperatures=[-1]), dict(temperatures=[99]), dict(temperatures=[]),
                                    dict(temperatures=[1], length=0), dict(temperatures=[1], length=10**6)])
def test_bad_sampling_settings_raise_config_error(untrained, kwargs):
    model, v = untrained
    with pytest.raises(ConfigError):
        text_writing.samples(model, v, **kwargs)


def test_structure_score_tells_text_from_noise(english):
    rng = np.random.default_rng(0)
    v = text.Vocab.from_text(english)
    noise = v.decode(rng.integers(0, v.size, 400))
    assert text_writing.structure_score(english[1000:1400], english)["ok"]
    assert not text_writing.structure_score(noise, english)["ok"]
    python = text.load_corpus("python")
    flat = " ".join(python[:4000].split())  # the right words, but no indentation
    assert text_writing.structure_score(python[5000:5400], python)["ok"]
    assert not text_writing.structure_score(flat[:400], python)["ok"]


# ---------------------------------------------------------------- copied or written?
def _longest_by_brute_force(sample: str, corpus: str) -> int:
    return max((j - i for i in range(len(sample)) for j in range(i, len(sample) + 1) if sample[i:j] in corpus),
               default=0)


@settings(max_examples=80, deadline=None)
@given(st.text("ab c", max_size=30), st.text("ab c", min_size=1, max_size=40))
def test_longest_copy_is_the_longest_shared_substring(sample, corpus):
    copy = text_writing.longest_copy(sample, corpus)
    assert copy in sample and copy in corpus
    assert len(copy) == _longest_by_brute_force(sample, corpus)


def test_longest_copy_finds_a_memorised_passage(english):
    passage = english[5000:5300]
    assert text_writing.longest_copy("zzz" + passage + "qqq", english) == passage
    assert len(text_writing.longest_copy("qzqzqzqz", english)) <= 1


def _history(val, train):
    from rnn_core.training.trainer import EpochRecord

    return [EpochRecord(i + 1, t, v, 1.0, 1.0, 0.1, 0.005) for i, (v, t) in enumerate(zip(val, train, strict=True))]


def test_generalisation_marks_the_best_epoch_and_memorising():
    falling = list(np.linspace(3.0, 1.0, 20))
    fit = text.generalisation(_history(list(np.linspace(3.0, 1.5, 20)), falling))
    assert fit.best_epoch == 20 and not fit.memorising
    overfit = text.generalisation(_history([3.0, 2.0, 1.6, 1.7, 1.8, 1.9, 2.0, 2.2], falling[:8]))
    assert overfit.best_epoch == 3 and overfit.best_val == 1.6 and overfit.memorising
    assert overfit.last_val > 1.6 and overfit.last_train < overfit.best_train
    # validation a little noisy around its minimum is not memorising, nor is a rise while training rises too
    assert not text.generalisation(_history([3.0, 2.0, 1.60, 1.61, 1.59, 1.62, 1.61, 1.60], falling[:8])).memorising
    assert not text.generalisation(_history([3.0, 2.0, 1.6, 1.7, 1.8, 1.9, 2.0, 2.2], [3.0] * 8)).memorising
    assert text.generalisation([]) is None


def test_the_english_corpus_is_large_and_says_where_it_comes_from(english):
    from rnn_core import resources
    from rnn_core.labs import text_corpus

    assert 100_000 <= len(english) <= text.MAX_CORPUS_CHARS
    notes = resources.read_text(text_corpus.NOTES).strip()
    assert english.startswith(notes), "the app's own notes come first"
    assert "documentation strings of the Python standard library" in english[len(notes):len(notes) + 300]
    assert ">>>" not in english and "    " not in english, "prose only: no code examples"
    for paragraph in text_corpus.prose_paragraphs("A plain sentence that is long enough to be kept as a paragraph "
                                                  "of prose here.\n\n>>> print(1)\n1\n\n    indented code"):
        assert paragraph.startswith("A plain sentence")


# The defaults train for about 200 half-second epochs: the one slow test of this module.
@pytest.fixture(scope="module")
def default_run(english):
    tr = text.CharTrainer(text.text_config(), english)
    tr.run()
    return tr


GREEDY_COPY_BOUND = 40  # characters: the 8,000-character corpus gave verbatim passages of hundreds


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_defaults_generalise_and_do_not_copy_the_corpus(default_run, english):
    tr = default_run
    val = [r.val_loss for r in tr.history]
    assert tr.status in ("done", "stopped_early")
    assert val[-1] <= 1.1 * min(val), f"final validation loss {val[-1]:.3f}, minimum {min(val):.3f}"
    assert min(val) < 0.5 * tr.uniform_loss
    greedy = text_writing.samples(tr.model, tr.vocab, [0.0], prompt="th", length=400)[0]
    copy = text_writing.longest_copy(greedy, english)
    assert len(copy) < GREEDY_COPY_BOUND, copy
