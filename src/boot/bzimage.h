#pragma once

#include "base/error.h"
#include "boot/x86_memory_map.h"
#include "memory/guest_memory.h"

#include <array>
#include <optional>
#include <span>

namespace kite::boot {

// The Linux x86 boot protocol for bzImage kernels (the kernel source's
// Documentation/x86/boot.rst; struct setup_header and struct boot_params in
// arch/x86/include/uapi/asm/bootparam.h). Kite uses its 64-bit entry: the
// protected-mode kernel is entered in long mode at its load address + 0x200.

constexpr u64 kZeroPageSize = 4096;

// The setup header fields the loader reads, and the image split in two.
struct BzImage {
    u16 version{0}; // protocol, e.g. 0x020f
    u8 loadflags{0};
    u16 xloadflags{0};
    u32 initrd_addr_max{0}; // the highest address the initrd may occupy (inclusive)
    u32 kernel_alignment{0};
    bool relocatable{false};
    u32 cmdline_size{0}; // the longest command line, without its NUL
    u64 pref_address{0};
    u32 init_size{0}; // bytes the kernel needs from its load address before it reads the memory map
    std::span<const u8> setup_header; // image[0x1F1, 0x202 + image[0x201]), copied into the zero page
    std::span<const u8> kernel;       // the protected-mode kernel, after the real-mode setup sectors
};

// True when the image carries a setup header ("HdrS" at 0x202); it may still
// be invalid.
bool is_bzimage(std::span<const u8> image);

// Parses and validates the setup header: protocol 2.12 or newer (the first
// with xloadflags, which is how a kernel says it has the 64-bit entry), a
// 64-bit entry point (XLF_KERNEL_64), a kernel loaded high (LOADED_HIGH), a
// sane kernel_alignment for a relocatable kernel, and a file as long as the
// header and syssize say.
Result<BzImage> parse_bzimage(std::span<const u8> image);

// Where the kernel and the initrd go in guest RAM.
struct BzImagePlacement {
    u64 kernel{0};     // load address of the protected-mode kernel (entry at +0x200)
    u64 kernel_end{0}; // kernel + max(init_size, kernel bytes): what the kernel needs before it reads the map
    std::optional<u64> initrd;
};

// Puts the kernel at pref_address (aligned up to kernel_alignment when
// relocatable), where its whole init_size area must be RAM below 4 GiB (the
// identity map); and an initrd of `initrd_size` bytes (if any) page-aligned as
// high as possible below min(initrd_addr_max + 1, the end of RAM below
// 4 GiB), above the kernel's init area and clear of the `reserved` ranges.
// Everything stays below 4 GiB, in the identity map Kite enters with, so
// XLF_CAN_BE_LOADED_ABOVE_4G is never needed.
Result<BzImagePlacement> place_bzimage(const GuestMemory& memory, const BzImage& image,
                                       std::optional<u64> initrd_size,
                                       std::span<const MemoryMapEntry> reserved);

// The address for an initrd of `size` bytes: page-aligned, as high as
// possible with its last byte at or below min(addr_max, the end of RAM below
// 4 GiB), at or above `floor`, clear of the `reserved` ranges and in RAM.
// addr_max must be below 4 GiB.
Result<u64> place_initrd(const GuestMemory& memory, u64 size, u64 floor, u64 addr_max,
                         std::span<const MemoryMapEntry> reserved);

// What goes into the zero page besides the kernel's own setup header.
struct ZeroPageInputs {
    u64 cmdline{0}; // guest address of the NUL-terminated command line
    std::optional<u64> initrd;
    u64 initrd_size{0};
    std::span<const MemoryMapEntry> memory_map; // at most 128 entries
    std::optional<u64> acpi_rsdp;               // written for protocol 2.14+
};

// Builds struct boot_params: zero, the setup header copied from the image,
// then the loader's fields (type_of_loader 0xFF, CAN_USE_HEAP with
// heap_end_ptr, code32_start, the initrd, the command line, the e820 table
// and acpi_rsdp_addr).
Result<std::array<u8, kZeroPageSize>> build_zero_page(const BzImage& image, const BzImagePlacement& placement,
                                                      const ZeroPageInputs& inputs);

} // namespace kite::boot
