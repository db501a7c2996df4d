# Guichet — the two commands of the README are `make run` and `make test`.
# Both are idempotent: they create .venv and install what is missing, then do their job.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
GUICHET := $(BIN)/guichet
HOST ?= 127.0.0.1
PORT ?= 8000
# The address in the e-mails' links and the demo's banner: the server's, unless the operator
# gives one (a proxy in front, another host name).
ifeq ($(strip $(GUICHET_BASE_URL)),)
GUICHET_BASE_URL := http://$(HOST):$(PORT)
endif

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
## GUICHET_DEMO=1 serves the files and prints the messages without collectstatic; DEBUG stays
## off (visitors see Guichet's own error pages): `make run DEBUG=1` shows Django's instead.
DEMO_ENV = GUICHET_DEMO=1 DEBUG=$${DEBUG:-0}
run: $(VENV)/.installed-run
	$(DEMO_ENV) $(GUICHET) migrate --noinput --verbosity 0
	$(DEMO_ENV) $(GUICHET) createcachetable
	$(DEMO_ENV) GUICHET_BASE_URL=$(GUICHET_BASE_URL) $(GUICHET) demo
	$(DEMO_ENV) GUICHET_BASE_URL=$(GUICHET_BASE_URL) HOST=$(HOST) PORT=$(PORT) scripts/run-demo $(GUICHET)

## Run the whole test suite (browser tests are skipped when no Chromium is installed), in one
## process per core (at most 4; TEST_PROCESSES=0 runs it in this process alone).
TEST_PROCESSES ?= auto
test: $(VENV)/.installed-test
	$(BIN)/pytest -n $(TEST_PROCESSES) --maxprocesses 4 $(PYTEST_ARGS)

## Retake the README's screenshots (docs/screenshots/) with the browser tests, on the demo data.
screenshots: $(VENV)/.installed-test
	GUICHET_SCREENSHOTS=1 $(BIN)/pytest guichet/tests/test_screenshots.py

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Update the English catalogue from the French source strings, then compile it; the French
## catalogue holds the plural forms only (singular for 0 and 1), made by scripts/french-plurals.
messages: $(VENV)/.installed-run
	cd guichet && ../$(GUICHET) makemessages --locale en --locale fr --no-obsolete --ignore 'tests/*' --add-location file
	$(BIN)/python scripts/french-plurals guichet/locale/fr/LC_MESSAGES/django.po
	cd guichet && ../$(GUICHET) compilemessages --locale en --locale fr

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
