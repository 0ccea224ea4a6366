#pragma once

#include "base/error.h"
#include "boot/load_segment.h"
#include "memory/guest_memory.h"

#include <span>
#include <vector>

namespace kite::boot {

enum class ElfClass {
    Elf32, // ELFCLASS32, EM_386
    Elf64, // ELFCLASS64, EM_X86_64
};

// A validated little-endian x86 ELF executable. Segments borrow from the file
// bytes passed to parse_elf, which must outlive the image.
struct ElfImage {
    ElfClass elf_class{ElfClass::Elf32};
    u64 entry{0};                      // e_entry as written (a virtual address)
    u64 physical_entry{0};             // e_entry translated through the PT_LOAD containing it
    std::vector<LoadSegment> segments; // PT_LOAD with p_memsz > 0, at p_paddr, in file order
};

// True when the bytes start with the ELF magic (the rest may still be invalid).
bool has_elf_magic(std::span<const u8> file);

// Parses and validates an ET_EXEC image for EM_386 (ELF32) or EM_X86_64
// (ELF64). Every header and segment is bounds- and overflow-checked against the
// file; segments must not overlap each other physically and the entry point
// must lie inside one of them. Guest memory is not consulted here.
Result<ElfImage> parse_elf(std::span<const u8> file);

// Loads the segments (file bytes, then zeroed bss) after checking each lies in
// guest RAM outside the boot area. Returns the end of the highest segment.
Result<u64> load_elf(const GuestMemory& memory, const ElfImage& image);

} // namespace kite::boot
