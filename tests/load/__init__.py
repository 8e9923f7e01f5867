"""Class-sized load test: many lightweight Streamlit websocket clients training on one server.

Run it with ``make load-test`` or ``python -m tests.load.load_test --sessions 20``; pytest
does not collect it (see ``conftest.py``). Its pure helpers are unit-tested in
``tests/test_load_tool.py``.
"""
