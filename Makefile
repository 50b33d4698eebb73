# zivverdesk — the two commands of the README are `make run` and `make test`;
# the other targets are the steps they are made of.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
VPY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# The newest CPython >= 3.12: on the PATH first, else among pyenv's installed versions.
# PySide6 6.12 on 3.11 loses references to None and aborts (see docs/ARCHITECTURE.md).
PYTHON ?= $(shell scripts/find-python.sh)

.PHONY: help install system-deps run test lint typecheck importlint pytest acceptance \
        bench bench-crypto bench-relay bench-web bench-page bench-sync bench-gui package clean

help:
	@echo "make run    install, start the relay, local mail services and the desktop app"
	@echo "make test   install everything the tests need and run the whole suite with gates"

$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
	  echo "No Python 3.12 or newer found (on the PATH or under pyenv). Install CPython 3.12+." >&2; \
	  exit 1; fi
	@if [ -x $(VPY) ] && ! $(VPY) -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then \
	  rm -rf $(VENV); fi
	@[ -x $(VPY) ] || $(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install -q --upgrade pip
	$(VPY) -m pip install -q -e ".[dev,postgres]"
	@touch $(STAMP)

install: $(STAMP)

system-deps:
	@bash scripts/install-system-deps.sh

run: install system-deps
	@bash scripts/run-demo.sh

lint: install
	$(VENV)/bin/ruff check zivverdesk tests scripts
	$(VENV)/bin/ruff format --check zivverdesk tests scripts

typecheck: install
	$(VENV)/bin/mypy zivverdesk tests scripts

importlint: install
	$(VENV)/bin/lint-imports

pytest: install system-deps
	$(VPY) -m pytest -m "not slow" $(PYTEST_ARGS)

test: install system-deps lint typecheck importlint pytest

acceptance: install system-deps
	$(VPY) -m pytest -m "slow" $(PYTEST_ARGS)

bench: install system-deps
	$(VPY) -m tests.bench all

# One group each; explicit, because make applies no pattern rule to a .PHONY target.
BENCH_GROUPS := crypto relay web page sync gui
$(addprefix bench-,$(BENCH_GROUPS)): bench-%: install system-deps
	$(VPY) -m tests.bench $*

# The PyInstaller bundle and an MSI around it (packaging/README.md); on Linux this proves the
# installer source, the shipped MSI is built on Windows.
package: install system-deps
	$(VPY) -m pip install -q -e ".[packaging]"
	bash packaging/build-msi.sh

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache
