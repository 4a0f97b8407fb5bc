# avtaleanalyse — every target creates and uses the local virtual environment .venv itself.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-dev

.PHONY: reproduce reproduce-small test test-fast lint format check lab bench clean-venv

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

## The main job: raw demo files -> every table, figure and the yearly report.
reproduce: $(STAMP)
	$(PY) -m avtaleanalyse reproduce --scale full

reproduce-small: $(STAMP)
	$(PY) -m avtaleanalyse reproduce --scale small

## The test suite (CI runs this).
test: $(STAMP)
	$(PY) -m pytest -q

test-fast: $(STAMP)
	$(PY) -m pytest -q -m "not slow"

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench scripts
	$(VENV)/bin/ruff format --check src tests bench scripts
	$(VENV)/bin/lint-imports

format: $(STAMP)
	$(VENV)/bin/ruff format src tests bench scripts
	$(VENV)/bin/ruff check --fix src tests bench scripts

check: lint test

## JupyterLab on the notebooks, with the project's kernel registered.
lab: $(STAMP)
	$(PY) -m pip install --quiet -e '.[lab]'
	$(PY) -m ipykernel install --sys-prefix --name avtaleanalyse --display-name "avtaleanalyse (.venv)"
	$(VENV)/bin/jupyter lab notebooks/

bench: $(STAMP)
	$(PY) bench/run_all.py

clean-venv:
	rm -rf $(VENV)
