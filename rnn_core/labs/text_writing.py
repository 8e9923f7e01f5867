"""Writing with a character model, and telling when its writing starts to look like text.

Sampling: read the prompt, draw the next character from ``softmax(logits / temperature)``,
feed it back in, repeat; several temperatures side by side in one batch. The model, the
vocabulary and the trainer are in :mod:`rnn_core.labs.text`.
"""

from __future__ import annotations

import re
import time

import numpy as np
import torch

from rnn_core import config
from rnn_core.errors import ConfigError
from rnn_core.labs.text import (
    GREEDY_BELOW,
    MAX_SAMPLE_LENGTH,
    MAX_TEMPERATURE,
    CharLM,
    CharTrainer,
    Vocab,
    load_corpus,
    text_config,
)


# ---------------------------------------------------------------- writing
def _start_ids(vocab: Vocab, prompt: str) -> np.ndarray:
    if prompt:
        return vocab.encode(prompt)
    start = "\n" if "\n" in vocab.chars else vocab.chars[0]  # a fresh line is a neutral beginning
    return vocab.encode(start)


def _choose(logits, temps, generator):
    """Next ids (B,) from logits (B, V): argmax where the temperature is ~0, else a draw."""
    greedy = logits.argmax(-1)
    probs = torch.softmax(logits / temps.clamp(min=GREEDY_BELOW)[:, None], -1)
    drawn = torch.multinomial(probs, 1, generator=generator).squeeze(1)
    return torch.where(temps < GREEDY_BELOW, greedy, drawn)


def samples(model: CharLM, vocab: Vocab, temperatures, prompt: str = "", length: int = 200,
            seed: int = 0) -> list[str]:
    """Write ``length`` characters after ``prompt``, once per temperature, side by side in one batch.

    Parameters
    ----------
    temperatures : sequence of float
        0 (or below 1e-4) always takes the most likely character: greedy and deterministic.
        1 draws from the model's own probabilities; higher flattens them.
    prompt : str
        Read first to warm up the state; not repeated in the output. "" starts at a new line.
    seed : int
        Seeds the draws, so the same call gives the same text.

    Returns
    -------
    list of str, one continuation per temperature.
    """
    temps = torch.tensor([float(t) for t in temperatures])
    if len(temps) == 0 or not torch.isfinite(temps).all() or (temps < 0).any() or (temps > MAX_TEMPERATURE).any():
        raise ConfigError(f"Temperatures must be between 0 and {MAX_TEMPERATURE} (got {list(temperatures)}).")
    if not (isinstance(length, int) and 1 <= length <= MAX_SAMPLE_LENGTH):
        raise ConfigError(f"The sample length must be between 1 and {MAX_SAMPLE_LENGTH} (got {length!r}).")
    start = torch.from_numpy(_start_ids(vocab, prompt)[-MAX_SAMPLE_LENGTH:])
    generator = torch.Generator().manual_seed(int(seed))
    out = []
    with torch.no_grad():  # no model.eval(): no dropout here, and training may run in another thread
        logits, state = model(start.expand(len(temps), -1), return_state=True)  # (B, P, V)
        for _ in range(length):
            nxt = _choose(logits[:, -1], temps, generator)  # (B,)
            out.append(nxt)
            logits, state = model(nxt[:, None], state, return_state=True)
    ids = torch.stack(out, 1).numpy()  # (B, length)
    return [vocab.decode(row) for row in ids]


def next_char_probs(model: CharLM, vocab: Vocab, prompt: str, temperature: float = 1.0) -> np.ndarray:
    """P(next character | prompt) at ``temperature``, float64 (V,) in vocabulary order, summing to 1."""
    with torch.no_grad():
        logits = model(torch.from_numpy(_start_ids(vocab, prompt))[None])[0, -1].double()  # (V,)
    if temperature < GREEDY_BELOW:
        return np.eye(vocab.size)[int(logits.argmax())]
    return torch.softmax(logits / temperature, -1).numpy()


# ---------------------------------------------------------------- does it look like text yet?
def structure_score(sample: str, corpus: str) -> dict:
    """How much a sample looks like its corpus: whitespace share, real words, indented lines.

    ``ok`` is True when whitespace is within 30% of the corpus's share, at least half of
    the sample's words (runs of 2+ letters) occur in the corpus, and, for a corpus with
    indented lines (code), indented lines appear at least half as often as there.
    """
    def space(s):
        return sum(c in " \n" for c in s) / max(len(s), 1)

    def indented(s):
        lines = [ln for ln in s.split("\n") if ln.strip()]
        return sum(ln.startswith("    ") for ln in lines) / max(len(lines), 1)

    words = re.findall(r"[A-Za-z_]{2,}", sample)
    known = set(re.findall(r"[A-Za-z_]{2,}", corpus))
    word_share = sum(w in known for w in words) / len(words) if len(words) >= 5 else 0.0
    space_ratio = space(sample) / max(space(corpus), 1e-9)
    corpus_indent = indented(corpus)
    indent_ratio = indented(sample) / corpus_indent if corpus_indent > 0.2 else 1.0
    ok = abs(space_ratio - 1) <= 0.3 and word_share >= 0.5 and indent_ratio >= 0.5
    return {"ok": ok, "space_ratio": space_ratio, "word_share": word_share, "indent_ratio": indent_ratio}


def longest_copy(sample: str, corpus: str) -> str:
    """The longest piece of ``sample`` that appears word for word in ``corpus``.

    A model that has memorised its training text writes long copied passages; one that has
    learned the language writes new strings of familiar words. Every substring of a copied
    piece is also in the corpus, so the scan moves its end forward only: about two ``in``
    searches per character of the sample.

    Examples
    --------
    >>> longest_copy("the cat sat", "a cat sat on the mat")
    ' cat sat'
    """
    best_start, best_len, end = 0, 0, 0
    for start in range(len(sample)):
        end = max(end, start)
        while end < len(sample) and sample[start:end + 1] in corpus:
            end += 1
        if end - start > best_len:
            best_start, best_len = start, end - start
    return sample[best_start:best_start + best_len]


def bench_structure(corpus: str = "english", budget_s: float = 60.0, check_every_s: float = 2.0,
                    temperature: float = 0.7, cfg: config.ExperimentConfig | None = None) -> dict:
    """Train the default char model and time how long until a sample passes :func:`structure_score`.

    Returns ``{"seconds": training seconds until structure, or None within budget_s, "epochs",
    "val_loss", "uniform_loss", "sample", "score"}``. A benchmark, not a test: machines are noisy.
    """
    text = load_corpus(corpus)
    tr = CharTrainer(cfg or text_config(corpus, epochs=config.MAX_EPOCHS), text)
    trained = 0.0
    while trained < budget_s and not tr.finished:
        started = time.perf_counter()
        tr.run(budget_s=min(check_every_s, budget_s - trained))
        trained += time.perf_counter() - started
        sample = samples(tr.model, tr.vocab, [temperature], length=400)[0]
        score = structure_score(sample, text)
        if score["ok"]:
            break
    return {"seconds": round(trained, 2) if score["ok"] else None, "epochs": tr.epoch,
            "val_loss": tr.history[-1].val_loss, "uniform_loss": tr.uniform_loss, "sample": sample, "score": score}
