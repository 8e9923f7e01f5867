# Two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
# An extra package index that cannot be reached must fail fast, not stall the install.
PIP_INSTALL := $(PY) -m pip install --quiet --disable-pip-version-check --retries 1 --timeout 15 \
	$(if $(wildcard /opt/wheels),--find-links /opt/wheels)
# pip warns about local index folders that lack a package; that is noise, not news.
QUIET := 2>&1 | { grep -v "is ignored: it is neither a file nor a directory" || true; }

.PHONY: run check test test-browser lint claims bench load-test serve-class load-test-class clean
.DEFAULT_GOAL := run

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.txt | $(PY)
	$(PIP_INSTALL) -r requirements.txt $(QUIET)
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(PY)
	$(PIP_INSTALL) -r requirements-dev.txt $(QUIET)
	touch $(VENV)/.runtime $@

# Two malloc heaps instead of one per thread: memory comes back after a class (ui/memory.py caps it too).
run: $(VENV)/.runtime
	MALLOC_ARENA_MAX=2 $(PY) -m streamlit run app.py --server.port $(PORT) --server.headless true

# What CI runs (.ci/run): lint, then the unit, doctest and AppTest suite, the claims, then the browser tests.
check: lint test claims test-browser

test: $(VENV)/.dev
	$(PY) -m pytest --ignore=tests/browser

test-browser: $(VENV)/.dev
	$(PY) -m pytest tests/browser

# Lint also collects the browser tests, so a broken import there fails in seconds, not after the suite.
lint: $(VENV)/.dev
	$(PY) -m ruff check .
	$(PY) -m pytest --collect-only -q tests/browser > /dev/null

# Every interpretive text checked against its experiment on these seeds (`make claims SEEDS=3,4,5`).
SEEDS ?= 0,1,2
claims: $(VENV)/.runtime
	$(PY) -m rnn_core.claims --seeds $(SEEDS)

bench: $(VENV)/.runtime
	$(PY) -m rnn_core.bench

# A class of 20 simulated students on one server (issue #18's mix); exits 1 when a goal is missed.
load-test: $(VENV)/.dev
	$(PY) -m tests.load.load_test --sessions 20

# REPLICAS app processes on ports 8501.. behind HAProxy on CLASS_PORT (.streamlit/haproxy.cfg); Ctrl-C stops all.
REPLICAS ?= 2
CLASS_PORT ?= 8500
serve-class: $(VENV)/.runtime
	$(PY) .streamlit/serve_class.py --replicas $(REPLICAS) --port $(CLASS_PORT)

# The class through HAProxy in front of 2 replicas: sessions per replica, stickiness, update interval.
load-test-class: $(VENV)/.dev
	$(PY) -m tests.load.load_test --replicas 2 --sessions 20

# Write rnn_core/resources/text_corpus.txt anew: the app's notes plus standard-library docstring prose.
corpus: $(VENV)/.runtime
	$(PY) -m rnn_core.labs.text_corpus

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
