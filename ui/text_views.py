"""Streamlit helpers of the Text generation page: corpus picker, model settings, samples, the sample grid.

Nothing the user typed is rendered as markdown or HTML: samples and prompts go through
``st.code``, which shows text as it is.
"""

from __future__ import annotations

import time

import streamlit as st

from rnn_core.config import CELL_LABELS, MAX_EPOCHS
from rnn_core.labs import text, text_writing
from rnn_core.plots import text as plots
from ui import live
from ui.setup import choices_help, explain, guarded, plain, plotly_chart, prose

SLOT = "char_lm"  # this page's live-training slot
BIND = {"bind": "query-params", "persist_state": "session"}
SAMPLE_EVERY_S = 3.0  # while training, samples are rewritten this often
CORPUS_CAPTIONS = {"english": "notes written for this app", "python": "standard-library source code",
                   "paste": "paste your own text"}
PROMPTS = {"english": "th", "python": "    def ", "paste": ""}
DEFAULT_EPOCHS = 200


@st.cache_data(max_entries=4, show_spinner=False)
def corpus(name: str) -> str:
    return text.load_corpus(name)


def _corpus_changed() -> None:
    """A prompt that suits the new corpus (a pasted text may lack the letters of the old one)."""
    st.session_state["prompt"] = PROMPTS[st.session_state["corpus"]]


def pick_corpus() -> tuple[str, str]:
    """The corpus radio (and the paste box); returns (corpus name, text). Raises DataError for bad text."""
    # the options themselves (no format_func) so that the URL reads ?corpus=python
    name = st.radio("Corpus", list(CORPUS_CAPTIONS), captions=list(CORPUS_CAPTIONS.values()), key="corpus",
                    on_change=_corpus_changed, **BIND)
    if name != "paste":
        st.caption(text.CORPORA[name])
        return name, corpus(name)
    raw = st.text_area("Your text", key="pasted_text", height=160, max_chars=text.MAX_CORPUS_CHARS,
                       persist_state="session",
                       help=f"{text.MIN_CORPUS_CHARS:,} to {text.MAX_CORPUS_CHARS:,} characters; "
                            "a few thousand or more works best.")
    return name, text.check_corpus(raw)


def settings(corpus_name: str, corpus_text: str):
    """The model and training widgets -> an ExperimentConfig checked against the text model's limits."""
    with st.expander("Model", expanded=True):
        cell = st.selectbox("cell", text.TEXT_CELLS, index=text.TEXT_CELLS.index("gru"), key="text_cell",
                            help=choices_help(CELL_LABELS), **BIND)
        hidden_size = st.slider("hidden_size", 8, 256, 128, 8, key="text_hidden_size", **BIND)
        num_layers = st.slider("num_layers", 1, text.MAX_TEXT_LAYERS, 1, key="text_num_layers", **BIND)
        embedding = st.slider("Embedding size (0 = one-hot)", 0, text.MAX_EMBEDDING, 32, key="embedding", **BIND,
                              help="Each character becomes a learned vector of this length; 0 feeds a one-hot "
                                   "vector as long as the vocabulary instead.")
    with st.expander("Training", expanded=False):
        seq_len = st.slider("Sequence length (characters per window)", 8, 200, 64, 8, key="seq_len", **BIND,
                            help="How far back the network is trained to look.")
        lr = st.number_input("lr", 1e-4, 0.1, 0.005, 0.001, format="%.4f", key="text_lr", **BIND)
        batch_size = st.slider("batch_size", 4, 128, 32, 4, key="text_batch_size", **BIND)
        epochs = st.slider("epochs", 10, MAX_EPOCHS, DEFAULT_EPOCHS, 10, key="text_epochs", **BIND)
        patience = st.number_input("Early-stopping patience (0 = off)", 0, 500, text.PATIENCE, 1, key="text_patience",
                                   **BIND, help="Stop once the validation loss has not improved for this many "
                                                "epochs, and keep the weights of its best epoch. Switch it off to "
                                                "watch a network memorise a short text.")
        seed = st.number_input("seed", 0, 10_000, 0, key="text_seed", **BIND)
    digest = text.digest(corpus_text) if corpus_name == "paste" else ""
    cfg = text.text_config(corpus_name, digest, cell, hidden_size, num_layers, embedding, seq_len, float(lr),
                           batch_size, epochs, int(seed), int(patience) or None)
    return text.check_config(cfg, text.Vocab.from_text(corpus_text).size)


def mark_best(fig, fit):
    """The loss chart with a dotted line at the epoch of the lowest validation loss."""
    if fit is not None:
        fig.add_vline(x=fit.best_epoch, line_dash="dot", line_color="#6b7280", row="all", col="all")
        fig.add_annotation(x=fit.best_epoch, y=1.0, yref="paper", xref="x", text=f"best epoch {fit.best_epoch}",
                           showarrow=False, yanchor="bottom", font_size=11)
    return fig


def generalisation_note(fit, tr) -> None:
    """Where validation loss was lowest, and a warning when it rises while training loss falls."""
    if fit is None:
        return
    kept = " Early stopping will keep the weights of that epoch." if tr.cfg.train.patience else \
        " Early stopping is off: turn it on to keep the weights of that epoch."
    if fit.memorising:
        st.warning(f"**Memorising:** the validation loss has risen from {fit.best_val:.3f} (epoch {fit.best_epoch}) "
                   f"to {fit.last_val:.3f} while the training loss fell from {fit.best_train:.3f} to "
                   f"{fit.last_train:.3f}. The network is learning this text by heart, not patterns that carry "
                   f"over to new text.{kept}", icon="📉")
    else:
        st.caption(f"Lowest validation loss so far: {fit.best_val:.3f}, in epoch {fit.best_epoch} (dotted line).")


