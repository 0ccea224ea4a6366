#include "pci/host_bridge.h"

#include <algorithm>

namespace kite::pci {

HostBridge::HostBridge()
    : PciFunction(PciIdentity{.vendor_id = kVendorId,
                              .device_id = kDeviceId,
                              .class_code = kClassCode,
                              .revision = 0,
                              .subsystem_vendor_id = 0,
                              .subsystem_id = 0,
                              .interrupt_pin = kPinNone}) {}

void HostBridge::bar_read(u8, u64, std::span<u8> data) {
    std::ranges::fill(data, u8{0xFF}); // no BARs: never reached through the bus
}

void HostBridge::bar_write(u8, u64, std::span<const u8>) {}

} // namespace kite::pci
