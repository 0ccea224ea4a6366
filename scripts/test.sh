#!/usr/bin/env bash
# The README's second command (and what CI runs): install what is missing,
# build, run the unit tests under AddressSanitizer + UBSan, fuzz the loaders
# and guest-facing devices for a bounded time, build a Release tree (-O3,
# as a user would), then the whole suite (unit, KVM guests, CLI, system) on
# the normal build.
#
# After each ctest run (ctest's own summary line stays visible),
# tests/lib/ctest_summary.py lists every skipped test with its reason and
# prints `N passed, N failed, N skipped (N tests ran)`, the last line of the
# output. With CI=true (.ci/run sets it) a run also fails when a test skips
# that tests/ci-allowed-skips.txt does not allow, or when fewer tests ran in
# the whole suite than tests/ci-min-tests.txt says.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
jobs=$(nproc)

# summarised_ctest BUILD_DIR [SUMMARY_OPTION...] -- CTEST_OPTION...: runs
# ctest, then ctest_summary.py on its JUnit output; fails if either fails.
summarised_ctest() {
    local dir=$1 status=0 summary=()
    shift
    while [[ $1 != -- ]]; do
        summary+=("$1")
        shift
    done
    shift
    local junit=$PWD/$dir/ctest-junit.xml
    rm -f "$junit"
    ctest --test-dir "$dir" --output-junit "$junit" "$@" || status=$?
    if [[ ${CI:-} == true ]]; then
        summary+=(--police --allowed-skips tests/ci-allowed-skips.txt)
    else
        summary=()
    fi
    python3 tests/lib/ctest_summary.py --junit "$junit" --ctest-status "$status" "${summary[@]}"
}

# Debian's stock x86-64 kernel, which the boot-protocol unit tests load
# (cached; fetched before the first ctest run, which runs those tests too).
guest/x86_64/fetch-kernel.sh >/dev/null || echo "x86_64 kernel not fetched: its tests skip"

echo "== unit tests under AddressSanitizer + UndefinedBehaviorSanitizer"
KITE_BUILD_DIR=build-asan scripts/build.sh -DCMAKE_BUILD_TYPE=Debug -DKITE_SANITIZE=ON
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    summarised_ctest build-asan -- -L unit --output-on-failure -j "$jobs"

echo "== libFuzzer targets, ${FUZZ_SECONDS:-30}s each"
scripts/fuzz.sh

# A user's build: Release (-O3), without the tests, and with warnings as errors
# so CI catches what -O3 alone warns about.
echo "== Release build"
KITE_BUILD_DIR=build-release scripts/build.sh -DCMAKE_BUILD_TYPE=Release -DKITE_BUILD_TESTS=OFF

echo "== whole suite"
scripts/build.sh
# The RISC-V Linux images the integration tests boot (cached; seconds when warm).
guest/riscv64/build-all.sh >/dev/null
summarised_ctest build --min-tests tests/ci-min-tests.txt -- --output-on-failure -j "$jobs"
