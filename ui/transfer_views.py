"""Streamlit helpers of the Transfer learning page: settings widgets -> TransferConfig, the
pretrained weights kept per config in the session, the live race and sweep, tables, Explore prompts.

Widget keys start with ``transfer_`` so they never collide with the Train page's
(``transfer_layer_0`` is the first layer's choice, as the guided questions expect).
"""

from __future__ import annotations

import copy

import pandas as pd
import streamlit as st

from rnn_core import config
from rnn_core.labs.transfer import probe
from rnn_core.labs.transfer import race as compare
from rnn_core.labs.transfer import setup as transfer
from rnn_core.plots import training as training_plots
from rnn_core.plots import transfer as plots
from ui import live
from ui.setup import chart_text, explain, plotly_chart

BIND = {"bind": "query-params", "persist_state": "session"}
RACE, SWEEP = "transfer_race", "transfer_sweep"  # live-training slots of this page
PRETRAINED = "transfer_pretrained"  # session key: pretrain config -> transfer.Pretrained
HIDDEN = "transfer_hidden"  # session key: (what it depends on, the last hidden-state comparison)
KEEP_PRETRAINED = 3  # pretrained networks kept per session (plain weights, a few hundred kB each)
SOURCES = (transfer.SINES, "traffic", "co2", "sunspots", "noisy_trend", "ar1")
DATA_SIZES = (6, 12, 24, 48, 96, 192, 384)
LRS = (0.001, 0.003, 0.01, 0.03, 0.1)
_D = transfer.TransferConfig()


def network(data_cfg: config.DataConfig) -> transfer.TransferConfig:
    """Source task, network and pretraining widgets (in the current container)."""
    m, w = _D.target.model, _D.target.window
    c = st.columns(3)
    source = c[0].selectbox("Source task", SOURCES, key="transfer_source", format_func=transfer.source_label,
                            help="What the network learns first, from plenty of data.", **BIND)
    cell = c[1].selectbox("cell", transfer.TRANSFER_CELLS, index=transfer.TRANSFER_CELLS.index(m.cell),
                          key="transfer_cell", format_func=config.CELL_LABELS.get, **BIND)
    lookback = c[2].slider("lookback", 4, 64, w.lookback, key="transfer_lookback", **BIND)
    c = st.columns(3)
    hidden_size = c[0].slider("hidden_size", 4, 64, m.hidden_size, key="transfer_hidden_size", **BIND)
    num_layers = c[1].slider("num_layers", 1, 3, m.num_layers, key="transfer_num_layers", **BIND)
    epochs = c[2].slider("pretraining epochs", 1, 20, _D.pretrain_epochs, key="transfer_pretrain_epochs", **BIND)
    plan = tuple("freeze" if i < num_layers - 1 or num_layers == 1 else "keep" for i in range(num_layers))
    return transfer.validate(_D.replace(
        data=data_cfg, window={"lookback": lookback}, model={"cell": cell, "hidden_size": hidden_size,
                                                             "num_layers": num_layers},
        source=source, pretrain_epochs=epochs, plan=plan))


def pretrained(tcfg: transfer.TransferConfig) -> transfer.Pretrained:
    """The network pretrained for these settings: trained once, then kept in the session."""
    key = transfer.pretrain_config(tcfg)
    store = st.session_state.setdefault(PRETRAINED, {})
    if key not in store:
        with st.spinner(f"Pretraining on {transfer.source_label(tcfg.source).lower()} "
                        f"({tcfg.pretrain_epochs} epochs, a few seconds)…"):
            with live.server_slot():
                store[key] = transfer.pretrain(tcfg)
        while len(store) > KEEP_PRETRAINED:
            store.pop(next(iter(store)))
    return store[key]


def plan(tcfg: transfer.TransferConfig) -> transfer.TransferConfig:
    """One keep / freeze / retrain choice per layer and the new-head toggle."""
    layers = tcfg.target.model.num_layers
    c = st.columns(layers + 1)
    choices = tuple(
        c[i].selectbox(f"layer {i + 1}", transfer.CHOICES, index=transfer.CHOICES.index(tcfg.plan[i]),
                       key=f"transfer_layer_{i}", format_func=transfer.CHOICE_LABELS.get, **BIND)
        for i in range(layers))
    new_head = c[-1].toggle("new head", _D.new_head, key="transfer_new_head", **BIND,
                            help="Throw the source's output layer away and start a fresh one.")
    return transfer.validate(tcfg.replace(plan=choices, new_head=new_head))


def race_settings(tcfg: transfer.TransferConfig) -> transfer.TransferConfig:
    """How much target data, and how the three networks are fine-tuned (all alike)."""
    c = st.columns([2, 1, 1, 1])
    n_train = c[0].select_slider("target training windows", DATA_SIZES, _D.n_train, key="transfer_n_train", **BIND,
                                 help="Only the most recent ones are kept: a small data set, as a new task often has.")
    epochs = c[1].slider("epochs", 5, 200, _D.train.epochs, key="transfer_epochs", **BIND)
    lr = c[2].select_slider("lr", LRS, _D.train.lr, key="transfer_lr", **BIND)
    seed = int(c[3].number_input("seed", 0, 999, 0, key="transfer_seed", **BIND))
    return transfer.validate(tcfg.replace(n_train=n_train, train={"epochs": epochs, "lr": lr, "seed": seed}))


