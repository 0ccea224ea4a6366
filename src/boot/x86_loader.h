#pragma once

#include "accel/x86_entry_state.h"
#include "base/error.h"
#include "boot/x86_memory_map.h"
#include "memory/guest_memory.h"

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace kite::boot {

// A boot module (e.g. an initrd); `name` becomes the module's string (its
// command line) for Multiboot and PVH.
struct X86Module {
    std::string name;
    std::vector<u8> data;
};

struct X86BootConfig {
    std::string cmdline;
    std::vector<X86Module> modules; // Linux (bzImage): at most one, the initrd
    // Ranges the board keeps for itself (ACPI tables, say), added to the
    // memory map the guest gets and kept clear of the initrd.
    std::vector<MemoryMapEntry> extra_memory;
    std::optional<u64> acpi_rsdp; // passed to Linux (protocol 2.14+) and PVH kernels
};

struct LoadedKernel {
    accel::X86EntryState entry;
    std::string format; // "multiboot", "multiboot-aout", "elf32", "elf64", "pvh" or "bzimage"
    u64 kernel_end{0};  // exclusive end of the highest loaded kernel byte (bss, Linux's init_size included)
    u64 boot_area{0};   // where this load's boot structures are (see x86_layout.h)
    std::optional<u64> initrd; // Linux and PVH: where the initrd went
};

// Detects the kernel format, loads it into guest RAM with the boot structures
// it needs (GDT, identity page tables for a 64-bit entry, Multiboot info, PVH
// start_info or Linux's zero page, command line, modules), placed where the
// kernel does not go, and returns the register state to enter it with.
// Detection order: Multiboot header, then ELF (PVH when it has the Xen
// PHYS32_ENTRY note), then a Linux bzImage. Every input is validated before
// guest memory is written.
Result<LoadedKernel> load_x86_kernel(const GuestMemory& memory, std::span<const u8> image,
                                     const X86BootConfig& config);

} // namespace kite::boot
