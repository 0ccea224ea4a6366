#pragma once

// What a RISC-V `virt` board puts in front of the M-mode firmware: the reset
// vector (a few instructions in a small ROM at kRiscvResetVectorAddress) and
// OpenSBI's fw_dynamic_info structure telling the firmware what to boot next.

#include "base/error.h"
#include "memory/guest_memory.h"

#include <array>
#include <vector>

namespace kite::boot {

constexpr u64 kRiscvResetVectorAddress = 0x1000;

// OpenSBI fw_dynamic: a2 points at this structure, six `unsigned long` (u64 on
// RV64) fields: magic, version, next_addr, next_mode, options, boot_hart.
constexpr u64 kFwDynamicInfoMagic = 0x4942534f; // "OSBI"
constexpr u64 kFwDynamicInfoVersion = 2;        // version 2 added boot_hart
constexpr std::size_t kFwDynamicInfoSize = 48;

// next_mode: the privilege mode the firmware enters the next stage in.
enum class RiscvPrivilege : u64 {
    User = 0,
    Supervisor = 1,
    Machine = 3,
};

// The little-endian bytes of a version-2 fw_dynamic_info.
std::array<u8, kFwDynamicInfoSize>
encode_fw_dynamic_info(u64 next_addr, RiscvPrivilege next_mode = RiscvPrivilege::Supervisor, u64 options = 0,
                       u64 boot_hart = 0);

// Writes encode_fw_dynamic_info(...) at `addr` (8-byte aligned, in guest RAM).
Result<void> write_fw_dynamic_info(const GuestMemory& memory, u64 addr, u64 next_addr,
                                   RiscvPrivilege next_mode = RiscvPrivilege::Supervisor, u64 options = 0,
                                   u64 boot_hart = 0);

// The reset vector: RV64 code followed by a literal pool, position-independent
// (it finds the pool with auipc), to be placed at an 8-byte aligned address:
//
//   +0x00  auipc t0, 0          t0 = address of the reset vector
//   +0x04  csrr  a0, mhartid    a0 = this hart's id
//   +0x08  ld    a1, 32(t0)     a1 = DTB address
//   +0x0c  ld    a2, 40(t0)     a2 = fw_dynamic_info address
//   +0x10  ld    t0, 24(t0)     t0 = firmware entry
//   +0x14  jr    t0
//   +0x18  .dword firmware_entry
//   +0x20  .dword dtb_addr
//   +0x28  .dword fw_dynamic_info_addr
//
// Every hart runs it; OpenSBI picks the boot hart. Returned as 32-bit words
// (each dword as its low then high half), to be stored little-endian.
constexpr std::size_t kRiscvResetVectorWords = 12;
constexpr std::size_t kRiscvResetVectorSize = kRiscvResetVectorWords * 4;

std::vector<u32> riscv_reset_vector(u64 firmware_entry, u64 dtb_addr, u64 fw_dynamic_info_addr);

// A whole boot ROM image for address `rom_base` (8-byte aligned): the reset
// vector, then the fw_dynamic_info at rom_base + kRiscvResetVectorSize (what
// a2 points to), as QEMU's virt board lays out its reset ROM.
std::vector<u8> riscv_boot_rom(u64 rom_base, u64 firmware_entry, u64 dtb_addr, u64 next_addr,
                               RiscvPrivilege next_mode = RiscvPrivilege::Supervisor, u64 options = 0,
                               u64 boot_hart = 0);

} // namespace kite::boot
