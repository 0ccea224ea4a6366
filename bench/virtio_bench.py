#!/usr/bin/env python3
"""virtio I/O benchmark: Kite vs qemu-system-riscv64 -M virt, same guest.

Boots the default riscv64 guest ($KITE_CACHE/riscv64/current/{Image,
initramfs.cpio.gz}, built by guest/riscv64/build-all.sh) on a pty under Kite
and under QEMU (TCG), 256M RAM, 1 hart, both with virtio-blk and virtio-net
over virtio-mmio (modern, version 2), and drives the guest's busybox shell:

- disk: the host makes an ext4 image holding one file of random data
  (--size-mib, default 64). The guest mounts /dev/vda read-only, drops its
  page cache and runs `dd if=/mnt/big of=/dev/null bs=1M`. Throughput comes
  from dd's own report (guest clock), and as a cross-check from the host:
  the time between a begin and an end marker the guest prints on the serial
  console around the command.
- net (only when `kite run --net user` gives the guest an eth0; probed first):
  a small HTTP server on the host's 127.0.0.1 serves --net-size-mib (default
  32) MiB; the guest takes a DHCP lease (`udhcpc -i eth0 -n -q`) and runs
  `time wget -q -O /dev/null http://10.0.2.2:PORT/blob` (10.0.2.2 is the user
  network's gateway, which reaches the host's loopback).

Each timed run is a fresh boot; boots alternate Kite, QEMU, Kite, ... so that
drift on the host hits both alike. Prints the medians and the ratio
Kite MB/s / QEMU MB/s (below 1.0 means Kite is slower).

Timings never fail the script. It exits 0 with a message when
qemu-system-riscv64 or the guest images are missing, 0 whenever something was
measured, 1 when nothing could be measured, 2 for a bad command line.
"""

import argparse
import http.server
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH)
sys.path.insert(0, os.path.join(REPO, "tests", "lib"))

import kite_testlib  # noqa: E402
from hostinfo import cpu_model  # noqa: E402

FIRMWARE = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin"
RE_DD = re.compile(r"(\d+) bytes \([^)]*\) copied, ([0-9.]+) seconds")
RE_TIME_REAL = re.compile(r"real\s+(\d+)m\s*([0-9.]+)s")


class GuestError(Exception):
    pass


def _raise_guest_error(message):
    raise GuestError(message)


# kite_testlib's helpers end a test with fail() (print + exit 1); here a guest
# problem is one failed measurement, so make it an exception instead.
kite_testlib.fail = _raise_guest_error


class VmShell(kite_testlib.GuestShell):
    """GuestShell for any VMM command line (Kite or QEMU): boots argv on a
    pty, waits for the guest's shell and turns echo off."""

    def __init__(self, argv, boot_timeout):
        self.start(argv, boot_timeout)

    def timed(self, command, timeout):
        """Runs command between a begin and an end marker; returns (status,
        output, host seconds between the markers' arrival)."""
        self.count += 1
        n = self.count
        begin, end = f"@@B{n}@@".encode(), f"@@E{n}-".encode()
        start = len(self.proc.output)
        self.proc.write(f"printf '@@B%d@@\\n' {n}; {command}; printf '\\n@@E%d-%d@@\\n' {n} $?\r".encode())
        if not self.proc.read_until(begin, 30):
            raise GuestError(f"no begin marker for: {command}")
        t0 = time.perf_counter()
        if not self.proc.read_until(end, timeout):
            raise GuestError(f"guest command did not finish in {timeout:.0f} s: {command}")
        t1 = time.perf_counter()
        pattern = re.compile(re.escape(end) + rb"(\d+)@@")
        deadline = time.monotonic() + 10
        m = pattern.search(self.proc.output, start)
        while m is None and time.monotonic() < deadline:
            self.proc.pump(0.1)
            m = pattern.search(self.proc.output, start)
        if m is None:
            raise GuestError(f"unreadable end marker for: {command}")
        out = self.proc.output[start:m.start()].decode(errors="replace").replace("\r", "")
        out = out.split(f"@@B{n}@@", 1)[-1]
        return int(m.group(1)), out, t1 - t0


