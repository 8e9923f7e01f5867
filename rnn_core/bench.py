"""Speed figures, measured: ``python -m rnn_core.bench [--quick]``.

Prints a few human lines, then one JSON object as the last line. ``overhead`` is the
Trainer's ms/epoch divided by a bare PyTorch loop's ms/epoch on the same model, data and
batch size, in the same process (forward, backward and step per batch, clipping when the
config clips, one validation pass). Benchmarks, not tests: machines are noisy.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time

import torch

from rnn_core import config, data, runtime
from rnn_core.networks import models, optim
from rnn_core.training.trainer import Trainer


def _timed(fn, min_seconds: float) -> float:
    """Seconds per call of fn, repeated for at least min_seconds (after one warm-up call)."""
    fn()
    calls, start = 0, time.perf_counter()
    while True:
        fn()
        calls += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return elapsed / calls


def _bare_epoch_fn(cfg, trainer: Trainer):
    """A plain torch epoch on a fresh copy of the same model and the same tensors."""
    torch.manual_seed(cfg.train.seed)
    model = models.build_model(cfg.model, cfg.window.mode, cfg.window.lookback, cfg.window.horizon)
    opt = optim.Adam(model.parameters(), lr=cfg.train.lr)  # the Trainer's optimizer: only bookkeeping differs
    X, Y = trainer._tensors["train"]
    Xv, Yv = trainer._tensors["val"]
    bs, clip = cfg.train.batch_size, cfg.train.clip
    gen = torch.Generator().manual_seed(0)

    def epoch():
        model.train()
        order = torch.randperm(len(X), generator=gen)
        for start in range(0, len(X), bs):
            idx = order[start:start + bs]
            opt.zero_grad(set_to_none=True)
            loss = torch.nn.functional.mse_loss(model(X[idx]), Y[idx])
            loss.backward()
            if clip is not None:
                torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
            opt.step()
        model.eval()
        with torch.no_grad():
            torch.nn.functional.mse_loss(model(Xv), Yv).item()

    return epoch


def _trainer_epoch_fn(cfg, series):
    # endless epochs: a new Trainer whenever one reaches the end of its config
    big = cfg.replace(train={"epochs": config.MAX_EPOCHS})
    state = {"tr": Trainer(big, series)}

    def epoch():
        if state["tr"].finished:
            state["tr"] = Trainer(big, series)
        state["tr"].run(max_epochs=1)

    return epoch, state["tr"]


def overhead(cell: str, seconds: float) -> dict:
    cfg = config.PRESETS["default"].replace(model={"cell": cell})
    series = data.load(cfg.data.name, **cfg.data.kwargs())
    trainer_fn, trainer = _trainer_epoch_fn(cfg, series)
    bare_fn = _bare_epoch_fn(cfg, trainer)
    # Alternate one epoch of each, many times, and compare means: drift and noise from
    # the rest of the machine then hit both sides alike. Each side gets >= `seconds` in all.
    bare_fn(), trainer_fn()  # warm-up
    bare, ours = [], []
    while sum(bare) < seconds or sum(ours) < seconds:
        for fn, times in ((bare_fn, bare), (trainer_fn, ours)):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
    b, t = statistics.fmean(bare), statistics.fmean(ours)  # means: the periodic gradient probe counts
    return {"trainer_ms": 1e3 * t, "bare_ms": 1e3 * b, "ratio": t / b}


def written_out_vs_fused(cell: str, min_seconds: float) -> dict:
    """One training step (forward, backward) through the fused kernel vs the written-out loop."""
    cfg = config.PRESETS["default"].replace(model={"cell": cell})
    torch.manual_seed(0)
    model = models.build_model(cfg.model, "next", cfg.window.lookback, 1)
    X = torch.randn(cfg.train.batch_size, cfg.window.lookback, 1)
    Y = torch.randn(cfg.train.batch_size, 1)

    def fused():
        model.zero_grad()
        torch.nn.functional.mse_loss(model(X), Y).backward()

    def written():
        model.zero_grad()
        out, _ = model(X, record=True)
        torch.nn.functional.mse_loss(out, Y).backward()

    f, w = _timed(fused, min_seconds / 2), _timed(written, min_seconds / 2)
    return {"fused_ms": 1e3 * f, "written_ms": 1e3 * w, "ratio": w / f}


def default_epochs_per_second(min_seconds: float) -> dict:
    cfg = config.PRESETS["default"]
    series = data.load(cfg.data.name, **cfg.data.kwargs())
    tr = Trainer(cfg, series)
    start = time.perf_counter()
    tr.run()
    elapsed = time.perf_counter() - start
    return {"epochs": tr.epoch, "seconds": elapsed, "epochs_per_s": tr.epoch / elapsed,
            "val_loss": tr.history[-1].val_loss}


def arima_timings() -> dict:
    """AIC order search on 1,000 points and one ARIMA fit (one BLAS thread)."""
    from rnn_core.forecasting import arima

    values = data.load("noisy_trend").values
    arima.fit_arima(values[:200], (1, 0, 0))  # warm-up: statsmodels' first import
    start = time.perf_counter()
    search, _ = arima.select_order(values)
    search_s = time.perf_counter() - start
    start = time.perf_counter()
    arima.fit_arima(values, search.order)
    return {"order_search_s": search_s, "order": list(search.order), "one_fit_s": time.perf_counter() - start}


def import_seconds() -> float:
    """A fresh interpreter's ``import rnn_core`` (the package alone, as a notebook starts)."""
    import subprocess

    code = "import time; t = time.perf_counter(); import rnn_core; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def gradient_overhead(seconds: float) -> dict:
    """Share of epoch time the per-time-step gradient probe costs, sampled as the pages sample it."""
    from rnn_core.labs import gradients as gradient_lab
    from rnn_core.labs import memory as memory_task

    cfg = config.PRESETS["default"]
    out = {"train_page_default": gradient_lab.diagnostics_overhead(cfg, _series(cfg), seconds=seconds)["overhead"]}
    task = memory_task.recall_task(lag=100)
    lab = memory_task.task_config(lag=100, cell="lstm").replace(train={"grad_every": 5})
    out["gradient_page_lstm_lookback100"] = gradient_lab.diagnostics_overhead(
        lab.replace(model={"keep_bias": 3.0}), task.values, prepared=task.prepared, seconds=seconds)["overhead"]
    return out


