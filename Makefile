# Two commands: `make run` (set up, start the dashboard) and `make test` (set up, run every test).
VENV   ?= .venv
PYTHON ?= python3
PY      = $(VENV)/bin/python
STAMP   = $(VENV)/.installed-stamp
PORT   ?= 8501
HOST   ?= 127.0.0.1

.PHONY: run serve test chromium libreoffice sample bench bench-browser load-test reference clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

# Debian's chromium drives the browser tests and kaleido's PNG/SVG export;
# strace lets tests/test_network.py see every connection the server attempts.
chromium:
	@{ command -v chromium && command -v strace; } >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium and strace (browser tests, figure export, network test)..."; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium strace >/dev/null; }

# LibreOffice opens the PowerPoint deck and the Word report in the slow tests (PDF via
# Impress / Writer headless; poppler-utils counts and reads the pages).
libreoffice:
	@command -v soffice >/dev/null 2>&1 && command -v pdfinfo >/dev/null 2>&1 || { \
	  echo "Installing Debian's LibreOffice Impress/Writer and poppler-utils (document tests)..."; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq --no-install-recommends \
	    libreoffice-impress libreoffice-writer poppler-utils >/dev/null; }

# PYTHONDONTWRITEBYTECODE= : a shell that turns off Python's module cache would make every
# start compile the app's ~100 modules again (0.3-0.5 s before the first chart)
run: $(STAMP)
	PYTHONDONTWRITEBYTECODE= $(VENV)/bin/streamlit run app.py --server.address 127.0.0.1 --server.port $(PORT)

# Serve on a network interface: `make serve HOST=0.0.0.0`, with sign-in configured in
# .streamlit/secrets.toml (README, "Serving to a team"). Without sign-in the app refuses
# to show data beyond 127.0.0.1 unless NOAUTH=1 (passed to it as --no-auth: a warning
# banner on every page).
serve: $(STAMP)
	@if [ -z "$(NOAUTH)" ] && ! grep -qs '^\[auth' .streamlit/secrets.toml; then \
	  case "$(HOST)" in 127.*|localhost|::1) ;; *) \
	  echo "msc-dash: no sign-in is configured (.streamlit/secrets.toml, see the README)."; \
	  echo "msc-dash: the app will refuse to show data on $(HOST); NOAUTH=1 serves it openly.";; esac; fi
	@if [ -n "$(NOAUTH)" ]; then \
	  echo "WARNING: serving msc-dash on $(HOST):$(PORT) WITHOUT SIGN-IN: anyone who can reach"; \
	  echo "WARNING: this address sees every uploaded trial. Use only on a trusted network."; fi
	PYTHONDONTWRITEBYTECODE= $(VENV)/bin/streamlit run app.py --server.address $(HOST) --server.port $(PORT) \
	  --browser.serverAddress $$(hostname) $(if $(NOAUTH),-- --no-auth)

test: $(STAMP) chromium libreoffice
	$(VENV)/bin/ruff check .
	$(PY) -m pytest

sample: $(STAMP)
	$(PY) -m msc_dash.sample

bench: $(STAMP)
	$(PY) benchmarks/bench_effects.py
	$(PY) benchmarks/bench_mmrm.py
	$(PY) benchmarks/bench_pages.py --all
	$(PY) benchmarks/bench_filters.py --quick
	$(PY) benchmarks/bench_load.py
	$(PY) benchmarks/bench_registry.py

# first chart after server start and page changes in headless Chromium (needs chromium)
bench-browser: $(STAMP) chromium
	$(PY) benchmarks/bench_browser.py

# 8 browser sessions against one server (needs chromium)
load-test: $(STAMP) chromium
	$(PY) benchmarks/load_test.py

# Re-run the R scripts that froze the tests' reference values (needs R, see tests/reference/README.md)
reference: $(STAMP)
	@command -v Rscript >/dev/null 2>&1 || { echo "make reference needs R: apt-get install r-base-core r-cran-nlme r-cran-lme4 r-cran-lmertest r-cran-emmeans r-cran-survival r-cran-coin"; exit 1; }
	@for f in tests/reference/*.py; do [ -e "$$f" ] && echo "== $$f" && $(PY) $$f || exit 1; done
	@for f in tests/reference/*.R; do [ -e "$$f" ] && echo "== $$f" && Rscript --vanilla $$f || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
