#pragma once

#include "base/error.h"
#include "boot/load_segment.h"
#include "boot/x86_layout.h"
#include "boot/x86_memory_map.h"
#include "memory/guest_memory.h"

#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace kite::boot {

constexpr u32 kMultibootHeaderMagic = 0x1badb002;
constexpr u32 kMultibootBootloaderMagic = 0x2badb002; // passed in EAX
constexpr u64 kMultibootSearchLimit = 8192;           // the header must start in the first 8 KiB

// Header flags (Multiboot 0.6.96, section 3.1.2).
constexpr u32 kMultibootHeaderPageAlign = 1u << 0;      // modules page-aligned: always done
constexpr u32 kMultibootHeaderMemoryInfo = 1u << 1;     // mem_* fields: always provided
constexpr u32 kMultibootHeaderVideoMode = 1u << 2;      // video mode request: ignored
constexpr u32 kMultibootHeaderAddressFields = 1u << 16; // a.out kludge load addresses

// Info structure flags (section 3.3).
constexpr u32 kMultibootInfoMemory = 1u << 0;
constexpr u32 kMultibootInfoCmdline = 1u << 2;
constexpr u32 kMultibootInfoModules = 1u << 3;
constexpr u32 kMultibootInfoMmap = 1u << 6;
constexpr u32 kMultibootInfoLoaderName = 1u << 9;

struct MultibootHeader {
    u64 offset{0}; // file offset of the magic
    u32 flags{0};
    // Valid only when flags has kMultibootHeaderAddressFields.
    u32 header_addr{0};
    u32 load_addr{0};
    u32 load_end_addr{0};
    u32 bss_end_addr{0};
    u32 entry_addr{0};

    bool has_address_fields() const { return (flags & kMultibootHeaderAddressFields) != 0; }
};

// Looks for a Multiboot header (4-byte aligned, in the first 8 KiB). nullopt
// when there is no magic at all; an error when the only candidates fail their
// checksum, when required feature bits we do not support are set, or when the
// address fields are announced but truncated.
Result<std::optional<MultibootHeader>> find_multiboot_header(std::span<const u8> image);

// What the kernel image contributes: segments to load, and where to jump.
struct MultibootKernel {
    std::vector<LoadSegment> segments; // borrow from the image
    u64 entry{0};
    bool uses_address_fields{false}; // the a.out kludge rather than ELF headers
};

// Validates the image according to its header: the address fields when
// present (whatever the file format), otherwise an ELF32 executable.
// Nothing is written to guest memory.
Result<MultibootKernel> parse_multiboot_kernel(std::span<const u8> image, const MultibootHeader& header);

struct MultibootModule {
    std::string_view string; // the module's command line / name
    std::span<const u8> data;
};

// Copies modules into RAM page-aligned from max(kernel_end, 1 MiB) and writes
// the information structure and everything it points to into the info area
// of `area`; the memory map is build_x86_memory_map(memory, extra_memory).
// Every limit (cmdline length, module count, RAM, 4 GiB) is checked before the
// first byte is written. Returns the info structure's guest address (for EBX).
Result<u64> write_multiboot_info(const GuestMemory& memory, const BootArea& area, u64 kernel_end,
                                 std::string_view cmdline, std::span<const MultibootModule> modules,
                                 std::span<const MemoryMapEntry> extra_memory = {});

} // namespace kite::boot
