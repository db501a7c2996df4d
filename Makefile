# Guichet — the two commands of the README are `make run` and `make test`.
# Both are idempotent: they create .venv and install what is missing, then do their job.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
GUICHET := $(BIN)/guichet
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format messages screenshots check-python clean

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Guichet needs Python 3.11 or newer (set PYTHON=python3.12 for instance).")'

$(BIN)/python: | check-python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall when pyproject.toml changes.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --editable .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --editable '.[test]'
	@touch $@ $(VENV)/.installed-run

## Start the demo on http://$(HOST):$(PORT): web server and background worker (Ctrl-C stops both).
run: $(VENV)/.installed-run
	DEBUG=$${DEBUG:-1} $(GUICHET) migrate --noinput --verbosity 0
	DEBUG=$${DEBUG:-1} $(GUICHET) createcachetable
	DEBUG=$${DEBUG:-1} $(GUICHET) demo
	DEBUG=$${DEBUG:-1} HOST=$(HOST) PORT=$(PORT) scripts/run-demo $(GUICHET)

## Run the whole test suite (browser tests are skipped when no Chromium is installed).
test: $(VENV)/.installed-test
	$(BIN)/pytest $(PYTEST_ARGS)

## Retake the README's screenshots (docs/screenshots/) with the browser tests, on the demo data.
screenshots: $(VENV)/.installed-test
	GUICHET_SCREENSHOTS=1 $(BIN)/pytest guichet/tests/test_screenshots.py

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Update the English catalogue from the French source strings, then compile it.
messages: $(VENV)/.installed-run
	cd guichet && ../$(GUICHET) makemessages --locale en --no-obsolete --ignore 'tests/*' --add-location file
	cd guichet && ../$(GUICHET) compilemessages --locale en

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
