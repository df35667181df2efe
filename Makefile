# korus-facts: `make run` serves the API, `make test` proves it. Both set everything up first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# what `pip install` builds from: the lock, the project, and the C it compiles (app/native)
BUILT_FROM := requirements.lock pyproject.toml $(wildcard app/native/*.c)
STAMP := $(VENV)/.installed-$(shell cat $(BUILT_FROM) | sha256sum | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT

.PHONY: install bytecode run migrate load check test lint format postgres chromium node clean bench-env bench

$(STAMP): $(BUILT_FROM)
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, found " + sys.version' 
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

# pip compiles the libraries; this compiles the app's own modules, which a machine that sets
# PYTHONDONTWRITEBYTECODE would otherwise compile again on every start (docs/PERFORMANCE.md).
bytecode: install
	$(BIN)/python -m compileall -q app

migrate: install
	$(BIN)/korus-facts migrate

load: migrate
	$(BIN)/korus-facts load

check: install
	$(BIN)/korus-facts check

run: load bytecode
	$(BIN)/korus-facts serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The test run starts its own PostgreSQL; this only makes sure the server binaries exist.
postgres:
	@bash scripts/ensure-postgres.sh

chromium:
	@bash scripts/ensure-chromium.sh

# Node packages the client tests use (TypeScript client, Spectral), exactly as locked.
NODE_STAMP := clients/node_modules/.installed-$(shell cat clients/package-lock.json | sha256sum | cut -c1-12)
$(NODE_STAMP): clients/package-lock.json clients/package.json
	@bash scripts/ensure-node.sh
	cd clients && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

node: $(NODE_STAMP)

test: install postgres chromium node lint
	$(BIN)/korus-facts check
	$(BIN)/pytest

# Benchmarks (run by hand, never by CI): Datasette and matplotlib live in their own environment.
BENCH_VENV := .venv-bench
$(BENCH_VENV)/.installed: bench/requirements.lock
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet --disable-pip-version-check --require-hashes -r bench/requirements.lock
	touch $@

bench-env: install $(BENCH_VENV)/.installed

bench: bench-env bytecode
	$(BIN)/python bench/compare.py --out docs/perf/results.json
	$(BENCH_VENV)/bin/python bench/chart.py docs/perf/results.json docs/perf/scaling.png
	$(BIN)/python bench/startup.py --rounds 9

clean:
	rm -rf $(VENV) $(BENCH_VENV) var .pytest_cache .mypy_cache .ruff_cache clients/node_modules
