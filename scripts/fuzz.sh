#!/usr/bin/env bash
# Builds the libFuzzer targets with clang-16 into build-fuzz/ and runs each for
# a bounded time (FUZZ_SECONDS, default 30; FUZZ_SECONDS=600 for a longer hunt,
# or run one binary by hand: build-fuzz/tests/fuzz/TARGET -max_total_time=N
# build-fuzz/corpus/TARGET tests/fuzz/corpus/TARGET). Inputs that crash, hang (longer
# than FUZZ_TIMEOUT seconds, default 10) or trigger a sanitizer report (UB
# included) are left in build-fuzz/crashes/ and make this script fail. Each
# run's whole log is kept in build-fuzz/logs/<target>.log: printed whole when
# the run fails, its last lines when it passes.
#
# First, a self-test of this harness: two deliberately bad targets (a signed
# overflow, a hang) run the same way on an input that triggers them, and must
# fail; if either passes, fuzzing could not catch that kind of bug, and this
# script fails before fuzzing anything.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-30}
timeout=${FUZZ_TIMEOUT:-10}
targets=(fuzz_x86_loader fuzz_riscv_loader fuzz_virtqueue fuzz_blk_request
         fuzz_pci fuzz_virtio_mmio fuzz_riscv_devices fuzz_virtio_net fuzz_riscv_cpu
         fuzz_x86_cpu)
selftests=(selftest_overflow selftest_hang)

# clang 16 implements what libstdc++ 12's <expected> checks for, but reports an
# older __cpp_concepts; state the value it supports so std::expected compiles.
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKITE_FUZZ=ON -DKITE_WERROR=ON \
    -DCMAKE_C_COMPILER=clang-16 -DCMAKE_CXX_COMPILER=clang++-16 \
    -DCMAKE_CXX_FLAGS="-Wno-builtin-macro-redefined -U__cpp_concepts -D__cpp_concepts=202002L" >/dev/null
ninja -C build-fuzz "${targets[@]}" "${selftests[@]}"
mkdir -p build-fuzz/crashes build-fuzz/logs build-fuzz/selftest

# fuzz_run TARGET SECONDS ARTIFACT_DIR CORPUS...: fuzzes TARGET into
# build-fuzz/logs/TARGET.log; the status is libFuzzer's. libFuzzer checks
# -max_total_time only between inputs, so `timeout` kills a run that outlives
# it by far (an input stuck where -timeout does not reach).
fuzz_run() {
    local target=$1 secs=$2 artifacts=$3
    shift 3
    UBSAN_OPTIONS=print_stacktrace=1 timeout -k 5 $((secs + 2 * timeout + 60)) \
        "build-fuzz/tests/fuzz/$target" -max_total_time="$secs" -timeout="$timeout" -rss_limit_mb=2048 \
        -print_final_stats=0 -artifact_prefix="$artifacts/$target-" "$@" >"build-fuzz/logs/$target.log" 2>&1
}

# selftest TARGET INPUT REGEX: TARGET, started on a corpus holding INPUT, must
# fail within the time a real target gets, with REGEX in its log.
selftest() {
    local target=$1 input=$2 regex=$3 corpus=build-fuzz/selftest/corpus-$1
    rm -rf "$corpus" && mkdir -p "$corpus"
    printf '%s' "$input" >"$corpus/trigger"
    if fuzz_run "$target" "$((timeout + 5))" build-fuzz/selftest "$corpus"; then
        cat "build-fuzz/logs/$target.log"
        echo "fuzz harness self-test FAILED: $target passed; the fuzz runs cannot catch this bug" >&2
        exit 1
    elif ! grep -qE "$regex" "build-fuzz/logs/$target.log"; then
        cat "build-fuzz/logs/$target.log"
        echo "fuzz harness self-test FAILED: $target failed, but its log lacks /$regex/" >&2
        exit 1
    fi
}
selftest selftest_overflow OVERFLOW "runtime error: signed integer overflow"
selftest selftest_hang HANG "ERROR: libFuzzer: timeout after"
echo "fuzz harness self-test: ok (UB and a hang both fail a run)"

# Each target grows its corpus in build-fuzz/corpus/<target>, starting from
# the seeds kept in tests/fuzz/corpus/<target> where there are some.
for t in "${targets[@]}"; do
    mkdir -p "build-fuzz/corpus/$t"
    seeds=()
    [[ -d tests/fuzz/corpus/$t ]] && seeds=("tests/fuzz/corpus/$t")
    echo "fuzz: $t for ${seconds}s"
    if ! fuzz_run "$t" "$seconds" build-fuzz/crashes "build-fuzz/corpus/$t" "${seeds[@]}"; then
        cat "build-fuzz/logs/$t.log"
        echo "fuzz: $t FAILED (log: build-fuzz/logs/$t.log; inputs in build-fuzz/crashes/)" >&2
        exit 1
    fi
    tail -n 3 "build-fuzz/logs/$t.log"
done
