"""The claims mechanism: claims load and are checked on load, the runner counts seeds, a failing claim fails the run."""

import pytest

from rnn_core.claims import experiments, registry, runner, spec
from rnn_core.errors import ConfigError


@pytest.fixture
def toy_experiment():
    """A tiny registered experiment whose numbers depend on the seed: score = seed."""

    def toy(seed: int, offset: float = 0.0) -> dict:
        return {"score": seed + offset, "model.ok": seed % 2 == 0}

    experiments.EXPERIMENTS["toy"] = toy
    yield toy
    del experiments.EXPERIMENTS["toy"]


def _claim(**fields):
    raw = {"experiment": "toy", "expect": "score >= 0", "seeds": "all", **fields}
    return spec.parse_claim(raw, "question:toy")


def test_every_shipped_claim_loads_and_names_a_known_text_and_experiment():
    claims = registry.all_claims()
    assert len(claims) >= 10
    known = registry.texts()
    assert all(c.text in known and c.experiment in experiments.EXPERIMENTS for c in claims)
    # every text the app shows is either claimed or marked, in review, as stating no result
    assert registry.unclaimed(claims) == []


def test_texts_cover_answers_presets_sweeps_prose_and_explore_prompts():
    kinds = {text.split(":")[0] for text in registry.texts()}
    assert {"question", "preset", "sweep", "prose", "explore"} <= kinds


@pytest.mark.parametrize("raw, message", [
    ({"experiment": "toy", "expect": "score >=", "seeds": "all"}, "not a comparison"),
    ({"experiment": "toy", "expect": "score < 1 < 2", "seeds": "all"}, "one of"),
    ({"experiment": "toy", "expect": "__import__('os') == 1", "seeds": "all"}, "only numbers"),
    ({"experiment": "toy", "expect": "1 < 2", "seeds": "all"}, "names no number"),
    ({"experiment": "toy", "expect": "score < 1", "seeds": "2/3"}, ">= 2/3"),
    ({"experiment": "toy", "expect": "score < 1", "seeds": "most"}, "seeds is"),
    ({"experiment": "toy", "expect": "score < 1"}, "'seeds' is missing"),
    ({"experiment": "toy", "expect": "score < 1", "seeds": "all", "colour": 1}, "unknown field"),
    ({"experiment": "toy", "expect": [], "seeds": "all"}, "'expect'"),
])
def test_malformed_claims_are_refused_with_a_message(raw, message):
    with pytest.raises(ConfigError, match=message):
        spec.parse_claim(raw, "question:toy")


def test_unknown_experiments_params_and_texts_are_refused(tmp_path, toy_experiment):
    path = tmp_path / "claims.toml"
    path.write_text('[[claim]]\ntext = "question:toy"\nexperiment = "nope"\nexpect = "score > 0"\nseeds = "all"\n')
    with pytest.raises(ConfigError, match="unknown experiment"):
        registry.all_claims(extra=path)
    path.write_text('[[claim]]\ntext = "question:toy"\nexperiment = "toy"\nparams = { size = 3 }\n'
                    'expect = "score > 0"\nseeds = "all"\n')
    with pytest.raises(ConfigError, match="takes no parameter size"):
        registry.all_claims(extra=path)
    path.write_text('[[claim]]\nexperiment = "toy"\nexpect = "score > 0"\nseeds = "all"\n')
    with pytest.raises(ConfigError, match="names its text"):
        registry.all_claims(extra=path)


def test_the_share_of_seeds_rounds_up():
    (all_of,) = _claim(seeds="3/3")
    (most,) = _claim(seeds=">= 2/3")
    assert [all_of.needed(n) for n in (1, 3, 5)] == [1, 3, 5]
    assert [most.needed(n) for n in (1, 3, 5)] == [1, 2, 4]


def test_conditions_compare_names_and_arithmetic(toy_experiment):
    (claim,) = _claim(expect="2 * score + 1 > model.ok", params={"offset": 1})
    assert claim.check({"score": 1.0, "model.ok": 0.0}) == (True, "3 vs 0")
    assert claim.check({"score": -1.0, "model.ok": 0.0})[0] is False
    with pytest.raises(KeyError, match="gives no number 'model.ok'"):
        claim.check({"score": 1.0})


def test_run_all_shares_one_run_per_seed_and_counts_the_seeds(toy_experiment):
    claims = _claim(expect=["score >= 1", "model.ok == 1"], seeds=">= 2/3") + _claim(expect="missing > 0")
    outcomes, info = runner.run_all(claims, seeds=[0, 1, 2], jobs=1)
    assert len(info["seconds"]) == 3  # one run per seed, shared by the three claims
    at_least_one, even, missing = outcomes
    assert [ok for _, ok, _ in at_least_one.per_seed] == [False, True, True] and at_least_one.holds
    assert [ok for _, ok, _ in even.per_seed] == [True, False, True] and even.holds
    assert not missing.holds and "missing" in missing.per_seed[0][2]


def test_the_command_exits_non_zero_when_a_claim_fails(tmp_path, toy_experiment, capsys):
    path = tmp_path / "claims.toml"
    path.write_text('[[claim]]\ntext = "question:toy"\nexperiment = "toy"\nexpect = "score < 2"\nseeds = "all"\n')
    assert runner.main(["--claims-file", str(path), "--seeds", "0,1", "--jobs", "1"]) == 0
    assert capsys.readouterr().out.strip().endswith("claims: 1 checked, 1 hold")
    assert runner.main(["--claims-file", str(path), "--seeds", "1,2", "--jobs", "1"]) == 1
    out = capsys.readouterr().out
    assert "2:2✗" in out and out.strip().endswith("claims: 1 checked, 0 hold")


