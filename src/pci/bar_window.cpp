#include "pci/bar_window.h"

#include "base/log.h"

#include <algorithm>
#include <bit>

namespace kite::pci {

PciBarWindow::PciBarWindow(std::shared_ptr<PciBus> bus, PciSpace space, u64 pci_base)
    : m_bus(std::move(bus)), m_space(space), m_pci_base(pci_base) {}

void PciBarWindow::unclaimed(const char* what, u64 address, std::size_t size) {
    const u64 count = m_unclaimed.fetch_add(1, std::memory_order_relaxed) + 1;
    if (count <= 8 || std::has_single_bit(count))
        log::debug("pci {}: {} of {} bytes at {:#x} claimed by no BAR (#{})",
                   m_space == PciSpace::Memory ? "memory" : "io", what, size, address, count);
}

void PciBarWindow::read(u64 offset, std::span<u8> data) {
    const u64 address = m_pci_base + offset;
    auto hit = m_bus->find_bar(m_space, address, data.size());
    if (!hit) {
        std::ranges::fill(data, u8{0xFF});
        unclaimed("read", address, data.size());
        return;
    }
    hit->device->bar_read(hit->bar, hit->offset, data);
}

void PciBarWindow::write(u64 offset, std::span<const u8> data) {
    const u64 address = m_pci_base + offset;
    auto hit = m_bus->find_bar(m_space, address, data.size());
    if (!hit) {
        unclaimed("write", address, data.size());
        return;
    }
    hit->device->bar_write(hit->bar, hit->offset, data);
}

} // namespace kite::pci
