# make site  - set up and build the whole site into _site/
# make test  - set up (Python packages and the Debian tools the tests need) and run every test
# make serve - preview with live reload on http://127.0.0.1:8000/
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEBIAN_TOOLS := chromium poppler-utils default-jre-headless qpdf coreutils nginx-light libnginx-mod-http-brotli-static git pandoc softhsm2

.PHONY: site test serve check system-tools clean

site: $(VENV)/.site
	$(BIN)/python build.py

test: $(VENV)/.test system-tools
	$(BIN)/python -m pytest

serve: $(VENV)/.site
	$(BIN)/python build.py serve

check: $(VENV)/.site
	$(BIN)/python build.py check

$(VENV)/.site: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.test: pyproject.toml $(VENV)/.site
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# The browser, PDF reader, Java, web server (with brotli_static), git (the content's history) and pandoc (Word
# documents for the import tests) the tests use; installed only when missing.
system-tools:
	@if ! command -v chromium >/dev/null || ! command -v pdfinfo >/dev/null || ! command -v java >/dev/null || ! command -v qpdf >/dev/null \
		|| ! command -v git >/dev/null || ! command -v pandoc >/dev/null || ! command -v softhsm2-util >/dev/null \
		|| ! PATH="$$PATH:/usr/sbin" command -v nginx >/dev/null || [ ! -f /usr/lib/nginx/modules/ngx_http_brotli_static_module.so ]; then \
		echo "Installing $(DEBIAN_TOOLS) ..."; \
		$(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $(DEBIAN_TOOLS); \
	fi

clean:
	rm -rf _site .cache
