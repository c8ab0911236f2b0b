# Two commands: `make run` serves Tidepool at http://127.0.0.1:8000, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# This machine image keeps the CPU build of torch on disk; elsewhere pip takes it from PyPI.
FIND_LINKS := $(if $(wildcard /opt/wheels),--find-links /opt/wheels)

.PHONY: run test setup lint format migrate worker celery bench clean

$(VENV)/.installed: requirements.txt requirements-dev.txt constraints.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check $(FIND_LINKS) -r requirements-dev.txt -c constraints.txt
	$(PIP) install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

setup: $(VENV)/.installed

migrate: setup
	$(PY) manage.py migrate --noinput

run: migrate
	$(PY) manage.py seed_demo
	@echo "Tidepool is serving at http://$(HOST):$(PORT)/"
	$(PY) manage.py runserver --noreload $(HOST):$(PORT)

# pytest exits 5 when it collected nothing; that is a failure, not a pass.
test: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/pytest $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "No tests were collected." >&2; exit 1; fi; exit $$status

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

worker: migrate
	$(PY) manage.py inference_worker

celery: migrate
	$(VENV)/bin/celery -A tidepool worker --loglevel INFO

bench: setup
	$(PY) -m inference.bench

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
