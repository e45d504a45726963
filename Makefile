# Loket: the two set-up commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
RUN := $(UV) run --frozen --no-sync
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lint typecheck test-sqlite test-postgres test-browser bench-sim bench-booking bench-reports bench messages clean

install:
	@bash scripts/bootstrap.sh

run: install
	@mkdir -p var
	@$(RUN) python manage.py migrate --noinput
	@$(RUN) python manage.py load_demo
	@echo ""
	@echo "Loket runs on http://$(HOST):$(PORT)/"
	@echo "  public site         http://$(HOST):$(PORT)/"
	@echo "  staff area          http://$(HOST):$(PORT)/staf/"
	@echo "  administration      http://$(HOST):$(PORT)/admin/"
	@echo "  REST API docs       http://$(HOST):$(PORT)/api/v1/docs"
	@echo "Emails are printed here (console backend); set EMAIL_BACKEND and EMAIL_HOST for real SMTP."
	@echo "Stop with Ctrl+C."
	@$(RUN) python manage.py worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(RUN) python manage.py runserver $(HOST):$(PORT)

lint: install
	@$(RUN) ruff check .
	@$(RUN) ruff format --check .

typecheck: install
	@$(RUN) mypy loket config capacity_sim

test: install
	@bash scripts/test.sh

bench-sim: install
	@$(RUN) python bench/bench_sim.py

# Flash crowd at quota release (issue #4): its own PostgreSQL and gunicorn; not in make test.
# Override the sizes with BENCH_ARGS="--places 300 --attempts 1500 --clients 32".
bench-booking: install
	@$(RUN) python bench/bench_booking.py $(BENCH_ARGS)

# A year of a large office and a 20-office national view (issue #9): dashboard and periodic
# report times against a plain SQL count; its own PostgreSQL; not in make test.
# A quick run: BENCH_ARGS="--scale 0.05".
bench-reports: install
	@$(RUN) python bench/bench_reports.py $(BENCH_ARGS)

messages: install
	@$(RUN) python manage.py makemessages -l id -l en --no-obsolete --ignore=.venv --ignore=.tools
	@$(RUN) python manage.py compilemessages --ignore=.venv --ignore=.tools

clean:
	rm -rf .venv .tools var .pytest_cache .mypy_cache .ruff_cache
