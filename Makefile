# SPDX-License-Identifier: MIT
# Thin wrapper over Meson: `make demo` installs, builds and runs the demo; `make test` runs
# the whole suite (also under AddressSanitizer and UndefinedBehaviorSanitizer).

.PHONY: all build demo test bench clean

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

bench: build
	@bench/run

clean:
	rm -rf build build-asan build-tsan build-fuzz

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
