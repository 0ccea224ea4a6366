#!/usr/bin/env bash
# Configures and builds Kite into build/ (or $KITE_BUILD_DIR), warnings as
# errors (KITE_WERROR; a plain cmake build leaves it off). Extra arguments go
# to cmake after that, so -DKITE_WERROR=OFF overrides it.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${KITE_BUILD_DIR:-build}
cmake -S . -B "$build_dir" -G Ninja -DKITE_WERROR=ON "$@" >/dev/null
ninja -C "$build_dir"
