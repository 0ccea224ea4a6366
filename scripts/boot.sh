#!/usr/bin/env bash
# The README's first command: install what is missing, build Kite and the
# default guest (RISC-V Linux with a busybox shell, from Debian packages; the
# first build takes about ten minutes, later ones seconds), and boot it on the
# terminal. Arguments are passed to `kite run`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
guest/riscv64/build-all.sh >/dev/null
exec build/kite run "$@"
