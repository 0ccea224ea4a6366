#pragma once

#include "base/types.h"
#include "bus/bus_device.h"
#include "pci/pci_bus.h"

#include <atomic>
#include <memory>

namespace kite::pci {

// The Enhanced Configuration Access Mechanism (PCIe 6.0, 7.2.2): a memory
// window in which offset bus << 20 | device << 15 | function << 12 | register
// reaches a function's configuration space. Bus 0 (the window's first bus) is
// `bus`; every other bus is empty and reads all-ones. Accesses must be 1, 2 or
// 4 bytes and naturally aligned: others read all-ones, are dropped and counted.
class EcamHost final : public BusDevice {
public:
    static constexpr u64 kBytesPerBus = u64{1} << 20;
    // The window for buses [0, bus_count), as the board maps it and describes
    // it to the guest (the device tree's bus-range).
    static constexpr u64 window_size(unsigned bus_count) { return kBytesPerBus * bus_count; }

    explicit EcamHost(std::shared_ptr<PciBus> bus);

    void read(u64 offset, std::span<u8> data) override;
    void write(u64 offset, std::span<const u8> data) override;

    u64 ignored_access_count() const { return m_ignored.load(std::memory_order_relaxed); }

private:
    void ignore(const char* what, u64 offset, std::size_t size);

    std::shared_ptr<PciBus> m_bus;
    std::atomic<u64> m_ignored{0};
};

} // namespace kite::pci
