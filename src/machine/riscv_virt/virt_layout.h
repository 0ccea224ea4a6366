#pragma once

#include "base/types.h"

// The RISC-V `virt` board's memory map and interrupt numbers. They match
// QEMU's `virt` machine so that firmware and kernels built for it run unchanged.
namespace kite::machine::virt {

constexpr u64 kRomBase = 0x1000; // reset vector
constexpr u64 kRomSize = 0x1000;
constexpr u64 kTestBase = 0x10'0000; // SiFive test: poweroff / reboot
constexpr u64 kTestSize = 0x1000;
constexpr u64 kRtcBase = 0x10'1000; // goldfish RTC
constexpr u64 kRtcSize = 0x1000;
constexpr u64 kClintBase = 0x200'0000;
constexpr u64 kClintSize = 0x1'0000;
constexpr u64 kPlicBase = 0xc00'0000;
constexpr u64 kPlicSize = 0x60'0000;
constexpr u64 kUartBase = 0x1000'0000;
constexpr u64 kUartSize = 0x100;
constexpr u64 kVirtioBase = 0x1000'1000; // eight virtio-mmio slots
constexpr u64 kVirtioStride = 0x1000;
constexpr u32 kVirtioSlots = 8;
constexpr u32 kVirtioFirstIrq = 1; // slot n raises PLIC source 1 + n
constexpr u64 kRamBase = 0x8000'0000;

// The generic PCIe host (pci-host-ecam-generic): ECAM for buses 0-255, a
// 64 KiB I/O port window and a 1 GiB 32-bit memory window below RAM. INTA-INTD
// (after the slot swizzle) are PLIC sources 32-35.
constexpr u64 kPciIoBase = 0x300'0000;
constexpr u64 kPciIoSize = 0x1'0000;
constexpr u64 kPciEcamBase = 0x3000'0000;
constexpr u64 kPciEcamSize = 0x1000'0000;
constexpr u64 kPciMmioBase = 0x4000'0000;
constexpr u64 kPciMmioSize = 0x4000'0000;
constexpr u32 kPciFirstIrq = 32;
constexpr u32 kPciIntxLines = 4;

constexpr u32 kUartIrq = 10;
constexpr u32 kRtcIrq = 11;
constexpr u32 kPlicSources = 95;

constexpr u64 kTimebaseHz = 10'000'000;
constexpr u64 kMinMemory = 16 * MiB;
constexpr u32 kMaxCpus = 1; // one hart until the SMP milestone makes LR/SC and AMOs atomic across threads

} // namespace kite::machine::virt
