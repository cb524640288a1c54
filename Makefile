# Two commands: `make run` sets up and starts the app; `make test` sets up and runs every test.
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8501
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test index setup setup-dev setup-ray system-deps lint clean

run: index
	$(PY) -m streamlit run app.py --server.address 127.0.0.1 --server.port $(PORT) \
		--server.headless true --browser.gatherUsageStats false

index: setup
	$(PY) -m checker index

test: setup-dev setup-ray system-deps
	$(PY) -m ruff check .
	$(PY) -m mypy
	$(PY) -m pytest

lint: setup-dev
	$(PY) -m ruff check .
	$(PY) -m mypy

setup: $(VENV)/.runtime-installed
setup-dev: $(VENV)/.dev-installed
setup-ray: $(VENV)/.ray-installed

$(VENV)/.runtime-installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.ray-installed: requirements-ray.txt $(VENV)/.runtime-installed
	$(PY) -m pip install --quiet -r requirements-ray.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.runtime-installed
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# Browser tests need Debian's chromium; install it when we are root and it is missing.
system-deps:
	@bash scripts/system-deps.sh

clean:
	rm -rf $(VENV) .checker .pytest_cache .mypy_cache .ruff_cache
