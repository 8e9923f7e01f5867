"""The experiments that claims name: each runs, for one seed, the rnn_core code and settings a page runs.

An experiment is a function ``f(seed, **params) -> {name: number}``, registered with
:func:`experiment`; a claim picks it by name and passes its ``params``. It builds
everything it needs from the seed (no state survives between calls), so two seeds show
two independent runs. Names are dotted (``gru.error_at_lag_50``); booleans come back as
1.0 / 0.0.

Examples
--------
>>> {"memory_lag_sweep", "train_preset"} <= set(EXPERIMENTS)
True
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from rnn_core import config, data
from rnn_core.errors import ConfigError
from rnn_core.labs import gradients as gradient_lab
from rnn_core.labs import memory
from rnn_core.training import diagnostics
from rnn_core.training.trainer import Trainer

EXPERIMENTS: dict = {}


def experiment(fn):
    """Register ``fn`` under its own name."""
    EXPERIMENTS[fn.__name__] = fn
    return fn


def run(name: str, params: dict, seed: int) -> dict:
    """Run one experiment for one seed; its numbers as floats."""
    if name not in EXPERIMENTS:
        raise ConfigError(f"Unknown experiment {name!r}: choose one of {', '.join(sorted(EXPERIMENTS))}.")
    return {key: float(value) for key, value in EXPERIMENTS[name](seed=seed, **params).items()}


@experiment
def memory_lag_sweep(seed: int, preset: str = "lecture") -> dict:
    """The Gradients page's lag sweep (a preset of ``memory.SWEEP_PRESETS``) on this seed's task and weights.

    ``<cell>.error_at_lag_<k>`` and ``<cell>.solved_at_lag_<k>`` for every cell and lag.
    """
    if preset not in memory.SWEEP_PRESETS:
        raise ConfigError(f"Unknown sweep preset {preset!r}.")
    frame = memory.lag_sweep(dataclasses.replace(memory.SWEEP_PRESETS[preset], seed=seed))
    out = {}
    for row in frame.itertuples():
        out[f"{row.cell}.error_at_lag_{row.lag}"] = row.error
        out[f"{row.cell}.solved_at_lag_{row.lag}"] = row.solved
    return out


@experiment
def gradients_page(seed: int, cells: str = "rnn,gru", lookback: int = 100, radius: float = 0.0,
                   clip: float = 1.0) -> dict:
    """The Gradients page's model on the memory task, trained to the end, for each cell in ``cells``.

    Per cell: ``error`` (test, as the sweep scores it), ``growth`` = ||dL/dh_1|| / ||dL/dh_T||
    of the last recorded profile and ``vanishing`` / ``exploding`` (its verdict), the
    same at epoch 0 (``init_growth``), and the input influence by occlusion:
    ``first_share`` (step 1's share of the total) and ``first_is_largest``.
    """
    out = {}
    for cell in cells.split(","):
        cfg = config.only_what_matters(gradient_lab.page_config(cell=cell, lookback=lookback, radius=radius or None,
                                                              clip=clip or None, seed=seed))
        task = memory.page_task(lookback, seed)
        tr = Trainer(cfg, task.values, prepared=task.prepared)
        init = gradient_lab.verdict(gradient_lab.profile_so_far(tr)[0][1])
        tr.run()
        last = gradient_lab.latest_verdict(tr)
        influence = gradient_lab.trainer_influence(tr)  # what the page draws
        out.update({
            f"{cell}.error": memory.scores(tr)["error"],
            f"{cell}.init_growth": init.growth,
            f"{cell}.growth": last.growth,
            f"{cell}.vanishing": last.kind == "vanishing",
            f"{cell}.exploding": last.exploding,
            f"{cell}.first_share": influence[0] / influence.sum(),
            f"{cell}.first_is_largest": int(np.argmax(influence)) == 0,
        })
    return out


def _naive_val_loss(tr: Trainer) -> float:
    """The naive forecast's mean squared error on the validation windows, in the scaled units the loss uses."""
    part = tr.prepared.val
    Y = part.Y[:, -1] if part.Y.ndim == 3 else part.Y  # (N, horizon), scaled like the inputs
    return float(np.mean((Y - part.X[:, -1, :1]) ** 2))  # naive repeats each window's last value


@experiment
def train_preset(seed: int, preset: str, epochs: int = 0, radius: float = 0.0, clip: float = 0.0,
                 lookback: int = 0) -> dict:
    """A Train preset, as the Train page trains it, with this seed.

    ``epochs``, ``radius`` (the recurrent weights' spectral radius), ``clip`` and ``lookback``
    change that one setting, as its control on the Train page would; 0 keeps the preset's.

    ``first_train_loss`` / ``first_val_loss`` (epoch 1), ``last_*`` and ``min_val_loss``,
    ``epochs_drawn`` (finite records the loss chart gets), ``diverged`` (1/0) and
    ``diverged_epoch`` (NaN if not), ``init_growth`` (the through-time gradient ratio
    ||dL/dh_1|| / ||dL/dh_T|| of the untrained network), ``first_grad_norm`` (epoch 1's mean
    gradient norm before clipping), ``naive_val_loss`` and ``saturated``
    (the share of tanh values beyond ±0.99 on the training windows at the end; NaN for relu).
    """
    if preset not in config.PRESETS:
        raise ConfigError(f"Unknown preset {preset!r}.")
    cfg = config.PRESETS[preset].replace(train={"seed": seed})
    changes = {"train": {k: v for k, v in (("epochs", int(epochs)), ("clip", float(clip))) if v},
               "model": {"radius": float(radius)} if radius else {},
               "window": {"lookback": int(lookback)} if lookback else {}}
    cfg = config.validate(cfg.replace(**changes))
    tr = Trainer(cfg, data.load(cfg.data.name, **cfg.data.kwargs()))
    start = gradient_lab.profile_so_far(tr)
    tr.run()
    h = tr.history
    saturated = diagnostics.saturation(tr.model, tr.prepared.train.X)["saturated"]
    nan = math.nan
    return {
        "first_train_loss": h[0].train_loss if h else nan,
        "first_val_loss": h[0].val_loss if h else nan,
        "last_train_loss": h[-1].train_loss if h else nan,
        "last_val_loss": h[-1].val_loss if h else nan,
        "min_val_loss": min(r.val_loss for r in h) if h else nan,
        "epochs_drawn": sum(math.isfinite(r.train_loss) for r in h),
        "diverged": tr.status == "diverged",
        "diverged_epoch": tr.diverged_epoch if tr.diverged_epoch is not None else nan,
        "init_growth": gradient_lab.verdict(start[0][1]).growth if start else nan,
        "first_grad_norm": h[0].grad_norm if h else nan,
        "naive_val_loss": _naive_val_loss(tr),
        "saturated": saturated,
    }


@experiment
def preset_scores(seed: int, preset: str, epochs: int = 0, lookback: int = 0, transform: str = "",
                  period: int = 0, second_lookback: int = 0) -> dict:
    """A Train preset trained with this seed and scored on the test part as the Train page scores it,
    without ARIMA (the slow one, which no preset's text names).

    ``epochs`` and ``lookback`` change that one setting (0 keeps the preset's); ``transform`` the window
    preparation, with ``period`` its season for ``"seasonal"``. The test MAE of ``rnn``, ``naive``,
    ``drift`` and, for a series with a season, ``seasonal_naive``; ``rnn_shortfall``, the mean of
    truth minus the network's forecast over the test targets (above 0: its forecasts lie too low on
    average), and ``test_above_train``, the share of test targets above the largest training value.
    ``second_lookback`` > 0 also trains the same set-up with that lookback, as a student who moves
    the slider and trains again: ``second.rnn`` (the test targets are the same, so the two compare).
    """
    from rnn_core import experiment as experiment_mod

    if preset not in config.PRESETS:
        raise ConfigError(f"Unknown preset {preset!r}.")
    window = {k: v for k, v in (("lookback", int(lookback)), ("transform", transform), ("period", int(period))) if v}
    cfg = config.PRESETS[preset].replace(train={"seed": seed, **({"epochs": int(epochs)} if epochs else {})},
                                         window=window)
    cfg = config.validate(cfg)
    res = experiment_mod.run(cfg, arima=False)
    train_values = res.trainer.values[: res.trainer.prepared.a]
    out = {model: scores["mae"] for model, scores in res.metrics.items()}
    out["rnn_shortfall"] = float(np.mean(res.targets - res.predictions["rnn"]))
    out["test_above_train"] = float(np.mean(res.targets > np.max(train_values)))
    if second_lookback:
        second = experiment_mod.run(config.validate(cfg.replace(window={"lookback": int(second_lookback)})), arima=False)
        if not np.array_equal(second.targets, res.targets):
            raise ConfigError(f"Lookback {second_lookback} scores other test targets than the preset's lookback.")
        out["second.rnn"] = second.metrics["rnn"]["mae"]
    return out


@experiment
def collatz_scaling(seed: int, inputs: str = "none", targets: str = "none", preset: str = "collatz_raw_tanh") -> dict:
    """A Collatz preset with its inputs and its targets scaled separately ("none" or "standard").

    The Train page scales both alike; this pulls the two apart, to tell saturated units
    (raw inputs) from outputs that must reach the thousands (raw targets). ``loss_ratio``
    is the last epoch's training loss over the first's, ``saturated`` the share of hidden
    tanh values beyond ±0.99 on the training windows after training.
    """
    from rnn_core.data import windows

    for what, kind in (("inputs", inputs), ("targets", targets)):
        if kind not in ("none", "standard"):
            raise ConfigError(f"The {what} are scaled 'none' or 'standard' (got {kind!r}).")
    cfg = config.PRESETS[preset].replace(window={"scaler": "standard"}, train={"seed": seed})
    values = data.load(cfg.data.name, **cfg.data.kwargs()).values
    scaled = windows.prepare(values, cfg.window)
    scaler = scaled.scaler

    def part(p):
        X = p.X if inputs == "standard" else scaler.inverse(p.X).astype(np.float32)
        Y = p.Y if targets == "standard" else scaler.inverse(p.Y).astype(np.float32)
        return windows.Part(X, Y, p.origins, p.targets)

    prepared = dataclasses.replace(scaled, train=part(scaled.train), val=part(scaled.val), test=part(scaled.test))
    tr = Trainer(cfg, values, prepared=prepared)
    tr.run()
    h = tr.history
    return {"loss_ratio": h[-1].train_loss / h[0].train_loss,
            "saturated": diagnostics.saturation(tr.model, prepared.train.X)["saturated"]}


@experiment
def opening_settings(seed: int, name: str, transform: str = "", patience: int = -1) -> dict:
    """The Train page's opening settings for the bundled series ``name`` (:func:`config.for_dataset`), trained
    with this seed and scored as the Train page scores it.

    ``transform`` replaces the window preparation (e.g. ``"none"``); ``patience`` >= 0 replaces early
    stopping (0: off). The test MAE of ``rnn``, ``naive``, ``drift``, ``arima`` and, for a series
    with a season, ``seasonal_naive``.
    """
    from rnn_core import experiment as experiment_mod

    cfg = config.for_dataset(name).replace(train={"seed": seed})
    if transform:
        cfg = cfg.replace(window={"transform": transform})
    if patience >= 0:
        cfg = cfg.replace(train={"patience": patience or None})
    res = experiment_mod.run(cfg, data.load(name))
    return {model: scores["mae"] for model, scores in res.metrics.items()}


@experiment
def text_generalisation(seed: int, corpus: str = "english", patience: int = -1, epochs: int = 0) -> dict:
    """The Text page's default character model on ``corpus``: ``"english"`` (the bundled corpus) or
    ``"notes"`` (its first part alone, the app's 8,000 characters of notes), trained to the end.

    ``patience`` >= 0 replaces early stopping (0: off); ``epochs`` > 0 the number of epochs.
    ``min_val`` and ``last_val`` (validation loss), ``best_epoch``, ``memorising`` (1/0, as the
    page's warning decides it) and ``greedy_copy``: the longest stretch of a 400-character greedy
    sample (prompt "th") found word for word in the corpus.
    """
    from rnn_core import resources
    from rnn_core.labs import text, text_corpus, text_writing

    if corpus not in ("english", "notes"):
        raise ConfigError(f"Unknown corpus {corpus!r}: english or notes.")
    words = text.load_corpus("english") if corpus == "english" else resources.read_text(text_corpus.NOTES)
    kwargs = {"seed": seed}
    if patience >= 0:
        kwargs["patience"] = patience or None
    if epochs > 0:
        kwargs["epochs"] = epochs
    tr = text.CharTrainer(text.text_config("paste", text.digest(words), **kwargs), words)
    tr.run()
    fit = text.generalisation(tr.history)
    greedy = text_writing.samples(tr.model, tr.vocab, [0.0], prompt="th", length=400)[0]
    return {"min_val": fit.best_val, "last_val": tr.history[-1].val_loss, "best_epoch": fit.best_epoch,
            "memorising": fit.memorising, "greedy_copy": len(text_writing.longest_copy(greedy, words))}


@experiment
def transfer_page(seed: int, target: str = "traffic", source: str = "sines", n_train: int = 48,
                  plan: str = "freeze,keep", new_head: bool = True, epochs: int = 0, pretrain_epochs: int = 0) -> dict:
    """The Transfer learning page: pretrain, race scratch / your plan / full fine-tuning, compare the layers.

    Page defaults (:class:`rnn_core.labs.transfer.setup.TransferConfig`) unless a param
    changes them (0 keeps the default). Test errors in the series' units:
    ``<arm>.rmse`` for arm in scratch, transfer, finetune, naive. Linear CKA of each layer l
    (1-based) on the target's validation windows, against the from-scratch network after
    the race: ``pretrained.cka_l<l>`` and, for a network with random untrained weights,
    ``random.cka_l<l>``.
    """
    from rnn_core.labs.transfer import probe
    from rnn_core.labs.transfer import race as transfer_race
    from rnn_core.labs.transfer import setup as transfer

    default = transfer.TransferConfig()
    tcfg = default.replace(data=config.DataConfig(target), source=source, n_train=int(n_train),
                           plan=tuple(plan.split(",")), new_head=bool(new_head),
                           pretrain_epochs=int(pretrain_epochs) or default.pretrain_epochs,
                           train={"seed": seed, "epochs": int(epochs) or default.train.epochs})
    transfer.validate(tcfg)
    series = data.load(target)
    pre = transfer.pretrain(tcfg)
    race = transfer_race.TransferRace(tcfg, series, pre)
    race.run()
    out = {f"{arm}.rmse": s["rmse"] for arm, s in race.scores().items()}
    hc = probe.hidden_comparison(transfer.model_from(pre), pre.source_X, race.prepared.val.X,
                                 target_model=race.trainers["scratch"].model,
                                 random_model=transfer.fresh_model(tcfg.target, seed + 1))
    for layer, (mine, rand) in enumerate(zip(hc.similarity, hc.random_similarity, strict=True), start=1):
        out[f"pretrained.cka_l{layer}"] = mine
        out[f"random.cka_l{layer}"] = rand
    return out


@experiment
def arena_baselines(seed: int, name: str = "traffic", horizon: int = 24, models: str = "naive,drift") -> dict:
    """The arena's scoreboard for the simple ``models`` (comma-separated) on the bundled series ``name``
    with this ``horizon``, the series' opening settings otherwise: ``<model>.mase`` and ``<model>.mae``,
    and ``adf_p_training``, the ADF p-value of the training part the arena tests. No network is trained,
    so the seed changes nothing (it is taken for the common signature)."""
    from rnn_core.forecasting import arena

    chosen = tuple(m.strip() for m in models.split(",") if m.strip())
    cfg = config.for_dataset(name).replace(train={"seed": seed}, window={"horizon": horizon})
    res = arena.run_arena(data.load(name), cfg, arena.ArenaSpec(chosen))
    out = {f"{m}.{k}": res.metrics[m][k] for m in chosen for k in ("mase", "mae")}
    out["adf_p_training"] = res.adf.pvalue
    return out


@experiment
def series_statistics(seed: int, name: str = "co2", lag: int = 52) -> dict:
    """Statistics the Sequence data page shows for the bundled series ``name`` (all of it, as the page
    tests a short series): ``adf_p`` of the series and of its first difference (``adf_p_diff1``); the
    autocorrelation at ``lag`` of the first difference (``acf_diff1``) and of the difference with lag
    ``lag`` (``acf_diff_lag``). Deterministic: the seed changes nothing."""
    from statsmodels.tsa.stattools import acf

    from rnn_core.data import stats

    v = np.asarray(data.load(name).values, dtype=np.float64)
    d1, dl = stats.difference(v, 1), stats.difference(v, 1, lag)
    return {"adf_p": stats.adf_test(v).pvalue, "adf_p_diff1": stats.adf_test(d1).pvalue,
            "acf_diff1": acf(d1, nlags=lag)[lag], "acf_diff_lag": acf(dl, nlags=lag)[lag]}


@experiment
def past_future(seed: int, name: str = "traffic", today_pct: int = 80, one_step: int = 0) -> dict:
    """The Sequence data page's naive forecasts of the bundled series ``name`` from *today* at ``today_pct``
    % of it: the whole future in one go, or one step ahead at every future point (``one_step`` 1), each
    scored on the future part with MASE scaled on the past: ``<method>.mae`` and ``<method>.mase`` for
    naive, drift and mean (and seasonal_naive when the series has a period). The seed changes nothing."""
    from rnn_core.forecasting import baselines

    series = data.load(name)
    values = np.asarray(series.values, dtype=np.float64)
    methods = ("naive", "drift", "mean", "seasonal_naive")  # seasonal naive only when the series has a period
    _, scores = baselines.from_today(values, baselines.today_at(len(values), today_pct), methods, series.period,
                                     bool(one_step))
    return {f"{m}.{k}": score[k] for m, score in scores.items() for k in ("mae", "mase")}