def test_an_experiment_that_raises_fails_its_claims(tmp_path, capsys):
    def broken(seed: int) -> dict:
        raise ValueError("no data")

    experiments.EXPERIMENTS["broken"] = broken
    try:
        path = tmp_path / "claims.toml"
        path.write_text('[[claim]]\ntext = "t"\nexperiment = "broken"\nexpect = "x > 0"\nseeds = "all"\n')
        assert runner.main(["--claims-file", str(path), "--seeds", "0", "--jobs", "1"]) == 1
        assert "ValueError: no data" in capsys.readouterr().out
    finally:
        del experiments.EXPERIMENTS["broken"]


def test_bad_command_lines_get_a_message_not_a_traceback(capsys):
    assert runner.main(["--seeds", "a,b"]) == 2
    assert runner.main(["--only", "no_such_text"]) == 2
    err = capsys.readouterr().err
    assert "--seeds takes whole numbers" in err and "No claim matches" in err


def _no_result_root(tmp_path, body: str):
    (tmp_path / "assets" / "prose").mkdir(parents=True)
    (tmp_path / "assets" / "prose" / "claims.toml").write_text(body)
    return tmp_path


def test_texts_marked_as_stating_no_result_leave_the_unclaimed_list_with_their_reason(tmp_path):
    root = _no_result_root(tmp_path, '[[no_result]]\ntext = "preset:tiny"\nwhy = "describes the preset"\n')
    assert registry.no_result(root) == {"preset:tiny": "describes the preset"}
    missing = registry.unclaimed([], root)
    assert "preset:tiny" not in missing and "preset:default" in missing
    claimed = spec.parse_claim({"experiment": "train_preset", "expect": "x > 0", "seeds": "all"}, "preset:tiny")
    with pytest.raises(ConfigError, match="claimed and also marked"):
        registry.unclaimed(claimed, root)


@pytest.mark.parametrize("body, message", [
    ('[[no_result]]\ntext = "preset:tiny"\n', "says why"),
    ('[[no_result]]\ntext = "preset:nope"\nwhy = "x"\n', "shows no text"),
    ('[[no_result]]\ntext = "preset:tiny"\nwhy = "x"\n[[no_result]]\ntext = "preset:tiny"\nwhy = "y"\n', "twice"),
])
def test_malformed_no_result_entries_are_refused(tmp_path, body, message):
    with pytest.raises(ConfigError, match=message):
        registry.no_result(_no_result_root(tmp_path, body))


def test_every_shipped_no_result_entry_names_a_text_the_app_shows():
    plain = registry.no_result()
    assert set(plain) <= set(registry.texts()) and all(plain.values())


def test_claims_that_borrow_a_run_of_the_opening_settings_name_the_same_settings():
    """preset:default's claims use opening_settings(name="traffic"): one run, so the two must stay equal."""
    from rnn_core import config

    assert config.PRESETS["default"] == config.for_dataset("traffic")


# ---------------------------------------------------------------- the page experiments (rnn_core/claims/page_experiments.py)

def test_page_experiments_are_registered_with_the_others():
    from rnn_core.claims import page_experiments  # noqa: F401

    assert {"memory_scoring", "gradient_init_profile", "layer_page", "gate_parameters", "gate_units",
            "text_sampling", "transfer_sizes"} <= set(experiments.EXPERIMENTS)


def test_the_sweeps_error_scale_reads_one_for_no_memory_and_a_quarter_for_the_sign():
    numbers = experiments.run("memory_scoring", {}, seed=0)
    assert numbers["error_nothing"] == pytest.approx(1.0, abs=0.1)
    assert numbers["error_sign"] == pytest.approx(0.25, abs=0.07)


def test_the_untrained_gradient_profile_vanishes_or_explodes_with_the_radius():
    small = experiments.run("gradient_init_profile", {"init": "orthogonal", "radius": 0.9}, seed=0)
    large = experiments.run("gradient_init_profile", {"init": "orthogonal", "radius": 2.0}, seed=0)
    assert small["vanishing"] == 1.0 and large["exploding"] == 1.0
    assert small["log10_growth"] < 0 < large["log10_growth"]


def test_layer_page_numbers_and_gate_parameter_ratios():
    collatz = experiments.run("layer_page", {}, seed=0)
    assert collatz["tanh.raw.max_h"] <= 1.0 < collatz["relu.raw.max_h"]
    assert 0.0 <= collatz["fade"] and 0.0 <= collatz["tanh.raw.flat"] <= 1.0
    assert experiments.run("gate_parameters", {"hidden_size": 16}, seed=0)["gru_over_lstm"] == 0.75


def test_gate_units_and_text_sampling_give_their_numbers_on_a_short_training():
    units = experiments.run("gate_units", {"name": "sine", "hidden_size": 4, "lookback": 8, "epochs": 2}, seed=0)
    assert 0.0 < units["keep_min"] <= units["keep_max"] < 1.0 and 0 <= units["tracking"] <= 4
    text = experiments.run("text_sampling", {"epochs": 1}, seed=0)
    assert text["greedy_same"] == 1.0 and 0.0 <= text["prompt_shift"] <= 1.0
    assert {"t0.word_share", "t2.distinct", "top_prob_t1", "uniform", "first_train"} <= set(text)