def plan_frame(pre: transfer.Pretrained, tcfg: transfer.TransferConfig) -> pd.DataFrame:
    model = transfer.transfer_model(pre, tcfg.plan, tcfg.new_head, tcfg.train.seed)
    rows = transfer.plan_rows(model, tcfg.plan, tcfg.new_head)
    what = {"keep": "copied, fine-tuned", "freeze": "copied, frozen", "retrain": "fresh random weights, trained",
            "new": "fresh random weights, trained"}
    return pd.DataFrame([{"part": r["part"], "what happens": what.get(r["choice"], "copied, fine-tuned"),
                          "parameters": r["parameters"], "trained on the target": "yes" if r["trainable"] else "no"}
                         for r in rows]).set_index("part")


def scores_frame(scores: dict) -> pd.DataFrame:
    return pd.DataFrame({plots.LABELS[name]: s for name, s in scores.items()}).T.rename(
        columns={"mae": "MAE", "rmse": "RMSE", "mase": "MASE"})


def sweep_config(tcfg: transfer.TransferConfig) -> transfer.TransferConfig:
    """The sweep picks its own data sizes and epochs: those race settings do not restart it."""
    return tcfg.replace(n_train=_D.n_train, train={"epochs": _D.train.epochs})


def race_factory(pre):
    return lambda cfg, series: compare.TransferRace(cfg, series, pre)


def sweep_factory(pre):
    return lambda cfg, series: compare.SizeSweep(cfg, series, pre)


def hidden(pre, tcfg, race, series) -> probe.HiddenComparison:
    """The pretrained network's layers on source and target inputs, kept until something changes.

    Only a race of the current settings is compared with (its from-scratch network has the
    same shape); it is copied first, since a live tick may be training it.
    """
    ours = live.same_run(race.cfg, tcfg)
    key = (transfer.pretrain_config(tcfg), tcfg.n_train, id(race) if ours else None, race.epoch if ours else 0)
    cached = st.session_state.get(HIDDEN)
    if cached is not None and cached[0] == key:
        return cached[1]
    target_X = (race.prepared if ours else compare.target_windows(series.values, tcfg.target.window, tcfg.n_train)).val.X
    scratch = copy.deepcopy(race.trainers["scratch"].model) if ours and race.epoch else None
    hc = probe.hidden_comparison(transfer.model_from(pre), pre.source_X, target_X, target_model=scratch,
                                 random_model=transfer.fresh_model(tcfg.target, tcfg.train.seed + 1))
    st.session_state[HIDDEN] = (key, hc)
    return hc


def status_line(tr) -> str:
    status = "training…" if live.is_running(RACE if isinstance(tr, compare.TransferRace) else SWEEP) else tr.status
    return status.replace("ready", "press Start").replace("_", " ")


# ---------------------------------------------------------------- Explore prompts

EXPLORE = {
    "early_layers": (
        "❓ Why are the early layers more general?",
        "Look at the two clouds above: in the **first** layer, do the target's states (orange) land among the "
        "source's (grey)? And in the last layer? Then read the similarity bars: which layer of the pretrained "
        "network looks most like the same layer of a network that only ever saw the target? Switch the "
        "sidebar's dataset to **Sunspots** or **Nile** and the source to **CO2**: does the order of the bars change?",
        "The textbook reason: the first layer only sees raw values, so what it can learn is generic (the current "
        "level, the local slope, a smoothed memory of the last few steps), while deeper layers combine these into "
        "what the source task needed. The bars here do not prove it: a network with random weights that never "
        "trained scores about as high on layer 1 as the pretrained one, because a first recurrent layer mostly "
        "echoes its recent inputs whatever its weights. What does show that something transfers is the race: "
        "the copied networks beat the one trained from scratch on the same few windows.",
    ),
    "data_size": (
        "when does transfer help most?",
        "Run the sweep. Where is the gap between *from scratch* and the transferred networks largest: with 12 "
        "windows or with hundreds? Is the network from scratch even better than the naive forecast with little data?",
        "With a handful of windows the network from scratch has too little to learn from: with 12 it ends worse "
        "than the naive forecast. The copied weights bring what was learned on plenty of source data, so the "
        "transferred networks start lower and end lower. With lots of target data the network from scratch "
        "catches up: with all the windows the gap is less than half what it was with 12, and the head start "
        "matters less.",
    ),
    "bad_source": (
        "can transfer hurt?",
        "Pick a source that has little to do with the target, e.g. **AR(1) process** (noise) for the traffic "
        "target, freeze every layer and keep the old head. How does the transferred curve compare with the "
        "one from scratch now?",
        "It can: frozen features learned on an unrelated task may not describe the target, and the network "
        "cannot fix them (negative transfer). With the default 48 traffic windows you may not see it, because "
        "the network from scratch is itself poor there: even the frozen AR(1) network with its old head ends "
        "ahead of it. Give the target 192 windows and the frozen AR(1) network ends far behind the one from "
        "scratch, with about twice its error, while the fully fine-tuned one ends within a tenth of it: once "
        "every layer trains, the copied weights are only a starting point.",
    ),
}


