"""A character-level language model: read text one character at a time, guess the next one.

The text becomes a sequence of integers (each character's index in the :class:`Vocab`),
and the network is the same recurrent idea as for time series: a cell looped over a
window, here with a head that scores every character of the vocabulary at every step
(seq2seq windows whose targets are the next characters). :class:`CharTrainer` is the
project's :class:`~rnn_core.training.trainer.Trainer` with a cross-entropy loss, so it trains in
the same resumable chunks. Writing text is sampling: draw the next character from
``softmax(logits / temperature)``, feed it back in, repeat.

Examples
--------
>>> from rnn_core.labs import text
>>> v = text.Vocab.from_text("hello world")
>>> v.decode(v.encode("low"))
'low'
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import math
from dataclasses import dataclass

import numpy as np
import torch

from rnn_core import config, resources
from rnn_core.data import windows
from rnn_core.errors import ConfigError, DataError
from rnn_core.training import trainer as train

# Hard limits: a URL or a paste can ask for anything, a shared server must stay responsive.
MIN_CORPUS_CHARS = 300
MAX_CORPUS_CHARS = 200_000
MAX_VOCAB = 160
TEXT_CELLS = ("rnn", "lstm", "gru")
MAX_TEXT_LAYERS = 3
MAX_EMBEDDING = 64
MAX_SEQ_LEN = 256
MAX_BATCH_CHARS = 8192  # batch_size x seq_len characters per optimizer step
MAX_PARAMETERS = 600_000
MAX_SAMPLE_LENGTH = 2000
MAX_TEMPERATURE = 5.0
GREEDY_BELOW = 1e-4  # dividing logits by a smaller temperature would overflow float32
EPOCH_WORK = 8e8  # characters x parameters per epoch: about half a second on one thread
MAX_BATCHES_PER_EPOCH = 16
VAL_WINDOWS = 96  # up to 96 x seq_len characters of validation text: a steadier loss than a handful of windows
PATIENCE = 15  # epochs without a better validation loss before training stops (the best weights are kept)
SPLIT = (0.9, 0.05)  # train, validation; the last 5% is a test part nobody trains on

PYTHON_MODULES = ("textwrap", "colorsys", "fnmatch", "glob", "queue", "graphlib", "bisect", "copy",
                  "reprlib", "abc")
CORPORA = {
    "english": "English: this app's notes on sequences and memory, then plain prose from the documentation "
               "strings of Python's standard library (150,000 characters, collected once by "
               "rnn_core/labs/text_corpus.py)",
    "python": "Python: source code of a few standard-library modules, read from your Python installation",
}


# ---------------------------------------------------------------- corpus
def check_corpus(raw: str) -> str:
    """Normalise line endings and enforce the corpus limits; returns the text to train on.

    Raises DataError when the text is empty, too short, too long or has too many distinct characters.
    """
    if not isinstance(raw, str):
        raise DataError("The corpus must be text.")
    s = raw.replace("\r\n", "\n").replace("\r", "\n")
    if len(s.strip()) == 0:
        raise DataError("The text is empty: paste some text to train on.")
    if len(s) < MIN_CORPUS_CHARS:
        raise DataError(f"The text has {len(s)} characters; a language model needs at least "
                        f"{MIN_CORPUS_CHARS} to learn anything (a few thousand is better).")
    if len(s) > MAX_CORPUS_CHARS:
        raise DataError(f"The text has {len(s):,} characters; the app trains on at most "
                        f"{MAX_CORPUS_CHARS:,}. Paste a shorter text.")
    distinct = len(set(s))
    if distinct > MAX_VOCAB:
        raise DataError(f"The text uses {distinct} different characters; the app allows at most {MAX_VOCAB}. "
                        "Remove unusual symbols (emoji, other alphabets) or use a plainer text.")
    return s


def load_corpus(name: str) -> str:
    """A bundled corpus: ``"english"`` (this app's own notes) or ``"python"`` (standard-library source).

    The Python corpus is read at run time with ``inspect.getsource``: nothing is downloaded.
    """
    if name == "english":
        return check_corpus(resources.read_text(resources.ENGLISH_CORPUS))
    if name == "python":
        parts = []
        for module in PYTHON_MODULES:
            try:
                parts.append(inspect.getsource(importlib.import_module(module)))
            except (OSError, TypeError, ImportError):  # an installation without .py sources
                continue
        if not parts:
            raise DataError("This Python installation ships no standard-library source; pick another corpus.")
        return check_corpus("\n\n".join(parts)[:MAX_CORPUS_CHARS])
    raise DataError(f"Unknown corpus {name!r}: choose one of {', '.join(CORPORA)}.")


def digest(text: str) -> str:
    """The SHA-256 of a pasted text, so a config names its corpus without holding it (two texts never share it)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def printable(ch: str) -> str:
    """A character as a label: space, newline and tab become visible symbols."""
    return {" ": "␣", "\n": "⏎", "\t": "⇥"}.get(ch, ch if ch.isprintable() else repr(ch))


@dataclass(frozen=True)
class Vocab:
    """The sorted distinct characters of a text; a character's index is its id."""

    chars: tuple

    @classmethod
    def from_text(cls, text: str) -> Vocab:
        return cls(tuple(sorted(set(text))))

    @property
    def size(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> np.ndarray:
        """Text -> ids, int64 (len(text),). A character the model never saw raises DataError."""
        index = {c: i for i, c in enumerate(self.chars)}
        unknown = sorted({c for c in text if c not in index})
        if unknown:
            shown = " ".join(printable(c) for c in unknown[:10])
            raise DataError(f"The model has never seen these characters, so it has no input for them: {shown}. "
                            "Remove them, or train on a text that contains them.")
        return np.fromiter((index[c] for c in text), dtype=np.int64, count=len(text))

    def decode(self, ids) -> str:
        return "".join(self.chars[int(i)] for i in np.asarray(ids).ravel())


# ---------------------------------------------------------------- config and limits
def text_config(corpus: str = "english", text_digest: str = "", cell: str = "gru", hidden_size: int = 128,
                num_layers: int = 1, embedding: int = 32, seq_len: int = 64, lr: float = 0.005,
                batch_size: int = 32, epochs: int = 200, seed: int = 0,
                patience: int | None = PATIENCE) -> config.ExperimentConfig:
    """The char model's settings as an ExperimentConfig (hashable, and what live training compares).

    ``embedding`` = 0 means one-hot inputs. ExperimentConfig has no section for the input
    encoding, so ``corpus``, ``text_digest`` and ``embedding`` travel in ``data.params``.
    ``seq_len`` is the window length (``window.lookback``). ``patience``: early stopping, which
    keeps the weights of the epoch with the lowest validation loss (None: train every epoch).
    """
    return config.ExperimentConfig(
        data=config.DataConfig("text", (("corpus", corpus), ("digest", text_digest), ("embedding", embedding))),
        window=config.WindowConfig(lookback=seq_len, horizon=1, mode="seq2seq", scaler="none", split=SPLIT),
        model=config.ModelConfig(cell=cell, hidden_size=hidden_size, num_layers=num_layers),
        train=config.TrainConfig(epochs=epochs, batch_size=batch_size, lr=lr, clip=1.0, seed=seed,
                                 patience=patience, grad_every=config.MAX_EPOCHS),
    )


def parameter_count(cfg: config.ExperimentConfig, vocab_size: int) -> int:
    """How many numbers the char model learns: embedding, recurrent layers, output layer."""
    m, emb = cfg.model, int(cfg.data.kwargs().get("embedding", 0))
    gates = {"rnn": 1, "gru": 3, "lstm": 4}.get(m.cell, 1)
    width = emb or vocab_size
    recurrent = sum(gates * m.hidden_size * ((width if layer == 0 else m.hidden_size) + m.hidden_size + 2)
                    for layer in range(m.num_layers))
    return emb * vocab_size + recurrent + (m.hidden_size + 1) * vocab_size


def check_config(cfg: config.ExperimentConfig, vocab_size: int) -> config.ExperimentConfig:
    """The project's checks plus the char model's own limits; raises ConfigError with the fix."""
    config.validate(cfg)
    m, L, bs = cfg.model, cfg.window.lookback, cfg.train.batch_size
    emb = cfg.data.kwargs().get("embedding", 0)

    def need(ok: bool, message: str) -> None:
        if not ok:
            raise ConfigError(message)

    need(m.cell in TEXT_CELLS, f"The text model uses an rnn, lstm or gru cell, not {m.cell!r}.")
    need(cfg.window.mode == "seq2seq", "A language model predicts at every step: window mode seq2seq.")
    need(m.num_layers <= MAX_TEXT_LAYERS, f"The text model has at most {MAX_TEXT_LAYERS} layers.")
    need(isinstance(emb, int) and 0 <= emb <= MAX_EMBEDDING,
         f"The embedding size must be a whole number from 0 (one-hot) to {MAX_EMBEDDING}, not {emb!r}.")
    need(2 <= L <= MAX_SEQ_LEN, f"The sequence length must be between 2 and {MAX_SEQ_LEN} characters (got {L}).")
    need(bs * L <= MAX_BATCH_CHARS, f"batch_size × sequence length = {bs} × {L} = {bs * L:,} characters per step; "
                                    f"the app allows {MAX_BATCH_CHARS:,}. Lower one of them.")
    n = parameter_count(cfg, vocab_size)
    need(n <= MAX_PARAMETERS, f"This model has {n:,} parameters; the app trains at most {MAX_PARAMETERS:,} "
                              "on a shared server. Lower the hidden size, the layers or the embedding size.")
    return cfg


# ---------------------------------------------------------------- the model
class CharLM(torch.nn.Module):
    """Embedding (or one-hot) -> recurrent layers -> a score for every character, at every step.

    Uses torch's fused RNN/LSTM/GRU (the same equations as :mod:`rnn_core.networks.cells`) because
    sampling needs the state carried from one call to the next.
    """

    def __init__(self, vocab_size: int, cell: str = "gru", hidden_size: int = 128, num_layers: int = 1,
                 embedding: int = 32):
        super().__init__()
        self.vocab_size, self.cell = vocab_size, cell
        self.embed = torch.nn.Embedding(vocab_size, embedding) if embedding else None
        rnn_class = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell]
        self.rnn = rnn_class(embedding or vocab_size, hidden_size, num_layers, batch_first=True)
        self.head = torch.nn.Linear(hidden_size, vocab_size)

    def forward(self, ids, state=None, return_state: bool = False):
        """ids (B, T) int64 -> logits (B, T, V); with ``return_state`` also the state after step T."""
        if self.embed is not None:
            x = self.embed(ids)  # (B, T, E)
        else:
            x = torch.nn.functional.one_hot(ids, self.vocab_size).float()  # (B, T, V)
        h, state = self.rnn(x, state)  # (B, T, H)
        logits = self.head(h)
        return (logits, state) if return_state else logits


def perplexity(loss: float) -> float:
    """exp(loss): how many characters the model is choosing between, on average."""
    return math.exp(min(loss, 700.0))


def _part(ids: np.ndarray, start: int, length: int, limit: int | None = None) -> windows.Part:
    """Non-overlapping windows of ``ids``: inputs X (N, length), next-character targets Y (N, length)."""
    n = (len(ids) - 1) // length
    if limit is not None:
        n = min(n, limit)
    idx = np.arange(n)[:, None] * length + np.arange(length)  # (N, length)
    X, Y = ids[idx], ids[idx + 1]
    return windows.Part(X, Y, start + idx[:, 0], Y)


def prepare_text(ids: np.ndarray, seq_len: int, split=SPLIT) -> windows.Prepared:
    """Split ids in time and cut each part into windows; validation and test windows may be shorter."""
    n = len(ids)
    a, b = windows.split_bounds(n, split)
    if a - 1 < seq_len:
        raise DataError(f"The training part has {a} characters, too few for one window of {seq_len + 1}: "
                        "lower the sequence length or use a longer text.")
    val_len = max(1, min(seq_len, b - a - 1, n - b - 1))
    parts = [_part(ids[:a], 0, seq_len), _part(ids[a:b], a, val_len, VAL_WINDOWS),
             _part(ids[b:], b, val_len, VAL_WINDOWS)]
    return windows.Prepared(*parts, scaler=windows.Scaler("none", 0.0, 1.0, a), a=a, b=b, n=n,
                            lookback=seq_len, horizon=1, mode="seq2seq")


class CharTrainer(train.Trainer):
    """The project's Trainer, on characters: cross-entropy loss, random windows each epoch.

    An epoch is a fixed amount of work (about half a second on one thread), read from
    random places in the training text; ``windows_per_epoch`` says how many.

    Parameters
    ----------
    cfg : config.ExperimentConfig
        Made by :func:`text_config`; checked against the char model's limits.
    text : str
        The corpus; checked by :func:`check_corpus`.
    """

    def __init__(self, cfg: config.ExperimentConfig, text: str, model=None):
        self.text = check_corpus(text)
        self.vocab = Vocab.from_text(self.text)
        check_config(cfg, self.vocab.size)
        ids = self.vocab.encode(self.text)
        m, L = cfg.model, cfg.window.lookback
        torch.manual_seed(cfg.train.seed)
        if model is None:
            model = CharLM(self.vocab.size, m.cell, m.hidden_size, m.num_layers, cfg.data.kwargs().get("embedding", 0))
        super().__init__(cfg, ids, model=model, prepared=prepare_text(ids, L, cfg.window.split))
        self._train_ids = torch.from_numpy(ids[:self.prepared.a])
        work = cfg.train.batch_size * L * parameter_count(cfg, self.vocab.size)
        batches = int(np.clip(round(EPOCH_WORK / work), 1, MAX_BATCHES_PER_EPOCH))
        self.windows_per_epoch = min(batches * cfg.train.batch_size, len(self.prepared.train))

    @property
    def uniform_loss(self) -> float:
        """log(vocabulary size): the loss of guessing every character equally likely."""
        return math.log(self.vocab.size)

    def _begin_epoch(self):
        # fresh windows at random offsets each epoch, drawn from the trainer's own generator so
        # that a resumed run draws exactly what an uninterrupted one would
        L = self.cfg.window.lookback
        starts = torch.randint(0, len(self._train_ids) - L, (self.windows_per_epoch,), generator=self._generator)
        idx = starts[:, None] + torch.arange(L + 1)  # (N, L + 1)
        chunk = self._train_ids[idx]
        self._tensors["train"] = (chunk[:, :-1], chunk[:, 1:])
        return super()._begin_epoch()

    def _loss(self, out, target):
        """Mean cross entropy in nats per character; out (B, T, V) logits, target (B, T) ids."""
        return torch.nn.functional.cross_entropy(out.reshape(-1, out.shape[-1]), target.reshape(-1))

    def _record_grad_norms(self, epoch: int) -> None:
        """Not recorded for text: the page has no gradient chart."""

    def predict(self, part: str = "val") -> np.ndarray:
        """The most likely next character at every step of one part's windows: ids (N, T)."""
        X, _ = self._tensors[part]
        with torch.no_grad():
            return self.model(X).argmax(-1).numpy()

    def accuracy(self, part: str = "val") -> float:
        """Share of next characters the model's top guess gets right."""
        return float((self.predict(part) == self.targets(part)).mean())


@dataclass(frozen=True)
class Generalisation:
    """Where validation loss bottomed out, and whether the model has been memorising since.

    ``memorising`` is True when, over the last epochs, the validation loss sits clearly above
    its minimum while the training loss has kept falling below its value at that epoch.
    """

    best_epoch: int
    best_val: float
    last_val: float
    best_train: float
    last_train: float
    memorising: bool


def generalisation(history, recent: int = 5, margin: float = 0.03) -> Generalisation | None:
    """:class:`Generalisation` of a history (records with epoch, train_loss, val_loss), None when empty.

    The last ``recent`` epochs are averaged, so one noisy validation pass does not raise the alarm;
    ``margin`` is the relative change that counts as rising (validation) or falling (training).
    """
    if not history:
        return None
    best = min(history, key=lambda r: r.val_loss)
    tail = [r for r in history[-recent:] if r.epoch > best.epoch]
    last_val = float(np.mean([r.val_loss for r in tail])) if tail else best.val_loss
    last_train = float(np.mean([r.train_loss for r in tail])) if tail else best.train_loss
    memorising = bool(tail) and last_val > best.val_loss * (1 + margin) and last_train < best.train_loss * (1 - margin)
    return Generalisation(best.epoch, best.val_loss, last_val, best.train_loss, last_train, memorising)
