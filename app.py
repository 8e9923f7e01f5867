"""Home page: what RNN Playground is, the map of the pages in lecture order, how to use it."""

import streamlit as st

from ui.setup import page_map, page_setup

page_setup("Home", "🏠")

st.title("🔁 RNN Playground")
st.markdown(
    """
Recurrent neural networks read a sequence one step at a time and carry a memory, the
**hidden state**, from each step to the next. This app lets you *do* what a lecture on
RNNs talks about: pick a sequence, cut it into training windows, choose a cell, and train
a small PyTorch network live while you watch the loss, the predictions and the gradients
flowing back through time. Every number on screen comes from code you can read in the
`rnn_core` library, the same code a notebook can import.
"""
)

st.subheader("The pages, in lecture order")
page_map()

left, right = st.columns(2)
with left:
    st.subheader("For students")
    st.markdown(
        """
- Start at **Sequence data**: choose a sequence in the sidebar (or upload your own CSV).
  The choice follows you to the other pages.
- Every page ends with questions to explore. Make a guess first, then run the experiment.
- Nothing you do can break the app: odd settings get a message, not a crash.
"""
    )
with right:
    st.subheader("For instructors")
    st.markdown(
        """
- Settings live in the page's address, so a link you paste reproduces what you show.
- **Train** runs in short chunks: pause, step one epoch, change the learning rate mid-run.
- Presets on the Train page show known-good and known-bad set-ups, each with its reason.
"""
    )

st.caption(
    "Built with Streamlit, PyTorch, statsmodels and plotly. Real series (CO₂, sunspots, Nile) "
    "ship with statsmodels; the traffic series is synthetic."
)
