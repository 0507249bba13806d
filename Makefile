# logistica — developer entry points. `make demo` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check
PYTEST_WORKERS ?= 2

.PHONY: venv install install-test browser demo test docs bench lint format clean

# Debian's chromium + chromedriver for the report's browser tests (tests/test_report_browser.py)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

venv: $(PY)

install: $(PY)
	$(PIP) install --quiet -e ".[all]"

install-test: $(PY)
	$(PIP) install --quiet -e ".[test]"

browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
		$(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium chromium-driver; \
	fi

demo: install
	$(PY) -m logistica.cli demo --output-dir logistica-demo

test: install-test browser
	$(PY) -m pytest -q -n $(PYTEST_WORKERS) --doctest-modules tests src/logistica

# The documentation site: executed guides and gallery, API and CLI references, offline
# (no intersphinx), warnings are errors. Output: docs/_build/html/index.html
docs: $(PY)
	$(PIP) install --quiet -e ".[docs]"
	MPLBACKEND=Agg $(PY) -m sphinx -W --keep-going -b html docs docs/_build/html

# Peers side by side + cold start, then the scaling curves (results in benchmarks/results/).
# `make bench BENCH_ARGS="--quick"`, or e.g. BENCH_ARGS="--problems dense-l2 --repeat 5".
BENCH_ARGS ?=
bench: $(PY)
	$(PIP) install --quiet -e ".[bench]"
	$(PY) -m benchmarks.run $(BENCH_ARGS)
	$(PY) -m benchmarks.scaling $(filter --quick,$(BENCH_ARGS))

lint: install-test
	$(VENV)/bin/ruff check src tests benchmarks examples docs
	$(VENV)/bin/ruff format --check src tests benchmarks examples docs

format: install-test
	$(VENV)/bin/ruff format src tests benchmarks
	$(VENV)/bin/ruff check --fix src tests benchmarks

clean:
	rm -rf $(VENV) build dist src/*.egg-info docs/_build docs/_generated docs/api docs/auto_examples docs/sg_execution_times.rst .pytest_cache .ruff_cache demo-report.html logistica-demo
