"""The server-wide training slots: a cap on chunks at once, and shorter chunks when students queue."""

import threading

import pytest

from rnn_core.errors import PlaygroundError
from ui import live


def test_at_most_size_chunks_hold_a_slot_and_a_full_server_says_no():
    slots = live._Slots(2)
    assert slots.acquire(timeout=0.01) and slots.acquire(timeout=0.01)
    assert not slots.acquire(timeout=0.01), "a third chunk waits, then gives up"
    assert slots.wanting == 2
    slots.release()
    assert slots.acquire(timeout=0.01)


def test_chunks_shrink_as_the_queue_grows_but_never_below_the_floor():
    slots = live._Slots(2)
    assert slots.budget(0.3) == 0.3  # nobody waiting
    slots.wanting = 4
    assert slots.budget(0.3) == 0.15
    slots.wanting = 40
    assert slots.budget(0.3) == live.MIN_BUDGET_S


def test_a_waiting_session_gets_the_slot_when_it_frees():
    slots = live._Slots(1)
    assert slots.acquire(timeout=0.01)
    got = []
    waiter = threading.Thread(target=lambda: got.append(slots.acquire(timeout=5)))
    waiter.start()
    slots.release()
    waiter.join(5)
    assert got == [True] and slots.wanting == 1


def test_a_freed_slot_goes_to_the_longest_waiter_not_to_a_newcomer():
    slots = live._Slots(1)
    assert slots.acquire(timeout=0.01)
    order = []
    first = threading.Thread(target=lambda: order.append(("first", slots.acquire(timeout=5))))
    first.start()
    while not slots._queue:  # the first waiter is queued
        pass
    slots.release()
    assert not slots.acquire(timeout=0.01), "a newcomer does not barge past the queue"
    first.join(5)
    assert order == [("first", True)]


def test_a_waiter_that_gives_up_leaves_the_queue():
    slots = live._Slots(1)
    assert slots.acquire(timeout=0.01)
    assert not slots.acquire(timeout=0.01)
    assert not slots._queue and slots.wanting == 1
    slots.release()
    assert slots.free == 1 and slots.acquire(timeout=0.01)


def test_training_in_the_page_itself_goes_through_the_same_slots(monkeypatch):
    """The arena, the gate lab's timing, the layer lab and pretraining hold a server slot while they train
    (the gate lab's own run trains live, in chunks that take a slot each)."""
    import inspect

    from ui import arena_views, gate_views, layer_views, transfer_views

    for fn in (arena_views._network, arena_views._strategy, layer_views.h0_options, layer_views.compare,
               gate_views.measure, transfer_views.pretrained):
        source = inspect.getsource(getattr(fn, "__wrapped__", fn))
        assert "live.server_slot()" in source, fn.__name__
    slots = live._Slots(1)
    monkeypatch.setattr(live, "_server_slots", lambda: slots)
    monkeypatch.setattr(live, "BLOCKING_WAIT_S", 0.05)
    with live.server_slot():
        assert slots.free == 0
        with pytest.raises(PlaygroundError, match="busy"), live.server_slot():
            pass
    assert slots.free == 1, "given back, also after the error"


def test_the_collector_gives_back_cycles_a_closed_session_leaves():
    import gc
    import time
    import weakref

    from ui import memory

    class Held:  # a trainer-like object kept alive only by a reference cycle
        pass

    gc.disable()  # as on the server: nothing else would collect it soon
    try:
        obj = Held()
        obj.me = obj
        gone = weakref.ref(obj)
        del obj
        collector = memory.Collector(every_s=0.02)
        deadline = time.monotonic() + 5
        while (gone() is not None or collector.runs < 1) and time.monotonic() < deadline:
            time.sleep(0.01)
        collector.stop()
        assert gone() is None and collector.runs >= 1
    finally:
        gc.enable()


def test_a_tick_that_waited_for_a_slot_trains_nothing_once_paused(monkeypatch):
    """Under load a fragment tick can wait seconds for a server slot; a Pause clicked meanwhile must
    hold (the load test's fiddler saw a paused counter move 3 -> 5 before this check)."""
    running = [True, False]  # running when the tick starts; paused by the time it has a slot

    class WaitedSlots:
        def acquire(self, timeout):
            return True

        def release(self):
            pass

        def budget(self, budget_s):
            return budget_s

    chunks = []
    monkeypatch.setattr(live, "_server_slots", lambda: WaitedSlots())
    monkeypatch.setattr(live, "is_running", lambda slot=live.TRAINER: running.pop(0))
    monkeypatch.setattr(live, "run_chunk", lambda tr, budget_s: chunks.append(budget_s))
    monkeypatch.setattr(live, "_lock", lambda slot=live.TRAINER: threading.Lock())
    tr = type("FakeTrainer", (), {"epoch": 3, "in_epoch": False})()
    assert live.advance(tr) is None
    assert chunks == [], "no chunk after the pause"
    running[:] = [True, True]
    assert live.advance(tr) is None and len(chunks) == 1, "still running: it trains"
