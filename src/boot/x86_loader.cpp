#include "boot/x86_loader.h"

#include "boot/bzimage.h"
#include "boot/elf.h"
#include "boot/multiboot.h"
#include "boot/pvh.h"
#include "boot/x86_boot_structures.h"
#include "boot/x86_layout.h"

#include <algorithm>

namespace kite::boot {
namespace {

// Flat protected-mode entry shared by Multiboot, ELF32 and PVH.
accel::X86EntryState protected_entry(u64 entry, const BootArea& area) {
    accel::X86EntryState state;
    state.mode = accel::X86EntryMode::Protected32;
    state.rip = entry;
    state.rsp = area.stack_top;
    state.gdt_base = area.gdt();
    state.gdt_limit = kBootGdtLimit;
    return state;
}

// Long mode on the identity map of the first 4 GiB.
accel::X86EntryState long_entry(u64 entry, const BootArea& area) {
    accel::X86EntryState state = protected_entry(entry, area);
    state.mode = accel::X86EntryMode::Long64;
    state.page_table_base = area.pml4();
    return state;
}

Result<LoadedKernel> load_multiboot(const GuestMemory& memory, std::span<const u8> image,
                                    const MultibootHeader& header, const X86BootConfig& config) {
    auto kernel = TRY(parse_multiboot_kernel(image, header));
    TRY(check_segments(memory, kernel.segments));
    const u64 kernel_end = segments_end(kernel.segments);
    // Modules go from 1 MiB up, so only the kernel can be in low memory.
    const BootArea area = TRY(place_boot_area(memory, kernel.segments));

    std::vector<MultibootModule> modules;
    modules.reserve(config.modules.size());
    for (const auto& m : config.modules)
        modules.push_back({m.name, m.data});
    // Writes only after its own checks pass; the kernel segments are already
    // checked, so a failure below leaves no half-loaded kernel behind.
    const u64 info =
        TRY(write_multiboot_info(memory, area, kernel_end, config.cmdline, modules, config.extra_memory));
    TRY(load_segments(memory, kernel.segments));
    TRY(write_boot_gdt(memory, area.gdt()));

    LoadedKernel loaded;
    loaded.entry = protected_entry(kernel.entry, area);
    loaded.entry.rax = kMultibootBootloaderMagic;
    loaded.entry.rbx = info;
    loaded.format = kernel.uses_address_fields ? "multiboot-aout" : "multiboot";
    loaded.kernel_end = kernel_end;
    loaded.boot_area = area.base;
    return loaded;
}

// The initrd (the one module) of a Linux kernel, if any.
Result<std::optional<std::span<const u8>>> linux_initrd(const X86BootConfig& config) {
    if (config.modules.size() > 1)
        return error("a Linux kernel takes one initrd, not {} modules", config.modules.size());
    if (config.modules.empty())
        return std::nullopt;
    return std::span<const u8>(config.modules.front().data);
}

// The PVH entry of an ELF kernel: its segments, the initrd as high as the
// bzImage rules put it, and an hvm_start_info.
Result<LoadedKernel> load_pvh(const GuestMemory& memory, const ElfImage& elf, u64 entry,
                              const X86BootConfig& config) {
    auto initrd = TRY(linux_initrd(config));
    TRY(check_segments(memory, elf.segments));
    const u64 kernel_end = segments_end(elf.segments);
    std::vector<LoadSegment> placed = elf.segments;
    std::optional<u64> initrd_address;
    if (initrd) {
        // The bzImage rule: page-aligned, as high as possible below 4 GiB
        // (PVH has no initrd_addr_max), above the kernel.
        initrd_address =
            TRY(place_initrd(memory, initrd->size(), kernel_end, 0xffffffff, config.extra_memory));
        placed.push_back({*initrd_address, *initrd, initrd->size()});
    }
    const BootArea area = TRY(place_boot_area(memory, placed));
    const auto map = build_x86_memory_map(memory, config.extra_memory);
    std::vector<PvhModule> modules;
    if (initrd)
        modules.push_back({config.modules.front().name, *initrd_address, initrd->size()});
    const u64 info = TRY(write_pvh_start_info(memory, area, config.cmdline, modules, map, config.acpi_rsdp));
    TRY(load_segments(memory, placed));
    TRY(write_boot_gdt(memory, area.gdt()));

    LoadedKernel loaded;
    loaded.entry = protected_entry(entry, area);
    loaded.entry.rbx = info;
    loaded.format = "pvh";
    loaded.kernel_end = kernel_end;
    loaded.boot_area = area.base;
    loaded.initrd = initrd_address;
    return loaded;
}

Result<LoadedKernel> load_elf_kernel(const GuestMemory& memory, std::span<const u8> image,
                                     const X86BootConfig& config) {
    auto elf = TRY(parse_elf(image));
    if (auto pvh = TRY(find_pvh_entry(elf)))
        return load_pvh(memory, elf, *pvh, config);
    // A plain ELF has no protocol for passing these, so refuse rather than drop them.
    if (!config.cmdline.empty() || !config.modules.empty())
        return error("--cmdline/--initrd need a Multiboot, PVH or Linux kernel");
    // The identity map covers only the first 4 GiB.
    if (elf.elf_class == ElfClass::Elf64 && elf.physical_entry >= kIdentityMappedLimit)
        return error("ELF64 entry point {:#x} is above the identity-mapped first 4 GiB", elf.physical_entry);

    TRY(check_segments(memory, elf.segments));
    const BootArea area = TRY(place_boot_area(memory, elf.segments));
    LoadedKernel loaded;
    switch (elf.elf_class) {
    case ElfClass::Elf32:
        loaded.entry = protected_entry(elf.physical_entry, area);
        loaded.format = "elf32";
        break;
    case ElfClass::Elf64:
        loaded.entry = long_entry(elf.physical_entry, area);
        loaded.format = "elf64";
        break;
    }
    loaded.kernel_end = TRY(load_elf(memory, elf));
    loaded.boot_area = area.base;
    TRY(write_boot_gdt(memory, area.gdt()));
    if (elf.elf_class == ElfClass::Elf64)
        TRY(write_identity_page_tables(memory, area));
    return loaded;
}

Result<LoadedKernel> load_bzimage(const GuestMemory& memory, std::span<const u8> image,
                                  const X86BootConfig& config) {
    const BzImage bz = TRY(parse_bzimage(image));
    auto initrd = TRY(linux_initrd(config));
    const BzImagePlacement placement = TRY(place_bzimage(
        memory, bz, initrd ? std::optional<u64>(initrd->size()) : std::nullopt, config.extra_memory));
    // The kernel's whole init area counts: it decompresses itself there.
    std::vector<LoadSegment> placed = {
        {placement.kernel, bz.kernel, placement.kernel_end - placement.kernel}};
    if (initrd)
        placed.push_back({*placement.initrd, *initrd, initrd->size()});
    const BootArea area = TRY(place_boot_area(memory, placed));
    TRY(check_cmdline(config.cmdline, std::min<u64>(bz.cmdline_size, kCmdlineEnd - kCmdlineOffset - 1)));
    const auto map = build_x86_memory_map(memory, config.extra_memory);
    const auto zero_page = TRY(build_zero_page(bz, placement,
                                               {.cmdline = area.cmdline(),
                                                .initrd = placement.initrd,
                                                .initrd_size = initrd ? initrd->size() : 0,
                                                .memory_map = map,
                                                .acpi_rsdp = config.acpi_rsdp}));

    // Only the kernel's bytes are copied; the rest of its init area is its own.
    placed.front().mem_size = bz.kernel.size();
    TRY(load_segments(memory, placed));
    TRY(memory.write(GuestAddress(area.info()), zero_page));
    TRY(write_guest_string(memory, area.cmdline(), config.cmdline));
    TRY(write_boot_gdt(memory, area.gdt(), BootGdt::Linux));
    TRY(write_identity_page_tables(memory, area));

    LoadedKernel loaded;
    // The 64-bit entry point is 0x200 into the protected-mode kernel.
    loaded.entry = long_entry(placement.kernel + 0x200, area);
    loaded.entry.rsi = area.info();
    loaded.entry.code_selector = kLinuxBootCodeSelector;
    loaded.entry.data_selector = kLinuxBootDataSelector;
    loaded.format = "bzimage";
    loaded.kernel_end = placement.kernel_end;
    loaded.boot_area = area.base;
    loaded.initrd = placement.initrd;
    return loaded;
}

} // namespace

Result<LoadedKernel> load_x86_kernel(const GuestMemory& memory, std::span<const u8> image,
                                     const X86BootConfig& config) {
    if (image.empty())
        return error("kernel image is empty");
    auto header = TRY(find_multiboot_header(image));
    if (header)
        return load_multiboot(memory, image, *header, config);
    if (has_elf_magic(image))
        return load_elf_kernel(memory, image, config);
    if (is_bzimage(image))
        return load_bzimage(memory, image, config);
    return error("unrecognized kernel format (expected an ELF, Multiboot or Linux bzImage image)");
}

} // namespace kite::boot
