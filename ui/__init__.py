"""The only code besides pages/ that imports streamlit: page setup, widgets, caching, live training."""
