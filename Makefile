# SPDX-License-Identifier: MIT
# Thin wrapper over Meson: `make demo` installs, builds and runs the demo; `make test` runs
# the whole suite (also under AddressSanitizer and UndefinedBehaviorSanitizer).

.PHONY: all build demo test test-node18 bench clean fuzz deb test-install

all: build

build:
	@tools/install-deps
	@test -d build || meson setup build --buildtype=debugoptimized
	@ninja -C build

demo: build
	@rm -f demo.db demo.db-wal demo.db-shm
	@build/acsa demo --db demo.db

test:
	@tools/install-deps
	@tools/run-tests

# The web tests under Debian 12's own Node.js 18 (tools/test-node18), whatever node is installed.
test-node18: build
	@tools/test-node18

bench: build
	@bench/run

# The Debian package, build-deb/acsa_VERSION_ARCH.deb, checked by lintian (tools/build-deb).
deb:
	@tools/install-deps
	@tools/build-deb

# The package installed for real in a Debian 12 tree (debootstrap, cached in build/deb-install)
# and its service started under systemd booted there (tests/package/deb_install.sh; root).
test-install:
	@tools/install-deps
	@if [ "$$(id -u)" = 0 ] && ! { command -v debootstrap && command -v systemd-nspawn; } \
	    >/dev/null; then apt-get install -y -qq --no-install-recommends debootstrap \
	    systemd-container; fi
	@test -d build || meson setup build --buildtype=debugoptimized
	@meson test -C build deb_install --print-errorlogs --verbose

# Every fuzz target for FUZZ_SECONDS (default 60) on its seed corpus; new inputs and crashes go
# to build-fuzz/fuzz-out/<target>, never to tests/fuzz/corpus.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS = money date record agreement batch routes query

fuzz:
	@tools/install-deps
	@test -d build-fuzz || CC=clang meson setup build-fuzz --buildtype=debugoptimized \
	    -Dfuzz=true -Dtests=false -Db_sanitize=address,undefined -Db_lundef=false
	@ninja -C build-fuzz
	@mkdir -p build-fuzz/fuzz-out
	@failed=""; for t in $(FUZZ_TARGETS); do \
	    echo "== fuzz_$$t: $(FUZZ_SECONDS) s (log: build-fuzz/fuzz-out/$$t.log)"; \
	    tests/fuzz/run build-fuzz/tests/fuzz/fuzz_$$t tests/fuzz/corpus/$$t \
	        build-fuzz/fuzz-out/$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
	        -max_len=$$( [ $$t = batch ] && echo 65536 || echo 4096 ) \
	        >build-fuzz/fuzz-out/$$t.log 2>&1 \
	        || { tail -n 40 build-fuzz/fuzz-out/$$t.log; failed="$$failed $$t"; }; \
	    grep -E '^#[0-9]+.*DONE|^stat::number_of_executed_units' build-fuzz/fuzz-out/$$t.log; \
	done; \
	test -z "$$failed" || { echo "fuzz: crashed:$$failed"; exit 1; }

clean:
	rm -rf build build-asan build-tsan build-fuzz build-deb

# Kill -9 under load, KILLS times (the suite runs 50), then the power-loss crash points.
KILLS ?= 1000
.PHONY: crash
crash: build
	@KILLS=$(KILLS) ACSA_BIN=build/acsa ACSA_SOURCE_ROOT=$(CURDIR) \
		bash tests/integration/crash_kill.sh
	@$(MAKE) powerloss

# The two-node simulation over SEEDS seeds from SEED_FIRST (the suite runs a fixed few).
SEEDS ?= 1000
SEED_FIRST ?= 1
.PHONY: simulate
simulate: build
	@build/tests/sim/acsa-sim --first $(SEED_FIRST) --seeds $(SEEDS)

# The server and sync tests under ThreadSanitizer, in a build of their own (slow: niced).
TSAN_TESTS = test_sync api_smoke sync_two_nodes sync_offline sync_hostile sync_faults \
	web_api web_authz
TSAN_TESTS += sync_quarantine
.PHONY: tsan
tsan:
	@tools/install-deps
	@test -d build-tsan || meson setup build-tsan --buildtype=debug -Db_sanitize=thread \
		-Db_lundef=false
	@nice ninja -C build-tsan
	@TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" nice meson test -C build-tsan \
		--print-errorlogs --timeout-multiplier 4 $(TSAN_TESTS)

# Fault injection in full (the suite runs a sample): every allocation failure point of each
# scenario, once and from then on; every I/O fault point; 1,000 power losses.
.PHONY: torture powerloss
torture: build
	@build/tests/fault/torture --persistent
	@build/tests/fault/io_faults

powerloss: build
	@build/tests/fault/powerloss --points $(or $(POWERLOSS_POINTS),1000)
