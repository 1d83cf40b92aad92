# notelingo — `make demo` and `make test` set up a fresh clone by themselves.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check
STAMP  := $(VENV)/.installed
# Extra arguments for `notelingo translate` in the demo, e.g.
#   make demo DEMO_MODELS="--model ru-en=/path/to/opus-mt-ru-en --model en-ru=/path/to/opus-mt-en-ru"
DEMO_MODELS ?=

.PHONY: install demo test test-fast lint typecheck cycles bench bench-quick schema eval-layouts glossary-eval clean

install: $(STAMP)

# torch first and pinned: unpinned, pip would pull a multi-GB CUDA build.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -e '.[fast,lingua,ray,dev]'
	touch $(STAMP)

demo: install
	@mkdir -p demo
	$(VENV)/bin/notelingo ingest examples -o demo/notes.jsonl
	@test -n "$(DEMO_MODELS)" || echo "demo: the default opus-mt models are downloaded on first use (about 300 MB per direction), then reused offline"
	@if $(VENV)/bin/notelingo translate demo/notes.jsonl -o demo/translated.jsonl $(DEMO_MODELS); then \
		cp demo/translated.jsonl demo/final.jsonl; \
	else \
		echo "demo: translation skipped (see the line above); the digest shows the original notes only." >&2; \
		cp demo/notes.jsonl demo/final.jsonl; \
	fi
	$(VENV)/bin/notelingo digest demo/final.jsonl -o demo/digest.html
	$(VENV)/bin/notelingo digest demo/final.jsonl -o demo/digest.md
	@echo "demo: wrote demo/notes.jsonl, demo/digest.html, demo/digest.md"

test: install
	$(VENV)/bin/ruff check src tests tools bench
	HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 $(PY) -m pytest -q

test-fast: install
	HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 $(PY) -m pytest -q -m "not slow"

# ruff, configured in pyproject.toml ([tool.ruff]); `make test` runs it first.
lint: install
	$(VENV)/bin/ruff check src tests tools bench

# mypy over the package: no attr-defined error may remain (Optional-match and Literal errors are reported, not fatal yet).
typecheck: install
	@$(VENV)/bin/mypy src/notelingo --ignore-missing-imports > .mypy.log; tail -n 1 .mypy.log; \
	if grep -F '[attr-defined]' .mypy.log; then exit 1; fi

# Import circles in src/notelingo (every import statement counts), long files and long functions.
cycles: install
	$(PY) tools/import_cycles.py --sizes

bench: install
	$(PY) bench/run.py --full

bench-quick: install
	$(PY) bench/run.py --quick

# Note splitting, titles, dates, authors and chrome on the labelled layouts (tests/layouts/); -v lists the misses.
eval-layouts: install
	PYTHONPATH=src $(PY) tools/eval_layouts.py $(EVAL_ARGS)

# Precision and recall of the glossary matcher on tests/fixtures/glossary/labelled.jsonl.
glossary-eval: install
	PYTHONPATH=src $(PY) tools/glossary_eval.py

schema: install
	$(PY) -m notelingo.schema > schemas/note.schema.json

clean:
	rm -rf $(VENV) demo build dist *.egg-info
