# Roeptoeter: two commands do everything — `make run` and `make test`.
# The environment is a project-local .venv with the pinned dependencies of requirements.lock.
.DEFAULT_GOAL := help
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
YEARS ?= 2013 2014 2015
JOBS ?=

.PHONY: help setup run test lab lint lock bench bench-profiles clean

help: ## List the targets
	@echo "Roeptoeter — make targets:"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==0.13.8"
	$(BIN)/uv pip sync --quiet --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $(STAMP)

setup: $(STAMP) ## Create .venv (when missing or older than the lock) and install the pinned environment

run: $(STAMP) ## Run the whole collection on the demo data for 2013, 2014 and 2015
	$(BIN)/roeptoeter run --years $(YEARS) $(if $(JOBS),--jobs $(JOBS),)

test: $(STAMP) ## Run the whole test suite
	$(BIN)/python -m pytest

lab: $(STAMP) ## Open JupyterLab on the notebooks, in the project's environment
	$(BIN)/jupyter lab --ServerApp.root_dir=. --LabApp.default_url=/lab/tree/notebooks $(if $(filter 0,$(shell id -u)),--allow-root,)

lint: $(STAMP) ## ruff over the code, tests, benchmarks and notebooks; the layer contracts (import-linter)
	$(BIN)/ruff check src tests benchmarks notebooks
	$(BIN)/lint-imports

lock: ## Regenerate requirements.lock from pyproject.toml (needs network to PyPI)
	@test -x $(BIN)/uv || { $(PYTHON) -m venv $(VENV) && $(BIN)/python -m pip install --quiet "uv==0.13.8"; }
	@# Compile into a copy (uv keeps the pins it finds there), replace the lock only on a change.
	@cp requirements.lock requirements.lock.new
	@$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --no-header --quiet \
		--output-file requirements.lock.new || { rm -f requirements.lock.new; exit 1; }
	@if cmp -s requirements.lock.new requirements.lock; then \
		rm requirements.lock.new; echo "requirements.lock is up to date"; \
	else \
		mv requirements.lock.new requirements.lock; echo "requirements.lock updated"; \
	fi

bench: $(STAMP) ## Benchmarks that print figures (metrics at scale, runner overhead, profiles)
	$(BIN)/python benchmarks/metrics_scale.py
	$(BIN)/python benchmarks/runner_overhead.py --year 2014 --jobs 1 2
	$(BIN)/python benchmarks/profiles_speed.py --year 2014
	$(BIN)/python benchmarks/import_scale.py

clean: ## Remove outputs and the environment (raw data stays)
	rm -rf outputs/20* outputs/index.html $(VENV)