def explore(key: str) -> None:
    """An Explore expander: an experiment on what is on screen, a short answer behind a toggle."""
    title, body, answer = EXPLORE[key]
    with st.expander(f"Explore: {title}"):
        st.markdown(body)
        if st.toggle("Show an answer", key=f"answer_transfer_{key}"):
            st.markdown(answer)


# ---------------------------------------------------------------- the page's sections

def pretrain_section(tcfg: transfer.TransferConfig) -> transfer.Pretrained:
    """Pretrain (or reuse) the source network and show how it went."""
    pre = pretrained(tcfg)
    c = st.columns([1, 2])
    c[0].metric("source validation loss", f"{pre.source_val_loss:.3g}",
                help="Mean squared error on held-out source windows.")
    c[0].metric("pretraining took", f"{pre.seconds:.1f} s")
    c[0].caption(f"{len(pre.history)} epochs on {transfer.source_label(tcfg.source).lower()}; kept for this "
                 "session, so the experiments below reuse it.")
    plotly_chart(training_plots.loss_figure(pre.history, height=260), where=c[1], key="transfer_pretrain_chart",
                 width="stretch")
    for note in pre.notes:
        st.warning(note)
    return pre


def _controls(run, slot: str, cfg, verb: str) -> None:
    """A live run's buttons, and a warning when the settings changed under it."""
    live.buttons(run, slot)
    if not live.same_run(run.cfg, cfg):
        st.warning(f"You changed settings since this {verb} started: press **Reset** to {verb} with them.")


def race_section(race, tcfg: transfer.TransferConfig, unit: str) -> None:
    """The race's controls and its live chart, then its scores once it pauses or ends."""
    _controls(race, RACE, tcfg, "race")

    def draw(race, note):
        live.header(note, race.epoch / race.epochs_total,
                    f"Epoch {race.epoch} of {race.epochs_total} · {status_line(race)}")
        if race.message:
            st.error(race.message, icon="💥")
        live.chart("transfer_race_chart", lambda: plots.race_figure(race.curves()), race, (race.epoch,), RACE)
        if race.epoch and not live.is_running(RACE):
            scores = race.scores()
            c = st.columns([1, 1.3])
            c[0].dataframe(scores_frame(scores).style.highlight_min(axis=0, color="#bbf7d0").format("{:.4g}"),
                           key="transfer_scores_table")
            c[0].caption(f"On the {len(race.prepared.test)} test windows, in the series' units. MASE divides "
                         "the MAE by the one-step naive forecast's error on the kept training values: below 1 "
                         "beats that one-step naive.")
            plotly_chart(plots.scores_figure(scores, unit=chart_text(unit)), where=c[1],
                         key="transfer_scores_chart", width="stretch")

    live.live_fragment(draw, RACE)


def sweep_section(pre, tcfg: transfer.TransferConfig, series) -> None:
    """The same race for several amounts of target data, live."""
    sweep_cfg = sweep_config(tcfg)
    sweep = live.ensure_trainer(sweep_cfg, series, slot=SWEEP, factory=sweep_factory(pre))
    explain(f"The same race for {len(sweep.sizes)} amounts of target data, from {sweep.sizes[0]} windows to all "
            f"{sweep.sizes[-1]}, each run taking {compare.SWEEP_STEPS} gradient steps. Where is the gap widest?")
    _controls(sweep, SWEEP, sweep_cfg, "sweep")

    def draw(sweep, note):
        live.header(note, sweep.epoch / sweep.epochs_total,
                    f"{len(sweep.results)} of {len(sweep.sizes)} data sizes done · {status_line(sweep)}")
        live.chart("transfer_sweep_chart", lambda: plots.sweep_figure(sweep.table(), current=tcfg.n_train),
                   sweep, (sweep.epoch, tcfg.n_train), SWEEP)

    live.live_fragment(draw, SWEEP)


def hidden_section(pre, tcfg: transfer.TransferConfig, race, series) -> None:
    """Each copied layer's hidden states on source and target, and how alike the layers are."""
    hc = hidden(pre, tcfg, race, series)
    plotly_chart(plots.hidden_figure(hc, source_name=transfer.source_label(tcfg.source).lower(),
                                     target_name=chart_text(getattr(series, "name", "target"))),
                 key="transfer_hidden_chart", width="stretch")
    plotly_chart(plots.similarity_figure(hc), key="transfer_similarity_chart", width="stretch")
    st.caption("Linear CKA (centred kernel alignment) compares how two layers arrange the same inputs: 1 = "
               "the two layers carry the same information (up to rotation and scale), 0 = "
               "nothing in common; measured on target validation windows, against the from-scratch network "
               f"as it is after epoch {race.epoch}. Grey bars: the same comparison with a network of random "
               "weights that never trained, a reference for how much of the likeness needs no training at all.")
