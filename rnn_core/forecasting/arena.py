"""The forecast arena: every model on one split, scored on the same test targets.

One series, one chronological split (``cfg.window.split``), one set of test windows: at
each origin ``o`` every model sees the true ``values[:o]`` and forecasts ``values[o:o+h]``,
in the series' units. The contestants: naive, seasonal naive, drift, ARIMA (your order or
an AIC search), seasonal ARIMA (guarded: it is slow), the MLP and the recurrent cells,
each network trained by the same :class:`~rnn_core.training.trainer.Trainer`.

The expensive pieces (:func:`arima_part`, :func:`network_part`) take plain values and
return plain arrays, so a page can cache each one; :func:`run_arena` puts them together
and takes a ``compute`` namespace to swap in the cached versions.

Examples
--------
>>> from rnn_core.forecasting import arena
>>> from rnn_core import config, data
>>> res = arena.run_arena(data.load("ar1", n=300), config.PRESETS["tiny"], arena.ArenaSpec(("naive", "arima")))
>>> sorted(res.metrics)
['arima', 'naive']
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np

from rnn_core import config as config_mod
from rnn_core.data import stats, windows
from rnn_core.errors import ConfigError, PlaygroundError
from rnn_core.forecasting import evaluation, metrics
from rnn_core.forecasting.arima import arima_part, seasonal_seconds
from rnn_core.training.trainer import FINISHED, Trainer

SIMPLE, ARIMAS, LABELS = evaluation.SIMPLE, evaluation.ARIMAS, evaluation.LABELS
NETWORKS = config_mod.CELLS
MODELS = SIMPLE + ARIMAS + NETWORKS


@dataclass(frozen=True)
class ArenaSpec:
    """Which models, and how ARIMA is chosen. Hashable, so it can key a cache.

    ``order`` None means an AIC search over p <= max_p, q <= max_q (d from the ADF test);
    ``sarima`` in ``models`` adds the seasonal order (0, 1, 1, period) when a period is known.
    ``season``: the period seasonal naive uses; None picks the better of the series' known
    periods on the training part (:func:`rnn_core.forecasting.evaluation.seasonal_choice`).
    """

    models: tuple = ("naive", "seasonal_naive", "drift", "arima", "gru")
    order: tuple | None = None
    max_p: int = 3
    max_q: int = 3
    season: int | None = None


@dataclass
class NetworkPart:
    """A trained network's test forecasts (N, horizon) in series units and how training went."""

    forecasts: np.ndarray
    origins: np.ndarray
    seconds: float
    epochs: int
    status: str
    message: str
    reused: bool = False


@dataclass
class ArenaResult:
    """Everything the page shows. ``forecasts[name]``, ``targets``, ``lower``/``upper``: (N, horizon)."""

    origins: np.ndarray
    targets: np.ndarray
    a: int
    b: int
    horizon: int
    forecasts: dict
    metrics: dict
    mae_by_step: dict
    lower: dict = field(default_factory=dict)
    upper: dict = field(default_factory=dict)
    arima: dict = field(default_factory=dict)      # "arima"/"sarima" -> ArimaPart
    networks: dict = field(default_factory=dict)   # cell -> NetworkPart
    adf: object = None                             # stats.ADFResult of the training part
    notes: list = field(default_factory=list)
    seconds: dict = field(default_factory=dict)    # name -> seconds it took in this call (near 0 when cached)

    def label(self, name: str) -> str:
        """What the page calls a model, e.g. ``"ARIMA(1, 0, 0)"``."""
        part = self.arima.get(name)
        return part.label if part is not None else LABELS.get(name, name)

    def metrics_frame(self):
        """One row per model (labelled), columns mae, rmse, mase."""
        import pandas as pd

        frame = pd.DataFrame(self.metrics).T[["mae", "rmse", "mase"]]
        frame.index = [self.label(n) for n in frame.index]
        return frame



# ---------------------------------------------------------------- networks

