#!/usr/bin/env python3
"""Each vCPU runs on a host thread named kite-vcpuN, and SIGTERM stops Kite
cleanly (all vCPU threads kicked and joined) with status 128+15."""
import os
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from kite_testlib import fail, require_built, require_kvm, skip_if_accel_unavailable, wait_for  # noqa: E402

kite, guest = sys.argv[1], sys.argv[2]
require_kvm()
require_built(("kite binary", kite), ("demo guest", guest))

with tempfile.TemporaryDirectory() as tmp:
    serial = os.path.join(tmp, "serial.txt")
    proc = subprocess.Popen([kite, "run", "--accel", "kvm", "--cpus", "3", "--kernel", guest, "--serial", f"file={serial}"],
                            stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def banner_seen():
        return proc.poll() is not None or (os.path.exists(serial) and "Kite demo guest" in open(serial).read())

    seen = wait_for(banner_seen, 20)
    if proc.poll() is not None:
        err = proc.stderr.read()
        skip_if_accel_unavailable(proc.returncode, err)
        fail(f"kite exited early with {proc.returncode}: {err}")
    if not seen:
        proc.kill()
        proc.wait()
        output = open(serial).read() if os.path.exists(serial) else "(no serial file)"
        fail(f"no demo guest banner on the serial port within 20 s; serial output: {output!r}")

    names = sorted(open(f"/proc/{proc.pid}/task/{tid}/comm").read().strip()
                   for tid in os.listdir(f"/proc/{proc.pid}/task"))
    print("threads:", names)
    for i in range(3):
        if f"kite-vcpu{i}" not in names:
            proc.kill()
            fail(f"no thread named kite-vcpu{i}")

    proc.send_signal(signal.SIGTERM)
    try:
        rc = proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        fail("kite did not stop within 10 s of SIGTERM")
    err = proc.stderr.read()
    if rc != 128 + signal.SIGTERM:
        fail(f"expected status {128 + signal.SIGTERM} after SIGTERM, got {rc}: {err}")
print("ok: vCPU threads named, SIGTERM stopped kite cleanly")
