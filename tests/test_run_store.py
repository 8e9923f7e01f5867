"""A reload brings a session's runs back: kept under an unguessable id, one owner, bounded, expiring."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from ui.run_store import RunStore

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "4_Train.py")


def _open(query=None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


class _Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_ids_are_long_random_and_never_repeat():
    ids = {RunStore.new_id() for _ in range(1000)}
    assert len(ids) == 1000 and all(len(i) >= 22 and re.fullmatch(r"[\w-]+", i) for i in ids)


def test_a_run_is_taken_over_only_once_its_session_has_gone():
    store = RunStore()
    store.keep("r1", "tab-a", {"trainer": "T"})
    assert store.take_over("r1", "tab-b", is_active=lambda s: s == "tab-a") is None, "tab a is still open"
    assert store.take_over("r1", "tab-b", is_active=lambda s: False) == {"trainer": "T"}
    store.keep("r1", "tab-a", {"trainer": "stale"})  # the old tab's last write is ignored
    assert store.take_over("r1", "tab-b", is_active=lambda s: True) == {"trainer": "T"}
    assert store.take_over("unknown", "tab-b", is_active=lambda s: False) is None


def test_runs_expire_after_their_ttl_and_the_store_never_holds_more_than_its_cap():
    clock = _Clock()
    store = RunStore(ttl_s=60, max_runs=3, clock=clock)
    for i in range(5):
        store.keep(f"r{i}", f"tab{i}", {"trainer": i})
    assert len(store) == 3 and store.take_over("r0", "x", lambda s: False) is None, "least recently used go first"
    clock.now = 30
    store.keep("r4", "tab4", {"trainer": 4})  # touched again
    clock.now = 61
    assert store.expire() == 2 and len(store) == 1
    clock.now = 200
    assert store.expire() == 1 and len(store) == 0


def test_a_new_session_with_the_link_gets_the_trained_run_back_paused():
    at = _open()
    at.button(key="step").click().run()
    run_id = at.query_params["run"]
    run_id = run_id[0] if isinstance(run_id, list) else run_id
    trained = at.session_state["trainer"]
    assert trained.epoch == 1

    reloaded = _open({"run": run_id})
    assert not reloaded.exception
    assert reloaded.session_state["trainer"] is trained, "the same run, not a new one"
    texts = [p.proto.text for p in reloaded.get("progress")]
    assert texts and texts[0].startswith("Epoch 1 of")
    assert any("came back after the reload" in i.value for i in reloaded.info)

    fresh = _open({"run": "not-a-real-id"})
    assert not fresh.exception and fresh.session_state["trainer"].epoch == 0


def test_a_model_loaded_from_a_file_forecasts_trains_on_and_joins_the_leaderboard():
    import numpy as np

    from rnn_core import export

    at = _open()
    at.button(key="step").click().run()
    trained = at.session_state["trainer"]
    checkpoint = export.load_checkpoint(export.save_model(trained))

    other = _open()
    from ui import exports

    assert exports.same_network(checkpoint.cfg, other.session_state["trainer"].cfg)
    other.session_state["_loaded_checkpoint"] = checkpoint  # what the "Use this network" button leaves
    other.session_state["trainer"] = None
    other.run()
    tr = other.session_state["trainer"]
    assert exports.is_loaded(tr) and tr.epoch == 0
    np.testing.assert_allclose(tr.predict("val"), trained.predict("val"), rtol=1e-5, atol=1e-6)
    assert [h.value for h in other.subheader][:1] and any("Against the baselines" in h.value for h in other.subheader)
    board = other.session_state["leaderboard"]
    assert len(board) == 1 and board[0]["status"] == "loaded from a file"
    other.button(key="step").click().run()
    assert other.session_state["trainer"] is tr and tr.epoch == 1, "Step trains the loaded weights further"
    assert not other.exception
