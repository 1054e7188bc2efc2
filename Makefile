# The two commands a newcomer needs: `make run` (the whole system locally) and `make test`.
# Both create the virtual environments on first use (scripts/setup), from the lock files, and again whenever
# one changes.
VENV := .venv
PY := $(VENV)/bin/python
TOOLS := .venv-tools/bin
STAMP := $(VENV)/.setup-done
export SAM_CLI_TELEMETRY := 0

.PHONY: setup lock run test lint typecheck openapi bench build deploy clean

$(STAMP): pyproject.toml uv.lock requirements-tools.txt scripts/setup
	scripts/setup
	touch $@

setup: $(STAMP)

# After editing the dependencies in pyproject.toml or requirements-tools.in: re-resolve both locks, keeping
# the locked versions that still fit (`make lock UPGRADE=--upgrade` takes the newest ones allowed instead).
lock:
	uv lock $(UPGRADE)
	uv pip compile --quiet --universal --python-version 3.12 --generate-hashes $(UPGRADE) \
		requirements-tools.in -o requirements-tools.txt

run: $(STAMP)
	$(PY) -m local

test: $(STAMP) lint
	$(PY) -m pytest -n 2 --dist loadfile

lint: $(STAMP)
	uv lock --check --offline  # setup installs uv.lock as it is: it must match pyproject.toml
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

openapi: $(STAMP)
	$(PY) -m local.openapi > openapi.json

bench: $(STAMP)
	for script in bench/*.py; do $(PY) $$script || exit 1; done

build: $(STAMP)
	$(TOOLS)/sam build --template template.yaml

deploy: build
	$(TOOLS)/sam deploy --guided

# Called by `sam build` (BuildMethod: makefile) with ARTIFACTS_DIR set: the layer is the `shared`
# package plus the runtime dependencies at their uv.lock versions, as Linux wheels for the Lambda Python
# (boto3 comes with the runtime).
build-SharedLayer:
	uv export --quiet --frozen --no-dev --no-hashes --no-emit-project -o "$(ARTIFACTS_DIR)/requirements.txt"
	uv pip install --quiet --target "$(ARTIFACTS_DIR)/python" --python-version 3.12 \
		--python-platform x86_64-manylinux2014 --only-binary :all: -r "$(ARTIFACTS_DIR)/requirements.txt"
	rm "$(ARTIFACTS_DIR)/requirements.txt"
	rm -rf "$(ARTIFACTS_DIR)"/python/boto3 "$(ARTIFACTS_DIR)"/python/botocore "$(ARTIFACTS_DIR)"/python/s3transfer
	cp -r shared "$(ARTIFACTS_DIR)/python/shared"
	find "$(ARTIFACTS_DIR)/python" -name __pycache__ -prune -exec rm -rf {} +
	# /opt is read-only in Lambda: without bytecode every cold start would compile every module.
	$(PY) -m compileall -q -j 0 --invalidation-mode unchecked-hash "$(ARTIFACTS_DIR)/python"

clean:
	rm -rf $(VENV) .venv-tools .aws-sam .local .pytest_cache .mypy_cache .ruff_cache

# Fire a function's Schedule event now against the running `make run` stack (schedules never fire on their
# own locally): make trigger FN=ftp_poller. Without FN it lists what can be fired. No setup step: it must
# not reinstall the environment under a running stack.
.PHONY: trigger
trigger:
	$(PY) -m local.trigger $(FN)