def network_part(values: np.ndarray, cfg: config_mod.ExperimentConfig) -> NetworkPart:
    """Train ``cfg``'s network on ``values`` to the end; its forecasts of the test windows."""
    start = time.perf_counter()
    tr = Trainer(cfg, values)
    tr.run()
    return NetworkPart(tr.predict("test"), tr.prepared.test.origins, time.perf_counter() - start,
                       tr.epoch, tr.status, tr.message)


NETWORK_LIMIT_S = 60.0   # longer trainings belong on the Train page, which trains in chunks
_CELL_COST = {"mlp": 0.15, "rnn": 0.6, "leaky": 1.5, "skip": 1.5, "lstm": 1.0, "gru": 1.0}


def network_seconds(n_windows: int, cfg: config_mod.ExperimentConfig) -> float:
    """A rough estimate of the seconds training ``cfg`` to the end takes on ``n_windows`` windows here.

    Cost grows with windows x epochs x lookback x hidden size; calibrated on a GRU (32 hidden, lookback 16,
    680 windows, 60 epochs: about 3 s on a busy 2-core machine). Leaky and skip cells run the written-out loop.
    """
    m = cfg.model
    units = n_windows * cfg.train.epochs * cfg.window.lookback * max(m.hidden_size, 8) / 32 * m.num_layers
    return 5e-6 * units * _CELL_COST.get(m.cell, 1.0)


def network_config(cfg: config_mod.ExperimentConfig, cell: str) -> config_mod.ExperimentConfig:
    """``cfg`` for one cell: ``multi`` windows when the horizon is above 1, else ``next``; validated."""
    mode = "multi" if cfg.window.horizon > 1 else "next"
    return config_mod.validate(config_mod.only_what_matters(cfg.replace(model={"cell": cell}, window={"mode": mode})))


def reuse(trainer, cfg: config_mod.ExperimentConfig, values: np.ndarray) -> NetworkPart | None:
    """A finished Trainer's forecasts when it trained ``cfg``'s network on ``values``, else None.

    Multi and seq2seq windows (and, for horizon 1, next) forecast the same (N, horizon)
    targets, so the window mode may differ; so may settings the cell ignores.
    """
    if trainer is None or trainer.status not in FINISHED:
        return None
    same = [config_mod.only_what_matters(c).replace(window={"mode": "multi"}) for c in (trainer.cfg, cfg)]
    if same[0] != same[1] or len(trainer.values) != len(values) or not np.array_equal(trainer.values, values):
        return None
    return NetworkPart(trainer.predict("test"), trainer.prepared.test.origins,
                       sum(r.seconds for r in trainer.history), trainer.epoch, trainer.status,
                       trainer.message, reused=True)


COMPUTE = SimpleNamespace(arima=arima_part, network=network_part)


# ---------------------------------------------------------------- putting it together

def _check_spec(spec: ArenaSpec) -> None:
    unknown = [m for m in spec.models if m not in MODELS]
    if unknown:
        raise ConfigError(f"Unknown model {unknown[0]!r}: choose from {', '.join(MODELS)}.")
    if not spec.models:
        raise ConfigError("Pick at least one model for the arena.")


def _add_simple(res: ArenaResult, name: str, values, period) -> None:
    res.forecasts[name] = evaluation.simple_forecasts(name, values, res.origins, res.horizon, period)


def _add_arima(res: ArenaResult, name: str, values, period, spec: ArenaSpec, compute) -> None:
    if name == "sarima" and not period:
        raise ConfigError("it needs a known season length, and this series has none.")
    part = compute.arima(values, res.a, res.origins, res.horizon, spec.order, period if name == "sarima" else None,
                         spec.max_p, spec.max_q)
    res.arima[name], res.forecasts[name] = part, part.forecasts
    res.lower[name], res.upper[name] = part.lower, part.upper
    res.notes += [f"{part.label}: {n}" for n in part.notes]


