#!/usr/bin/env bash
# The README's second command (and what CI runs): install what is missing,
# build, run the unit tests under AddressSanitizer + UBSan, fuzz the loaders
# for a bounded time, then the whole suite (unit, KVM guests, CLI, system) on
# the normal build. ctest's summary line of the
# whole suite is the last thing printed.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
jobs=$(nproc)

echo "== unit tests under AddressSanitizer + UndefinedBehaviorSanitizer"
KITE_BUILD_DIR=build-asan scripts/build.sh -DCMAKE_BUILD_TYPE=Debug -DKITE_SANITIZE=ON
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan -L unit --output-on-failure -j "$jobs"

echo "== libFuzzer targets, ${FUZZ_SECONDS:-30}s each"
scripts/fuzz.sh

echo "== whole suite"
scripts/build.sh
# The RISC-V Linux images the integration tests boot (cached; seconds when warm).
guest/riscv64/build-all.sh >/dev/null
ctest --test-dir build --output-on-failure -j "$jobs"
