#pragma once

#include "machine/riscv_virt/virt_board.h"
#include "memory/guest_memory.h"

#include <optional>
#include <vector>

namespace kite::machine {

// The files a boot needs, read before anything is built.
struct BootImages {
    std::optional<std::vector<u8>> firmware;
    std::optional<std::vector<u8>> kernel;
    std::optional<std::vector<u8>> initrd;
};

Result<BootImages> read_boot_images(const VirtConfig& config);

// Where hart 0 starts and with which arguments, once everything is in memory.
struct BootPlan {
    u64 entry{0};
    u64 a0{0}, a1{0}, a2{0};
    std::vector<u8> dtb;
    std::optional<u64> tohost; // HTIF mailboxes of a bare-metal ELF
    std::optional<u64> fromhost;
};

// Places the images in guest RAM. With firmware (OpenSBI fw_dynamic): the
// firmware at the start of RAM, the kernel Image where its header asks, the
// initrd and device tree at the top, and a boot ROM at 0x1000 that passes
// hartid, DTB and fw_dynamic_info to the firmware. Without firmware
// (bare-metal mode): the kernel must be an ELF, entered in M-mode at its entry.
// `virtio_slots` are the occupied virtio-mmio slots the device tree lists.
Result<BootPlan> load_boot_images(const GuestMemory& memory, const BootImages& images,
                                  const VirtConfig& config, const std::vector<u32>& virtio_slots);

} // namespace kite::machine
