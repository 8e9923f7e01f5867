"""The only code besides pages/ that imports streamlit: page setup, widgets, caching, live training."""

from ui import memory as _memory  # noqa: F401 - first: it limits malloc's arenas before the heavy imports