class BlobHandler(http.server.BaseHTTPRequestHandler):
    """GET /blob: the server's payload, with a Content-Length."""

    def do_GET(self):  # noqa: N802 (http.server's naming)
        payload = self.server.payload
        if self.path != "/blob":
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        view = memoryview(payload)
        for off in range(0, len(view), 1 << 20):
            self.wfile.write(view[off:off + (1 << 20)])
        self.server.served += 1

    def log_message(self, *args):
        pass


def start_blob_server(size):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), BlobHandler)
    server.payload = os.urandom(size)
    server.served = 0
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def make_disk(tmpdir, size_mib):
    """An ext4 image with /big (size_mib MiB of random data), about twice the file's size."""
    root = os.path.join(tmpdir, "root")
    os.mkdir(root)
    with open(os.path.join(root, "big"), "wb") as f:
        for _ in range(size_mib):
            f.write(os.urandom(1 << 20))
    image = os.path.join(tmpdir, "disk.ext4")
    image_mib = max(32, size_mib * 2)
    subprocess.run(["mkfs.ext4", "-q", "-F", "-L", "kitebench", "-d", root, image, f"{image_mib}M"], check=True,
                   stdin=subprocess.DEVNULL, capture_output=True, timeout=300)
    os.unlink(os.path.join(root, "big"))
    return image


class Vmm:
    def __init__(self, name, make_argv):
        self.name = name
        self.make_argv = make_argv  # (net: bool) -> argv
        self.disk_guest = []        # MB/s from dd's report
        self.disk_host = []         # MB/s from the host's marker timing
        self.net_guest = []         # MB/s from busybox time
        self.net_host = []
        self.boots = []             # seconds to the shell
        self.problems = []


def guest_setup(shell, net):
    """Mounts the disk (and takes a DHCP lease); raises GuestError on failure."""
    status, out = shell.run("mkdir -p /mnt && mount -o ro /dev/vda /mnt && ls -l /mnt/big", timeout=60)
    if status != 0:
        raise GuestError(f"mounting /dev/vda failed ({status}): {out.strip()[-300:]}")
    if net:
        status, out = shell.run("udhcpc -i eth0 -n -q", timeout=60)
        if status != 0:
            raise GuestError(f"udhcpc failed ({status}): {out.strip()[-300:]}")


def measure_disk(vmm, shell, size):
    shell.run("sync; echo 3 > /proc/sys/vm/drop_caches", timeout=60)
    status, out, host_s = shell.timed("dd if=/mnt/big of=/dev/null bs=1M", timeout=600)
    m = RE_DD.search(out)
    if status != 0 or not m:
        raise GuestError(f"dd failed ({status}): {out.strip()[-300:]}")
    nbytes, guest_s = int(m.group(1)), float(m.group(2))
    if nbytes != size:
        raise GuestError(f"dd read {nbytes} bytes, expected {size}")
    vmm.disk_guest.append(nbytes / 1e6 / guest_s if guest_s > 0 else None)
    vmm.disk_host.append(nbytes / 1e6 / host_s)
    return f"disk {nbytes / 1e6 / host_s:6.1f} MB/s host, {nbytes / 1e6 / guest_s if guest_s else 0:6.1f} guest"


