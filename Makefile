# Ferry: build, run and test. `make run` serves the example site; `make test` runs every test.

SHELL := /bin/bash
.DEFAULT_GOAL := build

# Use the toolchain in /opt/swift when swift is not on PATH already.
ifeq ($(shell command -v swift 2>/dev/null),)
  ifneq ($(wildcard /opt/swift/usr/bin/swift),)
    export PATH := /opt/swift/usr/bin:$(PATH)
  endif
endif

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BIN  ?= .build/debug

# Debian packages: to build, additionally to test, and for the benchmark only.
BUILD_PKGS := libsqlite3-dev libcurl4-openssl-dev libyaml-dev libarchive-dev libzstd-dev zlib1g-dev git pkg-config
TEST_PKGS  := git curl composer php-cli unzip nginx
BENCH_PKGS := nginx wrk hyperfine sqlite3 zstd composer php-cli unzip

# Tests running at once. Many start real servers, git, npm and composer; on two cores an
# unbounded start-up starves the loopback servers into timeouts.
TEST_WIDTH ?= 6
# The web UI's browser tests: headless Chromium driven by selenium (from PyPI, in .venv-ui).
TEST_PKGS  += chromium chromium-driver python3-venv
TEST_PKGS  += nodejs zstd yarnpkg

# $(call apt_install,PACKAGES): install the PACKAGES not installed yet (one apt-get update first).
apt_install = @missing=""; \
	for p in $(sort $(1)); do \
	  dpkg -s "$$p" 2>/dev/null | grep -q '^Status: install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "deps: nothing to install"; exit 0; fi; \
	echo "deps: installing$$missing"; \
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing

# Fail early, with a clear message, when there is no Swift toolchain.
check_swift = @command -v swift >/dev/null || { echo "swift not found: put the Swift 6 toolchain on PATH (or in /opt/swift)" >&2; exit 1; }

.PHONY: deps test-deps build examples run test ui-test api-test fuzz fuzz-short chaos chaos-short bench clean distclean help

# Install the Debian packages the build needs, when missing.
deps:
	$(call apt_install,$(BUILD_PKGS))

# Install the Debian packages the build and the tests need, when missing.
test-deps:
	$(call apt_install,$(BUILD_PKGS) $(TEST_PKGS))
	test -x .venv-s3/bin/moto_server || python3 -m venv .venv-s3
	.venv-s3/bin/pip install -q --disable-pip-version-check "moto[server]" boto3

# Build the ferry executable (.build/debug/ferry).
build: deps
	$(check_swift)
	swift build --product ferry

# Make (or update) the example git repository and workload file in examples/.repos.
examples:
	bash scripts/make-example-repo.sh
	bash scripts/make-example-composer.sh
	bash scripts/make-example-npm.sh

# Build, then serve the example workloads on http://127.0.0.1:8080 (data in ./data).
run: build examples
	@echo
	@echo "Ferry: the example site is at http://127.0.0.1:8080/sites/hello/"
	@echo "       the example Composer repository at http://127.0.0.1:8080/composer/packages/"
	@echo "       the example npm mirror at http://127.0.0.1:8080/npm/npm/ (npm install --registry http://127.0.0.1:8080/npm/npm/ tar)"
	@echo "       the API at http://127.0.0.1:8080/api/workloads   (Ctrl-C stops the server)"
	@echo
	exec $(BIN)/ferry serve --config examples/ferry.yaml

# Install what the tests need, build everything, run every test.
test: test-deps
	$(check_swift)
	swift build --build-tests
	SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH=$(TEST_WIDTH) swift test --skip-build
	$(MAKE) --no-print-directory ui-test
	$(MAKE) --no-print-directory api-test
	$(MAKE) --no-print-directory fuzz-short
	$(MAKE) --no-print-directory chaos-short

# The web UI in headless Chromium against a real `ferry serve`; screenshots in .ui-screenshots/.
ui-test:
	swift build --product ferry
	test -x .venv-ui/bin/python || python3 -m venv .venv-ui
	.venv-ui/bin/pip install -q --disable-pip-version-check selenium
	.venv-ui/bin/python tests/ui/run.py

# schemathesis against a real `ferry serve` from its own /api/openapi.json: no answer may be a 5xx.
API_EXAMPLES ?= 20
api-test:
	swift build --product ferry
	test -x .venv-ui/bin/python || python3 -m venv .venv-ui
	.venv-ui/bin/pip install -q --disable-pip-version-check schemathesis
	.venv-ui/bin/python tests/api/run.py --max-examples $(API_EXAMPLES)

# CHAOS_SEED=N repeats a chaos run (each script prints the seed it used).
CHAOS_SEED ?=
chaos_seed = $(if $(CHAOS_SEED),--seed $(CHAOS_SEED))

# kill -9 campaign (100 operations) and a 10,000-delivery webhook burst on a real `ferry serve` (docs/RELIABILITY.md).
chaos:
	swift build --product ferry
	@status=0; \
	python3 tests/chaos/campaign.py --operations 100 --strict $(chaos_seed) || status=1; \
	python3 tests/chaos/burst.py --deliveries 10000 $(chaos_seed) || status=1; \
	exit $$status

# The short chaos run `make test` ends with: 15 operations and a 1,000-delivery burst.
chaos-short:
	swift build --product ferry
	python3 tests/chaos/campaign.py --operations 15 $(chaos_seed)
	python3 tests/chaos/burst.py --deliveries 1000 $(chaos_seed)

# libFuzzer on every parser, 5 minutes each (Fuzz/run.sh; own build folder Fuzz/.build, scratch corpora in .fuzz-work/).
fuzz: deps
	$(check_swift)
	bash Fuzz/run.sh 300

# The short fuzz run `make test` includes: 20 seconds per parser, so a new crash fails CI.
fuzz-short: deps
	$(check_swift)
	bash Fuzz/run.sh 20

# Install nginx, wrk and hyperfine when missing, then run the benchmarks (bench/run.sh).
bench:
	$(call apt_install,$(BUILD_PKGS) $(BENCH_PKGS))
	@test -f bench/run.sh || { echo "bench/run.sh is missing" >&2; exit 1; }
	bash bench/run.sh

# Remove build output and the generated example repository.
clean:
	rm -rf .build examples/.repos

# Also remove ./data, the data directory `make run` uses (workloads, builds, jobs, logs).
distclean: clean
	rm -rf data

# List the targets.
help:
	@awk '/^# / { c = substr($$0, 3) } /^[a-z-]+:/ && c { sub(":.*", "", $$1); printf "  %-10s %s\n", $$1, c; c = "" } !/^#/ { c = "" }' $(MAKEFILE_LIST)
