#pragma once

#include "base/types.h"
#include "bus/bus_device.h"
#include "pci/bar.h"
#include "pci/pci_bus.h"

#include <atomic>
#include <memory>

namespace kite::pci {

// A board's window onto PCI memory or I/O space: an access at `offset` in the
// window is PCI address pci_base + offset, forwarded to the BAR that claims it
// (with decoding enabled) at the offset inside that BAR. Accesses no BAR
// claims, or that run past a BAR's end, read all-ones and drop writes
// (counted). The board registers one for its 32-bit MMIO range (usually
// pci_base = the CPU address: identity-mapped) and one for its I/O port range
// (pci_base 0: port 0 at the start of the window).
class PciBarWindow final : public BusDevice {
public:
    PciBarWindow(std::shared_ptr<PciBus> bus, PciSpace space, u64 pci_base);

    void read(u64 offset, std::span<u8> data) override;
    void write(u64 offset, std::span<const u8> data) override;

    u64 unclaimed_count() const { return m_unclaimed.load(std::memory_order_relaxed); }

private:
    void unclaimed(const char* what, u64 address, std::size_t size);

    std::shared_ptr<PciBus> m_bus;
    PciSpace m_space;
    u64 m_pci_base;
    std::atomic<u64> m_unclaimed{0};
};

} // namespace kite::pci
