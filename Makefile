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

.PHONY: run check test test-browser lint bench load-test clean
.DEFAULT_GOAL := run

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.txt | $(PY)
	$(PIP_INSTALL) -r requirements.txt $(QUIET)
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(PY)
	$(PIP_INSTALL) -r requirements-dev.txt $(QUIET)
	touch $(VENV)/.runtime $@

run: $(VENV)/.runtime
	$(PY) -m streamlit run app.py --server.port $(PORT) --server.headless true

# What CI runs (.ci/run): lint, then the unit, doctest and AppTest suite, then the browser tests.
check: lint test test-browser

test: $(VENV)/.dev
	$(PY) -m pytest --ignore=tests/browser

test-browser: $(VENV)/.dev
	$(PY) -m pytest tests/browser

lint: $(VENV)/.dev
	$(PY) -m ruff check .

bench: $(VENV)/.runtime
	$(PY) -m rnn_core.bench

load-test: $(VENV)/.dev
	$(PY) -m tests.load.load_test --sessions 20

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
