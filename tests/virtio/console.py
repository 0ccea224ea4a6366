#!/usr/bin/env python3
"""virtio-console: the guest's /dev/hvc0 reaches the host end given by
--console (a file, next to the serial console); and with `--console stdio
--serial none` and console=hvc0 the guest's shell runs on hvc0, typed input
included. The console device must sit on the transport --transport asks for."""
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from kite_testlib import GuestShell, fail, kite_and_transport  # noqa: E402

kite, transport = kite_and_transport()
with tempfile.TemporaryDirectory() as tmp:
    log = os.path.join(tmp, "hvc.log")
    guest = GuestShell(kite, ["--serial", "stdio", "--console", f"file={log},transport={transport}"])
    guest.run("test -c /dev/hvc0", check=True)
    # hvc0 itself is a virtual tty: the transport shows on the virtio device
    # the console driver bound to.
    guest.require_transport("/sys/bus/virtio/drivers/virtio_console/virtio*", transport, "the virtio console")
    guest.run("echo hello-through-hvc0 > /dev/hvc0", check=True)
    guest.poweroff(check=True)
    text = open(log, errors="replace").read()
    if "hello-through-hvc0" not in text:
        fail(f"hvc0 output missing from {log}: {text!r}")

guest = GuestShell(kite, ["--serial", "none", "--console", f"stdio,transport={transport}"], cmdline="console=hvc0")
_, out = guest.run("echo typed-$((40+2)); cat /proc/consoles", check=True)
if "typed-42" not in out or "hvc0" not in out:
    guest.fail(f"the shell on hvc0 did not answer as expected: {out!r}")
guest.poweroff(check=True)
print(f"ok: /dev/hvc0 output reached the --console file, and a shell ran on hvc0 over stdio ({transport})")
