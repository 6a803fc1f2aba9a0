# failforward: `make run` opens the app, `make test` runs every test.
# Both create the virtual environment (.venv) on first use.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SEEDS := ../shared/tools/seed_overlap.py

.DEFAULT_GOAL := help

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

.PHONY: run
run: $(STAMP) ## Open the workbook (pass options with ARGS="--data-dir DIR")
	$(BIN)/failforward $(ARGS)

.PHONY: test
test: $(STAMP) ## Lint, type-check, check the layers, then run every test (installs tmux and OpenSSH when missing)
	@bash scripts/test-tools.sh
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy tui screens
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	@if [ -f $(SEEDS) ]; then $(BIN)/python $(SEEDS) content/; else echo "seed_overlap.py not found: skipped"; fi

.PHONY: check
check: $(STAMP) ## Lint, format check, type-check and the layer contracts (ruff, mypy, import-linter)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy tui screens
	$(BIN)/lint-imports

.PHONY: bench
bench: $(STAMP) ## Run the benchmarks and rewrite docs/PERFORMANCE.md (BENCH_ARGS="--only longline" runs one part)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

.PHONY: format
format: $(STAMP) ## Format the code (ruff)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

.PHONY: clean
clean: ## Remove the virtual environment and build output
	rm -rf $(VENV) build dist .pytest_cache
