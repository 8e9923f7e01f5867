"""plotly figure builders: take arrays or result objects, return go.Figure, draw nothing themselves.

One module per topic so pages stay thin: ``series`` (sequences, windows, statistics),
``training`` (loss, predictions, gradients), ``layer`` (the unrolled recurrent layer).
"""
