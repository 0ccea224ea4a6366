#!/usr/bin/env python3
"""Run Kite with a given command line and check its exit status and messages.

Usage:
  run_cli.py --kite KITE [options] -- KITE_ARGS...

  --expect-status N      required exit status (default 0)
  --stdout-expect REGEX  must match stdout (repeatable)
  --output-expect REGEX  must match stdout or stderr (repeatable)
  --stderr-expect REGEX  must match stderr (repeatable)
  --stderr-lines N       stderr must have exactly N non-empty lines
  --needs-kvm            the check is only meaningful with a usable KVM: skip
                         (exit 77) when /dev/kvm cannot be opened
  --timeout SECONDS      kill Kite and fail after this long (default 30)
  --env NAME=VALUE       set NAME in Kite's environment (repeatable)

Placeholders in KITE_ARGS: {garbage} becomes the path of a freshly written
4 KiB file of random bytes, {tmp} a fresh temporary directory, {big} a sparse
32 MiB file, {fifo} a FIFO that nobody opens, and {head:PATH} a copy of the first 100 bytes of PATH (a
truncated file). Made-up x86 kernels: {bzimage:K=V,...} a Linux bzImage
(keys: version, init_size, pref, initrd_max, truncate; its 64-bit entry
reports CS through the debug-exit port), {pvh:desc=N} an ELF64 with a PVH
note of N bytes, {mbaout:ADDR} a Multiboot a.out-kludge kernel loaded at ADDR
that writes 0x2a to the debug-exit port.

Regexes use Python syntax with re.MULTILINE. Whatever the expectation, a run
that ends with status 4 and Kite's line `kite: error: kvm unavailable: ...`
(the host has no usable KVM) is reported as `SKIP: <reason>` with exit 77
unless status 4 was expected.
"""

import argparse
import os
import re
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from kite_testlib import (decode, describe_status, report, require_built,  # noqa: E402
                          require_kvm, skip_if_accel_unavailable)


# 64-bit code: mov %cs,%eax; out %al,$0xf4; hlt; jmp .-1 (debug exit reports CS)
REPORT_CS_64 = bytes([0x8C, 0xC8, 0xE6, 0xF4, 0xF4, 0xEB, 0xFD])
# 32-bit code: mov $0x2a,%al; out %al,$0xf4; hlt; jmp .-1
REPORT_2A_32 = bytes([0xB0, 0x2A, 0xE6, 0xF4, 0xF4, 0xEB, 0xFD])