def measure_net(vmm, shell, server):
    size = len(server.payload)
    port = server.server_address[1]
    before = server.served
    status, out, host_s = shell.timed(f"time wget -q -O /dev/null http://10.0.2.2:{port}/blob", timeout=600)
    m = RE_TIME_REAL.search(out)
    kite_testlib.wait_for(lambda: server.served > before, 2)  # the handler counts after its last write
    if status != 0 or server.served != before + 1:
        raise GuestError(f"wget failed ({status}, server completed {server.served - before} request(s)): "
                         f"{out.strip()[-300:]}")
    guest_s = int(m.group(1)) * 60 + float(m.group(2)) if m else None
    vmm.net_guest.append(size / 1e6 / guest_s if guest_s else None)
    vmm.net_host.append(size / 1e6 / host_s)
    guest = f"{size / 1e6 / guest_s:6.1f}" if guest_s else "     -"
    return f"net {size / 1e6 / host_s:6.1f} MB/s host, {guest} guest"


def one_boot(vmm, net, disk_size, server, boot_timeout):
    """One fresh boot measuring disk (and net); records what it got."""
    shell = None
    parts = []
    try:
        shell = VmShell(vmm.make_argv(net), boot_timeout)
        vmm.boots.append(shell.boot_s)
        guest_setup(shell, net)
        parts.append(measure_disk(vmm, shell, disk_size))
        if net:
            parts.append(measure_net(vmm, shell, server))
        shell.poweroff(60)
        shell = None
    except GuestError as e:
        vmm.problems.append(str(e).splitlines()[0])
        parts.append(f"[{str(e).splitlines()[0]}]")
    finally:
        if shell is not None:
            shell.kill()
    return ", ".join(parts)


def probe(vmm, net, boot_timeout):
    """Check boot: the disk is there on virtio-mmio, and (net) eth0 gets a lease.
    Returns (disk_ok, net_ok, notes)."""
    notes = []
    shell = None
    disk_ok = net_ok = False
    try:
        shell = VmShell(vmm.make_argv(net), boot_timeout)
        notes.append(f"shell after {shell.boot_s:.1f} s")
        _, path = shell.run("readlink -f /sys/block/vda/device 2>/dev/null || echo none", timeout=30)
        path = path.strip().splitlines()[-1] if path.strip() else "none"
        disk_ok = path != "none"
        notes.append(f"vda: {path}")
        if net:
            _, ifs = shell.run("ls /sys/class/net", timeout=30)
            names = re.sub(r"\x1b\[[0-9;]*m", "", ifs).split()
            if "eth0" not in names:
                notes.append(f"no eth0 in the guest (interfaces: {' '.join(names) or 'none'})")
            else:
                status, out = shell.run("udhcpc -i eth0 -n -q", timeout=60)
                net_ok = status == 0
                notes.append("eth0: " + (out.strip().splitlines()[-1] if out.strip() else f"udhcpc status {status}"))
        shell.poweroff(60)
        shell = None
    except GuestError as e:
        notes.append(str(e).strip()[-600:])
    finally:
        if shell is not None:
            shell.kill()
    return disk_ok, net_ok, notes


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt(x):
    return "-" if x is None else f"{x:.1f}"


