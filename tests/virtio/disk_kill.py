#!/usr/bin/env python3
"""Kite killed with SIGKILL while the guest writes to an ext4 disk: after
journal replay the image passes e2fsck, and what the guest synced before the
kill is there, byte for byte."""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from kite_testlib import GuestShell, fail, require_built, skip  # noqa: E402

kite = sys.argv[1]
require_built(("kite binary", kite))
os.environ["PATH"] += ":/sbin:/usr/sbin"
for tool in ("mkfs.ext4", "e2fsck", "debugfs"):
    if not shutil.which(tool):
        skip(f"{tool} not installed (apt-get install e2fsprogs)")

with tempfile.TemporaryDirectory() as tmp:
    img = os.path.join(tmp, "disk.img")
    subprocess.run(["mkfs.ext4", "-q", "-F", img, "64M"], check=True, stdout=subprocess.DEVNULL)
    guest = GuestShell(kite, ["--serial", "stdio", "--disk", f"path={img}"])
    guest.run("mount -t ext4 /dev/vda /mnt", check=True)
    guest.run("dd if=/dev/urandom of=/mnt/synced.bin bs=64k count=16 2>/dev/null && sync", check=True)
    _, out = guest.run("sha256sum /mnt/synced.bin", check=True)
    m = re.search(r"\b([0-9a-f]{64})\b", out)
    if not m:
        guest.kill()
        fail(f"no checksum from the guest: {out!r}")
    digest = m.group(1)
    # Keep writing (and committing) in the background, then pull the plug.
    guest.proc.write(b"(i=0; while :; do dd if=/dev/urandom of=/mnt/f$((i%8)) bs=64k count=4 2>/dev/null;"
                     b" i=$((i+1)); done) &\r")
    time.sleep(3)
    os.kill(guest.proc.pid, signal.SIGKILL)
    os.waitpid(guest.proc.pid, 0)
    guest.proc.pid = -1

    replay = subprocess.run(["e2fsck", "-fy", img], capture_output=True, text=True)
    if replay.returncode not in (0, 1):  # 1: the journal was replayed (file system modified)
        fail(f"e2fsck -fy after the kill: status {replay.returncode}\n{replay.stdout}{replay.stderr}")
    check = subprocess.run(["e2fsck", "-fn", img], capture_output=True, text=True)
    if check.returncode != 0:
        fail(f"e2fsck -fn after replay: status {check.returncode}\n{check.stdout}{check.stderr}")
    dump = os.path.join(tmp, "synced.bin")
    subprocess.run(["debugfs", "-R", f"dump /synced.bin {dump}", img], capture_output=True, check=True)
    got = subprocess.run(["sha256sum", dump], capture_output=True, text=True).stdout.split()[0]
    if got != digest:
        fail(f"the synced file changed: guest {digest}, image {got}")
print("ok: SIGKILL during writes: e2fsck clean after journal replay, synced data intact "
      f"(e2fsck -fy status {replay.returncode})")
