# Shortcuts; the README's commands work without make.
.PHONY: help install lint typecheck test openapi migrate bench fuzz train

help:  ## list targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

install:  ## create .venv with the dev extras
	[ -x .venv/bin/python ] || python3 -m venv .venv
	.venv/bin/pip install -q -e '.[dev]'

lint:  ## ruff check and format check
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

typecheck:  ## mypy --strict on code and tests
	.venv/bin/mypy

test:  ## the whole suite (the README's test command)
	bash scripts/test.sh

openapi:  ## regenerate openapi/openapi.json from the app
	.venv/bin/python -m trustsvc.commands.openapi > openapi/openapi.json

migrate:  ## upgrade the configured database (TRUSTSVC_DATABASE_URL)
	.venv/bin/trustsvc db upgrade

bench:  ## benchmarks (print figures and same-run ratios)
	.venv/bin/python bench/lookup.py
	.venv/bin/python bench/tls_probe.py
	.venv/bin/python bench/mcp_probe.py
	.venv/bin/python bench/check_tools.py

train:  ## retrain the tools model on corpus/dev (needs the train extra; writes probes/tools/data/)
	.venv/bin/python scripts/train_tool_model.py

fuzz:  ## schemathesis at length against the app sealed to loopback (DATABASE=postgres too)
	.venv/bin/python bench/fuzz.py --database $(or $(DATABASE),sqlite)