def temperatures(t: float) -> list[float]:
    """Greedy, the student's temperature and twice it: what temperature does, side by side."""
    return [0.0, t, min(2 * t, text.MAX_TEMPERATURE)]


def current_samples(tr, temps: list[float], prompt: str, length: int, running: bool) -> list[str]:
    """Samples of the trainer's current weights; while it trains, rewritten at most every SAMPLE_EVERY_S."""
    key = (tuple(temps), prompt, length)
    kept = st.session_state.get(f"{SLOT}_samples")
    now = time.monotonic()
    changed = kept is not None and kept["steps"] != getattr(tr, "steps", tr.epoch)  # the weights moved
    stale = changed and (not running or now - kept["at"] >= SAMPLE_EVERY_S)
    if kept is None or kept["trainer"] is not tr or kept["key"] != key or stale:
        texts = text_writing.samples(tr.model, tr.vocab, temps, prompt, length, seed=tr.cfg.train.seed + tr.epoch)
        copies = [text_writing.longest_copy(t, tr.text) for t in texts]  # once per sample, not per redraw
        kept = {"trainer": tr, "key": key, "steps": getattr(tr, "steps", tr.epoch), "at": now, "texts": texts,
                "copies": copies}
        st.session_state[f"{SLOT}_samples"] = kept
    return kept["texts"], kept["copies"]


def sample_grid(tr, temps: list[float], prompt: str, length: int, running: bool, code: bool) -> None:
    """The samples side by side, each under its temperature; the prompt is shown with them."""
    texts, copies = current_samples(tr, temps, prompt, length, running)
    for col, t, continuation, copy in zip(st.columns(len(temps)), temps, texts, copies, strict=True):
        with col:
            label = "greedy (T = 0)" if t == 0 else f"T = {t:.2f}"
            st.markdown(f"**{label}**")
            st.code(prompt + continuation, language="python" if code else None, wrap_lines=True, height=300)
            shown = "".join(text.printable(c) if c in "\n\t" else c for c in copy)
            st.caption(f"📋 Longest stretch copied from the corpus: **{len(copy)}** of {len(continuation)} "
                       f"characters: “{plain(shown)}”")


# ---------------------------------------------------------------- the page's live view

def live_section(tr, cfg) -> None:
    """Controls, the sample settings, and the live loss, samples and next-character chart."""
    live.buttons(tr, SLOT)
    if not live.same_run(tr.cfg, cfg):
        st.warning("You changed settings since this run started: press **Reset** to train with them.")
    st.caption(f"Vocabulary: {tr.vocab.size} characters · {text.parameter_count(tr.cfg, tr.vocab.size):,} "
               f"parameters · one epoch = {tr.windows_per_epoch} windows of {tr.cfg.window.lookback} characters "
               "read at random places in the first 90% of the text (the next 5% is for validation).")
    c = st.columns([1, 1, 1.4])
    temperature = c[0].slider("temperature", 0.0, 2.0, 0.7, 0.05, key="temperature", **BIND,
                              help="Divides the network's scores before they become probabilities.")
    length = c[1].slider("Characters per sample", 50, 400, 200, 50, key="sample_length", **BIND)
    prompt = c[2].text_input("Prompt", PROMPTS["english"], max_chars=200, key="prompt", **BIND,
                             help="The samples continue this text; the bar chart shows what comes next.")
    temps = temperatures(temperature)
    explain(prose("text")["generalise"])

    def draw(tr, note):
        live.header(note, tr.epoch / tr.epochs_total,
                    f"Epoch {tr.epoch} of {tr.epochs_total} · {live.status_word(tr, SLOT)}")
        last = tr.history[-1] if tr.history else None
        m = st.columns(4)
        m[0].metric("validation loss", f"{last.val_loss:.3f}" if last else "–",
                    help=f"Nats per character. Guessing uniformly scores log {tr.vocab.size} = {tr.uniform_loss:.3f}.")
        m[1].metric("perplexity", f"{text.perplexity(last.val_loss):.2f}" if last else "–",
                    help=f"exp(loss): choosing among this many characters on average; uniform = {tr.vocab.size}.")
        m[2].metric("top guess right", f"{tr.accuracy():.0%}" if last else "–",
                    help="Share of validation characters the network's most likely guess gets right.")
        m[3].metric("epochs / s", f"{len(tr.history[-20:]) / sum(r.seconds for r in tr.history[-20:]):.1f}"
                    if last else "–")
        if tr.status == "diverged":
            st.error(tr.message, icon="💥")
        elif tr.message:
            st.success(tr.message)
        fit = text.generalisation(tr.history)
        live.chart("text_loss_chart", lambda: mark_best(plots.loss_figure(tr.history, tr.uniform_loss), fit), tr,
                   (tr.epoch,), SLOT)
        generalisation_note(fit, tr)
        with guarded():
            st.subheader("What it writes now")
            st.caption("The same network, the same prompt, three temperatures; rewritten every few seconds "
                       "while it trains. The prompt is shown first.")
            sample_grid(tr, temps, prompt, length, live.is_running(SLOT), code=tr.cfg.data.kwargs()["corpus"] == "python")
            st.subheader("What comes next?")
            st.caption(f"The network's probabilities for the character after your prompt, at temperature "
                       f"{temperature:.2f}; ␣ is a space, ⏎ a new line.")
            probs = text_writing.next_char_probs(tr.model, tr.vocab, prompt, temperature)
            plotly_chart(plots.next_char_figure(tr.vocab.chars, probs), key="next_char_chart", width="stretch")

    live.live_fragment(draw, SLOT)
