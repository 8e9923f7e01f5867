"""Windows, the chronological split and the scaler: the lecture's tables and no leakage."""

import dataclasses

import numpy as np
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from rnn_core.config import MAX_LOOKBACK, WindowConfig
from rnn_core.data import windows as W
from rnn_core.errors import ConfigError, DataError

TEN = np.arange(10.0)

# The lecture's table (values 0..9, lookback 3): mode, horizon, first target, number of windows.
LECTURE_ROWS = [
    ("next", 1, [3], 7),
    ("multi", 2, [3, 4], 6),
    ("seq2seq", 1, [[1], [2], [3]], 7),
    ("seq2seq", 2, [[1, 2], [2, 3], [3, 4]], 6),
    ("seq2seq", 3, [[1, 2, 3], [2, 3, 4], [3, 4, 5]], 5),
]


@pytest.mark.parametrize("mode, horizon, first_target, count", LECTURE_ROWS)
def test_lecture_table(mode, horizon, first_target, count):
    X, Y = W.make_windows(TEN, lookback=3, horizon=horizon, mode=mode)
    assert X[0, :, 0].tolist() == [0, 1, 2]
    assert Y[0].tolist() == first_target
    assert len(X) == len(Y) == count == 10 - 3 - horizon + 1
    assert X.dtype == Y.dtype == np.float64


def test_next_windows_end_with_the_last_value():
    X, Y = W.make_windows(TEN, 3)
    assert X.shape == (7, 3, 1) and Y.shape == (7, 1)
    assert X[-1, :, 0].tolist() == [6, 7, 8] and Y[-1].tolist() == [9]


@pytest.mark.parametrize("mode, horizon", [("next", 1), ("multi", 4), ("seq2seq", 1), ("seq2seq", 3)])
def test_every_window_is_the_series_itself(mode, horizon):
    n, L = 23, 5
    X, Y = W.make_windows(np.arange(n), L, horizon, mode)
    N = n - L - horizon + 1
    assert X.shape == (N, L, 1)
    assert Y.shape == ((N, L, horizon) if mode == "seq2seq" else (N, horizon))
    assert Y.max() == n - 1                      # the last value is used, nothing past it
    for i in range(N):
        assert X[i, :, 0].tolist() == list(range(i, i + L))
        if mode == "seq2seq":
            for t in range(L):                   # step t predicts its own next h values
                assert Y[i, t].tolist() == list(range(i + t + 1, i + t + 1 + horizon))
        else:
            assert Y[i].tolist() == list(range(i + L, i + L + horizon))


def test_windows_are_copies_not_views():
    v = np.arange(10.0)
    X, Y = W.make_windows(v, 3)
    X[0, 0, 0] = 99.0
    Y[0, 0] = 99.0
    assert v[0] == 0 and v[3] == 3 and X.flags.c_contiguous
    part = W.prepare(np.arange(100.0), WindowConfig(lookback=1)).train
    assert all(a.flags.writeable and a.flags.owndata for a in (part.X, part.Y, part.targets))


@pytest.mark.parametrize(
    "kwargs, error",
    [
        (dict(lookback=0), ConfigError),
        (dict(lookback=3, horizon=0, mode="multi"), ConfigError),
        (dict(lookback=3, mode="sideways"), ConfigError),
        (dict(lookback=3, horizon=2, mode="next"), ConfigError),
        (dict(lookback=2.5), ConfigError),
        (dict(lookback=9, horizon=2, mode="multi"), DataError),
    ],
)
def test_bad_window_settings(kwargs, error):
    with pytest.raises(error):
        W.make_windows(TEN, **kwargs)


def test_too_short_message_gives_numbers():
    with pytest.raises(DataError, match=r"5 values.*3 \+ 4 = 7"):
        W.make_windows(np.arange(5.0), 3, 4, "multi")


@pytest.mark.parametrize("bad", [[1.0, np.nan, 3.0, 4.0, 5.0], np.ones((3, 3)), ["a", "b"]])
def test_bad_values_raise_data_error(bad):
    with pytest.raises(DataError):
        W.make_windows(bad, 1)


