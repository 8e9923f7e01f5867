"""Experiments behind the captions and Explore answers of the Gradients, Inside LSTM/GRU, Recurrent layer,
Text generation, Transfer and Windows pages: each runs, for one seed, the rnn_core code and settings its page runs.

Registered in :data:`rnn_core.claims.experiments.EXPERIMENTS` like the others, so a claim in
``assets/prose/claims.toml`` names them the same way. Most of them train nothing or train a small
model for a few seconds: the whole claims run must stay short.

Examples
--------
>>> from rnn_core.claims import page_experiments
>>> page_experiments.gate_parameters(seed=0, hidden_size=8)["gru_over_lstm"]
0.75
"""

from __future__ import annotations

import re

import numpy as np

from rnn_core import config, data
from rnn_core.claims.experiments import experiment
from rnn_core.data import windows
from rnn_core.labs import gates, memory
from rnn_core.labs import gradients as gradient_lab
from rnn_core.labs import layer as layer_lab
from rnn_core.labs import saturation as saturation_lab
from rnn_core.training.trainer import Trainer


class _Fixed:
    """Stands in for a trainer in :func:`memory.scores`: fixed predictions for the task's targets."""

    def __init__(self, truth: np.ndarray, pred: np.ndarray):
        self.truth, self.pred = truth, pred

    def predict(self, part: str = "test") -> np.ndarray:
        return self.pred

    def targets(self, part: str = "test") -> np.ndarray:
        return self.truth


@experiment
def memory_scoring(seed: int, lag: int = 50) -> dict:
    """How the lag sweep's error scale reads: the sweep's recall task at ``lag`` (this seed's sequences)
    scored as the sweep scores it, for answers that know nothing (always 0, the mean) and for answers
    that know only the sign (±0.5, the mean of each half). ``error_nothing`` and ``error_sign``; nothing
    is trained."""
    truth = memory.recall_task(lag, seed=seed).prepared.test.Y.astype(np.float64)  # (N, 1)
    sign = np.where(truth >= 0, 0.5, -0.5)
    return {"error_nothing": memory.scores(_Fixed(truth, np.zeros_like(truth)))["error"],
            "error_sign": memory.scores(_Fixed(truth, sign))["error"]}


@experiment
def gradient_init_profile(seed: int, cell: str = "rnn", lookback: int = 60, init: str = "default",
                          radius: float = 0.0, activation: str = "tanh", alpha: float = 0.5, skip: int = 2) -> dict:
    """The Gradients page's untrained network on its memory task: the profile ||dL/dh_t|| it draws at
    epoch 0 and its verdict. ``growth`` = ||dL/dh_1|| / ||dL/dh_T||, ``vanishing`` and ``exploding`` (1/0).
    ``radius`` 0 keeps what ``init`` gives; ``alpha`` and ``skip`` are the leaky and skip cells' sliders.
    ``log10_growth`` for a ratio too small to print."""
    cfg = config.only_what_matters(gradient_lab.page_config(cell=cell, lookback=lookback, init=init,
                                                          radius=radius or None, activation=activation,
                                                          alpha=alpha, skip=skip, seed=seed))
    task = memory.page_task(lookback, seed)
    tr = Trainer(cfg, task.values, prepared=task.prepared)
    v = gradient_lab.verdict(gradient_lab.profile_so_far(tr)[0][1])
    return {"growth": v.growth, "log10_growth": float(np.log10(max(v.growth, 1e-300))),
            "vanishing": v.kind == "vanishing", "exploding": v.exploding}


@experiment
def layer_page(seed: int, name: str = "collatz", length: int = 8) -> dict:
    """The Recurrent layer page's untrained 16-unit vanilla cell (this seed's weights) on the bundled
    series ``name``, raw and standardised, as its saturation section feeds it (lookback 8):
    ``<activation>.<raw|scaled>.saturated`` (share of |h| > 0.99), ``.flat`` (share of slopes below
    0.02) and ``.max_h`` (largest |h|) for tanh and relu.

    And its 3-unit unrolled cell (tanh) over the first ``length`` standardised values: ``fade``, how far h_T
    moves when only x_1 changes by 2, over how far h_1 moves.
    """
    values = data.load(name).values
    out = {}
    for activation in ("tanh", "relu"):
        for kind, sat in saturation_lab.saturation_pair(values, activation, 8, seed=seed).items():
            out[f"{activation}.{kind}.saturated"] = sat.frac_saturated
            out[f"{activation}.{kind}.flat"] = sat.frac_flat
            out[f"{activation}.{kind}.max_h"] = sat.max_abs_h
    x = layer_lab.training_scaler(values).transform(np.asarray(values, dtype=np.float64))[:length]
    model = layer_lab.demo_model("rnn", 3, "tanh", seed)
    moved = x.copy()
    moved[0] += 2.0
    a, b = layer_lab.unroll(model, x).h, layer_lab.unroll(model, moved).h
    out["fade"] = float(np.linalg.norm(a[-1] - b[-1]) / np.linalg.norm(a[0] - b[0]))
    return out


