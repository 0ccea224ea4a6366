#!/usr/bin/env python3
"""virtio-blk with a real Linux guest: an ext4 image made on the host is
mounted by the guest as /dev/vda, which reads a file from it and writes a new
one; after poweroff the host checks the image with `e2fsck -fn` and reads the
new file with `debugfs`. --transport picks virtio-mmio or virtio-pci.
A second, read-only disk (/dev/vdb) must refuse writes inside the guest and be
byte-identical afterwards."""
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from kite_testlib import GuestShell, fail, kite_and_transport, skip  # noqa: E402

kite, transport = kite_and_transport()
for tool in ("mkfs.ext4", "e2fsck", "debugfs"):
    if not shutil.which(tool) and not os.path.exists(f"/sbin/{tool}"):
        skip(f"{tool} not installed (apt-get install e2fsprogs)")
os.environ["PATH"] += ":/sbin:/usr/sbin"


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def make_ext4(path, files, size="16M"):
    src = path + ".d"
    os.makedirs(src)
    for name, text in files.items():
        with open(os.path.join(src, name), "w") as f:
            f.write(text)
    subprocess.run(["mkfs.ext4", "-q", "-F", "-L", "kite", "-d", src, path, size], check=True, stdout=subprocess.DEVNULL)


with tempfile.TemporaryDirectory() as tmp:
    rw = os.path.join(tmp, "rw.img")
    ro = os.path.join(tmp, "ro.img")
    make_ext4(rw, {"hello.txt": "hello from the host\n"})
    make_ext4(ro, {"readme.txt": "read-only disk\n"})
    ro_digest = sha256(ro)
    raw = os.path.join(tmp, "raw.img")  # a third disk, discarded whole by the guest
    with open(raw, "wb") as f:
        f.write(b"\xaa" * (4 << 20))


    guest = GuestShell(kite, ["--serial", "stdio", "--disk", f"path={rw},transport={transport},serial=kite-rw",
                                   "--disk", f"path={ro},readonly=on,transport={transport}",
                                   "--disk", f"path={raw},transport={transport}"])
    # A second Kite must not open the same image while this one writes it.
    second = subprocess.run([kite, "run", "--serial", "none", "--disk", f"path={rw}"],
                            capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    if second.returncode != 2 or "in use" not in second.stderr:
        guest.fail(f"a second Kite on the same image: status {second.returncode}, stderr {second.stderr!r}")
    # Which bus the disks sit on: virtio-pci devices appear under a PCI domain.
    guest.require_transport("/sys/block/vda", transport, "/dev/vda")
    _, serial = guest.run("cat /sys/block/vda/serial")
    if "kite-rw" not in serial:
        guest.fail(f"GET_ID: expected serial kite-rw, got {serial!r}")
    _, ro_flag = guest.run("cat /sys/block/vdb/ro")
    if ro_flag.strip() != "1":
        guest.fail(f"/dev/vdb should be read-only in the guest, /sys/block/vdb/ro says {ro_flag!r}")

    guest.run("mount -t ext4 /dev/vda /mnt", check=True)
    _, text = guest.run("cat /mnt/hello.txt", check=True)
    if "hello from the host" not in text:
        guest.fail(f"the guest read {text!r} from hello.txt")
    guest.run("echo written-by-the-guest > /mnt/new.txt && sync", check=True)
    # Discard: ext4's free space (fstrim), then a whole raw disk (blkdiscard).
    guest.run("dd if=/dev/urandom of=/mnt/junk bs=64k count=16 2>/dev/null && sync && rm /mnt/junk && sync",
              check=True)
    status, out = guest.run("fstrim -v /mnt")
    if status != 0 or "trimmed" not in out:
        guest.fail(f"fstrim failed ({status}): {out}")
    guest.run("umount /mnt", check=True)
    guest.run("blkdiscard /dev/vdc", check=True)

    guest.run("mkdir -p /ro && mount -t ext4 -o ro /dev/vdb /ro", check=True)
    _, text = guest.run("cat /ro/readme.txt", check=True)
    if "read-only disk" not in text:
        guest.fail(f"the guest read {text!r} from the read-only disk")
    status, _ = guest.run("echo nope > /ro/x")
    if status == 0:
        guest.fail("writing a file on the read-only disk succeeded")
    status, _ = guest.run("dd if=/dev/zero of=/dev/vdb bs=512 count=1 2>/dev/null")
    if status == 0:
        guest.fail("writing the read-only block device succeeded")
    guest.run("umount /ro", check=True)

    guest.poweroff(check=True)

    fsck = subprocess.run(["e2fsck", "-fn", rw], capture_output=True, text=True)
    if fsck.returncode != 0:
        fail(f"e2fsck -fn reports problems ({fsck.returncode}):\n{fsck.stdout}{fsck.stderr}")
    cat = subprocess.run(["debugfs", "-R", "cat /new.txt", rw], capture_output=True, text=True)
    if "written-by-the-guest" not in cat.stdout:
        fail(f"debugfs cannot read the guest's file: {cat.stdout!r} {cat.stderr!r}")
    if sha256(ro) != ro_digest:
        fail("the read-only image changed")
    with open(raw, "rb") as f:
        if f.read() != bytes(4 << 20):
            fail("blkdiscard in the guest did not zero the raw image")
print(f"ok: ext4 over virtio-blk ({transport}): guest read and wrote, e2fsck clean, "
      "debugfs reads the new file; fstrim and blkdiscard reached the image; the read-only disk refused writes "
      "and is unchanged")
