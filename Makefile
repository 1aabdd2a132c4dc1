# Two commands on a fresh machine:  `make run` (serve on SQLite)  and  `make test` (whole suite, SQLite + PostgreSQL).
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
POSTGRES_URL ?= postgresql+asyncpg://postgres@127.0.0.1:5432/postgres

# Message catalogues (docs/messages.md): each hub.po is compiled to the hub.mo the server reads.
LOCALES := hub/locale
MESSAGE_FILES := $(patsubst %.po,%.mo,$(wildcard $(LOCALES)/*/LC_MESSAGES/hub.po))
EXTRACT := --no-default-keywords --keyword=_l --add-location=file --sort-output --no-wrap --project=kaifeng-hub

.PHONY: setup run test test-sqlite test-postgresql schema lock messages vendor-graphiql
setup: $(VENV)/.installed $(MESSAGE_FILES)

$(VENV)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e . -e clients/python
	touch $@

$(MESSAGE_FILES): %.mo: %.po $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -i $< -o $@

run: setup
	$(BIN)/hub serve

test: setup  # both backends at once (each suite waits on its database and server much of the time); output per suite
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgresql

test-sqlite: setup
	HUB_TEST_DATABASE=sqlite $(BIN)/pytest

test-postgresql: setup
	HUB_TEST_DATABASE=postgresql HUB_TEST_POSTGRES_URL=$(POSTGRES_URL) $(BIN)/pytest

schema: setup
	$(BIN)/hub export-schema

lock: setup
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra test --quiet -o requirements.lock

messages: setup  # after adding or changing a marked message: extract, merge into each hub.po, compile
	mkdir -p build
	$(BIN)/pybabel extract $(EXTRACT) -o build/hub.pot hub
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete --no-wrap -i build/hub.pot -d $(LOCALES) -D hub
	$(BIN)/pybabel compile --statistics -d $(LOCALES) -D hub

vendor-graphiql:  # re-fetch GraphiQL's browser files from npm at the pinned versions (see README, GraphiQL)
	scripts/vendor-graphiql.sh
