#pragma once

#include "accel/x86_entry_state.h"
#include "base/error.h"
#include "memory/guest_memory.h"

#include <span>
#include <string>
#include <vector>

namespace kite::boot {

// A boot module (e.g. an initrd) handed to a Multiboot kernel; `name` becomes
// the module's string (its command line).
struct X86Module {
    std::string name;
    std::vector<u8> data;
};

struct X86BootConfig {
    std::string cmdline;
    std::vector<X86Module> modules;
};

struct LoadedKernel {
    accel::X86EntryState entry;
    std::string format; // "multiboot", "multiboot-aout", "elf32" or "elf64"
    u64 kernel_end{0};  // exclusive end of the highest loaded kernel byte (bss included)
};

// Detects the kernel format, loads it into guest RAM, writes the boot GDT (and
// for ELF64 the identity page tables, for Multiboot the info structure and
// modules) and returns the register state to enter it with. Detection order:
// Multiboot header, then ELF, then a Linux bzImage (rejected). Every input is
// validated before guest memory is written.
Result<LoadedKernel> load_x86_kernel(const GuestMemory& memory, std::span<const u8> image,
                                     const X86BootConfig& config);

} // namespace kite::boot
