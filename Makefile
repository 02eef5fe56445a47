# make run   : create .venv, install, run the pipeline on seeds/ -> data/
# make test  : create or reuse .venv, install the test extra, run the whole test suite
# make test-fast : the suite without the slow end-to-end tests
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
TESTSTAMP := $(VENV)/.installed-test

.PHONY: run test test-fast install clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): setup.py | $(PY)
	$(PY) -m pip install --quiet -e .
	$(PY) -m pip check
	touch $@

$(TESTSTAMP): setup.py $(STAMP)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/suanli run --input 'seeds/*.txt' --output data

test: $(TESTSTAMP)
	$(PY) -m pytest -q

test-fast: $(TESTSTAMP)
	$(PY) -m pytest -q -m "not slow"

clean:
	rm -rf data .pytest_cache build *.egg-info

# Benchmarks (not part of make test): BENCH_MB of generated articles from real news text.
BENCH_MB ?= 50
.PHONY: bench bench-stages
bench: $(TESTSTAMP)
	$(PY) -m tests.benchmarks.bench_pipeline --mb $(BENCH_MB)

bench-stages: $(TESTSTAMP)
	$(PY) -m tests.benchmarks.bench_stages
