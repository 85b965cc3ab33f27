# GTM warehouse: `make run` builds the demo warehouse, `make test` runs every check.
# Both create ./.venv from the pinned requirements first. `make help` lists all targets.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_BIN ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
DBT := $(VENV)/bin/dbt
STAMP := $(VENV)/.installed

# Demo data: size, seed, and where it goes. The warehouse file comes from DUCKDB_PATH (profiles.yml).
EVENTS ?= 100000
SEED ?= 42
DEMO_DIR ?= data/demo
export DUCKDB_PATH ?= data/gtm.duckdb
# End of the simulated period: the current hour, so that `dbt source freshness` passes on the demo.
AS_OF ?= $(shell date -u +%Y-%m-%dT%H:00:00Z)

.PHONY: help setup run data load build freshness test lint pytest docs bench clean

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}'

$(STAMP): requirements.txt pyproject.toml
	@command -v $(PYTHON_BIN) >/dev/null || { echo "make: $(PYTHON_BIN) not found: install Python 3.11 or pass PYTHON_BIN=/path/to/python3.11"; exit 1; }
	$(PYTHON_BIN) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

setup: $(STAMP) ## Create .venv with the pinned dependencies

run: setup data load build freshness ## Set up, generate + load demo data, build the warehouse (data/gtm.duckdb)
	@echo "Warehouse ready: $(DUCKDB_PATH). Try: $(PY) -c \"import duckdb; print(duckdb.connect('$(DUCKDB_PATH)').sql('select * from staging.stg_segment__pages limit 5'))\""

data: setup ## Generate the demo data set (EVENTS, SEED, AS_OF) into $(DEMO_DIR)
	$(PY) scripts/generate_data.py --events $(EVENTS) --seed $(SEED) --as-of $(AS_OF) --out $(DEMO_DIR)/raw --truth $(DEMO_DIR)/truth

load: setup ## Load $(DEMO_DIR)/raw into schema raw of $(DUCKDB_PATH)
	$(PY) scripts/load_raw.py --from $(DEMO_DIR)/raw --database $(DUCKDB_PATH)

build: setup ## dbt build (models, data tests, unit tests)
	$(DBT) build

freshness: setup ## dbt source freshness on the loaded data
	$(DBT) source freshness

lint: setup ## sqlfluff lint of models, macros-generated SQL and singular tests
	$(VENV)/bin/sqlfluff lint models tests/singular analyses

pytest: setup ## pytest (generator, loader, warehouse built from generated data vs ground truth)
	$(VENV)/bin/pytest

test: setup lint pytest ## Every check: lint, dbt data + unit tests on generated data, pytest

TRUTH_EVENTS ?= 200000
truth: setup ## Generate data, build, compare with the ground truth: prints `name: value` per figure
	$(PY) scripts/truth_report.py --events $(TRUTH_EVENTS)

docs: setup ## Generate dbt docs (target/index.html)
	$(DBT) docs generate

# Benchmark scale: `make bench` runs 1M events; `make bench EVENTS=10000000` (or SCALE=...) a larger one.
# EVENTS is only used when given on the command line or in the environment (its file default is the demo's).
BENCH_EVENTS = $(or $(SCALE),$(if $(filter command line environment,$(origin EVENTS)),$(EVENTS)),1000000)

bench: setup ## Benchmark generate/load/full build/tests/incremental vs DuckDB limits (SCALE or EVENTS, default 1M) -> bench/results/latest.json
	$(PY) scripts/bench.py --events $(BENCH_EVENTS)

clean: ## Remove build outputs (keeps .venv)
	rm -rf target logs data dbt_packages
