"""One colour per model on every page: each chart module takes a model's colour from the theme."""

import pytest

from rnn_core.plots import arena, gates, gradients, layer, series, theme, training


@pytest.mark.parametrize("colors, models", [
    (arena.COLORS, theme.MODEL_COLORS),
    (gradients.CELL_COLORS, theme.MODEL_COLORS),
    (gates.CELL_COLORS, ("rnn", "lstm", "gru")),
    (training.COLORS, ("rnn", "naive", "seasonal_naive", "arima")),
    (layer.COLORS, ("rnn", "mlp")),
    (series.COLORS, ("naive", "seasonal_naive", "drift", "mean")),
])
def test_every_chart_module_colours_models_as_the_theme_does(colors, models):
    for model in models:
        assert colors[model] == theme.MODEL_COLORS[model], model


def test_the_theme_gives_each_model_its_own_colour():
    assert len(set(theme.MODEL_COLORS.values())) == len(theme.MODEL_COLORS)
    assert theme.model_color("gru") == theme.MODEL_COLORS["gru"] and theme.model_color("?") == theme.ROLE_COLORS["muted"]


def test_the_gru_is_the_same_colour_in_the_race_and_the_speed_chart():
    race = gradients.CELL_COLORS["gru"]
    speed = gates.speed_figure([gates_row("gru")]).data[0].marker.color[0]
    assert race == speed == theme.MODEL_COLORS["gru"]


def gates_row(cell):
    from rnn_core.labs.gates import SpeedRow

    return SpeedRow(cell=cell, parameters=10, ms_per_epoch=5.0, ms_each=(5.0, 5.0), val_loss=0.1, epochs=3)