def test_origins_and_split_bounds():
    assert W.window_origins(10, 3, 1).tolist() == [3, 4, 5, 6, 7, 8, 9]
    assert W.window_origins(10, 3, 3).tolist() == [3, 4, 5, 6, 7]
    assert len(W.window_origins(4, 3, 2)) == 0
    assert W.split_bounds(1000, (0.7, 0.15)) == (700, 850)
    assert W.split_bounds(28, (0.7, 0.15)) == (19, 23)


def test_as_forecasts_keeps_the_last_step():
    X, Y = W.make_windows(TEN, 3, 2, "seq2seq")
    assert W.as_forecasts(Y, "seq2seq")[0].tolist() == [3, 4]
    X, Y = W.make_windows(TEN, 3, 1, "next")
    assert W.as_forecasts(Y, "next").shape == (7, 1)


# ---------------------------------------------------------------- scaler

@pytest.mark.parametrize("kind", ["none", "minmax", "standard"])
def test_scaler_round_trip(kind):
    rng = np.random.default_rng(0)
    train = rng.normal(5, 3, size=50)
    s = W.Scaler.fit(kind, train)
    x = rng.normal(0, 100, size=(4, 6, 2))
    assert s.transform(x).shape == x.shape
    np.testing.assert_allclose(s.inverse(s.transform(x)), x, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(s.transform(x), (x - s.shift) / s.scale)


def test_scaler_statistics():
    s = W.Scaler.fit("minmax", [2.0, 4.0, 10.0])
    assert (s.shift, s.scale) == (2.0, 8.0)
    assert s.transform([2.0, 10.0]).tolist() == [0.0, 1.0]
    s = W.Scaler.fit("standard", [1.0, 3.0])
    assert (s.shift, s.scale) == (2.0, 1.0)
    assert s.describe() == "standard: mean 2, std 1, fitted on 2 training values"
    assert W.Scaler.fit("minmax", [0.0, 5.0]).describe().startswith("minmax: min 0, max 5")
    assert (W.Scaler.fit("none", [7.0]).shift, W.Scaler.fit("none", [7.0]).scale) == (0.0, 1.0)


@pytest.mark.parametrize("kind", ["minmax", "standard"])
def test_constant_training_part_raises(kind):
    with pytest.raises(DataError, match="choose scaler none"):
        W.Scaler.fit(kind, np.full(20, 3.0))
    values = np.r_[np.full(70, 3.0), np.arange(30.0)]
    with pytest.raises(DataError, match="All training values are equal"):
        W.prepare(values, WindowConfig(lookback=5, scaler=kind))
    W.prepare(values, WindowConfig(lookback=5, scaler="none"))  # "none" has nothing to divide by


def test_unknown_scaler():
    with pytest.raises(ConfigError):
        W.Scaler.fit("robust", [1.0, 2.0])


# ---------------------------------------------------------------- prepare

@pytest.mark.parametrize("kind", ["minmax", "standard"])
def test_scaler_never_sees_validation_or_test_values(kind):
    rng = np.random.default_rng(1)
    values = rng.normal(size=200)
    cfg = WindowConfig(lookback=6, scaler=kind)
    a, b = W.split_bounds(200, cfg.split)
    huge = values.copy()
    huge[a:] = 1e9 * np.arange(200 - a)          # outrageous validation and test values
    p1, p2 = W.prepare(values, cfg), W.prepare(huge, cfg)
    assert p1.scaler == p2.scaler == W.Scaler.fit(kind, values[:a])
    np.testing.assert_array_equal(p1.train.X, p2.train.X)
    np.testing.assert_array_equal(p1.train.Y, p2.train.Y)


def test_prepare_shapes_and_units():
    values = np.sin(np.arange(300) / 5) * 50 + 100
    p = W.prepare(values, WindowConfig(lookback=12, horizon=3, mode="multi"))
    assert (p.n, p.a, p.b, p.lookback, p.horizon, p.mode) == (300, 210, 255, 12, 3, "multi")
    for part in (p.train, p.val, p.test):
        assert part.X.dtype == part.Y.dtype == np.float32 and part.targets.dtype == np.float64
        assert part.X.shape == (len(part), 12, 1) and part.Y.shape == (len(part), 3)
        assert part.targets.shape == (len(part), 3)
        np.testing.assert_allclose(W.inverse_targets(p, part.Y), part.targets, rtol=1e-5)
    assert p.test.origins[-1] + 3 == 300              # the last window ends with the last value


def test_inverse_targets_accepts_a_tensor():
    import torch

    p = W.prepare(np.arange(100.0), WindowConfig(lookback=4))
    y = torch.tensor(p.test.Y, requires_grad=True) * 1.0
    np.testing.assert_allclose(W.inverse_targets(p, y), p.test.targets, rtol=1e-5)


def test_too_short_series_gives_a_friendly_message():
    with pytest.raises(DataError, match=r"With 28 values and lookback 24, the training part \(first 70%, 19 values\)"):
        W.prepare(np.arange(28.0), WindowConfig(lookback=24))
    # enough history, but the 10% test part is shorter than the horizon
    with pytest.raises(DataError, match=r"test part \(last 10%, 7 values\).*shorter than the horizon"):
        W.prepare(np.arange(60.0), WindowConfig(lookback=2, horizon=8, mode="multi", split=(0.6, 0.3)))


def test_bad_split_raises_config_error():
    with pytest.raises(ConfigError):
        W.prepare(np.arange(100.0), WindowConfig(split=(0.8, 0.3)))


def test_prepare_enforces_the_hard_limits():
    with pytest.raises(ConfigError, match="limited"):
        W.prepare(np.arange(5000.0), WindowConfig(lookback=MAX_LOOKBACK + 1))


@settings(max_examples=150, deadline=None)
@given(
    n=st.integers(8, 400),
    lookback=st.integers(1, 30),
    horizon=st.integers(1, 8),
    mode=st.sampled_from(["next", "multi", "seq2seq"]),
    train=st.floats(0.3, 0.8),
    val=st.floats(0.05, 0.3),
    scaler=st.sampled_from(["none", "minmax", "standard"]),
)
def test_no_target_leaks_across_the_split(n, lookback, horizon, mode, train, val, scaler):
    if mode == "next":
        horizon = 1
    if train + val >= 0.95:
        val = 0.95 - train
    cfg = WindowConfig(lookback=lookback, horizon=horizon, mode=mode, scaler=scaler, split=(train, val))
    values = np.arange(n, dtype=np.float64)          # each value is its own index
    a, b = W.split_bounds(n, cfg.split)
    try:
        p = W.prepare(values, cfg)
    except DataError as exc:
        event("refused: a part has no room")
        assert "no room for a window" in str(exc)
        # It refused only because some part really has no admissible origin.
        o = W.window_origins(n, lookback, horizon)
        assert min(np.sum(o + horizon <= a), np.sum((o >= a) & (o + horizon <= b)), np.sum(o >= b)) == 0
        return
    assert p.scaler == W.Scaler.fit(scaler, values[:a])
    all_origins = W.window_origins(n, lookback, horizon)
    for part, lo, hi in ((p.train, 0, a), (p.val, a, b), (p.test, b, n)):
        o = part.origins
        assert len(o) >= 1
        assert np.all(o >= lo) and np.all(o + horizon <= hi)       # all targets inside the part
        # and no admissible window was dropped
        assert o.tolist() == all_origins[(all_origins >= lo) & (all_origins + horizon <= hi)].tolist()
        np.testing.assert_array_equal(part.targets, o[:, None] + np.arange(horizon))
        idx_x = np.rint(p.scaler.inverse(part.X[:, :, 0])).astype(int)
        np.testing.assert_array_equal(idx_x, o[:, None] - lookback + np.arange(lookback))
        idx_y = np.rint(p.scaler.inverse(part.Y)).astype(int)
        assert idx_y.max() < hi                                  # seq2seq: every step's targets too
        np.testing.assert_array_equal(W.as_forecasts(idx_y, mode), part.targets)
    assert p.train.origins.max() + horizon <= a <= p.val.origins.min()
    assert p.val.origins.max() + horizon <= b <= p.test.origins.min()


def test_prepare_is_deterministic_and_leaves_the_config_alone():
    cfg = WindowConfig(lookback=5, horizon=2, mode="seq2seq")
    values = np.cos(np.arange(120.0))
    p1, p2 = W.prepare(values, cfg), W.prepare(values, dataclasses.replace(cfg))
    np.testing.assert_array_equal(p1.val.Y, p2.val.Y)
    assert p1.val.Y.shape == (len(p1.val), 5, 2)


def test_prepare_on_a_bundled_dataset():
    from rnn_core import data
    series = data.load("sine")
    p = W.prepare(series.values, WindowConfig(lookback=8, horizon=2, mode="multi"))
    assert min(len(p.train), len(p.val), len(p.test)) > 0
    np.testing.assert_array_equal(p.test.targets[:, 0], series.values[p.test.origins])


def test_windows_too_large_for_memory_are_refused():
    from rnn_core.config import WindowConfig
    from rnn_core.data.windows import prepare
    from rnn_core.errors import ConfigError

    big = np.sin(np.arange(200_000) / 10.0)
    with pytest.raises(ConfigError, match="more than"):
        prepare(big, WindowConfig(lookback=200, horizon=48, mode="seq2seq"))


# ---------------------------------------------------------------- preparations that follow a trend

PREPARATIONS = [("difference", 0), ("seasonal", 7), ("last", 0), ("mean", 0)]


def _trend(n=240, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n, dtype=np.float64)
    return 0.3 * t + 5 * np.sin(2 * np.pi * t / 7) + rng.normal(0, 0.5, n)


@pytest.mark.parametrize("transform, period", PREPARATIONS)
@pytest.mark.parametrize("mode, horizon", [("next", 1), ("multi", 9), ("seq2seq", 3)])
def test_true_prepared_targets_turn_back_into_the_series_values(transform, period, mode, horizon):
    """Feed the prepared targets themselves through the way back: out come the true values, on every part."""
    values = _trend()
    cfg = WindowConfig(lookback=10, horizon=horizon, mode=mode, transform=transform, period=period)
    p = W.prepare(values, cfg)
    for part in (p.train, p.val, p.test):
        np.testing.assert_allclose(p.to_units(W.as_forecasts(part.Y, mode), part.origins), part.targets,
                                   rtol=1e-5, atol=1e-4)
        np.testing.assert_allclose(W.inverse_targets(p, W.as_forecasts(part.Y, mode), part.origins), part.targets,
                                   rtol=1e-5, atol=1e-4)
        # the inputs a recursive forecast builds from a history are the part's own inputs
        np.testing.assert_allclose(p.inputs(p.histories(part.origins)), part.X, rtol=1e-5, atol=1e-5)
        np.testing.assert_array_equal(part.targets, values[part.origins[:, None] + np.arange(horizon)])


@pytest.mark.parametrize("transform, period", PREPARATIONS)
def test_what_each_preparation_asks_the_network_for(transform, period):
    values = _trend()
    p = W.prepare(values, WindowConfig(lookback=10, transform=transform, period=period, scaler="none"))
    o = p.test.origins
    x, y = p.test.X[:, :, 0].astype(np.float64), p.test.Y[:, 0].astype(np.float64)
    past = values[o[:, None] - 10 + np.arange(10)]  # (N, 10)
    if transform == "difference":
        want_x, want_y = past - values[o[:, None] - 11 + np.arange(10)], values[o] - values[o - 1]
    elif transform == "seasonal":
        want_x, want_y = past - values[o[:, None] - 17 + np.arange(10)], values[o] - values[o - 7]
    else:
        ref = past[:, -1] if transform == "last" else past.mean(axis=1)
        want_x, want_y = past - ref[:, None], values[o] - ref
    np.testing.assert_allclose(x, want_x, atol=1e-4)
    np.testing.assert_allclose(y, want_y, atol=1e-4)


@pytest.mark.parametrize("transform, period", PREPARATIONS)
def test_the_test_points_do_not_move_with_the_preparation(transform, period):
    values = _trend()
    base = W.prepare(values, WindowConfig(lookback=10, horizon=3, mode="multi"))
    p = W.prepare(values, WindowConfig(lookback=10, horizon=3, mode="multi", transform=transform, period=period))
    np.testing.assert_array_equal(p.test.origins, base.test.origins)
    np.testing.assert_array_equal(p.val.origins, base.val.origins)
    assert p.train.origins[0] == 10 + {"difference": 1, "seasonal": 7}.get(transform, 0), "needs more history"


@pytest.mark.parametrize("transform, period", PREPARATIONS)
def test_the_prepared_scaler_never_sees_validation_or_test_values(transform, period):
    values = _trend()
    cfg = WindowConfig(lookback=10, transform=transform, period=period)
    a, _ = W.split_bounds(len(values), cfg.split)
    huge = values.copy()
    huge[a:] = 1e6 * np.arange(len(values) - a)
    p1, p2 = W.prepare(values, cfg), W.prepare(huge, cfg)
    assert p1.scaler == p2.scaler
    np.testing.assert_array_equal(p1.train.X, p2.train.X)
    np.testing.assert_array_equal(p1.train.Y, p2.train.Y)


def test_a_network_that_predicts_no_change_is_the_naive_forecast():
    values = _trend()
    p = W.prepare(values, WindowConfig(lookback=10, transform="difference"))
    zero = float(p.scaler.transform(0.0))  # "no change", in the scaled units the network outputs
    out = p.recursive(lambda X: np.full((len(X), 1), zero), p.test.origins, horizon=4)
    np.testing.assert_allclose(out, np.repeat(values[p.test.origins - 1][:, None], 4, axis=1))


def test_recursive_with_values_as_they_are_matches_multistep():
    import torch

    from rnn_core.forecasting import multistep

    values = _trend()
    p = W.prepare(values, WindowConfig(lookback=6))
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(6, 1))
    with torch.no_grad():
        mine = p.recursive(lambda X: model(torch.from_numpy(X)).numpy(), p.test.origins, 5)
    theirs = multistep.recursive_forecast(model, p.scaler, values, p.test.origins, 6, 5)
    np.testing.assert_allclose(mine, theirs, rtol=1e-4, atol=1e-4)


