#include "boot/multiboot.h"

#include "boot/byte_io.h"
#include "boot/elf.h"
#include "boot/x86_boot_structures.h"
#include "boot/x86_layout.h"
#include "boot/x86_memory_map.h"

#include <algorithm>
#include <array>

namespace kite::boot {
namespace {

constexpr u64 kHeaderBaseSize = 12;    // magic, flags, checksum
constexpr u64 kHeaderAddressSize = 32; // ... header_addr .. entry_addr
constexpr u32 kSupportedRequiredFlags =
    kMultibootHeaderPageAlign | kMultibootHeaderMemoryInfo | kMultibootHeaderVideoMode;
constexpr u32 kRequiredFlagsMask = 0xffff; // bits 16-31 are optional hints

// Info structure field offsets (Multiboot 0.6.96, section 3.3).
constexpr std::size_t kInfoFlags = 0;
constexpr std::size_t kInfoMemLower = 4;
constexpr std::size_t kInfoMemUpper = 8;
constexpr std::size_t kInfoCmdline = 16;
constexpr std::size_t kInfoModsCount = 20;
constexpr std::size_t kInfoModsAddr = 24;
constexpr std::size_t kInfoMmapLength = 44;
constexpr std::size_t kInfoMmapAddr = 48;
constexpr std::size_t kInfoLoaderName = 64;
constexpr std::size_t kInfoSlotSize = kLoaderNameOffset - kInfoOffset;

constexpr u64 kModuleEntrySize = 16; // mod_start, mod_end, string, reserved
constexpr u64 kMmapEntrySize = 24;   // size, base_addr, length, type
constexpr u32 kMmapSizeField = 20;   // `size` excludes itself
constexpr u64 kModuleAlign = 4096;
constexpr u64 k4GiB = u64{1} << 32;
constexpr std::string_view kLoaderName = "kite";

// End of the RAM run that contains `from` (regions may be adjacent), or `from`.
u64 contiguous_ram_end(const GuestMemory& memory, u64 from) {
    u64 end = from;
    for (const auto& r : memory.regions()) {
        if (r.contains(GuestAddress(end)))
            end = r.end();
    }
    return end;
}

u32 clamp_u32(u64 value) {
    return static_cast<u32>(std::min<u64>(value, 0xffffffff));
}

Result<MultibootKernel> parse_address_fields(std::span<const u8> image, const MultibootHeader& h) {
    // Holds for headers from find_multiboot_header; re-checked so the offset
    // arithmetic below cannot underflow for a hand-made header.
    if (h.offset > image.size() || image.size() - h.offset < kHeaderAddressSize)
        return error("multiboot header at offset {:#x} lies outside the image", h.offset);
    if (h.header_addr < h.load_addr)
        return error("multiboot header_addr {:#x} is below load_addr {:#x}", h.header_addr, h.load_addr);
    // The header's position in the file fixes where loading starts in the file.
    const u64 header_delta = h.header_addr - h.load_addr;
    if (header_delta > h.offset)
        return error("multiboot header_addr {:#x} is inconsistent with the header's file offset {:#x} "
                     "(load_addr {:#x} would start before the file)",
                     h.header_addr, h.offset, h.load_addr);
    const u64 load_offset = h.offset - header_delta;

    u64 load_size;
    if (h.load_end_addr == 0) {
        load_size = image.size() - load_offset; // the rest of the file
    } else {
        if (h.load_end_addr < h.load_addr)
            return error("multiboot load_end_addr {:#x} is below load_addr {:#x}", h.load_end_addr,
                         h.load_addr);
        load_size = h.load_end_addr - h.load_addr;
        if (load_size > image.size() - load_offset)
            return error("multiboot load range [{:#x}, {:#x}) extends past the end of the file", h.load_addr,
                         h.load_end_addr);
    }
    if (header_delta + kHeaderAddressSize > load_size)
        return error("multiboot header_addr {:#x} is inconsistent: the header lies outside the loaded range "
                     "[{:#x}, {:#x})",
                     h.header_addr, h.load_addr, h.load_addr + load_size);
    const u64 load_end = h.load_addr + load_size;
    if (load_end > k4GiB)
        return error("multiboot image at {:#x} ({:#x} bytes) extends past 4 GiB", h.load_addr, load_size);

    u64 mem_end = load_end;
    if (h.bss_end_addr != 0) {
        if (h.bss_end_addr < load_end)
            return error("multiboot bss_end_addr {:#x} is below load_end_addr {:#x}", h.bss_end_addr,
                         load_end);
        mem_end = h.bss_end_addr;
    }
    if (h.entry_addr < h.load_addr || h.entry_addr >= load_end)
        return error("multiboot entry_addr {:#x} is outside the loaded image [{:#x}, {:#x})", h.entry_addr,
                     h.load_addr, load_end);

    MultibootKernel kernel;
    kernel.segments.push_back({h.load_addr, image.subspan(load_offset, load_size), mem_end - h.load_addr});
    kernel.entry = h.entry_addr;
    kernel.uses_address_fields = true;
    return kernel;
}

} // namespace

Result<std::optional<MultibootHeader>> find_multiboot_header(std::span<const u8> image) {
    const u64 limit = std::min<u64>(image.size(), kMultibootSearchLimit);
    bool bad_checksum = false;
    for (u64 off = 0; off + kHeaderBaseSize <= limit; off += 4) {
        if (load_le<u32>(image, off) != kMultibootHeaderMagic)
            continue;
        const u32 flags = load_le<u32>(image, off + 4);
        const u32 checksum = load_le<u32>(image, off + 8);
        if (static_cast<u32>(kMultibootHeaderMagic + flags + checksum) != 0) {
            // Keep looking: the magic may just be data in front of the real header.
            bad_checksum = true;
            continue;
        }
        const u32 unsupported = flags & kRequiredFlagsMask & ~kSupportedRequiredFlags;
        if (unsupported != 0)
            return error(
                "multiboot header requires unsupported features (flags {:#x}, unsupported bits {:#x})", flags,
                unsupported);
        MultibootHeader header;
        header.offset = off;
        header.flags = flags;
        if (header.has_address_fields()) {
            if (off + kHeaderAddressSize > limit)
                return error("multiboot header address fields are truncated");
            header.header_addr = load_le<u32>(image, off + 12);
            header.load_addr = load_le<u32>(image, off + 16);
            header.load_end_addr = load_le<u32>(image, off + 20);
            header.bss_end_addr = load_le<u32>(image, off + 24);
            header.entry_addr = load_le<u32>(image, off + 28);
        }
        return header;
    }
    if (bad_checksum)
        return error("multiboot header checksum mismatch");
    return std::nullopt;
}

Result<MultibootKernel> parse_multiboot_kernel(std::span<const u8> image, const MultibootHeader& header) {
    // Address fields win over any executable headers (spec section 3.1.3).
    if (header.has_address_fields())
        return parse_address_fields(image, header);
    if (!has_elf_magic(image))
        return error("multiboot header has no address fields (flags bit 16) and the image is not an ELF");
    auto elf = TRY_CONTEXT(parse_elf(image), "multiboot kernel");
    switch (elf.elf_class) {
    case ElfClass::Elf32:
        break;
    case ElfClass::Elf64:
        return error(
            "multiboot kernel is ELF64; Multiboot v1 needs ELF32 or the address fields (flags bit 16)");
    }
    return MultibootKernel{std::move(elf.segments), elf.physical_entry, false};
}

Result<u64> write_multiboot_info(const GuestMemory& memory, const BootArea& area, u64 kernel_end,
                                 std::string_view cmdline, std::span<const MultibootModule> modules,
                                 std::span<const MemoryMapEntry> extra_memory) {
    // --- Validate everything before writing ---
    std::vector<std::string_view> names;
    for (const auto& m : modules)
        names.push_back(m.string);
    TRY(check_info_area(memory, area, cmdline, names, "multiboot"));
    const u64 max_modules = (kModulesEnd - kModulesOffset) / kModuleEntrySize;
    if (modules.size() > max_modules)
        return error("too many modules ({}, at most {})", modules.size(), max_modules);

    std::vector<u64> module_starts;
    module_starts.reserve(modules.size());
    auto cursor = checked_align_up(std::max(kernel_end, kHighMemoryStart), kModuleAlign);
    for (const auto& m : modules) {
        auto end = cursor ? checked_add(*cursor, m.data.size()) : std::nullopt;
        if (!end || *end > k4GiB)
            return error("module {} ({} bytes) does not fit below 4 GiB", m.string, m.data.size());
        if (!memory.is_valid_range(GuestAddress(*cursor), m.data.size()))
            return error("module {} does not fit in guest RAM ({} bytes at {:#x})", m.string, m.data.size(),
                         *cursor);
        module_starts.push_back(*cursor);
        cursor = checked_align_up(*end, kModuleAlign);
    }

    const auto map = build_x86_memory_map(memory, extra_memory);
    const u64 mmap_length = map.size() * kMmapEntrySize;
    if (mmap_length > kMmapEnd - kMmapOffset)
        return error("guest memory map has too many entries ({}) for the multiboot info area", map.size());

    // --- Write ---
    std::array<u8, kInfoSlotSize> info{};
    store_le<u32>(info, kInfoFlags,
                  kMultibootInfoMemory | kMultibootInfoCmdline | kMultibootInfoModules | kMultibootInfoMmap |
                      kMultibootInfoLoaderName);
    store_le<u32>(info, kInfoMemLower,
                  clamp_u32(std::min(contiguous_ram_end(memory, 0), kLowMemoryEnd) / KiB));
    store_le<u32>(info, kInfoMemUpper,
                  clamp_u32((contiguous_ram_end(memory, kHighMemoryStart) - kHighMemoryStart) / KiB));
    store_le<u32>(info, kInfoCmdline, static_cast<u32>(area.cmdline()));
    store_le<u32>(info, kInfoModsCount, static_cast<u32>(modules.size()));
    store_le<u32>(info, kInfoModsAddr, static_cast<u32>(area.modules()));
    store_le<u32>(info, kInfoMmapLength, static_cast<u32>(mmap_length));
    store_le<u32>(info, kInfoMmapAddr, static_cast<u32>(area.mmap()));
    store_le<u32>(info, kInfoLoaderName, static_cast<u32>(area.loader_name()));
    TRY(memory.write(GuestAddress(area.info()), info));

    TRY(write_guest_string(memory, area.loader_name(), kLoaderName));
    TRY(write_guest_string(memory, area.cmdline(), cmdline));

    std::vector<u8> mmap_bytes(mmap_length);
    for (std::size_t i = 0; i < map.size(); ++i)
        store_le<u32>(mmap_bytes, i * kMmapEntrySize, kMmapSizeField);
    store_memory_map(mmap_bytes, 4, kMmapEntrySize, map);
    TRY(memory.write(GuestAddress(area.mmap()), mmap_bytes));

    std::vector<u8> module_list(modules.size() * kModuleEntrySize);
    u64 string_cursor = area.strings();
    for (std::size_t i = 0; i < modules.size(); ++i) {
        const auto& m = modules[i];
        TRY(memory.write(GuestAddress(module_starts[i]), m.data));
        TRY(write_guest_string(memory, string_cursor, m.string));
        // All three fit in 32 bits: checked against 4 GiB and the info area above.
        store_le<u32>(module_list, i * kModuleEntrySize, static_cast<u32>(module_starts[i]));
        store_le<u32>(module_list, i * kModuleEntrySize + 4,
                      static_cast<u32>(module_starts[i] + m.data.size()));
        store_le<u32>(module_list, i * kModuleEntrySize + 8, static_cast<u32>(string_cursor));
        string_cursor += m.string.size() + 1;
    }
    TRY(memory.write(GuestAddress(area.modules()), module_list));
    return area.info();
}

} // namespace kite::boot
