#!/usr/bin/env python3
"""Kite killed with SIGKILL while the guest writes to an ext4 disk (mounted
with commit=1, every file written with conv=fsync). The kill must land while
writes are in flight: the guest's writer prints a counter after each file, and
Kite is killed right after the counter has moved on from the last value the
test saw, with the image marked as needing journal recovery. Afterwards only
the journal is replayed (e2fsck -p -E journal_only), and then `e2fsck -fn` must
find nothing to fix, and what the guest synced before the kill is there, byte
for byte."""
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
for tool in ("mkfs.ext4", "e2fsck", "debugfs", "dumpe2fs"):
    if not shutil.which(tool):
        skip(f"{tool} not installed (apt-get install e2fsprogs)")

COUNTER = re.compile(rb"@W(\d+)@")


def writer_count(guest):
    """The writer's last printed counter (0 before its first)."""
    counts = COUNTER.findall(guest.proc.output)
    return int(counts[-1]) if counts else 0


def wait_count(guest, above, timeout):
    """Reads the guest's output until the writer's counter exceeds `above`."""
    deadline = time.monotonic() + timeout
    while writer_count(guest) <= above and time.monotonic() < deadline:
        guest.proc.pump(min(0.05, max(deadline - time.monotonic(), 0)))
    return writer_count(guest)


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL)


with tempfile.TemporaryDirectory() as tmp:
    img = os.path.join(tmp, "disk.img")
    subprocess.run(["mkfs.ext4", "-q", "-F", img, "64M"], check=True, stdout=subprocess.DEVNULL)
    guest = GuestShell(kite, ["--serial", "stdio", "--disk", f"path={img}"])
    guest.run("mount -t ext4 -o commit=1 /dev/vda /mnt", check=True)
    guest.run("dd if=/dev/urandom of=/mnt/synced.bin bs=64k count=16 2>/dev/null && sync", check=True)
    _, out = guest.run("sha256sum /mnt/synced.bin", check=True)
    m = re.search(r"\b([0-9a-f]{64})\b", out)
    if not m:
        guest.fail(f"no checksum from the guest: {out!r}")
    digest = m.group(1)
    # Keep writing (each file fsync'ed) in the background, counting files.
    guest.proc.write(b"(i=0; while :; do dd if=/dev/urandom of=/mnt/f$((i%8)) bs=64k count=4 conv=fsync"
                     b" 2>/dev/null || exit; i=$((i+1)); echo @W$i@; done) &\r")
    # Let it run a few files, note the counter, and pull the plug as soon as
    # it has moved on: the writer was busy up to the kill.
    seen = wait_count(guest, 3, 30)
    if seen <= 3:
        guest.fail(f"the guest's writer did not get going (counter {seen}):\n{guest.proc.text()[-2000:]}")
    last = wait_count(guest, seen, 10)
    if last <= seen:
        guest.fail(f"the writer's counter stopped at {seen}:\n{guest.proc.text()[-2000:]}")
    os.kill(guest.proc.pid, signal.SIGKILL)
    os.waitpid(guest.proc.pid, 0)
    guest.proc.pid = -1

    header = run(["dumpe2fs", "-h", img])
    if "needs_recovery" not in header.stdout:
        fail(f"the image is not marked as needing journal recovery after the kill:\n{header.stdout}")
    replay = run(["e2fsck", "-p", "-E", "journal_only", img])
    if replay.returncode not in (0, 1):  # 1: the journal was replayed (file system modified)
        fail(f"e2fsck -p -E journal_only: status {replay.returncode}\n{replay.stdout}{replay.stderr}")
    if "needs_recovery" in run(["dumpe2fs", "-h", img]).stdout:
        fail(f"e2fsck -p -E journal_only did not replay the journal:\n{replay.stdout}{replay.stderr}")
    check = run(["e2fsck", "-fn", img])
    if check.returncode != 0:
        fail(f"e2fsck -fn after journal replay: status {check.returncode}\n{check.stdout}{check.stderr}")
    dump = os.path.join(tmp, "synced.bin")
    subprocess.run(["debugfs", "-R", f"dump /synced.bin {dump}", img], capture_output=True, check=True)
    got = subprocess.run(["sha256sum", dump], capture_output=True, text=True).stdout.split()[0]
    if got != digest:
        fail(f"the synced file changed: guest {digest}, image {got}")
print(f"ok: SIGKILL while the writer was at file {last} (seen at {seen} just before): after journal replay "
      f"(status {replay.returncode}) e2fsck -fn is clean, synced data intact")
