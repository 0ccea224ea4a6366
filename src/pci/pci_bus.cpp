#include "pci/pci_bus.h"

#include "pci/host_bridge.h"
#include "pci/pci_regs.h"

#include <algorithm>
#include <mutex>

namespace kite::pci {

namespace {

bool overlaps(u16 offset, std::size_t size, u16 begin, u16 end) {
    return offset < end && offset + size > begin;
}

} // namespace

PciBus::PciBus(IntxRoute route) : m_route(std::move(route)) {
    m_slots[kHostBridgeSlot] = std::make_shared<HostBridge>();
}

Result<u8> PciBus::add_device(std::shared_ptr<PciDevice> device) {
    std::unique_lock lock(m_mutex);
    auto free = std::ranges::find(m_slots, nullptr);
    if (free == m_slots.end())
        return error("pci: all {} slots of bus 0 are taken", kSlotCount);
    const u8 slot = static_cast<u8>(free - m_slots.begin());
    u8 pin = 0;
    device->config_read(reg::kInterruptPin, std::span(&pin, 1));
    if (pin >= kPinIntA && pin <= kPinIntD && m_route) {
        if (auto line = m_route(slot, pin))
            device->connect_intx(std::move(line));
    }
    *free = std::move(device);
    refresh_decode_locked(slot);
    return slot;
}

std::shared_ptr<PciDevice> PciBus::device(u8 slot) const {
    std::shared_lock lock(m_mutex);
    return slot < kSlotCount ? m_slots[slot] : nullptr;
}

void PciBus::config_read(u8 slot, u8 function, u16 offset, std::span<u8> data) {
    std::unique_lock lock(m_mutex); // reads may have side effects (virtio's PCI_CFG window)
    if (slot >= kSlotCount || function != 0 || !m_slots[slot] || offset >= kExtendedConfigSpaceSize) {
        std::ranges::fill(data, u8{0xFF});
        return;
    }
    m_slots[slot]->config_read(offset, data);
}

void PciBus::config_write(u8 slot, u8 function, u16 offset, std::span<const u8> data) {
    std::unique_lock lock(m_mutex);
    if (slot >= kSlotCount || function != 0 || !m_slots[slot] || offset >= kExtendedConfigSpaceSize)
        return;
    m_slots[slot]->config_write(offset, data);
    if (overlaps(offset, data.size(), reg::kCommand, reg::kCommand + 2) ||
        overlaps(offset, data.size(), reg::kBar0, reg::kBarEnd))
        refresh_decode_locked(slot);
}

void PciBus::refresh_decode_locked(u8 slot) {
    std::erase_if(m_decode, [slot](const Decode& d) { return d.slot == slot; });
    PciDevice* device = m_slots[slot].get();
    for (const BarInfo& bar : device->bars()) {
        if (!bar.enabled || bar.size == 0)
            continue;
        m_decode.push_back(Decode{space_of(bar.kind), bar.address, bar.size, slot, bar.index, device});
    }
}

std::optional<PciBus::BarHit> PciBus::find_bar(PciSpace space, u64 address, u64 length) const {
    std::shared_lock lock(m_mutex);
    for (const Decode& d : m_decode) {
        if (d.space != space || address < d.base)
            continue;
        const u64 offset = address - d.base;
        if (offset >= d.size || length > d.size - offset)
            continue;
        return BarHit{d.device, d.slot, d.bar, offset};
    }
    return std::nullopt;
}

} // namespace kite::pci
