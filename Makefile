# Tradebase: `make run` sets up and serves the demo; `make test` sets up and runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
STAMP := $(VENV)/.installed-stamp
VENDOR := src/tradebase/web/static/vendor
ARTIFACTS := test-artifacts
export UV_NO_PROGRESS := 1

.PHONY: install assets run demo test lint typecheck pytest bench bench-1m eval-match lock clean \
	browser-deps pdf-deps

install: $(STAMP) assets ## create .venv and install Tradebase from the hashed lock file

$(STAMP): pyproject.toml requirements.lock requirements-bootstrap.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes \
		-r requirements-bootstrap.txt
	$(UV) pip sync --quiet --python $(BIN)/python --require-hashes requirements.lock
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

# Front-end assets come from pinned npm packages (package-lock.json has their integrity
# hashes); pages load them from /static/vendor, never from a CDN.
assets: $(VENDOR)/htmx.min.js $(VENDOR)/chart.umd.js $(VENDOR)/swagger-ui-bundle.js \
	$(VENDOR)/chartjs-chart-geo.umd.min.js $(VENDOR)/countries-110m.json

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

$(VENDOR)/htmx.min.js: node_modules/.package-lock.json
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js $@

$(VENDOR)/chart.umd.js: node_modules/.package-lock.json
	mkdir -p $(VENDOR)
	cp node_modules/chart.js/dist/chart.umd.js $@

# The world map: chartjs-chart-geo (a Chart.js plugin; its UMD build carries d3-geo and
# topojson-client) and world-atlas's 1:110m countries, TopoJSON keyed by ISO 3166 numeric ids.
$(VENDOR)/chartjs-chart-geo.umd.min.js: node_modules/.package-lock.json
	mkdir -p $(VENDOR)
	cp node_modules/chartjs-chart-geo/build/index.umd.min.js $@

$(VENDOR)/countries-110m.json: node_modules/.package-lock.json
	mkdir -p $(VENDOR)
	cp node_modules/world-atlas/countries-110m.json $@

$(VENDOR)/swagger-ui-bundle.js: node_modules/.package-lock.json
	mkdir -p $(VENDOR)
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css \
		$(VENDOR)/

run: install pdf-deps ## migrate, load the demo data into an empty database, serve on :8000
	$(BIN)/tradebase init
	$(BIN)/tradebase demo --if-empty
	$(BIN)/tradebase serve

demo: install
	$(BIN)/tradebase demo

# Debian's chromium drives the browser tests (Playwright never downloads a browser here).
browser-deps:
	@if ! command -v chromium >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "Installing Debian's chromium for the browser tests"; \
			(apt-get install -y -qq chromium >/dev/null 2>&1 || \
			 (apt-get update -qq && apt-get install -y -qq chromium)) ; \
		else \
			echo "The browser tests need Debian's chromium: run 'sudo apt-get install chromium'"; \
			exit 1; \
		fi; \
	fi
	@# Chinese pages in the screenshots need a CJK font (the tests read text, not pixels).
	@if ! fc-list 2>/dev/null | grep -qi 'wqy\|cjk'; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			apt-get install -y -qq fonts-wqy-microhei >/dev/null 2>&1 || \
			echo "No CJK font: Chinese text in screenshots shows as boxes (apt-get install fonts-wqy-microhei)"; \
		fi; \
	fi

# WeasyPrint (agendas and reports as PDF) needs Debian's pango, and a CJK font for Chinese.
pdf-deps:
	@if ! ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0' || \
	    ! fc-list 2>/dev/null | grep -qi 'wqy\|cjk'; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "Installing pango and a CJK font for PDF output"; \
			(apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-wqy-microhei >/dev/null 2>&1 || \
			 (apt-get update -qq && apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 \
			  fonts-wqy-microhei >/dev/null)); \
		else \
			echo "PDF output needs pango and a CJK font: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-wqy-microhei"; \
		fi; \
	fi

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy

pytest: install browser-deps pdf-deps
	mkdir -p $(ARTIFACTS)
	$(BIN)/pytest -n 2 --dist worksteal --junitxml=$(ARTIFACTS)/junit.xml $(PYTEST_ARGS)

test: lint typecheck pytest ## ruff, import layers, mypy and the whole pytest suite

# One BLAS thread: the float baselines' threads otherwise spin against other processes.
bench: install ## benchmarks next to same-run baselines (matching at 10 k and 100 k listings)
	OPENBLAS_NUM_THREADS=1 $(BIN)/python -m bench $(BENCH_ARGS)

bench-1m: install ## the same with matching at 1 M listings too (~20 min, peak ~4 GB)
	OPENBLAS_NUM_THREADS=1 $(BIN)/python -m bench --full $(BENCH_ARGS)

eval-match: install ## matching quality per language, next to plain BM25, on eval/
	$(BIN)/python -m eval.match

lock: ## re-pin every dependency with hashes after editing pyproject.toml
	$(UV) pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 \
		-o requirements.lock
	$(UV) pip compile requirements-bootstrap.in --generate-hashes --python-version 3.11 \
		-o requirements-bootstrap.txt

clean:
	rm -rf $(VENV) node_modules $(VENDOR) $(ARTIFACTS) .pytest_cache .mypy_cache .ruff_cache
