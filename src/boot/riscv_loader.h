#pragma once

// Loaders for RISC-V (RV64) guests: ELF executables (firmware, bare-metal test
// programs with an HTIF tohost/fromhost pair) and Linux `Image` kernels.

#include "base/error.h"
#include "memory/guest_memory.h"

#include <optional>
#include <span>

namespace kite::boot {

// What load_riscv_elf placed in guest memory. All addresses are physical.
struct RiscvElfImage {
    u64 entry{0}; // e_entry translated through its PT_LOAD segment
    u64 start{0}; // lowest segment address
    u64 end{0};   // exclusive end of the highest segment (bss included)
    // HTIF mailboxes, when the symbol table defines `tohost` / `fromhost`:
    // st_value translated through the segment containing it (kept as written
    // when no segment does).
    std::optional<u64> tohost;
    std::optional<u64> fromhost;
};

// Parses an ELF64 EM_RISCV executable (ET_EXEC, or ET_DYN loaded unrelocated),
// checks that every PT_LOAD segment lies in guest RAM (there is no reserved
// boot area on RISC-V), then copies the segments to their physical addresses
// and zeroes their bss. Nothing is written when any check fails. `file` need
// not outlive the call.
Result<RiscvElfImage> load_riscv_elf(const GuestMemory& memory, std::span<const u8> file);

// The Linux RISC-V boot image header (Documentation/riscv/boot-image-header.rst):
// 64 bytes at the start of an `Image`, little-endian.
constexpr std::size_t kRiscvImageHeaderSize = 64;
constexpr u64 kRiscvImageMagic = 0x5643534952;    // "RISCV\0\0\0" at offset 48 (deprecated)
constexpr u32 kRiscvImageMagic2 = 0x05435352;     // "RSC\x05" at offset 56
constexpr u64 kRiscvImageFlagBigEndian = 1u << 0; // flags bit 0: kernel endianness

struct RiscvImageHeader {
    u64 text_offset{0}; // load offset from the start of RAM (0: none requested)
    u64 image_size{0};  // effective size including bss, as written (0: unknown)
    u64 flags{0};
    u32 version{0}; // major << 16 | minor
    // The bytes the loaded kernel occupies: max(image_size, file size). The
    // placement planner and load_raw_image reserve this much.
    u64 load_size{0};
};

// Parses and validates the header of a RISC-V Linux `Image`: either magic
// (magic2 "RSC\x05" at 56, or the deprecated "RISCV" at 48) is accepted;
// big-endian kernels and a text_offset that is not 4 KiB aligned are rejected,
// and a gzip file (Image.gz) gets a hint to decompress it first.
Result<RiscvImageHeader> parse_riscv_image_header(std::span<const u8> file);

// Copies `bytes` to guest address `addr` and zeroes the rest of
// max(reserve_size, bytes.size()) bytes (the kernel's bss). Checks first that
// the whole range lies in guest RAM, writing nothing otherwise. Returns the
// exclusive end of the reserved range.
Result<u64> load_raw_image(const GuestMemory& memory, u64 addr, std::span<const u8> bytes, u64 reserve_size);

} // namespace kite::boot
