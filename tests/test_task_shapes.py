"""The four task shapes: their pairs are the real windows, their diagrams put every box where the shape says."""

import numpy as np
import pytest

from rnn_core.data.task_shapes import task_shapes
from rnn_core.data.windows import make_windows
from rnn_core.errors import ConfigError
from rnn_core.plots.task_shapes import task_shapes_figure


@pytest.mark.parametrize("lookback, horizon", [(3, 1), (3, 3), (1, 4), (4, 2)])
def test_each_shape_trains_on_the_real_first_window(lookback, horizon):
    seq_vec, seq_seq, vec_seq, enc_dec = task_shapes(lookback, horizon)
    X, Y = make_windows(np.arange(10.0), lookback, horizon, "seq2seq")
    assert seq_seq.targets == Y[0].tolist() and seq_seq.emits == tuple(range(lookback))
    assert seq_vec.inputs == X[0, :, 0].tolist() == enc_dec.inputs
    assert seq_vec.targets == enc_dec.targets == [float(lookback + k) for k in range(horizon)]
    assert vec_seq.inputs == [lookback - 1.0] and vec_seq.targets == seq_vec.targets
    assert enc_dec.emits == () and len(enc_dec.decoder) == horizon and min(enc_dec.decoder) == lookback
    assert seq_vec.app_mode == ("next" if horizon == 1 else "multi") and seq_seq.app_mode == "seq2seq"
    assert vec_seq.app_mode == enc_dec.app_mode == ""


def test_the_lecture_table_row_is_the_sequence_to_sequence_shape():
    assert task_shapes(3, 3)[1].targets == [[1, 2, 3], [2, 3, 4], [3, 4, 5]]


@pytest.mark.parametrize("lookback, horizon", [(0, 1), (3, 7), (2.5, 1)])
def test_sizes_that_do_not_fit_the_picture_are_refused(lookback, horizon):
    with pytest.raises(ConfigError, match="room"):
        task_shapes(lookback, horizon)


def test_the_figure_draws_one_box_per_input_cell_and_output_and_the_feedback():
    shapes = task_shapes(3, 2)
    fig = task_shapes_figure(shapes)
    boxes = [s for s in fig.layout.shapes if s.type == "rect"]
    # cells + inputs + outputs per panel: 3+3+1, 3+3+3, 2+1+2, 5+3+2
    assert len(boxes) == 7 + 9 + 5 + 10
    texts = [a.text for a in fig.layout.annotations]
    assert "1,2" in texts and texts.count("dec") == 2
    purple = [a for a in fig.layout.annotations if a.showarrow and a.arrowcolor == "#7c3aed"]
    assert len(purple) == 1, "the first decoder output is fed to the second step"
    assert all(a.axref == a.xref for a in fig.layout.annotations if a.showarrow)
