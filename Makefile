# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
PIP    := $(PY) -m pip install --quiet --disable-pip-version-check

.PHONY: install run test lint check bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	# The pinned CPU torch first: an unpinned one (pulled by sentence-transformers) downloads GBs of CUDA.
	$(PIP) torch==2.13.0
	$(PIP) -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Index data/articles (only what changed) and open the terminal chat.
run: install
	$(VENV)/bin/citebot index sync
	$(VENV)/bin/citebot chat

## The whole test suite, exactly what CI runs.
test: install
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check bot index bench tests
	$(VENV)/bin/ruff format --check bot index bench tests
	$(VENV)/bin/mypy

check: lint test

## Benchmarks (read ../shared/bench when it is there); they print Markdown tables.
bench: install
	$(PY) -m bench.retrieval
	$(PY) -m bench.threshold
	$(PY) -m bench.indexing

clean:
	rm -rf $(VENV) data/chroma .pytest_cache
