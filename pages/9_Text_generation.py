"""Text generation: a character-level language model trained live, writing at several temperatures."""

import streamlit as st

from rnn_core.errors import PlaygroundError
from rnn_core.labs import text, text_writing
from rnn_core.plots import text as plots
from ui import live
from ui import text_views as views
from ui.questions import guided_questions
from ui.sequence_views import explore
from ui.setup import explain, page_setup, plotly_chart, show_error, url_checked

SLOT = views.SLOT

page_setup("Text generation", "✍️")
st.title("✍️ Text generation: a character-level language model")
explain("Text is a sequence too: of characters. This network reads a text one character at a time and, "
        "at every step, guesses the **next character**. After training it can write: guess, pick a "
        "character, feed it back in, guess again. Below it trains live on the corpus you pick, and "
        "writes a few lines every few seconds so you can watch words appear.")

settings_col, live_col = st.columns([1, 2.4], gap="large")
with settings_col:
    try:
        corpus_name, corpus_text = views.pick_corpus()
        cfg = views.settings(corpus_name, corpus_text)
        tr = live.ensure_trainer(cfg, corpus_text, slot=SLOT, factory=text.CharTrainer)
    except PlaygroundError as err:
        show_error(err)
        cfg, tr = None, None

if tr is None:
    with live_col:
        st.info("Pick a corpus and settings that fit it to start training.")
    url_checked()
    st.stop()

with live_col:
    live.buttons(tr, SLOT)
    if not live.same_run(tr.cfg, cfg):
        st.warning("You changed settings since this run started: press **Reset** to train with them.")
    st.caption(f"Vocabulary: {tr.vocab.size} characters · {text.parameter_count(tr.cfg, tr.vocab.size):,} "
               f"parameters · one epoch = {tr.windows_per_epoch} windows of {tr.cfg.window.lookback} characters "
               "read at random places in the first 90% of the text (the next 5% is for validation).")
    c = st.columns([1, 1, 1.4])
    temperature = c[0].slider("temperature", 0.0, 2.0, 0.7, 0.05, key="temperature", **views.BIND,
                              help="Divides the network's scores before they become probabilities.")
    length = c[1].slider("Characters per sample", 50, 400, 200, 50, key="sample_length", **views.BIND)
    prompt = c[2].text_input("Prompt", views.PROMPTS["english"], max_chars=200, key="prompt", **views.BIND,
                             help="The samples continue this text; the bar chart shows what comes next.")
    temps = views.temperatures(temperature)

    def draw(tr, note):
        if note:
            st.info(note, icon="⏳")
        status = "training…" if live.is_running(SLOT) else tr.status.replace("running", "paused").replace("_", " ")
        st.progress(tr.epoch / tr.epochs_total, text=f"Epoch {tr.epoch} of {tr.epochs_total} · {status}")
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
        live.chart("text_loss_chart", lambda: plots.loss_figure(tr.history, tr.uniform_loss), tr, (tr.epoch,), SLOT)
        try:
            st.subheader("What it writes now")
            st.caption("The same network, the same prompt, three temperatures; rewritten every few seconds "
                       "while it trains. The prompt is shown first.")
            views.sample_grid(tr, temps, prompt, length, live.is_running(SLOT),
                              code=tr.cfg.data.kwargs()["corpus"] == "python")
            st.subheader("What comes next?")
            st.caption(f"The network's probabilities for the character after your prompt, at temperature "
                       f"{temperature:.2f}; ␣ is a space, ⏎ a new line.")
            probs = text_writing.next_char_probs(tr.model, tr.vocab, prompt, temperature)
            plotly_chart(plots.next_char_figure(tr.vocab.chars, probs), key="next_char_chart", width="stretch")
        except PlaygroundError as err:
            show_error(err)

    live.live_fragment(draw, SLOT)

url_checked()
st.header("Explore")
for key in ("text_temperature", "text_sequence", "text_t0", "text_limitations", "text_training"):
    explore("text_explore.md", key)
guided_questions("text")
