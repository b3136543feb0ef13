# crm-migrate — every install step lives here, so a fresh clone needs nothing by hand.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home

.PHONY: install demo lint test ui bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[postgres,mysql,dev]"
	touch $(STAMP)

demo: install
	$(BIN)/crm-migrate demo

# The layer contracts (import-linter) and ruff run first: a layer break or a lint error fails CI.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

test: lint
	$(BIN)/python -m pytest -n 2 -q

ui: install
	$(BIN)/python -c "from pipelines.instance import ensure_dagster_home; ensure_dagster_home()"
	$(BIN)/dagster dev -w workspace.yaml

bench: install
	$(BIN)/python -m pip install --quiet -e ".[postgres,mysql,dev,bench]"
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) $(DAGSTER_HOME) sample_data/crm.db
