#include "boot/riscv_boot_plan.h"

#include "boot/byte_io.h"

#include <algorithm>

namespace kite::boot {
namespace {

u64 align_down(u64 value, u64 align) {
    return value & ~(align - 1);
}

// "64 MiB", "1.5 MiB", "12 KiB", "100 bytes": sizes for error messages.
std::string format_size(u64 bytes) {
    if (bytes >= GiB && bytes % GiB == 0)
        return fmt::format("{} GiB", bytes / GiB);
    if (bytes >= MiB) {
        if (bytes % MiB == 0)
            return fmt::format("{} MiB", bytes / MiB);
        return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / static_cast<double>(MiB));
    }
    if (bytes >= KiB && bytes % KiB == 0)
        return fmt::format("{} KiB", bytes / KiB);
    return fmt::format("{} bytes", bytes);
}

} // namespace

Result<RiscvBootLayout> plan_riscv_boot(const RiscvBootRequest& request) {
    const u64 ram_base = request.ram_base;
    const std::string ram_text = format_size(request.ram_size);
    if (request.ram_size == 0)
        return error("guest RAM is empty");
    if (ram_base % kRiscvRamBaseAlign != 0)
        return error("guest RAM base {:#x} is not 2 MiB aligned", ram_base);
    auto ram_end_opt = checked_add(ram_base, request.ram_size);
    if (!ram_end_opt)
        return error("guest RAM at {:#x} ({}) wraps the address space", ram_base, ram_text);
    const u64 ram_end = *ram_end_opt;

    RiscvBootLayout layout;

    // Firmware at the base of RAM.
    if (request.firmware_size == 0)
        return error("firmware is empty");
    if (request.firmware_size > request.ram_size)
        return error("firmware ({}) does not fit in guest RAM ({})", format_size(request.firmware_size),
                     ram_text);
    layout.firmware = {ram_base, request.firmware_size};

    // DTB at the top, below 3 GiB when RAM starts below it.
    if (request.dtb_max_size == 0)
        return error("device tree size is 0");
    const u64 dtb_limit = ram_base < kRiscvDtbLimit ? std::min(ram_end, kRiscvDtbLimit) : ram_end;
    if (request.dtb_max_size > dtb_limit - ram_base ||
        align_down(dtb_limit - request.dtb_max_size, kRiscvDtbAlign) < layout.firmware.end())
        return error("device tree ({}) does not fit in guest RAM ({}) after the firmware ({})",
                     format_size(request.dtb_max_size), ram_text, format_size(request.firmware_size));
    layout.dtb = {align_down(dtb_limit - request.dtb_max_size, kRiscvDtbAlign), request.dtb_max_size};

    // Kernel at its text_offset (default 2 MiB) from the base of RAM.
    u64 low = layout.firmware.end(); // the initrd goes at or above this
    if (request.kernel) {
        const u64 size = request.kernel->load_size;
        const std::string size_text = format_size(size);
        if (size == 0)
            return error("kernel is empty");
        const u64 offset =
            request.kernel->text_offset != 0 ? request.kernel->text_offset : kRiscvDefaultKernelOffset;
        auto addr = checked_add(ram_base, offset);
        if (!addr || *addr >= ram_end)
            return error("kernel load offset {:#x} is beyond guest RAM ({})", offset, ram_text);
        if (*addr < layout.firmware.end())
            return error("firmware ({}) overlaps the kernel load address {:#x}; the firmware must end by it",
                         format_size(request.firmware_size), *addr);
        auto end = checked_add(*addr, size);
        if (!end || *end > ram_end)
            return error("kernel ({}) does not fit in guest RAM ({}) after the firmware", size_text,
                         ram_text);
        if (*end > layout.dtb.addr)
            return error(
                "kernel ({}) at {:#x} overlaps the device tree at {:#x}; guest RAM ({}) is too small",
                size_text, *addr, layout.dtb.addr, ram_text);
        layout.kernel = BootRange{*addr, size};
        low = *end;
    }

    // Initrd as high as possible, right below the DTB.
    if (request.initrd_size != 0) {
        const u64 size = request.initrd_size;
        if (size > layout.dtb.addr || align_down(layout.dtb.addr - size, kRiscvInitrdAlign) < low)
            return error(
                "initrd ({}) does not fit in guest RAM ({}) between the {} end at {:#x} and the device "
                "tree at {:#x}",
                format_size(size), ram_text, layout.kernel ? "kernel" : "firmware", low, layout.dtb.addr);
        layout.initrd = BootRange{align_down(layout.dtb.addr - size, kRiscvInitrdAlign), size};
    }
    return layout;
}

} // namespace kite::boot
