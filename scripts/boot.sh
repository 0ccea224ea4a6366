#!/usr/bin/env bash
# The README's first command: install what is missing, build, and boot the
# default guest on the terminal. Arguments are passed to `kite run`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
exec build/kite run "$@"
