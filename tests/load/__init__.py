"""Class-sized load test: lightweight Streamlit clients acting as a class of students on one server.

Run it with ``make load-test`` or ``python -m tests.load.load_test --sessions 20`` (``--replicas 2``
for several app processes behind HAProxy: ``make load-test-class``). ``mix`` says who is in the
class, ``students`` what each kind does, ``client`` speaks the browser's protocol, ``measure``
turns it into figures. pytest collects these modules for their doctests only (see
``conftest.py``); the rest is unit-tested in ``tests/test_load_tool.py``.
"""
