#include "boot/x86_loader.h"

#include "boot/elf.h"
#include "boot/multiboot.h"
#include "boot/x86_boot_structures.h"
#include "boot/x86_layout.h"

#include <algorithm>
#include <array>

namespace kite::boot {
namespace {

// Linux boot protocol: the setup header carries "HdrS" at file offset 0x202.
constexpr std::size_t kLinuxHeaderMagicOffset = 0x202;
constexpr std::array<u8, 4> kLinuxHeaderMagic = {'H', 'd', 'r', 'S'};

bool is_linux_bzimage(std::span<const u8> image) {
    return image.size() >= kLinuxHeaderMagicOffset + kLinuxHeaderMagic.size() &&
           std::equal(kLinuxHeaderMagic.begin(), kLinuxHeaderMagic.end(),
                      image.begin() + kLinuxHeaderMagicOffset);
}

// Flat protected-mode entry shared by Multiboot and ELF32.
accel::X86EntryState protected_entry(u64 entry) {
    accel::X86EntryState state;
    state.mode = accel::X86EntryMode::Protected32;
    state.rip = entry;
    state.rsp = kBootStackPointer;
    state.gdt_base = kBootGdtAddress;
    state.gdt_limit = kBootGdtLimit;
    return state;
}

Result<LoadedKernel> load_multiboot(const GuestMemory& memory, std::span<const u8> image,
                                    const MultibootHeader& header, const X86BootConfig& config) {
    auto kernel = TRY(parse_multiboot_kernel(image, header));
    TRY(check_segments(memory, kernel.segments));
    const u64 kernel_end = segments_end(kernel.segments);

    std::vector<MultibootModule> modules;
    modules.reserve(config.modules.size());
    for (const auto& m : config.modules)
        modules.push_back({m.name, m.data});
    // Writes only after its own checks pass; the kernel segments are already
    // checked, so a failure below leaves no half-loaded kernel behind.
    const u64 info = TRY(write_multiboot_info(memory, kernel_end, config.cmdline, modules));
    TRY(load_segments(memory, kernel.segments));
    TRY(write_boot_gdt(memory));

    LoadedKernel loaded;
    loaded.entry = protected_entry(kernel.entry);
    loaded.entry.rax = kMultibootBootloaderMagic;
    loaded.entry.rbx = info;
    loaded.format = kernel.uses_address_fields ? "multiboot-aout" : "multiboot";
    loaded.kernel_end = kernel_end;
    return loaded;
}

Result<LoadedKernel> load_elf_kernel(const GuestMemory& memory, std::span<const u8> image,
                                     const X86BootConfig& config) {
    auto elf = TRY(parse_elf(image));
    // A plain ELF has no protocol for passing these, so refuse rather than drop them.
    if (!config.cmdline.empty() || !config.modules.empty())
        return error("--cmdline/--initrd need a Multiboot kernel");

    LoadedKernel loaded;
    switch (elf.elf_class) {
    case ElfClass::Elf32:
        loaded.entry = protected_entry(elf.physical_entry);
        loaded.format = "elf32";
        break;
    case ElfClass::Elf64:
        // The identity map covers only the first 4 GiB.
        if (elf.physical_entry >= kIdentityMappedLimit)
            return error("ELF64 entry point {:#x} is above the identity-mapped first 4 GiB",
                         elf.physical_entry);
        loaded.entry.mode = accel::X86EntryMode::Long64;
        loaded.entry.rip = elf.physical_entry;
        loaded.entry.rsp = kBootStackPointer;
        loaded.entry.gdt_base = kBootGdtAddress;
        loaded.entry.gdt_limit = kBootGdtLimit;
        loaded.entry.page_table_base = kPml4Address;
        loaded.format = "elf64";
        break;
    }
    loaded.kernel_end = TRY(load_elf(memory, elf));
    TRY(write_boot_gdt(memory));
    if (elf.elf_class == ElfClass::Elf64)
        TRY(write_identity_page_tables(memory));
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
    if (is_linux_bzimage(image))
        return error("Linux bzImage kernels are not supported on x86 yet");
    return error("unrecognized kernel format (expected an ELF or Multiboot image)");
}

} // namespace kite::boot
