# Two commands set everything up: `make run` and `make test`. Each one builds what it needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8501
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test bench lint format venv dev-deps browser clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

dev-deps: $(VENV)/.installed-dev

# Debian's chromium serves kaleido (image export) and the Playwright browser tests.
browser:
	@if [ -x "$(CHROMIUM)" ]; then \
	  echo "chromium: $(CHROMIUM)"; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  echo "installing Debian's chromium with apt-get"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	elif [ "$$CI" = "true" ]; then \
	  echo "chromium is missing and cannot be installed (not root): browser tests cannot run under CI" >&2; exit 1; \
	else \
	  echo "chromium is missing: run 'sudo apt-get install chromium'; browser tests will be skipped"; \
	fi

run: venv
	ARMS_DB="$${ARMS_DB:-data/arms.sqlite}" $(VENV)/bin/streamlit run app.py \
	  --server.headless true --server.address 127.0.0.1 --server.port $(PORT)

lint: dev-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: dev-deps
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: dev-deps browser lint
	$(VENV)/bin/pytest

bench: dev-deps browser
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-output
