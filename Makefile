# The two commands a newcomer needs: `make run` (the whole system locally) and `make test`.
# Both create the virtual environments on first use (scripts/setup).
VENV := .venv
PY := $(VENV)/bin/python
TOOLS := .venv-tools/bin
STAMP := $(VENV)/.setup-done
export SAM_CLI_TELEMETRY := 0

.PHONY: setup run test lint typecheck openapi bench build deploy clean

$(STAMP): pyproject.toml scripts/setup
	scripts/setup
	touch $@

setup: $(STAMP)

run: $(STAMP)
	$(PY) -m local

test: $(STAMP) lint
	$(PY) -m pytest -n 2 --dist loadfile

lint: $(STAMP)
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
# package plus the runtime dependencies as Linux wheels for the Lambda Python (boto3 comes with the runtime).
build-SharedLayer:
	uv pip install --quiet --target "$(ARTIFACTS_DIR)/python" --python-version 3.12 \
		--python-platform x86_64-manylinux2014 --only-binary :all: -r pyproject.toml
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
