#include "machine/riscv_virt/virt_boot.h"

#include "boot/elf.h"
#include "boot/riscv_boot_plan.h"
#include "boot/riscv_loader.h"
#include "boot/riscv_reset.h"
#include "machine/common/host_files.h"
#include "machine/riscv_virt/virt_fdt.h"
#include "machine/riscv_virt/virt_layout.h"

namespace kite::machine {
namespace {

using namespace virt;

// The device tree is a few KiB; this is the room reserved for it in RAM.
constexpr u64 kDtbMaxSize = 64 * KiB;

Result<std::vector<u8>> make_fdt(const VirtConfig& config, const std::optional<boot::BootRange>& initrd,
                                 const std::vector<u32>& virtio_slots) {
    VirtFdtParams params{.ram_size = config.memory,
                         .cpus = config.cpus,
                         .bootargs = config.cmdline,
                         .virtio_slots = virtio_slots};
    if (initrd)
        params.initrd = std::pair{initrd->addr, initrd->end()};
    auto dtb = TRY(build_virt_fdt(params));
    if (dtb.size() > kDtbMaxSize)
        return error("device tree of {} bytes does not fit in its {} byte slot", dtb.size(), kDtbMaxSize);
    return dtb;
}

Result<BootPlan> boot_bare_metal(const GuestMemory& memory, const BootImages& images,
                                 const VirtConfig& config, const std::vector<u32>& virtio_slots) {
    if (!images.kernel)
        return error("--firmware none needs --kernel (a bare-metal RISC-V ELF)");
    if (images.initrd)
        return error("--initrd needs firmware to boot a kernel (not --firmware none)");
    if (!boot::has_elf_magic(*images.kernel))
        return error("kernel '{}': --firmware none needs an ELF executable", *config.kernel_path);
    auto elf = TRY_CONTEXT(boot::load_riscv_elf(memory, *images.kernel),
                           fmt::format("kernel '{}'", *config.kernel_path));
    auto layout = TRY(boot::plan_riscv_boot({.ram_base = kRamBase,
                                             .ram_size = config.memory,
                                             .firmware_size = elf.end - kRamBase,
                                             .dtb_max_size = kDtbMaxSize}));
    BootPlan plan;
    plan.dtb = TRY(make_fdt(config, std::nullopt, virtio_slots));
    TRY(memory.write(GuestAddress(layout.dtb.addr), plan.dtb));
    plan.entry = elf.entry;
    plan.a0 = 0;
    plan.a1 = layout.dtb.addr;
    plan.tohost = elf.tohost;
    plan.fromhost = elf.fromhost;
    return plan;
}

Result<BootPlan> boot_with_firmware(const GuestMemory& memory, const BootImages& images,
                                    const VirtConfig& config, const std::vector<u32>& virtio_slots) {
    const auto& firmware = *images.firmware;
    // OpenSBI ships both a raw binary (linked at the start of RAM) and an ELF.
    u64 firmware_entry = kRamBase;
    u64 firmware_end = 0;
    if (boot::has_elf_magic(firmware)) {
        auto elf = TRY_CONTEXT(boot::load_riscv_elf(memory, firmware),
                               fmt::format("firmware '{}'", *config.firmware_path));
        firmware_entry = elf.entry;
        firmware_end = elf.end;
    } else {
        firmware_end = TRY_CONTEXT(boot::load_raw_image(memory, kRamBase, firmware, firmware.size()),
                                   fmt::format("firmware '{}'", *config.firmware_path));
    }

    std::optional<boot::RiscvImageHeader> kernel_header;
    if (images.kernel)
        kernel_header = TRY_CONTEXT(boot::parse_riscv_image_header(*images.kernel),
                                    fmt::format("kernel '{}'", *config.kernel_path));
    auto layout = TRY(boot::plan_riscv_boot({.ram_base = kRamBase,
                                             .ram_size = config.memory,
                                             .firmware_size = firmware_end - kRamBase,
                                             .kernel = kernel_header,
                                             .initrd_size = images.initrd ? images.initrd->size() : 0,
                                             .dtb_max_size = kDtbMaxSize}));
    u64 next_addr = 0;
    if (layout.kernel) {
        TRY(boot::load_raw_image(memory, layout.kernel->addr, *images.kernel, kernel_header->load_size));
        next_addr = layout.kernel->addr;
    }
    if (layout.initrd)
        TRY(memory.write(GuestAddress(layout.initrd->addr), *images.initrd));

    BootPlan plan;
    plan.dtb = TRY(make_fdt(config, layout.initrd, virtio_slots));
    TRY(memory.write(GuestAddress(layout.dtb.addr), plan.dtb));
    auto rom = boot::riscv_boot_rom(kRomBase, firmware_entry, layout.dtb.addr, next_addr);
    if (rom.size() > kRomSize)
        return error("boot ROM of {} bytes exceeds its {} bytes", rom.size(), kRomSize);
    TRY(memory.write(GuestAddress(kRomBase), rom));
    plan.entry = kRomBase;
    return plan;
}

} // namespace

Result<BootImages> read_boot_images(const VirtConfig& config) {
    BootImages images;
    if (config.firmware_path)
        images.firmware = TRY(read_file(*config.firmware_path, config.memory, "firmware"));
    if (config.kernel_path)
        images.kernel = TRY(read_file(*config.kernel_path, config.memory, "kernel"));
    if (config.initrd_path)
        images.initrd = TRY(read_file(*config.initrd_path, config.memory, "initrd"));
    return images;
}

Result<BootPlan> load_boot_images(const GuestMemory& memory, const BootImages& images,
                                  const VirtConfig& config, const std::vector<u32>& virtio_slots) {
    if (!images.firmware)
        return boot_bare_metal(memory, images, config, virtio_slots);
    return boot_with_firmware(memory, images, config, virtio_slots);
}

} // namespace kite::machine
