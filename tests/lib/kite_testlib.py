"""Shared helpers for the Python test drivers that run the `kite` binary
(tests/kvm/run_guest.py, tests/cli/run_cli.py, tests/system/*.py).

- SKIP (77, ctest's SKIP_RETURN_CODE) and skip(): print exactly one line
  `SKIP: <reason>` and exit 77. fail(): print `FAIL: <message>`, exit 1.
- kvm_unusable_reason() / require_kvm(): /dev/kvm missing, not readable and
  writable by this user, or not openable read-write.
- accel_unavailable_reason(): Kite exited with status 4 (accelerator
  unavailable) with its exact error line `kite: error: kvm unavailable: ...`;
  anything else (a KVM call that failed: status 8) is a failure, not a skip.
- describe_status(): Kite's exit statuses in words.
- report(): the PASS line, or the FAIL report (the failures, the command, the
  exit status and labelled output sections); returns the script's status.

Scripts import it with
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
"""

import os
import shlex
import sys
import time

SKIP = 77
KITE_STATUS_ACCEL_UNAVAILABLE = 4
KITE_STATUS_ACCEL_FAILED = 8
# The error line Kite prints, and only prints, when the host has no usable KVM
# (status 4; see kKvmUnavailable in src/machine/x86_pc/pc_board.h).
KVM_UNAVAILABLE_LINE = "kite: error: kvm unavailable: "
KVM_DEVICE = "/dev/kvm"


def skip(reason):
    """Prints one line `SKIP: <reason>` and exits with SKIP."""
    print(f"SKIP: {reason}")
    sys.exit(SKIP)


def fail(message):
    print(f"FAIL: {message}")
    sys.exit(1)


def kvm_unusable_reason():
    """Returns why /dev/kvm cannot be used, or None if it can be opened."""
    path = KVM_DEVICE
    if not os.path.exists(path):
        return f"{path} does not exist"
    if not os.access(path, os.R_OK | os.W_OK):
        return f"{path} is not readable and writable by this user"
    try:
        fd = os.open(path, os.O_RDWR | os.O_CLOEXEC)
    except OSError as e:
        return f"cannot open {path}: {e.strerror}"
    os.close(fd)
    return None


def require_kvm():
    """Skips (exit 77) unless /dev/kvm can be opened read-write."""
    reason = kvm_unusable_reason()
    if reason:
        skip(reason)


def accel_unavailable_reason(returncode, stderr_text, expected_status=None):
    """If Kite exited with status 4 and its error line says `kite: error: kvm
    unavailable: ...` (and status 4 is not what the test expects), returns the
    skip reason, else None: a status 4 with any other message, or a KVM
    failure (status 8), is a failure to report, not a skip."""
    if returncode != KITE_STATUS_ACCEL_UNAVAILABLE or expected_status == returncode:
        return None
    for line in stderr_text.splitlines():
        line = line.strip()  # a terminal's output has \r line ends
        if line.startswith(KVM_UNAVAILABLE_LINE) and len(line) > len(KVM_UNAVAILABLE_LINE):
            return f"kite reports the accelerator is unavailable: {line}"
    return None


def skip_if_accel_unavailable(returncode, stderr_text, expected_status=None):
    reason = accel_unavailable_reason(returncode, stderr_text, expected_status)
    if reason:
        skip(reason)


def require_built(*items):
    """items: (what, path) pairs; fails if a path is not a file."""
    for what, path in items:
        if not os.path.isfile(path):
            fail(f"{what} {path} does not exist (build it first)")


def describe_status(rc):
    """Kite's exit status in words (None: it did not exit; < 0: a signal, as
    subprocess reports it)."""
    if rc is None:
        return "did not exit"
    if rc < 0:
        return f"killed by signal {-rc}"
    if rc == 0:
        return "0 (guest shut down)"
    signal = f"stopped by signal {rc - 128}" if rc > 128 else None
    if rc & 1:
        debug_exit = f"isa-debug-exit value 0x{rc >> 1:x}"
        return f"{rc} ({debug_exit} or {signal})" if signal else f"{rc} ({debug_exit})"
    if signal:
        return f"{rc} ({signal})"
    meaning = {
        2: "bad command line or input file",
        4: "accelerator unavailable",
        6: "guest failed fatally",
        8: "accelerator failed",
    }.get(rc, "unexpected")
    return f"{rc} ({meaning})"


