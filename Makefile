# Sinergi: `make run` runs the main job, `make test` the tests. Both set up .venv first:
# tools/find-python picks an interpreter >= 3.12 ($PYTHON, python3.13/3.12/3, pyenv versions),
# and the project is (re)installed whenever pyproject.toml changes.
VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
EXTRAS  ?= test,dask

.PHONY: run test lint format calibrate explore notebooks venv clean regen-baseline

run: $(STAMP)
	$(PY) run_scenarios.py $(ARGS)

test: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

calibrate: $(STAMP)
	$(PY) -m sim.calibrate

# The regression baseline (tests/test_regression.py): only when a change of results is intended.
regen-baseline: $(STAMP)
	$(PY) tests/test_regression.py --regen

# The interactive explorer (sim/app.py, sim/explorer/) in a browser: http://localhost:8765
# (PORT=... to change). English or Bahasa Indonesia; a region, a scenario and its settings.
# tools/solara-assets first puts the page's front end where Solara serves it from; Solara's
# usage telemetry is switched off (the app makes no call outside this machine).
explore: $(STAMP)
	tools/solara-assets $(VENV)
	SOLARA_TELEMETRY_MIXPANEL_ENABLE=False $(VENV)/bin/solara run sim/app.py $(if $(PORT),--port $(PORT))

# The planners' notebooks (notebooks/*.ipynb) in JupyterLab, from this environment's kernel:
# the address it prints (http://localhost:8888/lab?token=...; PORT=... to change; ARGS=--no-browser
# on a machine without a browser). As root (a container) JupyterLab needs --allow-root.
notebooks: $(STAMP)
	$(VENV)/bin/jupyter lab --ServerApp.root_dir=notebooks $(if $(PORT),--port $(PORT)) \
		$(if $(filter 0,$(shell id -u)),--allow-root) $(ARGS)

venv: $(STAMP)

$(STAMP): pyproject.toml
	@base=$$(tools/find-python) || exit 1; \
	if [ ! -x $(PY) ]; then echo "creating $(VENV) with $$base"; "$$base" -m venv $(VENV) || exit 1; fi; \
	$(PY) -m pip install --quiet --upgrade pip && \
	$(PY) -m pip install --quiet -e ".[$(EXTRAS)]" && \
	rm -f $(VENV)/.installed-* && touch $@

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
