#!/usr/bin/env python3
"""virtio-rng with a real Linux guest: the board's always-present entropy
device (virtio-mmio slot 0) is the guest's current hardware RNG, and reading
/dev/hwrng returns bytes from it: the full count, not all the same, and
different on a second read."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from kite_testlib import GuestShell, require_built  # noqa: E402

kite = sys.argv[1]
require_built(("kite binary", kite))
guest = GuestShell(kite, ["--serial", "stdio"])
guest.require_transport("/sys/bus/virtio/drivers/virtio_rng/virtio*", "mmio", "the virtio-rng device")
_, current = guest.run("cat /sys/devices/virtual/misc/hw_random/rng_current", check=True)
if not current.strip().startswith("virtio_rng"):
    guest.fail(f"the guest's current hardware RNG is {current.strip()!r}, not virtio_rng")


def read_hwrng():
    """64 bytes from /dev/hwrng, as the guest's od prints them."""
    _, out = guest.run("head -c 64 /dev/hwrng | od -An -v -tx1", check=True)
    return bytes(int(b, 16) for b in re.findall(r"\b[0-9a-f]{2}\b", out))


first, second = read_hwrng(), read_hwrng()
if len(first) != 64 or len(second) != 64:
    guest.fail(f"/dev/hwrng gave {len(first)} and {len(second)} bytes, expected 64 each")
if len(set(first)) == 1 or first == second:
    guest.fail(f"/dev/hwrng does not look random: {first.hex()} then {second.hex()}")
guest.poweroff(check=True)
print(f"ok: virtio_rng is the guest's hwrng; /dev/hwrng gave 64 bytes twice ({first[:8].hex()}..., "
      f"{second[:8].hex()}...)")
