#!/usr/bin/env python3
"""Run a guest under Kite and check how it ended.

Usage:
  run_guest.py --kite KITE --kernel GUEST [options] [-- EXTRA_KITE_ARGS...]

Runs `KITE run --kernel GUEST --serial file=<tmp>/serial.log EXTRA...` with a
timeout, then checks the exit status and the serial output:

  --serial file|stdio|none
                        how Kite gets the UART: a file (default), stdio (the
                        guest's output is read from Kite's stdout), or none

  --expect-status N     required exit status (default 0)
  --expect REGEX        must match the serial output (repeatable)
  --reject REGEX        must not match the serial output (repeatable)
  --stderr-expect REGEX must match Kite's stderr (repeatable)
  --send-after REGEX    once REGEX matches the serial output, write --send
  --send TEXT           text for the guest's UART (Python escapes: \\r, \\x01)
  --tty                 give Kite a pseudo-terminal as stdin (Kite honours the
                        Ctrl-A escapes only on a terminal); --send writes to it
  --timeout SECONDS     kill Kite and fail after this long (default 30)

Regexes use Python syntax with re.MULTILINE; carriage returns are removed
from the output before matching.

If /dev/kvm is missing or cannot be opened read-write, or Kite exits with
status 4 and `kite: error: kvm unavailable: ...` (the host has no usable
KVM; any other KVM failure fails the test), prints one line `SKIP: <reason>` and
exits 77 (ctest's SKIP_RETURN_CODE). On failure, prints the reason, the
command, the serial output and stderr, and exits 1.
"""

import argparse
import os
import pty
import re
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from kite_testlib import (accel_unavailable_reason, decode, describe_status,  # noqa: E402
                          report, require_built, require_kvm, skip)


def unescape(text):
    return text.encode("latin-1", "backslashreplace").decode("unicode_escape").encode("latin-1")


class Reader(threading.Thread):
    """Collects everything a pipe produces."""

    def __init__(self, pipe):
        super().__init__(daemon=True)
        self.pipe = pipe
        self.chunks = []
        self.lock = threading.Lock()

    def run(self):
        fd = self.pipe.fileno()
        while True:
            try:
                data = os.read(fd, 65536)
            except OSError:
                break
            if not data:
                break
            with self.lock:
                self.chunks.append(data)

    def data(self):
        with self.lock:
            return b"".join(self.chunks)


def clean(data):
    return decode(data).replace("\r", "")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kite", required=True)
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--expect-status", type=int, default=0)
    ap.add_argument("--expect", action="append", default=[])
    ap.add_argument("--reject", action="append", default=[])
    ap.add_argument("--stderr-expect", action="append", default=[])
    ap.add_argument("--serial", choices=("file", "stdio", "none"), default="file")
    ap.add_argument("--send-after")
    ap.add_argument("--send")
    ap.add_argument("--tty", action="store_true")
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("--no-kvm", action="store_true", help="the guest runs on the software CPU: do not require KVM")
    ap.add_argument("extra", nargs="*", help="extra arguments for `kite run` (after --)")
    args = ap.parse_args()

    if (args.send is None) != (args.send_after is None):
        ap.error("--send and --send-after go together")
    if args.serial == "none" and (args.expect or args.reject or args.send):
        ap.error("--serial none leaves no output to check or input to send")

    if not args.no_kvm:
        require_kvm()
    require_built(("kite binary", args.kite), ("guest kernel", args.kernel))

    with tempfile.TemporaryDirectory(prefix="kite-test-") as tmp:
        serial_log = os.path.join(tmp, "serial.log")
        serial_arg = {"file": f"file={serial_log}", "stdio": "stdio", "none": "none"}[args.serial]
        # KVM tests ask for KVM, so a host without it skips for the reason
        # require_kvm() gives rather than through --accel auto's choice.
        accel = [] if args.no_kvm else ["--accel", "kvm"]
        cmd = [args.kite, "run", *accel, "--kernel", args.kernel, "--serial", serial_arg] + args.extra

        def serial_output():
            if args.serial == "stdio":
                return out_reader.data()
            if args.serial == "none":
                return b""
            try:
                with open(serial_log, "rb") as f:
                    return f.read()
            except FileNotFoundError:
                return b""

        start = time.monotonic()
        if args.tty:
            tty_master, tty_slave = pty.openpty()
            proc = subprocess.Popen(cmd, stdin=tty_slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            os.close(tty_slave)

            def write_input(data):
                os.write(tty_master, data)
        else:
            tty_master = None
            proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

            def write_input(data):
                proc.stdin.write(data)
                proc.stdin.flush()
        out_reader = Reader(proc.stdout)
        err_reader = Reader(proc.stderr)
        out_reader.start()
        err_reader.start()

        to_send = unescape(args.send) if args.send is not None else None
        sent = False
        timed_out = False
        rc = None
        while True:
            try:
                rc = proc.wait(timeout=0.05)
                break
            except subprocess.TimeoutExpired:
                pass
            if to_send is not None and not sent and re.search(args.send_after, clean(serial_output()), re.MULTILINE):
                try:
                    write_input(to_send)
                except OSError:
                    pass
                sent = True
            if time.monotonic() - start > args.timeout:
                timed_out = True
                proc.kill()
                proc.wait()
                break
        elapsed = time.monotonic() - start
        if tty_master is not None:
            os.close(tty_master)
        else:
            try:
                proc.stdin.close()
            except BrokenPipeError:
                pass
        out_reader.join(5)
        err_reader.join(5)
        serial = clean(serial_output())
        stderr = clean(err_reader.data())
        stdout = clean(out_reader.data())

    if not timed_out:
        reason = accel_unavailable_reason(rc, stderr, args.expect_status)
        if reason:
            skip(reason)

    failures = []
    if timed_out:
        failures.append(f"TIMEOUT: kite did not exit within {args.timeout:g} s (killed)")
    elif rc != args.expect_status:
        failures.append(f"exit status {describe_status(rc)}, expected {describe_status(args.expect_status)}")
    for pattern in args.expect:
        if not re.search(pattern, serial, re.MULTILINE):
            failures.append(f"serial output does not match {pattern!r}")
    for pattern in args.reject:
        m = re.search(pattern, serial, re.MULTILINE)
        if m:
            failures.append(f"serial output matches rejected {pattern!r}: {m.group(0)!r}")
    for pattern in args.stderr_expect:
        if not re.search(pattern, stderr, re.MULTILINE):
            failures.append(f"stderr does not match {pattern!r}")
    if to_send is not None and not sent:
        failures.append(f"input was never sent: serial output never matched {args.send_after!r}")

    sections = [("serial output", serial)]
    if args.serial != "stdio" and stdout:
        sections.append(("stdout", stdout))
    sections.append(("stderr", stderr))
    return report(failures, cmd, rc, sections, elapsed)


if __name__ == "__main__":
    sys.exit(main())
