#!/usr/bin/env python3
"""Run Kite with a given command line and check its exit status and messages.

Usage:
  run_cli.py --kite KITE [options] -- KITE_ARGS...

  --expect-status N      required exit status (default 0)
  --stdout-expect REGEX  must match stdout (repeatable)
  --output-expect REGEX  must match stdout or stderr (repeatable)
  --stderr-expect REGEX  must match stderr (repeatable)
  --stderr-lines N       stderr must have exactly N non-empty lines
  --needs-kvm            the check is only meaningful with a usable KVM: skip
                         (exit 77) when /dev/kvm cannot be opened
  --timeout SECONDS      kill Kite and fail after this long (default 30)

Placeholders in KITE_ARGS: {garbage} becomes the path of a freshly written
4 KiB file of random bytes, {tmp} a fresh temporary directory, {big} a sparse
32 MiB file, and {head:PATH} a copy of the first 100 bytes of PATH (a
truncated file).

Regexes use Python syntax with re.MULTILINE. Whatever the expectation, a run
that ends with status 4 and Kite's line `kite: error: kvm unavailable: ...`
(the host has no usable KVM) is reported as `SKIP: <reason>` with exit 77
unless status 4 was expected.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from kite_testlib import (decode, describe_status, report, require_built,  # noqa: E402
                          require_kvm, skip_if_accel_unavailable)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kite", required=True)
    ap.add_argument("--expect-status", type=int, default=0)
    ap.add_argument("--stdout-expect", action="append", default=[])
    ap.add_argument("--output-expect", action="append", default=[])
    ap.add_argument("--stderr-expect", action="append", default=[])
    ap.add_argument("--stderr-lines", type=int)
    ap.add_argument("--needs-kvm", action="store_true")
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("args", nargs="*")
    args = ap.parse_args()

    if args.needs_kvm:
        require_kvm()
    require_built(("kite binary", args.kite))

    with tempfile.TemporaryDirectory(prefix="kite-cli-test-") as tmp:
        garbage = os.path.join(tmp, "garbage.bin")
        with open(garbage, "wb") as f:
            # Random, but never accidentally an ELF or a Multiboot image.
            data = bytearray(os.urandom(4096))
            data[0:4] = b"\x00JNK"
            f.write(bytes(data))
        scratch = os.path.join(tmp, "scratch")
        os.mkdir(scratch)
        big = os.path.join(tmp, "big.bin")
        with open(big, "wb") as f:
            f.truncate(32 * 1024 * 1024)

        def expand(arg):
            if arg.startswith("{head:") and arg.endswith("}"):
                head = os.path.join(tmp, "head.bin")
                with open(arg[6:-1], "rb") as src, open(head, "wb") as dst:
                    dst.write(src.read(100))
                return head
            return arg.replace("{garbage}", garbage).replace("{tmp}", scratch).replace("{big}", big)

        kite_args = [expand(a) for a in args.args]
        cmd = [args.kite] + kite_args
        try:
            proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=args.timeout)
        except subprocess.TimeoutExpired as e:
            return report([f"TIMEOUT: kite did not exit within {args.timeout:g} s (killed)"], cmd, None,
                          [("stdout", decode(e.stdout)), ("stderr", decode(e.stderr))])

    rc = proc.returncode
    stdout = decode(proc.stdout)
    stderr = decode(proc.stderr)
    skip_if_accel_unavailable(rc, stderr, args.expect_status)

    failures = []
    if rc < 0:
        failures.append(f"kite was {describe_status(rc)}")
    elif rc != args.expect_status:
        failures.append(f"exit status {describe_status(rc)}, expected {describe_status(args.expect_status)}")
    for pattern in args.stdout_expect:
        if not re.search(pattern, stdout, re.MULTILINE):
            failures.append(f"stdout does not match {pattern!r}")
    for pattern in args.output_expect:
        if not re.search(pattern, stdout + "\n" + stderr, re.MULTILINE):
            failures.append(f"neither stdout nor stderr matches {pattern!r}")
    for pattern in args.stderr_expect:
        if not re.search(pattern, stderr, re.MULTILINE):
            failures.append(f"stderr does not match {pattern!r}")
    if args.stderr_lines is not None:
        lines = [line for line in stderr.splitlines() if line.strip()]
        if len(lines) != args.stderr_lines:
            failures.append(f"stderr has {len(lines)} non-empty lines, expected {args.stderr_lines}")

    return report(failures, cmd, rc, [("stdout", stdout), ("stderr", stderr)])


if __name__ == "__main__":
    sys.exit(main())
