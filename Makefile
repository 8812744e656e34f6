# Two commands set everything up: `make run` and `make test`. Each one builds what it needs and
# prints one line per set-up step with the time it took.
#
# Exact versions come from requirements.lock (the app) and requirements-dev.lock (app + tests),
# both generated with hashes from requirements.txt / requirements-dev.txt by `make lock`.
# uv installs them (bootstrapped with pip into .tools/ when it is not on PATH); when uv cannot be
# had, pip installs the same locked versions.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
TOOLS := .tools
PORT ?= 8501
CHROMIUM ?= /usr/bin/chromium
# pytest-xdist workers for the full suite (the machine has 2 cores; tests are mostly waiting).
WORKERS ?= 3
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy

.PHONY: run run-team test test-fast test-all bench lint format venv dev-deps browser postgres lock clean

# `$(STEP) "what it does" command args…`: one line before, one line with the time it took after.
STEP = step() { local what="$$1" t0; shift; t0=$$(date +%s.%N); echo "[setup] $$what ..."; \
	"$$@" || { echo "[setup] FAILED: $$what" >&2; return 1; }; \
	echo "[setup] $$what: done in $$(awk -v a=$$t0 -v b=$$(date +%s.%N) 'BEGIN{printf "%.1f", b-a}') s"; }; step

# The uv to use: on PATH, else bootstrapped with pip into .tools/; empty when it cannot be had
# (then pip installs the same locked versions).
$(TOOLS)/uv-path:
	@mkdir -p $(TOOLS)
	@find_uv() { command -v uv 2>/dev/null && return; test -x $(TOOLS)/bin/uv && echo $(TOOLS)/bin/uv && return; \
	  { $(PYTHON) -m venv $(TOOLS) && $(TOOLS)/bin/pip install --quiet uv; } >/dev/null 2>&1 && echo $(TOOLS)/bin/uv; }; \
	  $(STEP) "finding uv (installing it with pip into $(TOOLS)/ when missing)" \
	    bash -c "$$(declare -f find_uv); find_uv > $@ || true"; \
	  echo "[setup]   uv: $$(cat $@ | grep . || echo 'not available: pip installs the locked versions')"

# The venv gets exactly the lock's versions, hash-checked: $(call install_lock,LOCK)
define install_lock
	@uv=$$(cat $(TOOLS)/uv-path); \
	if ! test -x $(PY); then \
	  if [ -n "$$uv" ]; then $(STEP) "creating $(VENV) with uv" $$uv venv --quiet --python "$$(command -v $(PYTHON))" $(VENV); \
	  else $(STEP) "creating $(VENV) with python -m venv" $(PYTHON) -m venv $(VENV); fi || exit 1; \
	fi; \
	n=$$(grep -c '^[A-Za-z0-9].*==' $(1)); \
	if [ -n "$$uv" ]; then $(STEP) "installing $$n packages from $(1) with uv" $$uv pip install --quiet --require-hashes --python $(PY) -r $(1); \
	else $(STEP) "installing $$n packages from $(1) with pip" $(PY) -m pip install --quiet --require-hashes -r $(1); fi
endef

$(VENV)/.installed: requirements.lock $(TOOLS)/uv-path
	$(call install_lock,requirements.lock)
	@touch $@

$(VENV)/.installed-dev: requirements-dev.lock $(VENV)/.installed
	$(call install_lock,requirements-dev.lock)
	@touch $@

venv: $(VENV)/.installed

dev-deps: $(VENV)/.installed-dev

# Regenerate both locks (exact versions with hashes) from the requirements files.
lock: $(TOOLS)/uv-path
	@uv=$$(cat $(TOOLS)/uv-path); test -n "$$uv" || { echo "make lock needs uv" >&2; exit 1; }; \
	$$uv pip compile --quiet --generate-hashes --python-version 3.11 \
	  requirements.txt requirements-dev.txt -o requirements-dev.lock && \
	$$uv pip compile --quiet --generate-hashes --python-version 3.11 \
	  requirements.txt -c requirements-dev.lock -o requirements.lock && \
	echo "[setup] wrote requirements.lock ($$(grep -c '==' requirements.lock) packages) and requirements-dev.lock ($$(grep -c '==' requirements-dev.lock))"

# Debian's chromium serves kaleido (image export) and the Playwright browser tests.
browser:
	@if [ -x "$(CHROMIUM)" ]; then \
	  echo "[setup] chromium: $(CHROMIUM)"; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  t0=$$(date +%s); echo "[setup] installing Debian's chromium with apt-get ..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null || exit 1; \
	  echo "[setup] installing Debian's chromium: done in $$(( $$(date +%s) - t0 )) s"; \
	elif [ "$$CI" = "true" ]; then \
	  echo "chromium is missing and cannot be installed (not root): browser tests cannot run under CI" >&2; exit 1; \
	else \
	  echo "chromium is missing: run 'sudo apt-get install chromium'; browser tests will be skipped"; \
	fi

# Debian's postgresql serves the store tests against PostgreSQL and `make run-team`. The server
# programs live in /usr/lib/postgresql/N/bin (not on PATH); tools/pg_cluster.py finds them.
postgres:
	@bindir=$$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1); \
	if [ -n "$$bindir" ] && [ -x "$$bindir/initdb" ] || command -v initdb >/dev/null; then \
	  echo "[setup] postgresql: $${bindir:-$$(dirname $$(command -v initdb))}"; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  t0=$$(date +%s); echo "[setup] installing Debian's postgresql with apt-get ..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null || exit 1; \
	  echo "[setup] installing Debian's postgresql: done in $$(( $$(date +%s) - t0 )) s"; \
	elif [ "$$CI" = "true" ]; then \
	  echo "postgresql is missing and cannot be installed (not root): its store tests cannot run under CI" >&2; exit 1; \
	else \
	  echo "postgresql is missing: run 'sudo apt-get install postgresql'; the PostgreSQL store tests will be skipped"; \
	fi

run: venv
	@echo "[run] starting the app on http://127.0.0.1:$(PORT) (store: $${ARMS_DB:-data/arms.sqlite})"
	ARMS_DB="$${ARMS_DB:-data/arms.sqlite}" $(VENV)/bin/streamlit run app.py \
	  --server.headless true --server.address 127.0.0.1 --server.port $(PORT)

# A team's deployment on one machine: a local PostgreSQL (throwaway unless TEAM_PG_DATA names a
# folder to keep it in) and one app process per port of TEAM_PORTS, all on that database.
TEAM_PORTS ?= 8501 8502
run-team: venv postgres
	@$(PY) tools/pg_cluster.py --database arms --env ARMS_DB $${TEAM_PG_DATA:+--data "$$TEAM_PG_DATA"} \
	  -- bash tools/run_team.sh $(TEAM_PORTS)

lint: dev-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: dev-deps
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Unit and property tests on small frames: no subprocess, no server, no browser (about a minute).
test-fast: dev-deps
	ARMS_TEST_LAYER=fast $(VENV)/bin/pytest -m "not slow and not app and not browser and not samples" -q

# Everything: lint, then every layer (unit, property, AppTest, CLI, samples, browser) in parallel,
# with a throwaway PostgreSQL cluster for the store tests (started before, stopped after).
test: dev-deps browser postgres lint
	$(PY) tools/pg_cluster.py -- $(VENV)/bin/pytest -n $(WORKERS) --dist loadgroup

bench: dev-deps browser
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache .ruff_cache test-output
