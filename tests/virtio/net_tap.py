#!/usr/bin/env python3
"""virtio-net on a host tap device: Kite runs in a private network namespace
(so nothing shows on the host) where a tap interface kt0 has 192.168.77.1 and
a small HTTP server listens; the guest configures 192.168.77.2 on eth0, pings
the host end and fetches a page over TCP (vnet headers, checksum offload).
eth0 must sit on the transport --transport asks for."""
import os
import shlex
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from kite_testlib import GuestShell, kite_and_transport, skip  # noqa: E402

kite, transport = kite_and_transport()
if not os.path.exists("/dev/net/tun"):
    skip("/dev/net/tun is missing")
probe = subprocess.run(["unshare", "-n", "--", "ip", "tuntap", "add", "dev", "kt0", "mode", "tap"],
                       capture_output=True, text=True)
if probe.returncode != 0:
    skip(f"cannot make a tap device in a private network namespace: {probe.stderr.strip() or 'unshare failed'}")

with tempfile.TemporaryDirectory() as tmp:
    with open(os.path.join(tmp, "hello.txt"), "w") as f:
        f.write("hello over tap\n")
    setup = (f"ip link set lo up && ip tuntap add dev kt0 mode tap && "
             f"ip addr add 192.168.77.1/24 dev kt0 && ip link set kt0 up && "
             f"(timeout 120 python3 -m http.server -b 192.168.77.1 8000 -d {shlex.quote(tmp)} "
             f">/dev/null 2>&1 &) && exec \"$@\"")
    wrapper = ["/usr/bin/unshare", "-n", "--", "/bin/sh", "-c", setup, "sh"]
    guest = GuestShell(kite, ["--serial", "stdio", "--net", f"tap=kt0,transport={transport}"], wrapper=wrapper)
    guest.require_transport("/sys/class/net/eth0/device", transport, "eth0")
    guest.run("ip addr add 192.168.77.2/24 dev eth0 && ip link set eth0 up", check=True)
    status, out = guest.run("ping -c 2 -W 5 192.168.77.1", timeout=30)
    if status != 0:
        guest.fail(f"the guest cannot ping the tap's host end:\n{out}")
    status, out = guest.run("wget -q -T 10 -O - http://192.168.77.1:8000/hello.txt", timeout=40)
    if status != 0 or "hello over tap" not in out:
        guest.fail(f"the guest cannot fetch over TCP through the tap ({status}):\n{out}")
    guest.poweroff(check=True)
print(f"ok: tap backend: ping and HTTP between the guest and the tap's host end ({transport})")
