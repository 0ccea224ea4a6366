#!/usr/bin/env python3
"""Boot-to-exit benchmark: Kite vs QEMU on the `hello` test guest.

Runs the guest N times under each VMM, alternating between them, and measures
for every run the wall time from process start to exit (time.perf_counter
around the child) and the peak resident set size (KiB) that GNU time reports.
RSS is taken through /usr/bin/time rather than from Python's own wait4: a
child's ru_maxrss keeps the high-water mark of the forked Python interpreter it
was before exec, which would add Python's RSS to every VMM. Prints median/min per VMM and the Kite/QEMU ratios. See bench/README.md.

Exit status: 0 whenever at least one VMM could be measured (timings never
fail the run), 1 if nothing could run at all, 2 for a bad command line.
"""

import argparse
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

GREETING = b"Hello from a Kite guest!"


from hostinfo import cpu_model, kvm_description  # noqa: E402


GNU_TIME = "/usr/bin/time"


def run_measured(cmd, timeout, capture=False):
    """Runs cmd; returns (exit status or None on timeout, wall seconds, peak RSS KiB, stdout, stderr)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile(mode="r") as rss_file:
        cmd = [GNU_TIME, "-f", "%M", "-o", rss_file.name, *cmd]
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out if capture else subprocess.DEVNULL,
                                stderr=err)
        timed_out = threading.Event()

        def kill():
            timed_out.set()
            try:
                os.kill(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        watchdog = threading.Timer(timeout, kill)
        watchdog.start()
        try:
            _, status, rusage = os.wait4(proc.pid, 0)
        finally:
            watchdog.cancel()
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        rc = None if timed_out.is_set() else proc.returncode
        # GNU time passes the child's status through and writes the RSS on its last line.
        lines = [line for line in rss_file.read().splitlines() if line.strip()]
        rss = int(lines[-1]) if lines and lines[-1].strip().isdigit() else rusage.ru_maxrss
        return rc, wall, rss, out.read(), err.read()


class Vmm:
    def __init__(self, name, cmd, probe_cmd, expected_status=0):
        self.name = name
        self.cmd = cmd              # timed runs (no serial output)
        self.probe_cmd = probe_cmd  # one check run whose serial output lands on stdout
        self.expected_status = expected_status
        self.walls = []
        self.rss = []
        self.failures = []
        self.note = ""

    def probe(self, timeout):
        rc, wall, _, out, err = run_measured(self.probe_cmd, timeout, capture=True)
        if rc is None:
            return f"timed out after {timeout:g} s"
        if rc != self.expected_status:
            msg = err.decode(errors="replace").strip().splitlines()
            return f"exit status {rc}" + (f": {msg[-1]}" if msg else "")
        if GREETING not in out:
            return "the guest's greeting did not appear on the serial port"
        return None


def fmt_ms(seconds):
    return f"{seconds * 1000:8.1f} ms"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kite", default="build/kite", help="Kite binary (default: build/kite)")
    ap.add_argument("--guest", default="build/guests/x86/hello.elf",
                    help="guest kernel (default: build/guests/x86/hello.elf)")
    ap.add_argument("-n", "--runs", type=int, default=10, help="timed runs per VMM (default: 10)")
    ap.add_argument("--warmup", type=int, default=1, help="untimed runs per VMM first (default: 1)")
    ap.add_argument("--qemu", default="qemu-system-x86_64", help="QEMU binary (default: qemu-system-x86_64)")
    ap.add_argument("--qemu-machine", choices=("auto", "microvm", "pc"), default="auto",
                    help="QEMU machine: microvm, pc, or auto = microvm if it boots the guest, else pc")
    ap.add_argument("--memory", default=None, help="guest RAM for both VMMs (e.g. 128M; default: each VMM's own)")
    ap.add_argument("--timeout", type=float, default=30.0, help="per-run timeout in seconds (default: 30)")
    args = ap.parse_args()
    if args.runs < 1:
        ap.error("--runs must be at least 1")

    print("Kite boot benchmark")
    print(f"  host:  {cpu_model()}, {os.cpu_count()} CPUs, Linux {platform.release()}, {kvm_description()}")
    print(f"  guest: {args.guest}")
    print(f"  runs:  {args.runs} timed (+{args.warmup} warm-up) per VMM, alternating; "
          f"wall = process start to exit, RSS = peak resident set (GNU time)")
    if not os.access(GNU_TIME, os.X_OK):
        print(f"error: {GNU_TIME} not found (apt-get install time, or run scripts/setup.sh)", file=sys.stderr)
        return 1
    if not os.path.isfile(args.guest):
        print(f"error: guest {args.guest} not found (build the x86_test_guests target)", file=sys.stderr)
        return 1

    vmms = []
    mem_kite = ["--memory", args.memory] if args.memory else []
    mem_qemu = ["-m", args.memory] if args.memory else []

    # --- Kite ---
    if os.path.isfile(args.kite) and os.access(args.kite, os.X_OK):
        base = [args.kite, "run", "--accel", "kvm", "--kernel", args.guest] + mem_kite
        kite = Vmm("kite", base + ["--serial", "none"], base + ["--serial", "stdio"])
        problem = kite.probe(args.timeout)
        if problem:
            print(f"  kite:  cannot be measured: {problem}")
        else:
            vmms.append(kite)
    else:
        print(f"  kite:  not found at {args.kite} (build the kite target)")

    # --- QEMU ---
    qemu_bin = shutil.which(args.qemu) or (args.qemu if os.path.isfile(args.qemu) else None)
    if qemu_bin is None:
        print(f"  qemu:  {args.qemu} not found")
    else:
        machines = ["microvm", "pc"] if args.qemu_machine == "auto" else [args.qemu_machine]
        chosen = None
        problems = []
        for machine in machines:
            base = [qemu_bin, "-accel", "kvm", "-M", machine, "-nodefaults", "-no-user-config", "-nographic",
                    "-no-reboot", "-kernel", args.guest, "-device", "isa-debug-exit,iobase=0xf4,iosize=4"] + mem_qemu
            qemu = Vmm(f"qemu-{machine}", base + ["-serial", "none"], base + ["-serial", "stdio"])
            problem = qemu.probe(args.timeout)
            if problem is None:
                chosen = qemu
                break
            problems.append(f"-M {machine}: {problem}")
        for p in problems:
            print(f"  qemu:  {p}")
        if chosen:
            if problems:
                chosen.note = f"(fell back to -M {chosen.name.split('-', 1)[1]})"
                print(f"  qemu:  using {chosen.name} instead")
            vmms.append(chosen)
        elif problems:
            print("  qemu:  cannot be measured with -accel kvm here")

    if not vmms:
        print("nothing could be measured")
        return 1

    for vmm in vmms:
        print(f"  {vmm.name}: {' '.join(vmm.cmd)}")

    for _ in range(args.warmup):
        for vmm in vmms:
            run_measured(vmm.cmd, args.timeout)
    for _ in range(args.runs):
        for vmm in vmms:
            rc, wall, rss, _, err = run_measured(vmm.cmd, args.timeout)
            if rc != vmm.expected_status:
                why = "timeout" if rc is None else f"exit status {rc}"
                vmm.failures.append(why)
                continue
            vmm.walls.append(wall)
            vmm.rss.append(rss)

    print()
    print(f"{'VMM':<14} {'runs':>5} {'wall median':>12} {'wall min':>12} {'wall max':>12} "
          f"{'RSS median':>12} {'RSS min':>12}")
    for vmm in vmms:
        if not vmm.walls:
            print(f"{vmm.name:<14} {0:>5}   every run failed: {', '.join(sorted(set(vmm.failures)))}")
            continue
        print(f"{vmm.name:<14} {len(vmm.walls):>5} {fmt_ms(statistics.median(vmm.walls)):>12} "
              f"{fmt_ms(min(vmm.walls)):>12} {fmt_ms(max(vmm.walls)):>12} "
              f"{statistics.median(vmm.rss):>9.0f} KiB {min(vmm.rss):>8d} KiB {vmm.note}")
        if vmm.failures:
            print(f"{'':<14} {len(vmm.failures)} failed run(s) not counted: {', '.join(sorted(set(vmm.failures)))}")

    kite = next((v for v in vmms if v.name == "kite" and v.walls), None)
    qemu = next((v for v in vmms if v.name.startswith("qemu") and v.walls), None)
    if kite and qemu:
        print()
        print(f"Kite/QEMU ({qemu.name}) ratios (below 1.0 means Kite is faster/smaller):")
        print(f"  wall time: median {statistics.median(kite.walls) / statistics.median(qemu.walls):.2f}, "
              f"min {min(kite.walls) / min(qemu.walls):.2f}")
        print(f"  peak RSS:  median {statistics.median(kite.rss) / statistics.median(qemu.rss):.2f}, "
              f"min {min(kite.rss) / min(qemu.rss):.2f}")
    else:
        print()
        print("no ratios: both VMMs must have at least one successful run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
