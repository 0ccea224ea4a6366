#!/usr/bin/env bash
# Builds the libFuzzer targets with clang-16 into build-fuzz/ and runs each for
# a bounded time (FUZZ_SECONDS, default 30). Inputs that crash are left in
# build-fuzz/crashes/ and make this script fail.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-30}
targets=(fuzz_x86_loader fuzz_riscv_loader fuzz_virtqueue fuzz_blk_request)

# clang 16 implements what libstdc++ 12's <expected> checks for, but reports an
# older __cpp_concepts; state the value it supports so std::expected compiles.
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKITE_FUZZ=ON \
    -DCMAKE_C_COMPILER=clang-16 -DCMAKE_CXX_COMPILER=clang++-16 \
    -DCMAKE_CXX_FLAGS="-Wno-builtin-macro-redefined -U__cpp_concepts -D__cpp_concepts=202002L" >/dev/null
ninja -C build-fuzz "${targets[@]}"

mkdir -p build-fuzz/crashes
for t in "${targets[@]}"; do
    mkdir -p "build-fuzz/corpus/$t"
    echo "fuzz: $t for ${seconds}s"
    "build-fuzz/tests/fuzz/$t" -max_total_time="$seconds" -print_final_stats=0 \
        -artifact_prefix="build-fuzz/crashes/$t-" "build-fuzz/corpus/$t" 2>&1 | tail -n 3
done
