#!/usr/bin/env python3
"""Writes the seed inputs of the bus-driving fuzz targets into
tests/fuzz/corpus/<target>/: a guest driver's usual first steps (probe, BAR
placement, feature negotiation, queue set-up, a notification) in the access
encoding of fuzz_bus.h, with guest RAM holding a small descriptor table and
available ring. The fuzzer mutates from there; run this again after changing
that encoding.

fuzz_riscv_cpu's seeds are the RISC-V ISA test programs (tests/guests/riscv64,
built into build/guests/riscv64) as RAM images after a machine-state header
that starts them in M-mode with translation off; they are written when that
folder is given.

Usage: make_seeds.py [CORPUS_DIR [RISCV_GUEST_DIR]]
  (default CORPUS_DIR: the corpus/ folder beside this script)"""
import os
import struct
import subprocess
import sys
import tempfile

READ, WRITE, HOST, WRITE_ALIGNED = 0, 1, 2, 3
WIDTH = {1: 0, 2: 1, 4: 2, 8: 3}


def read(window, offset, width=4):
    return struct.pack("<BI", READ | WIDTH[width] << 2 | window << 4, offset)


def write(window, offset, value, width=4):
    return struct.pack("<BIQ", WRITE_ALIGNED | WIDTH[width] << 2 | window << 4, offset, value)


def host(selector, payload=b""):
    return struct.pack("<BB", HOST, selector) + payload


def with_ram(accesses, ram=b""):
    return struct.pack("<H", len(accesses)) + accesses + ram


RAM = 0x8000_0000


def queue_ram(writable):
    """Descriptor table at RAM+0 (two 64-byte buffers at RAM+0x300), available ring at
    RAM+0x100, used ring at RAM+0x200."""
    flags = 2 if writable else 0
    desc = struct.pack("<QIHH", RAM + 0x300, 64, flags, 0) + struct.pack("<QIHH", RAM + 0x340, 64, flags, 0)
    avail = struct.pack("<HHHH", 0, 2, 0, 1)
    body = b"\x45\x00\x00\x1c" + bytes(60) + b"ping" * 16
    return desc.ljust(0x100, b"\0") + avail.ljust(0x200, b"\0") + body


def mmio_setup(window, queues, low_features=0):
    """virtio-mmio: probe, negotiate VERSION_1 (and `low_features`), set up `queues` at RAM and go live."""
    out = read(window, 0x000) + read(window, 0x008) + write(window, 0x070, 0) + write(window, 0x070, 3)
    out += write(window, 0x014, 1) + read(window, 0x010) + write(window, 0x024, 1) + write(window, 0x020, 1)
    out += write(window, 0x024, 0) + write(window, 0x020, low_features) + write(window, 0x070, 0xB)
    for q in queues:
        out += write(window, 0x030, q) + read(window, 0x034) + write(window, 0x038, 8)
        out += write(window, 0x080, RAM) + write(window, 0x090, RAM + 0x100) + write(window, 0x0A0, RAM + 0x200)
        out += write(window, 0x044, 1)
    out += write(window, 0x070, 0xF)
    for q in queues:
        out += write(window, 0x050, q)
    return out + read(window, 0x060) + write(window, 0x064, 1) + read(window, 0x100)


def pci_setup(slot, bar):
    """virtio-pci in ECAM slot `slot`: size and place BAR0 at `bar`, enable memory, then the common config."""
    cfg = slot << 15
    out = read(0, cfg) + read(0, cfg + 0x34, 1) + write(0, cfg + 0x10, 0xFFFFFFFF) + read(0, cfg + 0x10)
    out += write(0, cfg + 0x10, bar) + write(0, cfg + 0x04, 0x6, 2)
    window = 1
    base = bar - 0x4000_0000
    out += write(window, base + 0x14, 0, 1) + write(window, base + 0x14, 3, 1)
    out += write(window, base + 0x08, 1) + write(window, base + 0x0C, 1) + write(window, base + 0x14, 0xB, 1)
    out += write(window, base + 0x16, 0, 2) + write(window, base + 0x18, 8, 2)
    out += write(window, base + 0x20, RAM) + write(window, base + 0x28, RAM + 0x100)
    out += write(window, base + 0x30, RAM + 0x200) + write(window, base + 0x1C, 1, 2)
    out += write(window, base + 0x14, 0xF, 1) + write(window, base + 0x3000, 0, 2) + read(window, base + 0x1000, 1)
    return out


