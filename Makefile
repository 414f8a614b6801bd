# Duban: `make demo` installs everything and serves the demo company on http://127.0.0.1:8000;
# `make test` installs everything and runs the whole test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
VENDOR := src/duban/static/vendor

.PHONY: demo test install assets serve lint format messages clean

demo: install
	DUBAN_HTTPS=$${DUBAN_HTTPS:-false} $(BIN)/duban demo

test: install
	bash scripts/run-tests

serve: install
	$(BIN)/duban migrate
	DUBAN_HTTPS=$${DUBAN_HTTPS:-false} $(BIN)/duban serve

install: $(VENV)/.installed assets

$(VENV)/.installed: pyproject.toml
	@echo "== 正在安装 Python 依赖到 $(VENV)/（首次约一分钟）· installing Python packages"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --progress-bar off -e '.[dev]'
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	@echo "== 正在安装前端文件（Bootstrap、ECharts）· installing front-end assets"
	npm ci --no-audit --no-fund --loglevel=error

# Third-party front-end files come from the npm registry (pinned by package-lock.json) and are
# copied into a git-ignored folder; none of them is committed.
assets: node_modules/.package-lock.json
	mkdir -p $(VENDOR)/bootstrap $(VENDOR)/echarts
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map $(VENDOR)/bootstrap/
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map $(VENDOR)/bootstrap/
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts/

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

format: install
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

# Recompile the English catalogue after editing src/duban/locale/en/LC_MESSAGES/django.po.
messages: install
	cd src/duban && DUBAN_DATA_DIR=$(CURDIR)/var ../../$(BIN)/duban makemessages --locale en --no-obsolete --add-location file
	cd src/duban && DUBAN_DATA_DIR=$(CURDIR)/var ../../$(BIN)/duban compilemessages --locale en

clean:
	rm -rf $(VENV) node_modules $(VENDOR)