def _add_network(res: ArenaResult, name: str, values, cfg, n_train: int, compute, part=None) -> None:
    if part is None:
        net_cfg = network_config(cfg, name)
        secs = network_seconds(n_train, net_cfg)
        if secs > NETWORK_LIMIT_S:
            raise ConfigError(f"training it here would take about {secs:.0f} s. Train it on the Train page (the "
                              "arena reuses a finished run with the same settings), or lower the epochs or lookback.")
        part = compute.network(values, net_cfg)
    res.networks[name], res.forecasts[name] = part, part.forecasts
    if part.status == "diverged":
        res.notes.append(f"{LABELS[name]}: {part.message}")


def run_arena(series, cfg: config_mod.ExperimentConfig, spec: ArenaSpec = ArenaSpec(), compute=COMPUTE,
              progress=None, reused: dict | None = None) -> ArenaResult:
    """Score every model of ``spec`` on the test windows of ``cfg.window`` (lookback, horizon, split).

    Parameters
    ----------
    series : data.Series or 1-D array
        Its ``period`` (if any) feeds seasonal naive and seasonal ARIMA.
    cfg : config.ExperimentConfig
        The split, lookback and horizon, and the networks' settings (cell replaced per network).
    spec : ArenaSpec
    compute : namespace with ``arima`` and ``network``
        :data:`COMPUTE` by default; a page passes cached versions with the same signatures.
    progress : callable, optional
        ``progress(fraction, text)`` before each slow step.
    reused : dict, optional
        cell -> NetworkPart already trained (e.g. on the Train page), used instead of training.

    Returns
    -------
    ArenaResult
    """
    _check_spec(spec)
    values = np.asarray(getattr(series, "values", series), dtype=np.float64)
    period = getattr(series, "period", None)
    h = cfg.window.horizon
    prepared = windows.prepare(values, network_config(cfg, "mlp").window)
    origins, targets, a, b = prepared.test.origins, prepared.test.targets, prepared.a, prepared.b
    res = ArenaResult(origins, targets, a, b, h, {}, {}, {})
    try:
        res.adf = stats.adf_test(values[max(0, a - stats.MAX_TEST_VALUES):a])  # bounded work on any upload
    except PlaygroundError as err:
        res.notes.append(f"ADF test skipped: {err}")
    slow = [m for m in spec.models if m not in SIMPLE]
    say = progress or (lambda *_: None)
    periods = (spec.season,) if spec.season else evaluation.known_periods(series)
    season, why = evaluation.seasonal_choice(values, a, periods, h) if "seasonal_naive" in spec.models else (None, "")
    if len(periods) > 1 and why:
        res.notes.append(why)
    for name in spec.models:
        started = time.perf_counter()
        try:
            if name in SIMPLE:
                _add_simple(res, name, values, season if name == "seasonal_naive" else period)
            elif name in ARIMAS:
                wait = f" (about {seasonal_seconds(a, period):.0f} s unless cached)" if name == "sarima" and period else ""
                say(slow.index(name) / len(slow), f"Fitting {LABELS[name]}{wait}…")
                _add_arima(res, name, values, period, spec, compute)
            else:
                say(slow.index(name) / len(slow), f"Training the {LABELS[name]}…")
                _add_network(res, name, values, cfg, len(prepared.train), compute, (reused or {}).get(name))
        except PlaygroundError as err:
            res.notes.append(f"{LABELS[name]} skipped: {err}")
        if name in res.forecasts and name not in SIMPLE:
            res.seconds[name] = time.perf_counter() - started
    say(1.0, "Scoring…")
    res.metrics = evaluation.score_all(targets, res.forecasts, values[:a])
    for name, pred in res.forecasts.items():
        res.mae_by_step[name] = metrics.by_horizon(targets, pred)["mae"]
    return res


# ---------------------------------------------------------------- rolling origin

