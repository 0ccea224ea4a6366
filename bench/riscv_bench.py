#!/usr/bin/env python3
"""RISC-V CPU benchmark: Kite's interpreter vs QEMU's TCG translator.

Boots the same riscv64 Linux kernel with the benchmark initramfs
(guest/riscv64/build-bench.sh: busybox + the CPU-bound programs of
bench/riscv/) under Kite and under qemu-system-riscv64 -M virt -accel tcg,
N times each, alternating. Every boot runs four workloads (int, mem, branch,
fp); each program times itself in the guest with CLOCK_MONOTONIC and prints
`bench NAME MS CHECKSUM`. On the host the script timestamps every serial line
as it arrives, which gives boot-to-init (process start to `kite-init: bench
start`), a host-side time per workload, and the total wall time.

Prints per-workload medians under each VMM, the Kite/QEMU ratios (above 1.0
means Kite is slower) and whether the checksums agree: a mismatch means one of
the two CPUs computed something different, i.e. an emulation bug. See
bench/README.md.

Exit status: 0 whenever at least one VMM ran (timings never fail the run;
`--strict` turns a checksum mismatch into 3), 1 if nothing ran or the images
could not be built, 2 for a bad command line.
"""

import argparse
import os
import platform
import re
import select
import shutil
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import time

from hostinfo import cpu_model  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORKLOADS = ("int", "mem", "branch", "fp")
MARK_START = "kite-init: bench start"
MARK_DONE = "kite-init: bench done"
RE_RUN = re.compile(r"kite-init: bench run (\S+)")
RE_FAIL = re.compile(r"kite-init: bench failed (\S+) rc=(\S+)")
RE_RESULT = re.compile(r"^bench (\S+) ([0-9.]+) ([0-9a-f]+)\s*$")


def git_head():
    try:
        rev = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                             timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", REPO, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10).stdout.strip()
        return (rev or "unknown") + (" + local changes" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def build_images(script, timeout):
    """Runs a guest/riscv64 build script; returns its KEY=path lines as a dict (or raises)."""
    proc = subprocess.run([script], cwd=REPO, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=timeout)
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.strip().splitlines()[-15:])
        raise RuntimeError(f"{os.path.relpath(script, REPO)} failed (exit {proc.returncode}):\n{tail}")
    out = {}
    for line in proc.stdout.splitlines():
        key, sep, value = line.partition("=")
        if sep and re.fullmatch(r"[A-Z_]+", key):
            out[key] = value.strip()
    return out


class Boot:
    """One boot: serial lines with host timestamps (seconds since process start)."""

    def __init__(self):
        self.lines = []         # (t, text)
        self.rc = None          # exit status, None on timeout
        self.wall = None
        self.stderr = ""


def run_boot(cmd, timeout):
    boot = Boot()
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err,
                                start_new_session=True)
        fd = proc.stdout.fileno()
        pending = b""
        deadline = start + timeout
        timed_out = False
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([fd], [], [], min(left, 1.0))
            if not ready:
                continue
            chunk = os.read(fd, 65536)
            now = time.perf_counter() - start
            if not chunk:
                break
            pending += chunk
            *complete, pending = pending.split(b"\n")
            for raw in complete:
                boot.lines.append((now, raw.decode(errors="replace").strip("\r")))
        if timed_out:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        rc = proc.wait()
        boot.wall = time.perf_counter() - start
        if pending:
            boot.lines.append((boot.wall, pending.decode(errors="replace").strip("\r")))
        proc.stdout.close()
        boot.rc = None if timed_out else rc
        err.seek(0)
        boot.stderr = err.read().decode(errors="replace")
    return boot


class Vmm:
    def __init__(self, name, cmd):
        self.name = name
        self.cmd = cmd
        self.boot_to_init = []
        self.walls = []
        self.guest_ms = {w: [] for w in WORKLOADS}
        self.host_ms = {w: [] for w in WORKLOADS}
        self.checksums = {w: [] for w in WORKLOADS}
        self.failures = []      # text per failed boot / workload
        self.runs_ok = 0

    def record(self, boot):
        """Parses one boot; returns a one-line summary."""
        start = None
        run_at = {}
        got = []
        for t, text in boot.lines:
            if MARK_START in text and start is None:
                start = t
                continue
            m = RE_RUN.search(text)
            if m:
                run_at[m.group(1)] = t
                continue
            m = RE_FAIL.search(text)
            if m:
                self.failures.append(f"{m.group(1)} failed in the guest (rc={m.group(2)})")
                continue
            m = RE_RESULT.match(text)
            if m and m.group(1) in self.guest_ms:
                name = m.group(1)
                self.guest_ms[name].append(float(m.group(2)))
                self.checksums[name].append(m.group(3))
                if name in run_at:
                    self.host_ms[name].append((t - run_at[name]) * 1000)
                got.append(name)
        done = any(MARK_DONE in text for _, text in boot.lines)
        if start is not None:
            self.boot_to_init.append(start)
        problem = None
        if boot.rc is None:
            problem = "timed out"
        elif boot.rc != 0:
            msg = boot.stderr.strip().splitlines()
            problem = f"exit status {boot.rc}" + (f" ({msg[-1]})" if msg else "")
        elif start is None:
            problem = f"no '{MARK_START}' line"
        elif not done:
            problem = f"no '{MARK_DONE}' line"
        if problem:
            self.failures.append(problem)
        else:
            self.walls.append(boot.wall)
            self.runs_ok += 1
        init = f"{start:.2f} s" if start is not None else "-"
        return (f"{self.name:<5} wall {boot.wall:7.2f} s, boot-to-init {init}, "
                f"workloads {','.join(got) or 'none'}" + (f"  [{problem}]" if problem else ""))


