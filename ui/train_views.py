"""The Train page's live view and its results: what one tick draws, and the scores once a run pauses or ends."""

from __future__ import annotations

import streamlit as st

from rnn_core.plots import training as plots
from ui import exports, live, results
from ui.setup import chart_text, guarded, number, plain


def draw(tr, note) -> None:
    """One tick: progress, metrics, the loss chart, the validation predictions and the gradients."""
    part = tr.epoch_fraction  # a long epoch moves too: how much of the next one is done
    status = live.status_word(tr) + (f" (epoch {tr.epoch + 1} {part:.0%} done)" if part else "")
    live.header(note, (tr.epoch + part) / tr.epochs_total, f"Epoch {tr.epoch} of {tr.epochs_total} · {status}")
    last = tr.history[-1] if tr.history else None
    m = st.columns(5)
    m[0].metric("training loss", number(last.train_loss) if last else "–")
    m[1].metric("validation loss", number(last.val_loss) if last else "–")
    recent = tr.history[-20:]
    ms = 1e3 * sum(r.seconds for r in recent) / len(recent) if recent else None
    m[2].metric("ms / epoch", f"{ms:.1f}" if ms else "–")
    m[3].metric("epochs / s", f"{1e3 / ms:.1f}" if ms else "–")
    m[4].metric("grad norm", number(last.grad_norm) if last else "–")
    if tr.status == "diverged":
        st.error(tr.message, icon="💥")
    elif tr.message:
        st.success(tr.message)
    live.chart("loss_chart", lambda: plots.loss_figure(tr.history), tr, (tr.epoch,),
               update=lambda fig: plots.set_loss_data(fig, tr.history))
    if exports.is_loaded(tr) and tr.epoch == 0:
        st.caption(f"Weights from a file ({tr.loaded_from['epochs']} epochs on "
                   f"{plain(tr.loaded_from['series'] or 'its series')}), forecasting this series as they are; "
                   "**Start** trains them further on it.")
    elif not tr.history:
        if tr.status != "diverged":  # diverged in epoch 1: the error above says so, there is nothing to draw
            st.caption("Press **Start**: the loss curve and the predictions appear here as the network learns.")
        return
    x = tr.series.index[tr.prepared.val.origins] if hasattr(tr.series, "index") else tr.prepared.val.origins
    live.chart("pred_chart", lambda: plots.predictions_figure(
        x, tr.targets("val"), {"rnn": tr.predict("val")}, "Validation part: truth vs the network's forecast",
        y_label=chart_text(getattr(tr.series, "unit", "") or "value")), tr, (tr.epoch,),
        update=lambda fig: plots.set_predictions(fig, {"rnn": tr.predict("val")}))
    if tr.grad_history:
        live.chart("grad_chart", lambda: plots.grad_figure(tr.grad_history), tr, (len(tr.grad_history),), every_s=1.0)


def results_section(tr) -> None:
    """The network against the baselines on the same test points, the leaderboard entry, the downloads."""
    st.subheader("Against the baselines, on the same test points")
    result = None
    with guarded():
        result = results.evaluate(tr)
        st.dataframe(results.metrics_table(result).style.highlight_min(axis=0, color="#bbf7d0").format("{:.4g}"),
                     width="stretch")
        st.caption("MAE and RMSE in the series' units. MASE divides the MAE by the one-step naive forecast's error "
                   "on the training part: below 1 beats that one-step naive; several steps ahead, even naive "
                   "scores above 1.")
        for note in result.notes[1:] if tr.message else result.notes:
            st.caption(f"ℹ️ {plain(note)}")
        scored = (tr, tr.epoch)  # once per run and epoch count: a loaded file when used, a run when it ends
        if (tr.finished or exports.is_loaded(tr) and tr.epoch == 0) and st.session_state.get("leaderboard_run") != scored:
            st.session_state["leaderboard_run"] = scored
            results.add_to_leaderboard(tr, result)
    exports.export_panel(tr, result)
