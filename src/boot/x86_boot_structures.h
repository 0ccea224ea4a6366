#pragma once

#include "base/error.h"
#include "memory/guest_memory.h"

namespace kite::boot {

// Writes the boot GDT at kBootGdtAddress: null, 0x08 flat 32-bit code,
// 0x10 flat data, 0x18 64-bit code (base 0, limit 4 GiB, accessed bits set so
// the CPU never needs to write the table).
Result<void> write_boot_gdt(const GuestMemory& memory);

// Writes identity page tables for the first 4 GiB (PML4 at kPml4Address, PDPT
// at kPdptAddress, 2 MiB pages in four directories at kPageDirectoryAddress).
// Only the tables need to be in RAM; mapping addresses without RAM is harmless.
Result<void> write_identity_page_tables(const GuestMemory& memory);

} // namespace kite::boot