@experiment
def gate_parameters(seed: int, hidden_size: int = 8) -> dict:
    """The Inside LSTM/GRU page's parameter table at ``hidden_size``: the GRU's recurrent parameters and
    multiply-adds per step over the LSTM's (``gru_over_lstm``, ``gru_over_lstm_macs``). Counted on the
    real modules; the seed changes nothing."""
    counts = gates.parameter_counts(hidden_size)
    return {"gru_over_lstm": counts["gru"]["recurrent"] / counts["lstm"]["recurrent"],
            "gru_over_lstm_macs": counts["gru"]["macs_per_step"] / counts["lstm"]["macs_per_step"]}


def _words(sample: str) -> list[str]:
    return re.findall(r"[A-Za-z_]{2,}", sample)


@experiment
def text_sampling(seed: int, corpus: str = "english", epochs: int = 20, lr: float = 0.0) -> dict:
    """The Text page's default character model on the bundled ``corpus``, trained ``epochs`` epochs (a fixed
    amount of work each, see :class:`text.CharTrainer`), then made to write as the page writes (400
    characters after the prompt "th").

    Per temperature t in 0, 0.5, 1, 2 (``t0``, ``t05``, ``t1``, ``t2``): ``<t>.word_share`` (the share of
    the sample's words found in the corpus, :func:`text_writing.structure_score`) and ``<t>.distinct``
    (distinct words over words: low when the text loops). ``greedy_same`` (1/0): two greedy samples
    drawn with different random seeds are the same text. ``top_prob_<t>``: the probability of the likeliest
    next character after "th" at t = 0.5, 1 and 2. ``prompt_shift``: how far the next-character
    distribution after "xth" is from the one after "th" (total variation, 0 to 1).
    ``lr`` > 0 replaces the learning rate. ``uniform`` is the loss of guessing every character equally
    likely (log of the vocabulary size); ``first_train`` (epoch 1), ``min_train``, ``last_train`` and
    ``min_val`` are the losses reached; ``rises``: epochs whose training loss rose by more than 5 %.
    """
    from rnn_core.labs import text, text_writing

    words = text.load_corpus(corpus)
    kwargs = {"seed": seed, "epochs": int(epochs)}
    if lr > 0:
        kwargs["lr"] = float(lr)
    tr = text.CharTrainer(text.text_config(corpus, text.digest(words), **kwargs), words)
    tr.run()
    h = tr.history
    temps = {"t0": 0.0, "t05": 0.5, "t1": 1.0, "t2": 2.0}
    written = dict(zip(temps, text_writing.samples(tr.model, tr.vocab, list(temps.values()), prompt="th",
                                                   length=400, seed=seed), strict=True))
    out = {"uniform": tr.uniform_loss, "first_train": h[0].train_loss, "min_train": min(r.train_loss for r in h),
           "last_train": h[-1].train_loss, "min_val": min(r.val_loss for r in h),
           "rises": sum(b.train_loss > 1.05 * a.train_loss for a, b in zip(h, h[1:]))}
    for name, sample in written.items():
        found = _words(sample)
        out[f"{name}.word_share"] = text_writing.structure_score(sample, words)["word_share"]
        out[f"{name}.distinct"] = len(set(found)) / max(len(found), 1)
    again = text_writing.samples(tr.model, tr.vocab, [0.0], prompt="th", length=400, seed=seed + 1)[0]
    out["greedy_same"] = again == written["t0"]
    for name in ("t05", "t1", "t2"):
        out[f"top_prob_{name}"] = float(text_writing.next_char_probs(tr.model, tr.vocab, "th", temps[name]).max())
    p, q = (text_writing.next_char_probs(tr.model, tr.vocab, prompt, 1.0) for prompt in ("th", "xth"))
    out["prompt_shift"] = 0.5 * float(np.abs(p - q).sum())
    return out


