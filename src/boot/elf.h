#pragma once

#include "base/error.h"
#include "boot/load_segment.h"
#include "memory/guest_memory.h"

#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace kite::boot {

enum class ElfClass {
    Elf32, // ELFCLASS32
    Elf64, // ELFCLASS64
};

// The architecture parse_elf accepts.
enum class ElfMachine {
    X86,     // ELF32 EM_386 or ELF64 EM_X86_64; ET_EXEC only
    Riscv64, // ELF64 EM_RISCV; ET_EXEC, or ET_DYN loaded unrelocated at its p_paddr
};

// A validated little-endian ELF executable. Segments borrow from the file
// bytes passed to parse_elf, which must outlive the image.
struct ElfImage {
    ElfClass elf_class{ElfClass::Elf32};
    u64 entry{0};                           // e_entry as written (a virtual address)
    u64 physical_entry{0};                  // e_entry through its PT_LOAD (or as is, if physical)
    std::vector<LoadSegment> segments;      // PT_LOAD with p_memsz > 0, at p_paddr, in file order
    std::vector<u64> segment_vaddrs;        // p_vaddr of each entry of `segments`
    std::vector<std::span<const u8>> notes; // the file bytes of each PT_NOTE segment

    // The physical address of `vaddr` through the segment whose virtual range
    // [p_vaddr, p_vaddr + p_memsz) contains it; nullopt when none does.
    std::optional<u64> to_physical(u64 vaddr) const;
};

// True when the bytes start with the ELF magic (the rest may still be invalid).
bool has_elf_magic(std::span<const u8> file);

// Parses and validates an executable for `machine` (see ElfMachine). Every
// header and segment is bounds- and overflow-checked against the file; segments
// must not overlap each other physically and the entry point must lie inside
// one of them. Guest memory is not consulted here.
Result<ElfImage> parse_elf(std::span<const u8> file, ElfMachine machine = ElfMachine::X86);

// The value (st_value, as written: a virtual address) of the symbol `name` in
// the file's SHT_SYMTAB sections, read through each table's linked string
// table. Works for ELF32 and ELF64 little-endian files of any machine. A
// global or weak definition wins over a local one; among equals the first in
// table order wins; undefined symbols (SHN_UNDEF) are ignored. nullopt when
// the file has no section headers, no symbol table or no such symbol; an
// error when the section headers, a symbol table or its string table are
// malformed (out of the file, wrong entry size, bad sh_link, a name offset
// outside the string table or a name without its terminating NUL).
Result<std::optional<u64>> find_elf_symbol(std::span<const u8> file, std::string_view name);

// The descriptor of the first note named `name` with type `type` in the
// image's PT_NOTE segments; nullopt when there is none. An error when a note
// segment is malformed (a size field that runs past the segment).
Result<std::optional<std::span<const u8>>> find_elf_note(const ElfImage& image, std::string_view name,
                                                         u32 type);

// Loads the segments (file bytes, then zeroed bss) after checking each lies in
// guest RAM. Returns the end of the highest segment.
Result<u64> load_elf(const GuestMemory& memory, const ElfImage& image);

} // namespace kite::boot
