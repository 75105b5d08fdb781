# saidwhat: `make run` and `make test` work on a fresh machine with Python 3.11 and make.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck check lock bench clean install

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "E000: $(PYTHON) not found (set PYTHON=...)"; exit 2; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/saidwhat extract examples/*.txt --pretty
	$(BIN)/saidwhat ingest examples --db saidwhat.duckdb --quiet
	@echo ""
	@echo "The examples are in the store saidwhat.duckdb. To read them in a browser, run"
	@echo "    $(BIN)/saidwhat serve --db saidwhat.duckdb"
	@echo "and open http://127.0.0.1:8000/ (search, articles, speakers, overview, 'Try it')."

# The whole suite: style, types, then the tests (quality gates included when ../shared exists).
test: lint typecheck
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

check: test

lock:
	pip-compile --quiet --generate-hashes --allow-unsafe --no-emit-index-url --no-emit-find-links \
		--extra dev --extra serve --extra spark --strip-extras -o requirements.lock pyproject.toml
	pip-compile --quiet --generate-hashes --allow-unsafe --no-emit-index-url --no-emit-find-links \
		--extra dev --extra serve --extra spark --extra bench --strip-extras \
		-o requirements-bench.lock pyproject.toml

# Throughput benchmark (textacy vs saidwhat) in its own venv: textacy is not a runtime dependency.
BENCH_VENV := .venv-bench
BENCH_STAMP := $(BENCH_VENV)/.installed

$(BENCH_STAMP): requirements-bench.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "E000: $(PYTHON) not found (set PYTHON=...)"; exit 2; }
	test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --require-hashes --no-deps -r requirements-bench.lock
	$(BENCH_VENV)/bin/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(BENCH_STAMP)

BENCH_ARGS ?=
bench: $(BENCH_STAMP)
	$(BENCH_VENV)/bin/python benchmarks/throughput.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info

# The learned attribution tagger (CRF) trained on PolNeAR train, calibrated and scored on dev;
# writes src/saidwhat/data/models/attribution.{crfsuite,json} (see docs/model-card.md).
POLNEAR ?= ../shared/data/polnear/data
.PHONY: model
model: $(STAMP)
	$(BIN)/python -m saidwhat.learned.train --polnear $(POLNEAR)