def make_bzimage(spec):
    """A minimal bzImage (Documentation/x86/boot.rst): 4 setup sectors, then a
    protected-mode kernel whose 64-bit entry (offset 0x200) runs REPORT_CS_64."""
    fields = {"version": 0x20F, "init_size": 0x800000, "pref": 0x1000000, "initrd_max": 0x7FFFFFFF}
    truncate = None
    for item in filter(None, spec.split(",")):
        key, value = item.split("=")
        if key == "truncate":
            truncate = int(value, 0)
        else:
            fields[key] = int(value, 0)
    kernel = bytearray(b"\xf4" * 0x1000)
    kernel[0x200:0x200 + len(REPORT_CS_64)] = REPORT_CS_64
    img = bytearray(5 * 512)
    img[0x1F1] = 4
    struct.pack_into("<I", img, 0x1F4, len(kernel) // 16)
    struct.pack_into("<H", img, 0x1FE, 0xAA55)
    img[0x200:0x202] = bytes([0xEB, 0x6A])
    img[0x202:0x206] = b"HdrS"
    struct.pack_into("<H", img, 0x206, fields["version"])
    img[0x211] = 0x01  # LOADED_HIGH
    struct.pack_into("<I", img, 0x22C, fields["initrd_max"])
    struct.pack_into("<IBBH", img, 0x230, 0x200000, 1, 21, 0x3)  # alignment, relocatable, XLF_KERNEL_64
    struct.pack_into("<I", img, 0x238, 2047)
    struct.pack_into("<QI", img, 0x258, fields["pref"], fields["init_size"])
    img += kernel
    return bytes(img[:truncate] if truncate is not None else img)


def make_elf64(segments, entry):
    """An ELF64 x86-64 executable; segments are (p_type, paddr, bytes)."""
    phoff, data = 64, 0x1000
    out = bytearray(data)
    out[0:16] = b"\x7fELF\x02\x01\x01" + bytes(9)
    struct.pack_into("<HHIQQQIHHHHHH", out, 16, 2, 62, 1, entry, phoff, 0, 0, 64, 56, len(segments), 0, 0, 0)
    for i, (ptype, paddr, body) in enumerate(segments):
        struct.pack_into("<IIQQQQQQ", out, phoff + i * 56, ptype, 7, len(out), paddr, paddr, len(body),
                         len(body), 0x1000)
        out += body + bytes(-len(body) % 0x1000)
    return bytes(out)


def make_pvh(spec):
    """An ELF64 with a XEN_ELFNOTE_PHYS32_ENTRY ("Xen", type 18) note of desc=N bytes."""
    size = int(spec.split("=")[1], 0) if spec else 8
    desc = struct.pack("<Q", 0x100000)[:size].ljust(size, b"\0")
    note = struct.pack("<III", 4, len(desc), 18) + b"Xen\0" + desc + bytes(-len(desc) % 4)
    return make_elf64([(1, 0x100000, REPORT_2A_32), (4, 0, note)], 0x100000)


def make_multiboot_aout(address):
    """A Multiboot a.out-kludge kernel (flags bit 16) loaded at `address`."""
    flags = 0x10003
    header = struct.pack("<III", 0x1BADB002, flags, (-(0x1BADB002 + flags)) & 0xFFFFFFFF)
    body_at = 0x40
    header += struct.pack("<IIIII", address, address, 0, address + 0x2000, address + body_at)
    img = bytearray(header.ljust(body_at, b"\0") + REPORT_2A_32)
    return bytes(img.ljust(0x100, b"\xf4"))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kite", required=True)
    ap.add_argument("--expect-status", type=int, default=0)
    ap.add_argument("--stdout-expect", action="append", default=[])
    ap.add_argument("--output-expect", action="append", default=[])
    ap.add_argument("--stderr-expect", action="append", default=[])
    ap.add_argument("--stderr-lines", type=int)
    ap.add_argument("--needs-kvm", action="store_true")
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("--env", action="append", default=[])
    ap.add_argument("args", nargs="*")
    args = ap.parse_args()

    if args.needs_kvm:
        require_kvm()
    require_built(("kite binary", args.kite))

    with tempfile.TemporaryDirectory(prefix="kite-cli-test-") as tmp:
        garbage = os.path.join(tmp, "garbage.bin")
        with open(garbage, "wb") as f:
            # Random, but never accidentally an ELF or a Multiboot image.
            data = bytearray(os.urandom(4096))
            data[0:4] = b"\x00JNK"
            f.write(bytes(data))
        scratch = os.path.join(tmp, "scratch")
        os.mkdir(scratch)
        big = os.path.join(tmp, "big.bin")
        with open(big, "wb") as f:
            f.truncate(32 * 1024 * 1024)
        fifo = os.path.join(tmp, "fifo")
        os.mkfifo(fifo)

        made = {"{bzimage:": make_bzimage, "{pvh:": make_pvh,
                "{mbaout:": lambda spec: make_multiboot_aout(int(spec, 0))}

        def expand(arg):
            for prefix, make in made.items():
                if arg.startswith(prefix) and arg.endswith("}"):
                    path = os.path.join(tmp, f"kernel-{len(os.listdir(tmp))}.bin")
                    with open(path, "wb") as f:
                        f.write(make(arg[len(prefix):-1]))
                    return path
            if arg.startswith("{head:") and arg.endswith("}"):
                head = os.path.join(tmp, "head.bin")
                with open(arg[6:-1], "rb") as src, open(head, "wb") as dst:
                    dst.write(src.read(100))
                return head
            return arg.replace("{garbage}", garbage).replace("{tmp}", scratch).replace("{big}", big).replace("{fifo}", fifo)

        kite_args = [expand(a) for a in args.args]
        cmd = [args.kite] + kite_args
        try:
            env = dict(os.environ, **dict(item.split("=", 1) for item in args.env))
            proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=args.timeout,
                                  env=env)
        except subprocess.TimeoutExpired as e:
            return report([f"TIMEOUT: kite did not exit within {args.timeout:g} s (killed)"], cmd, None,
                          [("stdout", decode(e.stdout)), ("stderr", decode(e.stderr))])

    rc = proc.returncode
    stdout = decode(proc.stdout)
    stderr = decode(proc.stderr)
    skip_if_accel_unavailable(rc, stderr, args.expect_status)

    failures = []
    if rc < 0:
        failures.append(f"kite was {describe_status(rc)}")
    elif rc != args.expect_status:
        failures.append(f"exit status {describe_status(rc)}, expected {describe_status(args.expect_status)}")
    for pattern in args.stdout_expect:
        if not re.search(pattern, stdout, re.MULTILINE):
            failures.append(f"stdout does not match {pattern!r}")
    for pattern in args.output_expect:
        if not re.search(pattern, stdout + "\n" + stderr, re.MULTILINE):
            failures.append(f"neither stdout nor stderr matches {pattern!r}")
    for pattern in args.stderr_expect:
        if not re.search(pattern, stderr, re.MULTILINE):
            failures.append(f"stderr does not match {pattern!r}")
    if args.stderr_lines is not None:
        lines = [line for line in stderr.splitlines() if line.strip()]
        if len(lines) != args.stderr_lines:
            failures.append(f"stderr has {len(lines)} non-empty lines, expected {args.stderr_lines}")

    return report(failures, cmd, rc, [("stdout", stdout), ("stderr", stderr)])


if __name__ == "__main__":
    sys.exit(main())
