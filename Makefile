# SPDX-License-Identifier: MIT
# Thin wrapper over Meson: `make demo` installs, builds and runs the demo; `make test` runs
# the whole suite (also under AddressSanitizer and UndefinedBehaviorSanitizer).

.PHONY: all build demo test bench clean fuzz

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
	rm -rf build build-asan build-fuzz