def decode(data):
    """Bytes from a pipe as text (None counts as empty)."""
    return (data or b"").decode("utf-8", errors="replace")


def report(failures, cmd, rc, sections=(), elapsed=None):
    """Prints `PASS: ...` when failures is empty, else the FAIL report with
    each (label, text) section; returns the script's exit status (0 or 1)."""
    took = "" if elapsed is None else f" in {elapsed:.2f} s"
    if not failures:
        print(f"PASS: {shlex.join(cmd)} -> {describe_status(rc)}{took}")
        return 0
    print("FAIL: " + "\n      ".join(failures))
    print(f"command: {shlex.join(cmd)}")
    after = "" if elapsed is None else f" after {elapsed:.2f} s"
    print(f"exit status: {describe_status(rc)}{after}")
    width = 0
    for label, text in sections:
        heading = f"----- {label} -----"
        width = max(width, len(heading))
        print(heading)
        print(text, end="" if text.endswith("\n") or not text else "\n")
    print("-" * (width or 18))
    return 1


def wait_for(predicate, timeout, interval=0.05):
    """Polls predicate until it is true or timeout seconds pass; returns its
    last value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def require_default_riscv_guest():
    """The RISC-V Linux images guest/riscv64/build-all.sh links at
    $KITE_CACHE/riscv64/current; skips when they have not been built."""
    cache = os.environ.get("KITE_CACHE", os.path.join(os.path.expanduser("~"), ".cache", "kite"))
    current = os.path.join(cache, "riscv64", "current")
    paths = tuple(os.path.join(current, name) for name in ("Image", "initramfs.cpio.gz"))
    for path in paths:
        if not os.path.exists(path):
            skip(f"no default RISC-V guest in {current} (run guest/riscv64/build-all.sh)")
    return paths


class PtyProcess:
    """A command running on a new pseudo-terminal (as a user's terminal would
    be), with its output collected as it is read."""

    def __init__(self, argv):
        import pty
        self.pid, self.master = pty.fork()
        if self.pid == 0:
            os.execv(argv[0], argv)
        self.output = b""

    def pump(self, timeout):
        """Reads what output arrives within `timeout` seconds; False once the pty has closed."""
        import select
        ready, _, _ = select.select([self.master], [], [], max(timeout, 0))
        if not ready:
            return True
        try:
            chunk = os.read(self.master, 4096)
        except OSError:
            return False
        self.output += chunk
        return bool(chunk)

    def read_until(self, needle, timeout):
        """Reads until `needle` (bytes) has appeared in the output; returns whether it did."""
        deadline = time.monotonic() + timeout
        while needle not in self.output and time.monotonic() < deadline:
            if not self.pump(min(0.1, deadline - time.monotonic())):
                break
        return needle in self.output

    def write(self, data):
        os.write(self.master, data)

    def wait_exit(self, timeout):
        """The exit status; fails the test (after killing it) when it does not exit in time."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done, status = os.waitpid(self.pid, os.WNOHANG)
            if done:
                return os.waitstatus_to_exitcode(status)
            self.pump(0.05)  # keep draining so the process never blocks on output
        os.kill(self.pid, 9)
        fail(f"the process did not exit; output so far:\n{self.text()}")

    def text(self):
        return self.output.decode(errors="replace")