@experiment
def transfer_sizes(seed: int, target: str = "traffic", source: str = "sines") -> dict:
    """The Transfer page's data-size sweep with its default plan (freeze layer 1, keep layer 2, new head):
    for each number n of target training windows the sweep tries, ``scratch_n<n>``, ``transfer_n<n>``,
    ``finetune_n<n>`` and ``naive_n<n>`` (test RMSE, series units); ``smallest`` and ``largest`` name its
    first and last n, and ``<arm>.smallest`` / ``<arm>.largest`` the errors there. ``start.<arm>``: each
    arm's validation loss in the page's race (48 windows) before any training (epoch 0 of its chart)."""
    from rnn_core.labs.transfer import race as transfer_race
    from rnn_core.labs.transfer import setup as transfer

    default = transfer.TransferConfig()
    tcfg = transfer.validate(default.replace(data=config.DataConfig(target), source=source, train={"seed": seed}))
    series = data.load(target)
    pre = transfer.pretrain(tcfg)
    race = transfer_race.TransferRace(tcfg, series, pre)
    out = {f"start.{arm}": loss for arm, loss in race.start_loss.items()}
    sweep = transfer_race.SizeSweep(tcfg, series, pre)
    sweep.run()
    table = sweep.table("rmse")
    for name, rows in table.items():
        for n, err in rows:
            out[f"{name}_n{n}"] = err
    for end, (n, _) in (("smallest", table["scratch"][0]), ("largest", table["scratch"][-1])):
        out[end] = n
        for arm in ("scratch", "transfer", "finetune", "naive"):
            out[f"{arm}.{end}"] = out[f"{arm}_n{n}"]
    return out


@experiment
def gate_units(seed: int, cell: str = "lstm", name: str = "traffic", hidden_size: int = 8, lookback: int = 24,
               epochs: int = 20) -> dict:
    """The Inside LSTM/GRU page's set-up (:func:`gates.inside_config`, its slider defaults) trained on the
    bundled series ``name`` and opened up on the validation windows, unit by unit.

    The keep gate is the LSTM's f or the GRU's z. ``keep_max`` / ``keep_min``: the largest and smallest
    unit's mean keep value; ``slow``: units whose mean keep is above 0.9; ``tracking``: units whose state
    (c for the LSTM, h for the GRU) follows the current input, |correlation with x_t| above 0.7;
    ``val_drop``: the last validation loss over the first.
    """
    run = gates.train_and_record(gates.inside_config(config.DataConfig(name), cell, hidden_size, lookback,
                                                     epochs, seed), data.load(name))
    keep = run.gates["f" if cell == "lstm" else "z"].mean(axis=(0, 1))  # (H,)
    state = run.state()  # (N, T, H)
    x = run.x.reshape(-1)
    corr = np.array([abs(np.corrcoef(x, state[:, :, u].reshape(-1))[0, 1]) for u in range(state.shape[2])])
    return {"keep_max": float(keep.max()), "keep_min": float(keep.min()), "slow": int((keep > 0.9).sum()),
            "tracking": int((np.nan_to_num(corr) > 0.7).sum()),
            "val_drop": run.val_losses[-1] / run.val_losses[0]}


@experiment
def stacked_layers(seed: int, cells: str = "rnn,leaky,skip,lstm,gru", length: int = 6) -> dict:
    """The Recurrent layer page's two stacked layers on a seeded random input, per cell: ``<cell>.gap``,
    the largest difference between layer 2's states and its cell run alone on layer 1's states, and
    ``<cell>.layer2_inputs``, how many numbers layer 2 reads per step (W_ih's width)."""
    x = np.random.default_rng(seed).normal(size=length)
    out = {}
    for cell in cells.split(","):
        result = layer_lab.stacked(cell, x, seed=seed)
        out[f"{cell}.gap"] = result.max_difference
        out[f"{cell}.layer2_inputs"] = result.input_weights[1][1]
    return out


@experiment
def window_counts(seed: int, length: int = 10, lookback: int = 3, horizon: int = 2) -> dict:
    """The Windows page's three modes on 0..length-1: targets the loss checks per window
    (``<mode>.signals``) and how many windows there are (``<mode>.windows``), also for horizon 1
    (``next.windows``). The seed changes nothing."""
    values = np.arange(float(length))
    out = {}
    for mode, h in (("next", 1), ("multi", horizon), ("seq2seq", horizon)):
        X, Y = windows.make_windows(values, lookback, h, mode)
        out[f"{mode}.windows"], out[f"{mode}.signals"] = len(X), Y[0].size
    return out
