# The two set-up commands of the README: `make demo` and `make test`.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy
PY := .venv/bin/python
OUT ?= careforce-demo

.PHONY: venv demo test check lint lock docs golden clean

.venv/.installed: requirements.lock pyproject.toml
	@command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet uv
	uv venv --clear -p python3.11 .venv
	uv pip install -p $(PY) -r requirements.lock
	uv pip install -p $(PY) --no-deps -e .
	touch $@

venv: .venv/.installed

demo: venv
	.venv/bin/careforce demo --out $(OUT)

lint: venv
	.venv/bin/ruff check src tests benchmarks
	.venv/bin/ruff format --check src tests benchmarks
	.venv/bin/mypy
	.venv/bin/lint-imports

test: lint
	.venv/bin/python -m pytest -n 2 tests

docs: venv
	.venv/bin/careforce formats --markdown > docs/formats.md

golden: venv
	.venv/bin/python tests/regression/demo_golden.py

lock:
	uv pip compile pyproject.toml --group dev -p 3.11 -o requirements.lock

clean:
	rm -rf .venv careforce-demo
