# Two commands: `make run` (serve the demo on http://127.0.0.1:8000) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: install run serve migrate demo test bench i18n clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

install: $(INSTALLED)

migrate: install
	$(BIN)/dialogue database upgrade

# Demo data goes into an empty database only; an existing record is left alone.
demo: migrate
	$(BIN)/dialogue demo

run: demo
	@echo ""
	@echo "Dialogue: http://127.0.0.1:$${DIALOGUE_PORT:-8000}  (Ctrl-C to stop)"
	$(BIN)/dialogue run

serve: install
	$(BIN)/dialogue run

test: install
	$(BIN)/pytest

bench: install
	$(BIN)/python bench/run.py

# Extract every marked string and merge it into the catalogs (then translate the .po files).
POT := dialogue/locale/messages.pot
i18n: install
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k ngettext:1,2 -k pgettext:1c,2 \
		--add-location=file --sort-output --no-wrap --project=Dialogue -o $(POT) .
	for lang in fr ar en; do \
		if [ -f dialogue/locale/$$lang/LC_MESSAGES/messages.po ]; then \
			$(BIN)/pybabel update --no-wrap --ignore-obsolete -i $(POT) -d dialogue/locale -l $$lang; \
		else \
			$(BIN)/pybabel init --no-wrap -i $(POT) -d dialogue/locale -l $$lang; \
		fi; \
	done

clean:
	rm -rf $(VENV) var .pytest_cache