def fold_splits(n: int, split, folds: int) -> list[tuple[int, tuple]]:
    """Rolling-origin folds: (length m, split) per fold, oldest first; each tests its last n - b values.

    Fold k uses ``values[:m_k]``; its test part is the block before the next fold's, so the
    test blocks tile the end of the series and every fold trains on everything before its block,
    keeping the train : validation ratio of ``split``.
    """
    train_f, val_f = split
    block = n - int(n * (train_f + val_f))
    out = []
    for k in range(folds):
        m = n - (folds - 1 - k) * block
        b = m - block
        a = round(b * train_f / (train_f + val_f))
        if a < 2 or block < 1:
            raise ConfigError(f"{folds} folds of {block} test values leave no training part; use fewer folds.")
        out.append((m, ((a + 0.5) / m, (b - a) / m)))  # +0.5: int(m * fraction) lands exactly on a and b
    return out


def rolling_origin(series, cfg: config_mod.ExperimentConfig, spec: ArenaSpec = ArenaSpec(), folds: int = 4,
                   compute=COMPUTE, progress=None):
    """Run the arena on ``folds`` successive splits and collect every model's scores per fold.

    Every model is refitted (ARIMA's parameters, the networks' weights) on each fold's past;
    a given ``spec.order`` is kept, ``None`` searches again per fold.

    Returns
    -------
    pandas.DataFrame
        One row per fold and model: fold, start (index of the fold's first test value), model,
        label, mae, rmse, mase.
    """
    import pandas as pd

    if not isinstance(folds, int) or not 2 <= folds <= 10:
        raise ConfigError(f"Use between 2 and 10 folds (got {folds!r}).")
    values = np.asarray(getattr(series, "values", series), dtype=np.float64)
    fold_series = SimpleNamespace(values=None, period=getattr(series, "period", None),
                                  periods=evaluation.known_periods(series))
    rows = []
    for k, (m, split) in enumerate(fold_splits(len(values), cfg.window.split, folds)):
        fold_cfg = cfg.replace(window={"split": split})
        fold_series.values = values[:m]
        step = (lambda f, text, k=k: progress((k + f) / folds, f"Fold {k + 1} of {folds}: {text}")) if progress else None
        res = run_arena(fold_series, fold_cfg, spec, compute, step)
        rows += [{"fold": k + 1, "start": res.b, "model": name, "label": res.label(name), **score}
                 for name, score in res.metrics.items()]
    return pd.DataFrame(rows, columns=["fold", "start", "model", "label", "mae", "rmse", "mase"])


# ---------------------------------------------------------------- presets and speed

@dataclass(frozen=True)
class ArenaPreset:
    cfg: config_mod.ExperimentConfig
    spec: ArenaSpec
    reason: str


def _preset(data, lookback, horizon, cell, hidden_size, epochs, models, reason) -> ArenaPreset:
    cfg = config_mod.PRESETS["default"].replace(
        data=data, window={"lookback": lookback, "horizon": horizon, "mode": "multi" if horizon > 1 else "next"},
        model={"cell": cell, "hidden_size": hidden_size}, train={"epochs": epochs, "batch_size": 64})
    return ArenaPreset(config_mod.validate(cfg), ArenaSpec(models), reason)


PRESETS = {
    "ar1_arima_wins": _preset(
        config_mod.DataConfig("ar1", (("n", 300), ("phi", 0.8), ("seed", 0))), 16, 5, "gru", 32, 3,
        ("naive", "drift", "arima", "gru"),
        "AR(1) is exactly the linear model ARIMA assumes: it reads two numbers off 210 training values, "
        "while a GRU with thousands of weights, trained for 3 epochs, is still guessing."),
    "logistic_rnn_wins": _preset(
        config_mod.DataConfig("logistic", (("n", 1000), ("r", 3.9), ("x0", 0.2))), 8, 1, "gru", 32, 80,
        ("naive", "arima", "mlp", "gru"),
        "The logistic map is deterministic but bends: the next value is a parabola of this one, "
        "which a network can learn and no linear ARIMA can draw."),
}
