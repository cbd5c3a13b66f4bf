# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
LLM_STAMP := $(VENV)/.installed-llm-stamp
PIP    := $(PY) -m pip install --quiet --disable-pip-version-check

.PHONY: install run test lint check bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	# The pinned CPU torch first: an unpinned one (pulled by sentence-transformers) downloads GBs of CUDA.
	$(PIP) torch==2.13.0
	$(PIP) -e '.[dev,st]'
	touch $(STAMP)

# The tests also run real local generation: llama-cpp-python builds from source (about 5 minutes, once).
$(LLM_STAMP): $(STAMP)
	$(PIP) -e '.[dev,st,openai,llamacpp]'
	touch $(LLM_STAMP)

install: $(STAMP)

## Index data/articles (only what changed), then the Telegram bot (TELEGRAM_BOT_TOKEN set) or the terminal chat.
run: install
	$(VENV)/bin/citebot run

## The whole test suite, exactly what CI runs: pytest, the sample suite, and the installed wheel away from the checkout.
test: $(LLM_STAMP)
	$(PY) -m pytest
	$(VENV)/bin/citebot prompts test prompts/suites/sample.yaml
	bash .ci/wheel-check

lint: install
	$(VENV)/bin/ruff check bot index bench tests
	$(VENV)/bin/ruff format --check bot index bench tests
	$(VENV)/bin/mypy

check: lint test

## Benchmarks (read ../shared/bench when it is there); they print Markdown tables.
bench: install
	$(PIP) -e '.[dev,st,bench]'
	$(PY) -m bench.retrieval
	$(PY) -m bench.answers --plot bench/answers.png --before bench/answers_before.json
	$(PY) -m bench.checks
	$(PY) -m bench.indexing

clean:
	rm -rf $(VENV) data/chroma .pytest_cache