class GuestShell:
    """The default RISC-V Linux guest booted on a pty with extra `kite run`
    arguments; run() types a command at its busybox shell and returns the
    command's exit status and output."""

    def __init__(self, kite, args=(), cmdline="console=ttyS0", boot_timeout=90, wrapper=()):
        image, initrd = require_default_riscv_guest()
        # `wrapper` runs Kite under another command (e.g. in a network namespace).
        self.start([*wrapper, kite, "run", "--arch", "riscv64", "--kernel", image, "--initrd", initrd,
                    "--cmdline", cmdline, *args], boot_timeout)

    def start(self, argv, boot_timeout):
        """Boots `argv` (any VMM command line that runs the default guest) on
        a pty and waits for the guest's shell; boot_s is how long that took."""
        self.argv = argv
        self.count = 0
        started = time.monotonic()
        self.proc = PtyProcess(argv)
        if not self.proc.read_until(b"kite-init: starting shell", boot_timeout):
            self.fail(f"the guest did not reach its shell in {boot_timeout:.0f} s:\n{self.proc.text()[-4000:]}")
        self.boot_s = time.monotonic() - started
        # Let the prompt settle, then turn echo off so outputs are clean.
        self.run("stty -echo", timeout=30)

    def run(self, command, timeout=60, check=False):
        import re
        self.count += 1
        start = len(self.proc.output)
        # The output is what comes between a begin and an end marker, so a
        # shell prompt that arrives late never mixes into it.
        n = str(self.count).encode()
        self.proc.write(b"printf '@@S%d@@\\n' " + n + b"; " + command.encode() +
                        b"; printf '\\n@@%d-%d@@\\n' " + n + b" $?\r")
        pattern = re.compile(rb"@@S" + n + rb"@@\r*\n(.*?)@@" + n + rb"-(\d+)@@", re.DOTALL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = pattern.search(self.proc.output, start)
            if m:
                out = m.group(1).decode(errors="replace").replace("\r", "")
                status = int(m.group(2))
                if check and status != 0:
                    self.fail(f"guest command failed ({status}): {command}\n{out}")
                return status, out
            if not self.proc.pump(0.2) and self.exited():
                break
        self.fail(f"guest command did not finish in {timeout} s: {command}\n--- output ---\n{self.proc.text()[-4000:]}")

    def require_transport(self, path, transport, what):
        """Fails the test (after killing the guest) unless the sysfs `path`
        (a shell word, globs allowed, naming one device) resolves to a device
        on the given virtio transport: under the PCI domain for `pci`, under a
        virtio-mmio platform device for `mmio`. Returns the resolved path."""
        status, devpath = self.run(f"readlink -f {path}")
        devpath = devpath.strip()
        expected = {"pci": "/pci0000:00/", "mmio": ".virtio_mmio/"}[transport]
        if status != 0 or len(devpath.split()) != 1 or expected not in devpath:
            self.fail(f"{what} is not a virtio-{transport} device: {path} -> {devpath!r} (status {status})")
        return devpath

    def exited(self):
        done, _ = os.waitpid(self.proc.pid, os.WNOHANG)
        if done:
            self.proc.pid = -1
        return done != 0

    def poweroff(self, timeout=60, check=False):
        """Powers the guest off; returns Kite's exit status (with check, fails
        the test unless it is 0)."""
        self.proc.write(b"poweroff\r")
        rc = self.proc.wait_exit(timeout)
        if check and rc != 0:
            fail(f"kite exited {rc} after poweroff:\n{self.proc.text()[-3000:]}")
        return rc

    def fail(self, message):
        """Kills the guest, then fails the test with `message`."""
        self.kill()
        fail(message)

    def kill(self, sig=9):
        try:
            if self.proc.pid > 0:
                os.kill(self.proc.pid, sig)
                os.waitpid(self.proc.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        self.proc.pid = -1


def kite_and_transport():
    """Arguments of the virtio tests: the kite binary and --transport mmio|pci."""
    import argparse
    parser = argparse.ArgumentParser()
    parser.add_argument("kite")
    parser.add_argument("--transport", default="mmio", choices=("mmio", "pci"))
    args = parser.parse_args()
    require_built(("kite binary", args.kite))
    return args.kite, args.transport
