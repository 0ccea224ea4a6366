#!/usr/bin/env python3
"""Signals on the riscv64 board (issue 11), with the UART echo guest on the
software CPU, so nothing here needs KVM:

- SIGTERM, SIGINT and SIGHUP stop Kite cleanly with status 128+N, and the
  terminal it put in raw mode (--serial stdio on a pty) is restored;
- SIGQUIT ends it by that signal (its default course), the terminal restored;
- with fds 0 and 1 closed, Kite puts /dev/null there instead of letting an fd
  it opens later (the kernel, an eventfd) become the serial port.

Usage: riscv_signals.py KITE UART_ECHO_ELF"""
import os
import resource
import signal
import subprocess
import sys
import termios
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from kite_testlib import PtyProcess, fail, require_built  # noqa: E402

kite, guest = sys.argv[1], sys.argv[2]
require_built(("kite binary", kite), ("riscv64 UART echo guest", guest))
argv = [kite, "run", "--arch", "riscv64", "--firmware", "none", "--kernel", guest, "--serial", "stdio"]
BANNER = b"uart echo ready"


def terminal_is_raw(master):
    lflag = termios.tcgetattr(master)[3]
    return not lflag & (termios.ICANON | termios.ECHO | termios.ISIG)


def start_on_pty():
    proc = PtyProcess(argv)
    if not proc.read_until(BANNER, 20):
        os.kill(proc.pid, signal.SIGKILL)
        fail(f"no banner from the UART echo guest within 20 s: {proc.output!r}")
    if not terminal_is_raw(proc.master):
        fail("the terminal is not in raw mode while kite runs")
    proc.write(b"ping")
    if not proc.read_until(b"ping", 5):
        fail(f"typed bytes did not come back from the guest: {proc.output!r}")
    return proc


for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    proc = start_on_pty()
    os.kill(proc.pid, sig)
    rc = proc.wait_exit(10)
    if rc != 128 + sig:
        fail(f"{sig.name}: expected status {128 + sig}, got {rc}: {proc.text()}")
    if terminal_is_raw(proc.master):
        fail(f"{sig.name}: the terminal was left in raw mode")
    print(f"ok: {sig.name} stopped kite with status {rc}, terminal restored")

# SIGQUIT: Kite dies of it (no core file: the limit is 0), but first restores the terminal.
resource.setrlimit(resource.RLIMIT_CORE, (0, resource.getrlimit(resource.RLIMIT_CORE)[1]))
proc = start_on_pty()
os.kill(proc.pid, signal.SIGQUIT)
rc = proc.wait_exit(10)
if rc != -signal.SIGQUIT:
    fail(f"SIGQUIT: expected death by SIGQUIT, got status {rc}: {proc.text()}")
if terminal_is_raw(proc.master):
    fail("SIGQUIT: the terminal was left in raw mode")
print("ok: SIGQUIT ended kite, terminal restored")


# Closed stdin and stdout: both must be /dev/null in the running Kite.
def close_stdin_stdout():
    os.close(0)
    os.close(1)


proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                        preexec_fn=close_stdin_stdout)
time.sleep(1.5)
if proc.poll() is not None:
    fail(f"kite with fds 0 and 1 closed exited early with {proc.returncode}: {proc.stderr.read()!r}")
targets = {fd: os.readlink(f"/proc/{proc.pid}/fd/{fd}") for fd in (0, 1)}
proc.send_signal(signal.SIGTERM)
try:
    rc = proc.wait(timeout=10)
except subprocess.TimeoutExpired:
    proc.kill()
    fail("kite with fds 0 and 1 closed did not stop within 10 s of SIGTERM")
err = proc.stderr.read().decode(errors="replace")
for fd, target in targets.items():
    if target != "/dev/null":
        fail(f"fd {fd} was closed when kite started, but became {target} instead of /dev/null")
if rc != 128 + signal.SIGTERM:
    fail(f"kite with fds 0 and 1 closed: expected status {128 + signal.SIGTERM} after SIGTERM, got {rc}: {err}")
print("ok: closed fds 0 and 1 became /dev/null")
