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
	rm -rf build build-asan

# Fault injection in full (the suite runs a sample): every allocation failure point of each
# scenario, once and from then on; every I/O fault point; 1,000 power losses.
.PHONY: torture powerloss
torture: build
	@build/tests/fault/torture --persistent
	@build/tests/fault/io_faults

powerloss: build
	@build/tests/fault/powerloss --points $(or $(POWERLOSS_POINTS),1000)
