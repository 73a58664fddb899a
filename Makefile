# Two commands set up everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run local test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The SSH server and the web reader (`bbs web`), each its own process; Ctrl+C stops both.
run: $(STAMP)
	$(BIN)/python -m bbs.web.launch

local: $(STAMP)
	$(BIN)/bbs local

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check bbs screens tests bench
	$(BIN)/ruff format --check bbs screens tests bench
	$(BIN)/mypy bbs
	$(BIN)/lint-imports --no-cache

bench: $(STAMP)
	$(BIN)/python bench/forum_speed.py

clean:
	rm -rf $(VENV) .pytest_cache
