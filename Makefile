# The two commands of the README. Everything the project needs is installed from here.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: demo test install lint bench clean services

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

## services: the store servers the backend tests start on loopback. Oxigraph server comes with
## the test extras (PyPI `oxigraph`); Virtuoso is Debian's `virtuoso-opensource`, installed here
## when missing (~15 s; needs root and apt). Without it the Virtuoso tests skip, saying why.
## Also Debian's chromium for the UI's browser tests (tests/test_browser.py), the same way.
services:
	@command -v virtuoso-t >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "services: installing virtuoso-opensource"; \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      virtuoso-opensource >/dev/null; } || echo "services: apt-get failed; Virtuoso tests will skip"; \
	  else echo "services: no virtuoso-t, and no root apt-get to install it; Virtuoso tests will skip"; fi; }
	@# Debian's chromium for the browser tests of the UI (Playwright drives it; it cannot download its own)
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "services: installing chromium"; \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      chromium >/dev/null; } || echo "services: apt-get failed; browser tests will skip"; \
	  else echo "services: no chromium, and no root apt-get to install it; browser tests will skip"; fi; }

## test: lint and the whole test suite
test: install services
	$(BIN)/ruff check .
	$(BIN)/pytest -q

lint: install
	$(BIN)/ruff check .

bench: install
	$(BIN)/python bench/ingest_bench.py --sizes 10000 100000
	$(BIN)/python bench/harvest_bench.py --sizes 10000 100000
	$(BIN)/python bench/match_bench.py --labels 520000 --queries 1000
	$(BIN)/python bench/store_bench.py --records 10000

clean:
	rm -rf $(VENV) data .pytest_cache
