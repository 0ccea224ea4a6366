#pragma once

#include "pci/pci_function.h"

namespace kite::pci {

// The host bridge at 00:00.0: identifies the root complex and decodes nothing.
// The IDs are those of QEMU's generic PCIe host bridge (Red Hat 1b36:0008),
// which guests already know.
class HostBridge final : public PciFunction {
public:
    static constexpr u16 kVendorId = 0x1B36;
    static constexpr u16 kDeviceId = 0x0008;
    static constexpr u32 kClassCode = 0x06'00'00; // bridge, host bridge

    HostBridge();

    void bar_read(u8 bar, u64 offset, std::span<u8> data) override;
    void bar_write(u8 bar, u64 offset, std::span<const u8> data) override;
};

} // namespace kite::pci
