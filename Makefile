# The two commands a newcomer needs: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app groups_app
PORT   ?= 5000
LANGS  := he ar ru am es en

.PHONY: run test lint audit setup db translations compile-translations check-translations bench bench-smoke clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

setup: $(VENV)/.installed compile-translations

compile-translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d translations -D messages --statistics

db: setup
	$(FLASK) db upgrade
	$(FLASK) content import

run: db
	$(FLASK) demo --once
	$(FLASK) run --port $(PORT)

lint: $(VENV)/.installed
	$(BIN)/ruff check groups_app tests migrations bench

# Supply chain: known vulnerabilities in the installed packages (pip-audit) and risky code in ours
# (bandit, medium severity and up). pip-audit passes when it cannot look a package up ("not found"),
# so a canary with known advisories (jinja2 2.10) first tells whether its advisory database answers.
PIP_AUDIT     ?= $(BIN)/pip-audit
AUDIT_TIMEOUT ?= 10
audit: $(VENV)/.installed
	@echo "jinja2==2.10" > $(VENV)/audit-canary.txt
	@if timeout 30 $(PIP_AUDIT) -r $(VENV)/audit-canary.txt --no-deps --disable-pip --timeout $(AUDIT_TIMEOUT) \
			--progress-spinner off -f json 2>/dev/null | grep -q '"id"'; then \
		echo "pip-audit: checking the installed packages"; \
		timeout 300 $(PIP_AUDIT) --skip-editable --timeout $(AUDIT_TIMEOUT) --progress-spinner off; \
	else \
		echo "pip-audit: advisory database unreachable from this machine, skipped"; \
	fi
	@$(BIN)/bandit -ll -r groups_app -q 2>$(VENV)/bandit.log || { cat $(VENV)/bandit.log; exit 1; }
	@echo "bandit: no finding of medium severity or higher in groups_app"

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Extract every marked string and merge it into the six catalogs (then translate, then commit).
translations: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 -k lazy_ngettext:1,2 --no-location --sort-output \
		--project groups_app -o translations/messages.pot .
	@for lang in $(LANGS); do \
		if [ -f translations/$$lang/LC_MESSAGES/messages.po ]; then \
			$(BIN)/pybabel update -i translations/messages.pot -d translations -l $$lang --no-fuzzy-matching --ignore-obsolete; \
		else \
			$(BIN)/pybabel init -i translations/messages.pot -d translations -l $$lang; \
		fi; \
	done
	$(BIN)/python -m groups_app.core.catalogs translations/en/LC_MESSAGES/messages.po

# Both scales served by gunicorn and driven by wrk (apt-get install wrk); writes bench/results.json.
bench: setup
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# A minute at small scale that fails on any answer not 2xx (CI runs it).
bench-smoke: setup
	$(BIN)/python bench/run.py --smoke

clean:
	rm -rf $(VENV) instance/groups_app.sqlite
