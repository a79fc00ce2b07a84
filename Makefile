# parkloop: `make run` starts the platform with the demo park; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000
# `make run` keeps its SQLite database in ./var unless PARKLOOP_DATA_DIR or
# PARKLOOP_DATABASE_URL say otherwise.
RUN_DATA_DIR ?= $(CURDIR)/var

.PHONY: install run test lint typecheck pytest docs-cli check-cli-docs bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "parkloop needs Python >= 3.11"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

run: install
	PARKLOOP_DATA_DIR=$${PARKLOOP_DATA_DIR:-$(RUN_DATA_DIR)} $(BIN)/parkloop demo
	PARKLOOP_DATA_DIR=$${PARKLOOP_DATA_DIR:-$(RUN_DATA_DIR)} $(BIN)/parkloop serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: install
	$(BIN)/mypy

check-cli-docs: install
	$(BIN)/python scripts/cli_docs.py --check

docs-cli: install
	$(BIN)/python scripts/cli_docs.py

pytest: install
	PARKLOOP_REQUIRE_POSTGRES=1 PARKLOOP_REQUIRE_BROWSER=1 scripts/with-chromium.sh scripts/with-postgres.sh $(BIN)/python -m pytest $(PYTEST_ARGS)

test: lint typecheck check-cli-docs pytest

bench: install
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/matching_region.py --sizes 10000,100000
	$(BIN)/python benchmarks/pinch.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
