# Two commands: `make run` (serve the demo on http://127.0.0.1:8000) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: install run serve migrate demo test lint format bench soak i18n catalogs clean
# A recipe that fails leaves no half-made target (pybabel writes the .mo before it reports errors).
.DELETE_ON_ERROR:

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test,dev]"
	touch $@

# Compiled catalogs (.mo) are built here, never committed; each is rebuilt when its .po changes.
LANGUAGES := fr ar en
LOCALE := dialogue/locale
MO := $(foreach lang,$(LANGUAGES),$(LOCALE)/$(lang)/LC_MESSAGES/messages.mo)

$(LOCALE)/%/LC_MESSAGES/messages.mo: $(LOCALE)/%/LC_MESSAGES/messages.po | $(INSTALLED)
	$(BIN)/pybabel compile -d $(LOCALE) -l $*

catalogs: $(MO)

install: $(INSTALLED) $(MO)

migrate: install
	$(BIN)/dialogue database upgrade

# Demo data goes into an empty database only; an existing record is left alone.
demo: migrate
	$(BIN)/dialogue demo

# The demo's summary and accounts, then `dialogue run`, which says where to open Dialogue;
# both speak DIALOGUE_LANGUAGE (default fr).
run: migrate
	@$(BIN)/dialogue demo --serving
	@echo ""
	@$(BIN)/dialogue run

serve: install
	$(BIN)/dialogue run

# A worker per core (pytest-xdist); TEST_WORKERS=0 runs the tests in this process.
# DIALOGUE_SCREENSHOTS=1 keeps a full-page screenshot of each page the browser tests look at.
TEST_WORKERS ?= auto
# Compiled modules are kept (even where PYTHONDONTWRITEBYTECODE is set, as on some CI images):
# each worker, and each `dialogue` the tests start, would otherwise compile Dialogue and rewrite
# the tests' asserts again, about 8 s of CPU per process.
test: install
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/pytest -n $(TEST_WORKERS)

# The lint rules, the layout and the types (settings in pyproject.toml); every check runs and
# each failing one is named. `make format` sorts the imports and lays the code out.
lint: $(INSTALLED)
	@status=0; \
	$(BIN)/ruff check . || { status=1; echo "lint: ruff check failed"; }; \
	$(BIN)/ruff format --check --output-format concise . || { status=1; echo "lint: not formatted (make format)"; }; \
	$(BIN)/mypy || { status=1; echo "lint: mypy failed"; }; \
	exit $$status

format: $(INSTALLED)
	$(BIN)/ruff check --select I --fix .
	$(BIN)/ruff format .

# wrk against `dialogue run` (one worker, production settings) on SQLite and PostgreSQL at
# each scale of the demo; results in bench/README.md. A quick subset:
# `make bench SCALES=1 BENCH_DATABASES=sqlite BENCH_SECONDS=5`. PostgreSQL:
# DIALOGUE_BENCH_DATABASE_URL (its schema is replaced). Needs wrk (Debian package).
SCALES ?= 1 10 100
BENCH_DATABASES ?= sqlite postgresql
BENCH_SECONDS ?= 10
bench: install
	SCALES="$(SCALES)" BENCH_DATABASES="$(BENCH_DATABASES)" BENCH_SECONDS="$(BENCH_SECONDS)" $(BIN)/python bench/run.py

# SOAK_USERS (30) people signed in to `dialogue run` reading and writing for SOAK_SECONDS
# (300), on SQLite, and on PostgreSQL when DIALOGUE_SOAK_DATABASE_URL names a server; then
# every acknowledged write is checked in the database (bench/soak.py).
soak: install
	$(BIN)/python bench/soak.py

# Extract every marked string, merge it into the catalogs, fill the English catalog (the
# ids are English) and compile; then translate the new French and Arabic entries.
POT := dialogue/locale/messages.pot
i18n: $(INSTALLED)
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k ngettext:1,2 -k pgettext:1c,2 \
		--add-location=file --sort-output --no-wrap --project=Dialogue -o $(POT) .
	for lang in fr ar en; do \
		if [ -f dialogue/locale/$$lang/LC_MESSAGES/messages.po ]; then \
			$(BIN)/pybabel update --no-wrap --ignore-obsolete -i $(POT) -d $(LOCALE) -l $$lang; \
		else \
			$(BIN)/pybabel init --no-wrap -i $(POT) -d $(LOCALE) -l $$lang; \
		fi; \
	done
	$(BIN)/python -m dialogue.catalogs fill-english $(LOCALE)/en/LC_MESSAGES/messages.po
	@$(MAKE) catalogs || { echo "Catalogs updated, but some entries do not compile yet (see above): translate the new and fuzzy entries, then run 'make catalogs'."; exit 1; }

clean:
	rm -rf $(VENV) var .pytest_cache
