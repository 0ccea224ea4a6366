#include "boot/bzimage.h"

#include "boot/byte_io.h"

#include <algorithm>

namespace kite::boot {
namespace {

// Offsets in the image (and in struct boot_params, where the setup header
// sits at the same place). Documentation/x86/boot.rst, "The Real-Mode Kernel
// Header", and arch/x86/include/uapi/asm/bootparam.h.
constexpr std::size_t kSetupSects = 0x1f1;
constexpr std::size_t kSyssize = 0x1f4;
constexpr std::size_t kJump = 0x200; // a short jmp; its displacement byte gives the header's end
constexpr std::size_t kHeaderMagic = 0x202;
constexpr std::size_t kVersion = 0x206;
constexpr std::size_t kTypeOfLoader = 0x210;
constexpr std::size_t kLoadflags = 0x211;
constexpr std::size_t kCode32Start = 0x214;
constexpr std::size_t kRamdiskImage = 0x218;
constexpr std::size_t kRamdiskSize = 0x21c;
constexpr std::size_t kHeapEndPtr = 0x224;
constexpr std::size_t kCmdLinePtr = 0x228;
constexpr std::size_t kInitrdAddrMax = 0x22c;
constexpr std::size_t kKernelAlignment = 0x230;
constexpr std::size_t kRelocatableKernel = 0x234;
constexpr std::size_t kXloadflags = 0x236;
constexpr std::size_t kCmdlineSize = 0x238;
constexpr std::size_t kPrefAddress = 0x258;
constexpr std::size_t kInitSize = 0x260;
constexpr std::size_t kHeaderFieldsEnd = 0x268; // end of the fields up to handover_offset (2.11+)
constexpr std::size_t kHeaderAreaEnd = 0x290; // boot_params' room for the header (edd_mbr_sig_buffer follows)

// struct boot_params fields outside the setup header.
constexpr std::size_t kAcpiRsdpAddr = 0x070;
constexpr std::size_t kExtRamdiskImage = 0x0c0;
constexpr std::size_t kExtRamdiskSize = 0x0c4;
constexpr std::size_t kExtCmdLinePtr = 0x0c8;
constexpr std::size_t kE820Entries = 0x1e8;
constexpr std::size_t kE820Table = 0x2d0;
constexpr std::size_t kE820EntrySize = 20; // addr, size (u64), type (u32), packed
constexpr std::size_t kE820MaxEntries = 128;

constexpr std::array<u8, 4> kMagic = {'H', 'd', 'r', 'S'};
constexpr u16 kMinVersion = 0x020c;      // 2.12: xloadflags
constexpr u16 kVersionAcpiRsdp = 0x020e; // 2.14: boot_params.acpi_rsdp_addr
constexpr u8 kLoadedHigh = 1 << 0;
constexpr u8 kCanUseHeap = 1 << 7;
constexpr u16 kXlfKernel64 = 1 << 0;
constexpr u8 kLoaderTypeUndefined = 0xff; // "no assigned ID"
// The end of the setup heap, as an offset from the real-mode code minus 0x200:
// the whole 64 KiB real-mode segment, the value for a modern loader. Kite
// enters at the 64-bit entry and runs no setup code, so it is only a promise.
constexpr u16 kHeapEnd = 0xfe00;
constexpr u64 kSectorSize = 512;
constexpr u64 kDefaultSetupSects = 4; // setup_sects 0 means 4
constexpr u64 k4GiB = u64{1} << 32;
constexpr u64 kInitrdAlign = 4096;

u64 end_of(const MemoryMapEntry& e) {
    return e.base + e.length;
}

// The end of RAM below 4 GiB (0 when there is none).
u64 ram_top_below_4g(const GuestMemory& memory) {
    u64 top = 0;
    for (const auto& r : memory.regions()) {
        if (r.start.value < k4GiB)
            top = std::max(top, std::min(r.end(), k4GiB));
    }
    return top;
}

} // namespace

bool is_bzimage(std::span<const u8> image) {
    return image.size() >= kHeaderMagic + kMagic.size() &&
           std::equal(kMagic.begin(), kMagic.end(), image.begin() + kHeaderMagic);
}

Result<BzImage> parse_bzimage(std::span<const u8> image) {
    if (!is_bzimage(image))
        return error("not a Linux bzImage (no \"HdrS\" at offset 0x202)");
    if (image.size() < kVersion + 2)
        return error("Linux bzImage setup header is truncated ({} bytes)", image.size());
    BzImage bz;
    bz.version = load_le<u16>(image, kVersion);
    if (bz.version < kMinVersion)
        return error("Linux boot protocol {}.{:02} is too old: Kite needs 2.12 or newer (xloadflags, which "
                     "announces the 64-bit entry point)",
                     bz.version >> 8, bz.version & 0xff);
    if (image.size() < kHeaderFieldsEnd)
        return error("Linux bzImage setup header is truncated ({} bytes, the header ends at {:#x})",
                     image.size(), kHeaderFieldsEnd);
    const u64 header_end = std::min<u64>(kHeaderMagic + image[kJump + 1], kHeaderAreaEnd);
    if (header_end < kHeaderFieldsEnd)
        return error("Linux bzImage setup header is truncated (it ends at {:#x}, protocol {}.{:02} needs "
                     "{:#x})",
                     header_end, bz.version >> 8, bz.version & 0xff, kHeaderFieldsEnd);
    bz.loadflags = image[kLoadflags];
    bz.xloadflags = load_le<u16>(image, kXloadflags);
    bz.initrd_addr_max = load_le<u32>(image, kInitrdAddrMax);
    bz.kernel_alignment = load_le<u32>(image, kKernelAlignment);
    bz.relocatable = image[kRelocatableKernel] != 0;
    bz.cmdline_size = load_le<u32>(image, kCmdlineSize);
    bz.pref_address = load_le<u64>(image, kPrefAddress);
    bz.init_size = load_le<u32>(image, kInitSize);

    if ((bz.xloadflags & kXlfKernel64) == 0)
        return error("Linux kernel has no 64-bit entry point (XLF_KERNEL_64 is clear); Kite enters in long "
                     "mode");
    if ((bz.loadflags & kLoadedHigh) == 0)
        return error("Linux kernel is not a bzImage (LOADED_HIGH is clear: a zImage loaded at 0x10000)");
    if (bz.relocatable &&
        (bz.kernel_alignment == 0 || (bz.kernel_alignment & (bz.kernel_alignment - 1)) != 0))
        return error("Linux kernel_alignment {:#x} is not a power of two", bz.kernel_alignment);

    const u64 setup_sects = image[kSetupSects] == 0 ? kDefaultSetupSects : image[kSetupSects];
    const u64 setup_size = (setup_sects + 1) * kSectorSize;
    if (image.size() <= setup_size)
        return error("Linux bzImage is truncated: {} bytes, but the setup code alone is {}", image.size(),
                     setup_size);
    bz.kernel = image.subspan(setup_size);
    const u64 syssize = u64{load_le<u32>(image, kSyssize)} * 16;
    if (bz.kernel.size() < syssize)
        return error("Linux bzImage is truncated: the protected-mode kernel has {} bytes, syssize says {}",
                     bz.kernel.size(), syssize);
    bz.setup_header = image.subspan(kSetupSects, header_end - kSetupSects);
    return bz;
}

Result<BzImagePlacement> place_bzimage(const GuestMemory& memory, const BzImage& image,
                                       std::optional<u64> initrd_size,
                                       std::span<const MemoryMapEntry> reserved) {
    BzImagePlacement p;
    // Protocol 2.10+ kernels name their preferred address; 0 would be an odd
    // header, so fall back to 1 MiB as for older kernels.
    u64 address = image.pref_address != 0 ? image.pref_address : 0x100000;
    if (image.relocatable) {
        auto aligned = checked_align_up(address, image.kernel_alignment);
        if (!aligned)
            return error("Linux kernel pref_address {:#x} cannot be aligned to {:#x}", address,
                         image.kernel_alignment);
        address = *aligned;
    }
    const u64 init = std::max<u64>(image.init_size, image.kernel.size());
    auto end = checked_add(address, init);
    if (!end || *end > k4GiB)
        return error("Linux kernel at {:#x} with init_size {:#x} extends past 4 GiB (the identity map)",
                     address, init);
    if (!memory.is_valid_range(GuestAddress(address), init))
        return error("Linux kernel does not fit in guest RAM: it needs [{:#x}, {:#x}) (pref_address and "
                     "init_size); give the guest more --memory",
                     address, *end);
    p.kernel = address;
    p.kernel_end = *end;
    if (!initrd_size)
        return p;

    p.initrd = TRY(place_initrd(memory, *initrd_size, p.kernel_end, image.initrd_addr_max, reserved));
    return p;
}

Result<u64> place_initrd(const GuestMemory& memory, u64 size, u64 floor, u64 addr_max,
                         std::span<const MemoryMapEntry> reserved) {
    const u64 ram_top = ram_top_below_4g(memory);
    const u64 limit = std::min<u64>(addr_max + 1, ram_top); // addr_max < 4 GiB: no wrap
    u64 top = limit;
    for (;;) {
        const u64 start = top >= size ? (top - size) & ~(kInitrdAlign - 1) : 0;
        if (top < size || start < floor)
            return error(
                "initrd ({} bytes) does not fit in guest RAM between the kernel's end {:#x} and {:#x} "
                "(initrd_addr_max {:#x}, RAM below 4 GiB ends at {:#x}); give the guest more --memory",
                size, floor, limit, addr_max, ram_top);
        // Step below any range the board keeps for itself.
        auto clash = std::find_if(reserved.begin(), reserved.end(), [&](const MemoryMapEntry& r) {
            return r.length != 0 && start < end_of(r) && start + size > r.base;
        });
        if (clash != reserved.end()) {
            top = clash->base;
            continue;
        }
        if (!memory.is_valid_range(GuestAddress(start), size))
            return error("initrd ({} bytes at {:#x}) is not in guest RAM", size, start);
        return start;
    }
}

Result<std::array<u8, kZeroPageSize>> build_zero_page(const BzImage& image, const BzImagePlacement& placement,
                                                      const ZeroPageInputs& inputs) {
    if (inputs.memory_map.size() > kE820MaxEntries)
        return error("guest memory map has too many entries ({}, the zero page holds {})",
                     inputs.memory_map.size(), kE820MaxEntries);
    std::array<u8, kZeroPageSize> page{};
    std::copy(image.setup_header.begin(), image.setup_header.end(), page.begin() + kSetupSects);

    page[kTypeOfLoader] = kLoaderTypeUndefined;
    page[kLoadflags] = static_cast<u8>(page[kLoadflags] | kCanUseHeap);
    store_le<u16>(page, kHeapEndPtr, kHeapEnd);
    // Where the relocatable kernel was put (below 4 GiB: checked by place_bzimage).
    store_le<u32>(page, kCode32Start, static_cast<u32>(placement.kernel));
    store_le<u32>(page, kCmdLinePtr, static_cast<u32>(inputs.cmdline));
    store_le<u32>(page, kExtCmdLinePtr, static_cast<u32>(inputs.cmdline >> 32));
    const u64 initrd = inputs.initrd.value_or(0);
    const u64 initrd_size = inputs.initrd ? inputs.initrd_size : 0;
    store_le<u32>(page, kRamdiskImage, static_cast<u32>(initrd));
    store_le<u32>(page, kExtRamdiskImage, static_cast<u32>(initrd >> 32));
    store_le<u32>(page, kRamdiskSize, static_cast<u32>(initrd_size));
    store_le<u32>(page, kExtRamdiskSize, static_cast<u32>(initrd_size >> 32));
    if (inputs.acpi_rsdp && image.version >= kVersionAcpiRsdp)
        store_le<u64>(page, kAcpiRsdpAddr, *inputs.acpi_rsdp);

    page[kE820Entries] = static_cast<u8>(inputs.memory_map.size());
    store_memory_map(page, kE820Table, kE820EntrySize, inputs.memory_map);
    return page;
}

} // namespace kite::boot
