# sqmkit — `make demo` builds the bundled demo clients; `make test` runs the whole suite.
# Both work on a fresh Debian 12 machine as root with only Python 3.11: they install the Debian
# packages they need, create .venv, and install the core and the three plugins into it.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    ?= out
PLUGINS := $(sort $(dir $(wildcard plugins/*/pyproject.toml)))
DEMOS   := $(wildcard plugins/*/sqmkit_*/examples/demo-*.yaml)
# the demo group (examples/group): its units besides the plugins' demos, and the group profile
GROUP_UNITS := $(filter-out examples/group/demo-group.yaml,$(wildcard examples/group/*.yaml))

# Debian packages: CJK fonts and WeasyPrint's libraries for building; Chromium and poppler for tests.
BUILD_DEBS := fonts-noto-cjk fontconfig libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
TEST_DEBS  := chromium poppler-utils libreoffice-writer-nogui qpdf
# axe-core (accessibility checks of the site in Chromium), pinned by .node/package-lock.json, from npm
AXE := .node/node_modules/axe-core/axe.min.js

.PHONY: demo test install sysdeps-build sysdeps-test bench clean apt messages docs

demo: sysdeps-build $(VENV)/.installed
	@test -f $(OUT)/ws/sqmkit.toml || $(BIN)/sqmkit init $(OUT)/ws
	@for p in $(DEMOS); do \
	  id=$$(basename "$$p" .yaml); \
	  test -f $(OUT)/ws/clients/$$id.yaml || $(BIN)/sqmkit client import "$$p" --workspace $(OUT)/ws || exit 1; \
	done
	@for p in $(GROUP_UNITS); do \
	  id=$$(basename "$$p" .yaml); \
	  test -f $(OUT)/ws/clients/$$id.yaml || $(BIN)/sqmkit client import "$$p" --workspace $(OUT)/ws || exit 1; \
	done
	@mkdir -p $(OUT)/ws/groups && cp examples/group/demo-group.yaml $(OUT)/ws/groups/demo-group.yaml
	$(BIN)/sqmkit build --all --workspace $(OUT)/ws
	$(BIN)/sqmkit group build demo-group --site-only --workspace $(OUT)/ws
	@echo "Open $(OUT)/ws/out/<client-id>/index.html in a browser; the PDF is $(OUT)/ws/out/<client-id>/handbook.pdf"
	@echo "The demo group's portal is $(OUT)/ws/out/demo-group/index.html"

test: sysdeps-build sysdeps-test $(VENV)/.installed $(AXE)
	$(BIN)/sqmkit plugin check -q $(PLUGINS)
	$(BIN)/mypy
	$(BIN)/python -m pytest -p no:cacheprovider -n auto --dist loadfile

# The benches time fresh processes: compile the sources first, as an installed package would be
# (an environment with PYTHONDONTWRITEBYTECODE set would otherwise compile them in every run).
bench: sysdeps-build $(VENV)/.installed
	$(BIN)/python -m compileall -q sqmkit $(PLUGINS)
	$(BIN)/python bench/bench_build.py

install: $(VENV)/.installed

# Regenerate the industry tables of docs/profiles.md from the installed plugins (a test keeps them in step).
docs: $(VENV)/.installed
	$(BIN)/python -m sqmkit.reference --update-docs docs/profiles.md

# Bring the message catalogs in step with the source (then translate the new entries in the .po).
messages: $(VENV)/.installed
	$(BIN)/pybabel extract --no-location --sort-output --omit-header --no-wrap -k _ -k ngettext:1,2 -o .messages.pot sqmkit
	$(BIN)/pybabel update --ignore-obsolete --ignore-pot-creation-date --no-wrap --init-missing \
	  -i .messages.pot -d sqmkit/locale -D sqmkit -l zh_CN
	sed -i -E '/^"(Report-Msgid-Bugs-To|POT-Creation-Date|PO-Revision-Date|Last-Translator|Language-Team|Generated-By):/d; s/^"Project-Id-Version: +/"Project-Id-Version: /' \
	  sqmkit/locale/zh_CN/LC_MESSAGES/sqmkit.po
	rm -f .messages.pot

$(VENV)/.installed: pyproject.toml constraints.txt $(wildcard plugins/*/pyproject.toml)
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "sqmkit needs Python 3.11+"'
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || $(MAKE) --no-print-directory apt DEBS="python3-venv"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]' $(addprefix -e ,$(PLUGINS))
	$(BIN)/python -m compileall -q sqmkit $(PLUGINS)
	touch $@

sysdeps-build:
	@$(MAKE) --no-print-directory apt DEBS="$(BUILD_DEBS)"

sysdeps-test:
	@$(MAKE) --no-print-directory apt DEBS="$(TEST_DEBS)"

$(AXE): .node/package.json .node/package-lock.json
	@command -v npm >/dev/null 2>&1 || $(MAKE) --no-print-directory apt DEBS="nodejs npm"
	npm ci --prefix .node --no-audit --no-fund --silent
	touch $@

# Install the Debian packages in DEBS that are missing (needs root; says what to do otherwise).
apt:
	@missing=""; for d in $(DEBS); do dpkg -s $$d >/dev/null 2>&1 || missing="$$missing $$d"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" != 0 ]; then echo "missing Debian packages:$$missing — run as root or: sudo apt-get install$$missing"; exit 1; fi; \
	  echo "installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

clean:
	rm -rf $(OUT) .pytest_cache