def med(xs):
    return statistics.median(xs) if xs else None


def fmt(x, unit=""):
    return "-" if x is None else f"{x:.0f}{unit}" if x >= 100 else f"{x:.2f}{unit}"


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


def fmt_ratio(r):
    return "-" if r is None else f"{r:.2f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kite", default=os.path.join(REPO, "build/kite"), help="Kite binary (default: build/kite)")
    ap.add_argument("--qemu", default="qemu-system-riscv64", help="QEMU binary (default: qemu-system-riscv64)")
    ap.add_argument("-n", "--runs", type=int, default=3, help="boots per VMM (default: 3)")
    ap.add_argument("--timeout", type=float, default=300.0, help="per-boot timeout in seconds (default: 300)")
    ap.add_argument("--memory", default="256M", help="guest RAM for both VMMs (default: 256M)")
    ap.add_argument("--only", choices=("kite", "qemu"), help="run just one VMM")
    ap.add_argument("--workloads", default=",".join(WORKLOADS),
                    help="comma-separated subset to run in the guest (default: all)")
    ap.add_argument("--image", help="kernel Image (default: from guest/riscv64/build-all.sh)")
    ap.add_argument("--initrd", help="benchmark initramfs (default: from guest/riscv64/build-bench.sh)")
    ap.add_argument("--firmware", help="OpenSBI fw_dynamic.bin (default: from guest/riscv64/build-all.sh)")
    ap.add_argument("--strict", action="store_true", help="exit 3 if a checksum differs between runs or VMMs")
    args = ap.parse_args()
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    chosen = [w for w in args.workloads.split(",") if w]
    bad = [w for w in chosen if w not in WORKLOADS]
    if bad or not chosen:
        ap.error(f"--workloads: choose from {','.join(WORKLOADS)}")

    load_before = os.getloadavg()
    print("Kite riscv64 CPU benchmark: Kite (interpreter) vs QEMU (TCG), same kernel and initramfs")
    print(f"  host:  {cpu_model()}, {os.cpu_count()} CPUs, Linux {platform.release()}, "
          f"load average {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}")

    # --- images ---
    paths = {}
    try:
        if not (args.image and args.firmware):
            paths.update(build_images(os.path.join(REPO, "guest/riscv64/build-all.sh"), 3600))
        if not args.initrd:
            paths.update(build_images(os.path.join(REPO, "guest/riscv64/build-bench.sh"), 3600))
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as e:
        print(f"error: building the guest images: {e}", file=sys.stderr)
        return 1
    image = args.image or paths.get("IMAGE")
    initrd = args.initrd or paths.get("BENCH_INITRAMFS")
    firmware = args.firmware or paths.get("FW_DYNAMIC")
    for what, p in (("kernel", image), ("benchmark initramfs", initrd), ("firmware", firmware)):
        if not p or not os.path.isfile(p):
            print(f"error: {what} not found ({p})", file=sys.stderr)
            return 1
    cmdline = "console=ttyS0 quiet"
    if chosen != list(WORKLOADS):
        cmdline += " kite.bench=" + ",".join(chosen)
    print(f"  kernel {image}")
    print(f"  initrd {initrd}")
    print(f"  cmdline \"{cmdline}\", {args.memory} RAM, 1 hart, {args.runs} boot(s) per VMM, alternating")

    # --- VMMs ---
    vmms = []
    if args.only in (None, "kite"):
        if os.path.isfile(args.kite) and os.access(args.kite, os.X_OK):
            print(f"  kite:  {args.kite} (built {time.strftime('%Y-%m-%d %H:%M', time.localtime(os.path.getmtime(args.kite)))}"
                  f", tree {git_head()})")
            vmms.append(Vmm("kite", [args.kite, "run", "--arch", "riscv64", "--cpus", "1", "--memory", args.memory,
                                     "--firmware", firmware, "--kernel", image, "--initrd", initrd,
                                     "--cmdline", cmdline, "--serial", "stdio"]))
        else:
            print(f"  kite:  not found at {args.kite} (build the kite target)")
    if args.only in (None, "qemu"):
        qemu_bin = shutil.which(args.qemu) or (args.qemu if os.path.isfile(args.qemu) else None)
        if qemu_bin:
            ver = subprocess.run([qemu_bin, "--version"], capture_output=True, text=True).stdout.splitlines()
            print(f"  qemu:  {ver[0] if ver else qemu_bin}")
            vmms.append(Vmm("qemu", [qemu_bin, "-M", "virt", "-accel", "tcg", "-smp", "1", "-m", args.memory,
                                     "-nographic", "-bios", firmware, "-kernel", image, "-initrd", initrd,
                                     "-append", cmdline]))
        else:
            print(f"  qemu:  {args.qemu} not found (apt-get install qemu-system-misc)")
    if not vmms:
        print("nothing can be run")
        return 1
    for vmm in vmms:
        print(f"  {vmm.name}: {shlex.join(vmm.cmd)}")
    print()

    t_all = time.perf_counter()
    for i in range(args.runs):
        for vmm in vmms:
            boot = run_boot(vmm.cmd, args.timeout)
            print(f"  run {i + 1}/{args.runs} " + vmm.record(boot), flush=True)
    elapsed = time.perf_counter() - t_all
    load_after = os.getloadavg()

    ran = [v for v in vmms if v.boot_to_init or any(v.guest_ms[w] for w in WORKLOADS)]
    if not ran:
        print("\nno VMM got as far as the guest's init")
        for vmm in vmms:
            for f in sorted(set(vmm.failures)):
                print(f"  {vmm.name}: {f}")
        return 1
    kite = next((v for v in vmms if v.name == "kite"), None)
    qemu = next((v for v in vmms if v.name == "qemu"), None)

    # --- table ---
    print()
    print("guest-measured time per workload (CLOCK_MONOTONIC in the guest), medians; "
          "ratio = Kite/QEMU, above 1.0 means Kite is slower")
    print(f"{'workload':<14} {'kite ms':>9} {'qemu ms':>9} {'ratio':>7}   {'host ms k/q':>15} {'ratio':>6}   checksum")
    mismatch = []
    ratios = []
    for w in chosen:
        kg = med(kite.guest_ms[w]) if kite else None
        qg = med(qemu.guest_ms[w]) if qemu else None
        kh = med(kite.host_ms[w]) if kite else None
        qh = med(qemu.host_ms[w]) if qemu else None
        r = ratio(kg, qg)
        if r is not None:
            ratios.append(r)
        sums = {v.name: sorted(set(v.checksums[w])) for v in vmms if v.checksums[w]}
        every = sorted({c for cs in sums.values() for c in cs})
        if not every:
            verdict = "-"
        elif len(every) == 1:
            verdict = every[0] + (" equal" if len(sums) > 1 else f" ({next(iter(sums))} only)")
        else:
            verdict = "MISMATCH " + "; ".join(f"{n}: {','.join(cs)}" for n, cs in sums.items())
            mismatch.append(w)
        print(f"{w:<14} {fmt(kg):>9} {fmt(qg):>9} {fmt_ratio(r):>7}   "
              f"{fmt(kh) + '/' + fmt(qh):>15} {fmt_ratio(ratio(kh, qh)):>6}   {verdict}")
    if len(ratios) > 1:
        print(f"{'geomean':<14} {'':>9} {'':>9} {statistics.geometric_mean(ratios):>7.2f}")
    kb = med(kite.boot_to_init) if kite else None
    qb = med(qemu.boot_to_init) if qemu else None
    kw = med(kite.walls) if kite else None
    qw = med(qemu.walls) if qemu else None
    print(f"{'boot-to-init':<14} {fmt(kb and kb * 1000):>9} {fmt(qb and qb * 1000):>9} {fmt_ratio(ratio(kb, qb)):>7}"
          "   (host: process start to '" + MARK_START + "')")
    print(f"{'total wall':<14} {fmt(kw and kw * 1000):>9} {fmt(qw and qw * 1000):>9} {fmt_ratio(ratio(kw, qw)):>7}"
          "   (host: process start to exit, successful boots)")
    print()
    for vmm in vmms:
        spread = ", ".join(f"{w} {fmt(min(vmm.guest_ms[w]))}-{fmt(max(vmm.guest_ms[w]))}"
                           for w in chosen if vmm.guest_ms[w])
        print(f"  {vmm.name}: {vmm.runs_ok}/{args.runs} complete boots; guest ms min-max: {spread or '-'}")
        for f in sorted(set(vmm.failures)):
            print(f"  {vmm.name}: problem: {f} (x{vmm.failures.count(f)})")
    busy = max(load_before[0], load_after[0])
    note = ("host looked busy (1-min load >= CPUs/2): expect noise, compare ratios only within one run"
            if busy >= (os.cpu_count() or 1) / 2 else "host looked idle")
    print(f"  host load average before {load_before[0]:.2f}, after {load_after[0]:.2f}; {note}")
    print(f"  benchmark took {elapsed:.0f} s")
    if mismatch:
        print(f"\nCHECKSUM MISMATCH in {', '.join(mismatch)}: the same static binary computed different results, "
              "which points at a CPU emulation bug (see the per-VMM checksums above)")
        if args.strict:
            return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
