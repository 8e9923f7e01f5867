"""Forecasts to hold a network against, and how every forecast is scored.

- :mod:`~rnn_core.forecasting.baselines`: naive, seasonal naive, drift, mean;
- :mod:`~rnn_core.forecasting.arima`: ARIMA through statsmodels: the one order search, fits,
  rolling forecasts, intervals, residual checks;
- :mod:`~rnn_core.forecasting.metrics`: MAE, RMSE, MASE;
- :mod:`~rnn_core.forecasting.arena`: every model on the same test points;
- :mod:`~rnn_core.forecasting.multistep`: recursive, direct and seq2seq multi-step forecasts.
"""
