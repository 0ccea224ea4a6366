#pragma once

#include "base/types.h"

#include <optional>

namespace kite::accel {

// The CPU mode a boot protocol enters the guest in.
enum class X86EntryMode {
    Real16,      // real mode, CS:IP from the state below (reset-like)
    Protected32, // flat 32-bit protected mode, paging off (Multiboot, 32-bit ELF)
    Long64,      // 64-bit mode with identity-mapped page tables at `page_table_base`
};

// Register state at guest entry, filled by a boot loader and applied by an
// accelerator to the boot vCPU. Segment descriptors are flat (base 0, limit 4 GiB)
// for the protected and long modes; the loader places a matching GDT in guest
// memory at `gdt_base` so the guest may reload selectors.
struct X86EntryState {
    X86EntryMode mode{X86EntryMode::Protected32};
    u64 rip{0};
    u64 rsp{0};
    u64 rax{0};
    u64 rbx{0};
    u64 rsi{0};
    u64 rdi{0};
    u16 real_mode_cs{0}; // Real16 only: CS selector; base = cs << 4
    u64 gdt_base{0};
    u16 gdt_limit{0};
    u64 page_table_base{0}; // Long64 only: CR3
    // Protected32 and Long64: the selectors loaded into CS and into DS, ES,
    // FS, GS and SS. Unset: the boot GDT's below for the mode. A protocol with
    // its own GDT layout (Linux: CS 0x10, DS 0x18) sets them.
    std::optional<u16> code_selector;
    std::optional<u16> data_selector;
};

// The selectors of the boot GDT that loaders write (see boot/x86_layout.h).
constexpr u16 kBootCodeSelector32 = 0x08;
constexpr u16 kBootDataSelector = 0x10;
constexpr u16 kBootCodeSelector64 = 0x18;

} // namespace kite::accel
