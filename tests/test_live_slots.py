"""The server-wide training slots: a cap on chunks at once, and shorter chunks when students queue."""

import threading

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
