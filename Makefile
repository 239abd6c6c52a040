# Two commands: `make demo` plans the demo week end to end; `make test` runs the test suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
WEEK ?= 2027-W03
OUT ?= out/demo

.PHONY: demo test lint bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test]"
	touch $@

demo: $(VENV)/.installed
	$(BIN)/planner validate data/demo
	$(BIN)/planner roster data/demo --week $(WEEK) --out $(OUT) --workers 1
	$(BIN)/planner check $(OUT)/roster.csv data/demo
	$(BIN)/planner map data/demo --roster $(OUT)/roster.csv --out maps/demo-$(WEEK).html
	$(BIN)/planner report data/demo --period $(WEEK) --roster $(OUT)/roster.csv --out $(OUT)/report-$(WEEK).html

test: $(VENV)/.installed
	$(BIN)/ruff check planner tests
	$(BIN)/mypy planner
	$(BIN)/python -m pytest -q

lint: $(VENV)/.installed
	$(BIN)/ruff check planner tests
	$(BIN)/mypy planner

bench: $(VENV)/.installed
	$(BIN)/python -m pip install -q -e ".[bench]"
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) out .pytest_cache