def ratio(a, b):
    return "-" if a is None or b is None or b == 0 else f"{a / b:.2f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kite", default=os.path.join(REPO, "build/kite"), help="Kite binary (default: build/kite)")
    ap.add_argument("--qemu", default="qemu-system-riscv64", help="QEMU binary (default: qemu-system-riscv64)")
    ap.add_argument("--runs", "-n", type=int, default=3, help="timed boots per VMM (default: 3)")
    ap.add_argument("--size-mib", type=int, default=64, help="size of the file the guest reads (default: 64)")
    ap.add_argument("--net-size-mib", type=int, default=32, help="size of the download (default: 32)")
    ap.add_argument("--no-net", action="store_true", help="skip the network part")
    ap.add_argument("--only", choices=("kite", "qemu"), help="measure just one VMM")
    ap.add_argument("--boot-timeout", type=float, default=180, help="seconds to the guest's shell (default: 180)")
    args = ap.parse_args()
    if args.runs < 1 or args.size_mib < 1 or args.net_size_mib < 1:
        ap.error("--runs, --size-mib and --net-size-mib must be at least 1")

    print("Kite virtio benchmark: virtio-blk read and virtio-net download, Kite vs QEMU (TCG), same guest")
    load_before = os.getloadavg()
    print(f"  host:  {cpu_model()}, {os.cpu_count()} CPUs, Linux {platform.release()}, "
          f"load average {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}")

    cache = os.environ.get("KITE_CACHE", os.path.join(os.path.expanduser("~"), ".cache", "kite"))
    current = os.path.join(cache, "riscv64", "current")
    # Resolved once, so that a rebuild of the guest during the run cannot mix images.
    image, initrd = (os.path.realpath(os.path.join(current, n)) for n in ("Image", "initramfs.cpio.gz"))
    missing = [p for p in (image, initrd, FIRMWARE) if not os.path.isfile(p)]
    if missing:
        print(f"SKIPPED: guest images missing: {', '.join(missing)} "
              "(run guest/riscv64/build-all.sh; OpenSBI: apt-get install opensbi)")
        return 0
    qemu = shutil.which(args.qemu) or (args.qemu if os.path.isfile(args.qemu) else None)
    if not qemu:
        print(f"SKIPPED: {args.qemu} not found (apt-get install qemu-system-misc)")
        return 0
    if args.only != "qemu" and not (os.path.isfile(args.kite) and os.access(args.kite, os.X_OK)):
        print(f"SKIPPED: Kite not found at {args.kite} (build the kite target, or use --only qemu)")
        return 0
    if not shutil.which("mkfs.ext4"):
        print("SKIPPED: mkfs.ext4 not found (apt-get install e2fsprogs)")
        return 0
    qemu_version = subprocess.run([qemu, "--version"], capture_output=True, text=True).stdout.splitlines()
    print(f"  kernel {image}")
    print(f"  initrd {initrd}")
    if args.only != "qemu":
        built = time.strftime("%Y-%m-%d %H:%M", time.localtime(os.path.getmtime(args.kite)))
        print(f"  kite:  {args.kite} (built {built})")
    print(f"  qemu:  {qemu_version[0] if qemu_version else qemu}")

    with tempfile.TemporaryDirectory(prefix="kite-virtio-bench-") as tmpdir:
        t = time.perf_counter()
        disk = make_disk(tmpdir, args.size_mib)
        disk_size = args.size_mib << 20
        print(f"  disk:  ext4 image {os.path.getsize(disk) >> 20} MiB with a {args.size_mib} MiB random file "
              f"(made in {time.perf_counter() - t:.1f} s; the image sits in the host's page cache for both VMMs)")
        server = None if args.no_net else start_blob_server(args.net_size_mib << 20)
        port = server.server_address[1] if server else 0

        def kite_argv(net):
            argv = [args.kite, "run", "--arch", "riscv64", "--cpus", "1", "--memory", "256M", "--kernel", image,
                    "--initrd", initrd, "--cmdline", "console=ttyS0", "--serial", "stdio",
                    "--disk", f"path={disk},readonly=on"]
            return argv + (["--net", "user"] if net else [])

        def qemu_argv(net):
            # virtio-mmio in QEMU 7.2 defaults to the legacy (version 1) interface; Kite's is version 2.
            argv = [qemu, "-M", "virt", "-accel", "tcg", "-m", "256M", "-smp", "1", "-nographic", "-bios", FIRMWARE,
                    "-kernel", image, "-initrd", initrd, "-append", "console=ttyS0",
                    "-global", "virtio-mmio.force-legacy=false",
                    "-drive", f"file={disk},if=none,id=d0,format=raw,readonly=on",
                    "-device", "virtio-blk-device,drive=d0"]
            return argv + (["-netdev", "user,id=n0", "-device", "virtio-net-device,netdev=n0"] if net
                           else ["-nic", "none"])

        kite = Vmm("kite", kite_argv)
        qemu_vmm = Vmm("qemu", qemu_argv)
        vmms = [v for v in (kite, qemu_vmm) if args.only in (None, v.name)]

        # --- check boots: disk visible, and does Kite's user networking work? ---
        print()
        want_net = not args.no_net
        usable = []
        net = want_net
        for vmm in vmms:
            disk_ok, net_ok, notes = probe(vmm, want_net, args.boot_timeout)
            print(f"  check {vmm.name}: " + "; ".join(notes))
            if disk_ok:
                usable.append(vmm)
            else:
                vmm.problems.append("check boot: no /dev/vda")
            if want_net and not net_ok:
                net = False
                if vmm is kite:
                    print("  NOTE: Kite's --net user gave the guest no working eth0: skipping the network part")
                else:
                    print("  NOTE: QEMU's user network did not work: skipping the network part")
        if args.no_net:
            print("  network part skipped (--no-net)")
        for vmm in vmms:
            print(f"  {vmm.name}: {shlex.join(vmm.make_argv(net))}")
        if port and net:
            print(f"  net:   host HTTP server 127.0.0.1:{port} serving {args.net_size_mib} MiB, "
                  f"guest fetches http://10.0.2.2:{port}/blob")
        print()

        t_all = time.perf_counter()
        for i in range(args.runs):
            for vmm in usable:
                line = one_boot(vmm, net, disk_size, server, args.boot_timeout)
                print(f"  run {i + 1}/{args.runs} {vmm.name:<5} {line}", flush=True)
        elapsed = time.perf_counter() - t_all
        if server:
            server.shutdown()
            server.server_close()

    load_after = os.getloadavg()
    if not any(v.disk_host for v in vmms):
        print("\nnothing could be measured")
        for vmm in vmms:
            for p in sorted(set(vmm.problems)):
                print(f"  {vmm.name}: problem: {p}")
        return 1

    rows = [
        (f"disk read {args.size_mib} MiB, MB/s (guest dd)", kite.disk_guest, qemu_vmm.disk_guest),
        (f"disk read {args.size_mib} MiB, MB/s (host clock)", kite.disk_host, qemu_vmm.disk_host),
    ]
    if net:
        rows += [
            (f"net download {args.net_size_mib} MiB, MB/s (guest time)", kite.net_guest, qemu_vmm.net_guest),
            (f"net download {args.net_size_mib} MiB, MB/s (host clock)", kite.net_host, qemu_vmm.net_host),
        ]
    rows.append(("boot to shell, s", kite.boots, qemu_vmm.boots))
    print()
    print(f"medians of {args.runs} boot(s) each; MB = 10^6 bytes. ratio = Kite/QEMU: for throughput "
          "Kite MB/s / QEMU MB/s (below 1.0: Kite slower); for boot time above 1.0: Kite slower")
    print(f"{'metric':<44} {'kite':>9} {'qemu':>9} {'kite/qemu':>10}   min-max kite / qemu")
    for label, k, q in rows:
        km, qm = med(k), med(q)

        def spread(xs):
            xs = [x for x in xs if x is not None]
            return f"{min(xs):.1f}-{max(xs):.1f}" if xs else "-"
        print(f"{label:<44} {fmt(km):>9} {fmt(qm):>9} {ratio(km, qm):>10}   {spread(k)} / {spread(q)}")
    if not net and not args.no_net:
        print(f"{'net download':<44} {'skipped':>9}   (see the NOTE above)")
    print()
    for vmm in vmms:
        for p in sorted(set(vmm.problems)):
            print(f"  {vmm.name}: problem: {p} (x{vmm.problems.count(p)})")
    busy = max(load_before[0], load_after[0])
    note = ("host looked busy (1-min load >= CPUs/2): expect noise, compare ratios only within one run"
            if busy >= (os.cpu_count() or 1) / 2 else "host looked idle")
    print(f"  host load average before {load_before[0]:.2f}, after {load_after[0]:.2f}; {note}")
    print(f"  benchmark took {elapsed:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
