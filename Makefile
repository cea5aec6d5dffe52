# The two commands: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   ?= .venv
VPY    := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help install run test clean-var

help:
	@echo "make run        create .venv and install if needed, then run Temporal dev server + worker + API"
	@echo "make test       install if needed, then run the test suite (PYTEST_ARGS='-k foo' to narrow)"
	@echo "make clean-var  delete var/ (Temporal dev server state and the SQLite ledger)"

# The virtualenv, created once with $(PYTHON) (3.11+).
$(VPY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || \
	  { echo "Huiyin needs Python 3.11+; '$(PYTHON)' is $$($(PYTHON) --version 2>&1). Use: make PYTHON=python3.11 ..." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

# (Re)install only when pyproject.toml is newer than the stamp.
$(STAMP): pyproject.toml | $(VPY)
	$(VPY) -m pip install --disable-pip-version-check -q -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(VPY) -m huiyin.run

test: $(STAMP)
	$(VPY) -m pytest -q $(PYTEST_ARGS)

clean-var:
	rm -rf var