def test_preparation_settings_are_checked():
    from rnn_core import config

    with pytest.raises(ConfigError, match="preparation"):
        W.prepare(_trend(), WindowConfig(transform="log"))
    with pytest.raises(ConfigError, match="season"):
        W.prepare(_trend(), WindowConfig(transform="seasonal"))
    with pytest.raises(ConfigError, match="season"):
        config.validate(config.PRESETS["tiny"].replace(window={"transform": "seasonal", "period": 0}))
    with pytest.raises(ConfigError, match="preparation"):
        config.validate(config.PRESETS["tiny"].replace(window={"transform": "log"}))
    # a straight line has one constant change: nothing to scale, and the message says why
    with pytest.raises(DataError, match="difference.*every training value is the same"):
        W.prepare(np.arange(100.0), WindowConfig(lookback=4, transform="difference"))
    with pytest.raises(DataError, match=r"11 values of history \(1 more for the differencing\)"):
        W.prepare(np.arange(30.0) ** 2, WindowConfig(lookback=10, transform="difference", split=(0.3, 0.4)))


def test_range_check_counts_the_test_values_beyond_the_training_range():
    from rnn_core import data
    from rnn_core.data import transforms

    s = data.load("noisy_trend")
    rows = {(r["transform"], r["period"]): r for r in transforms.compare(s.values, WindowConfig(lookback=16),
                                                                          s.periods)}
    raw = rows[("none", 0)]
    assert raw["total"] == 150 and raw["outside"] == raw["above"] and raw["outside"] / raw["total"] > 0.9
    for key in [("difference", 0), ("last", 0), ("mean", 0)]:
        assert rows[key]["outside"] / rows[key]["total"] < 0.05, key
    assert ("seasonal", s.period) in rows
    # counted by hand for the values as they are
    a, b = W.split_bounds(len(s.values), (0.7, 0.15))
    train_targets = s.values[16:a]
    assert raw["outside"] == int(np.sum(s.values[b:] > train_targets.max()) + np.sum(s.values[b:] < train_targets.min()))
