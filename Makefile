# The two commands of the README. Everything the project needs is installed from here.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: demo test install lint bench clean

$(BIN)/erfgoed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

install: $(BIN)/erfgoed

## demo: load the demo datasets into ./data/store, then serve API + UI on http://127.0.0.1:8000
demo: install
	$(BIN)/erfgoed demo
	$(BIN)/erfgoed serve

## test: lint and the whole test suite
test: install
	$(BIN)/ruff check .
	$(BIN)/pytest -q

lint: install
	$(BIN)/ruff check .

bench: install
	$(BIN)/python bench/ingest_bench.py --sizes 10000 100000

clean:
	rm -rf $(VENV) data .pytest_cache