def riscv_devices():
    plic, clint, uart, rtc, plic_ctx, mtimecmp = range(6)
    out = write(plic, 10 * 4, 7) + write(plic, 11 * 4, 3) + write(plic, 0x2080, 1 << 10 | 1 << 11)
    out += write(plic_ctx, 0x1000, 0) + write(uart, 1, 0x0F, 1) + write(uart, 3, 0x83, 1) + write(uart, 0, 1, 1)
    out += write(uart, 3, 0x03, 1) + write(uart, 2, 0xC7, 1) + host(3 + 6 * 5, b"hello")
    out += read(plic_ctx, 0x1004) + write(plic_ctx, 0x1004, 10) + read(uart, 0, 1) + read(uart, 5, 1)
    out += write(mtimecmp, 0, 100, 8) + host(0, struct.pack("<I", 50_000)) + host(2) + read(clint, 0xBFF8, 8)
    out += write(rtc, 0x08, 5) + write(rtc, 0x0C, 0) + write(rtc, 0x10, 1) + host(2) + read(plic_ctx, 0x1004)
    return struct.pack("<Q", 1_700_000_000 * 10**9) + out


def seeds():
    yield "fuzz_virtio_mmio", "console", with_ram(mmio_setup(0, [0, 1]) + host(4, b"abcd") + host(0xFF),
                                                  queue_ram(True))
    yield "fuzz_virtio_mmio", "rng", with_ram(mmio_setup(1, [0]), queue_ram(True))
    yield "fuzz_virtio_mmio", "emergency_write", with_ram(write(0, 0x108, 0x41) + read(0, 0x100, 2))
    yield "fuzz_pci", "rng", with_ram(pci_setup(1, 0x4000_0000), queue_ram(True))
    yield "fuzz_pci", "console", with_ram(pci_setup(2, 0x4000_4000) + host(3, b"abc"), queue_ram(False))
    yield "fuzz_riscv_devices", "board", riscv_devices()
    frame = bytes.fromhex("ffffffffffff525400123456" "0806") + bytes(28)
    net_features = 1 << 15 | 1 << 5  # MRG_RXBUF, MAC
    net_rx = mmio_setup(0, [0], net_features) + host(0, struct.pack("<H", len(frame)) + frame) + host(0xFF)
    yield "fuzz_virtio_net", "rx", with_ram(b"\x00" + net_rx, queue_ram(True))
    yield "fuzz_virtio_net", "tx", with_ram(b"\x01" + mmio_setup(0, [1], net_features) + host(0xFF), queue_ram(False))


def riscv_cpu_seeds(guest_dir):
    """M-mode (flags 2), bare satp, zero CSRs and registers, then the program's image."""
    header = struct.pack("<BQHHHHHH", 2, 0, 0, 0, 0, 0, 0, 0) + bytes(7 * 8)
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("csr", "trap", "atomic", "interrupt", "paging"):
            out = os.path.join(tmp, name)
            subprocess.run(["riscv64-linux-gnu-objcopy", "-O", "binary", os.path.join(guest_dir, f"{name}.elf"), out],
                           check=True)
            with open(out, "rb") as f:
                image = f.read()
            yield "fuzz_riscv_cpu", name, header + image.rstrip(b"\0")


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
    all_seeds = list(seeds())
    if len(sys.argv) > 2:
        all_seeds += riscv_cpu_seeds(sys.argv[2])
    for target, name, data in all_seeds:
        os.makedirs(os.path.join(root, target), exist_ok=True)
        with open(os.path.join(root, target, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
