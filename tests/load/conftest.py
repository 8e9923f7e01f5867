# load_test.py matches pytest's "*_test.py" pattern but is a command-line tool that starts a
# server and trains for minutes; `make load-test` runs it on purpose, pytest never should.
# The other modules are collected for their doctests only (they start nothing).
collect_ignore = ["load_test.py"]