def text_structure(quick: bool) -> dict:
    """Seconds of training until a character model's samples look like the corpus (words, indents)."""
    from rnn_core.labs import text_writing

    corpora = ("english",) if quick else ("english", "python")
    return {name: text_writing.bench_structure(name, budget_s=60)["seconds"] for name in corpora}


def _series(cfg):
    return data.load(cfg.data.name, **cfg.data.kwargs())


def bench_arena(n: int = 1000, seed: int = 0) -> dict:
    """Seconds for the arena on an ``n``-point noisy trend: naive, ARIMA (AIC search) and one GRU.

    ``first_s``: computed from nothing. ``cached_s``: what a page does once its caches are warm,
    i.e. unpickle the stored result (st.cache_data keeps pickles) and build the table and figures.
    """
    import pickle

    from rnn_core.forecasting import arena
    from rnn_core.plots import arena as plots

    series = data.load("noisy_trend", n=n, seed=seed)
    cfg = config.PRESETS["default"].replace(data=config.DataConfig("noisy_trend", (("n", n),)))
    spec = arena.ArenaSpec(("naive", "arima", "gru"))
    start = time.perf_counter()
    result = arena.run_arena(series, cfg, spec)
    first = time.perf_counter() - start
    stored = pickle.dumps(result)
    start = time.perf_counter()
    cached = pickle.loads(stored)
    cached.metrics_frame()
    plots.forecast_figure(series.index, series.values, cached)
    plots.horizon_figure(cached.mae_by_step)
    return {"first_s": round(first, 3), "cached_s": round(time.perf_counter() - start, 3),
            "parts_s": {k: round(v, 3) for k, v in result.seconds.items()}, "arima": cached.label("arima"), "n": n}


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter timings (about 20 s in all)")
    args = parser.parse_args(argv)
    seconds = 1.0 if args.quick else 3.0

    result = {"threads": runtime.use_one_thread(), "overhead": {}, "written_out_vs_fused": {}}
    for cell in ("rnn", "lstm", "gru"):
        o = overhead(cell, seconds=1.0 if args.quick else 3.0)
        result["overhead"][cell] = round(o["ratio"], 3)
        result.setdefault("ms_per_epoch", {})[cell] = {k: round(v, 2) for k, v in o.items() if k != "ratio"}
        print(f"{cell}: Trainer {o['trainer_ms']:.1f} ms/epoch, bare loop {o['bare_ms']:.1f} ms/epoch "
              f"-> overhead {o['ratio']:.3f}", file=sys.stderr)
        r = written_out_vs_fused(cell, seconds)
        result["written_out_vs_fused"][cell] = round(r["ratio"], 3)
        print(f"{cell}: written-out {r['written_ms']:.2f} ms/step vs fused {r['fused_ms']:.2f} "
              f"-> {r['ratio']:.2f}x", file=sys.stderr)
    d = default_epochs_per_second(seconds)
    result["default_preset"] = {k: (round(v, 4) if isinstance(v, float) and math.isfinite(v) else v)
                                for k, v in d.items()}
    print(f"default preset: {d['epochs']} epochs in {d['seconds']:.2f} s = {d['epochs_per_s']:.1f} epochs/s",
          file=sys.stderr)
    a = arima_timings()
    result["arima"] = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in a.items()}
    print(f"ARIMA: AIC search {a['order_search_s']:.2f} s -> {tuple(a['order'])}, one fit {a['one_fit_s']:.2f} s",
          file=sys.stderr)
    g = gradient_overhead(seconds)
    result["gradient_probe_overhead"] = {k: round(v, 3) for k, v in g.items()}
    print(f"gradient probe adds {', '.join(f'{k} {v:.1%}' for k, v in g.items())} to epoch time", file=sys.stderr)
    t = text_structure(args.quick)
    result["text_structure_s"] = {k: round(v, 1) for k, v in t.items()}
    print(f"character model: recognisable samples after {t} s of training", file=sys.stderr)

    r = bench_arena()
    result["arena_1000"] = {"first_s": round(r["first_s"], 2), "cached_s": round(r["cached_s"], 3)}
    print(f"forecast arena, 1,000 points, naive + ARIMA (AIC) + GRU: {r['first_s']:.1f} s first, "
          f"{r['cached_s']:.2f} s cached", file=sys.stderr)
    result["import_rnn_core_s"] = round(import_seconds(), 3)
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
