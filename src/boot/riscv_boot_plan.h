#pragma once

// Where the pieces of a RISC-V `virt` boot go in guest RAM.
//
// Rules (all addresses physical, RAM = [ram_base, ram_base + ram_size)):
//   - firmware (OpenSBI fw_dynamic, or a bare-metal ELF) at ram_base;
//   - the DTB at the top: limit = min(RAM end, 3 GiB) when RAM starts below
//     3 GiB (else the RAM end), dtb = align_down(limit - dtb_max_size, 2 MiB),
//     the placement QEMU's virt board uses;
//   - the kernel at ram_base + text_offset from its Image header, or
//     ram_base + 2 MiB when that is 0 (the RV64 address OpenSBI fw_dynamic
//     expects by default); it must start at or after the firmware's end and
//     end at or before the DTB;
//   - the initrd as high as it goes: align_down(dtb - initrd_size, 4 KiB),
//     which must be at or above the kernel's end (the firmware's end without a
//     kernel). High placement keeps it clear of the kernel's bss and early
//     allocations; RV64 Linux maps all of RAM, so there is no lowmem limit.
// Every range is overflow-checked and every collision is a clear error.

#include "base/error.h"
#include "boot/riscv_loader.h"

#include <optional>

namespace kite::boot {

constexpr u64 kRiscvVirtRamBase = 0x80000000;
constexpr u64 kRiscvDefaultKernelOffset = 2 * MiB; // from ram_base, when the header gives no text_offset
constexpr u64 kRiscvDtbAlign = 2 * MiB;
constexpr u64 kRiscvDtbLimit = 3 * GiB; // the DTB stays below this when RAM starts below it
constexpr u64 kRiscvInitrdAlign = 4 * KiB;
constexpr u64 kRiscvRamBaseAlign = 2 * MiB; // RV64 Linux needs a 2 MiB-aligned load address

struct RiscvBootRequest {
    u64 ram_base{kRiscvVirtRamBase};
    u64 ram_size{0};
    u64 firmware_size{0}; // bytes from ram_base the firmware occupies (> 0)
    // The kernel to place, if any: its text_offset and load_size are used. For
    // a headerless kernel fill load_size (and leave text_offset 0).
    std::optional<RiscvImageHeader> kernel;
    u64 initrd_size{0};  // 0: no initrd
    u64 dtb_max_size{0}; // the most bytes the DTB may take (> 0)
};

// A guest-physical range [addr, addr + size).
struct BootRange {
    u64 addr{0};
    u64 size{0};

    u64 end() const { return addr + size; }
};

struct RiscvBootLayout {
    BootRange firmware;
    std::optional<BootRange> kernel; // size = load_size
    std::optional<BootRange> initrd;
    BootRange dtb; // size = dtb_max_size
};

Result<RiscvBootLayout> plan_riscv_boot(const RiscvBootRequest& request);

} // namespace kite::boot
