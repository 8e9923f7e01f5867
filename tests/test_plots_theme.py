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


def _log_axes(fig):
    layout = fig.to_plotly_json()["layout"]
    return [axis for name, axis in layout.items() if name.startswith(("xaxis", "yaxis")) and axis.get("type") == "log"]


def _labels_only_decades_or_full_values(axis) -> bool:
    if "tickvals" in axis:  # 1-2-5 steps, each label the full value it marks
        return all(float(text) == value for text, value in zip(axis["ticktext"], axis["tickvals"], strict=True))
    return axis.get("dtick") == 1


def test_log_axes_label_powers_of_ten_not_bare_minor_digits():
    from types import SimpleNamespace

    from rnn_core.plots import transfer

    history = [SimpleNamespace(epoch=e, train_loss=1 / e, val_loss=2 / e) for e in range(1, 40)]
    figures = [training.loss_figure([]), training.loss_figure(history),
               training.grad_figure([(1, [1e-3, 1e-2, 1.0])]),
               transfer.race_figure({"scratch": ([0, 1, 2], [1.0, 0.5, 0.2])}),
               transfer.sweep_figure({"scratch": [(10, 1.0), (100, 0.5)]})]
    for fig in figures:
        axes = _log_axes(fig)
        assert axes, fig.layout.title.text
        assert all(_labels_only_decades_or_full_values(a) for a in axes), fig.layout.title.text


def test_an_empty_loss_chart_shows_the_range_losses_start_in_and_data_takes_over():
    import math
    from types import SimpleNamespace

    empty = training.loss_figure([])
    assert list(empty.layout.yaxis.range) == theme.EMPTY_LOSS_RANGE
    fig = training.set_loss_data(empty, [SimpleNamespace(epoch=1, train_loss=50.0, val_loss=60.0)])
    low, high = fig.layout.yaxis.range
    assert low < math.log10(50.0) and high > math.log10(60.0), "the data's own range, not the empty one"
    shown = [t for t in fig.layout.yaxis.tickvals if low <= math.log10(t) <= high]
    assert len(shown) >= 2, "at least two labelled ticks on screen"


def test_a_loss_that_blew_up_is_labelled_every_few_decades_not_every_one():
    wide = theme.log_axis("loss", values=[3e6, 2e21])  # the diverging preset: 15 decades in two epochs
    assert wide["dtick"] == 3 and wide["autorange"] is True
    assert theme.log_axis("loss", values=[1e-3, 1.0])["dtick"] == 1, "a few decades: each one labelled"
    assert theme.log_axis("loss", values=[])["dtick"] == 1
