#include "pci/pio_config_host.h"

#include "base/le_bytes.h"
#include "base/log.h"

#include <algorithm>

namespace kite::pci {

namespace {

bool is_data_access(u64 offset, std::size_t size) {
    if (offset < PioConfigHost::kDataOffset || !(size == 1 || size == 2 || size == 4))
        return false;
    const u64 n = offset - PioConfigHost::kDataOffset;
    return n % size == 0 && n + size <= 4;
}

} // namespace

PioConfigHost::PioConfigHost(std::shared_ptr<PciBus> bus, std::shared_ptr<BusDevice> reset_control)
    : m_bus(std::move(bus)), m_reset_control(std::move(reset_control)) {}

void PioConfigHost::ignore(const char* what, u64 offset, std::size_t size) {
    const u64 count = m_ignored.fetch_add(1, std::memory_order_relaxed) + 1;
    if (log::worth_logging(count))
        log::debug("pci config ports: ignoring {} of {} bytes at port {:#x} (#{})", what, size,
                   kBasePort + offset, count);
}

std::optional<PioConfigHost::Target> PioConfigHost::data_target(u64 offset) const {
    const u32 address = m_address.load(std::memory_order_relaxed);
    if (!(address & kEnable) || ((address >> 16) & 0xff) != 0)
        return std::nullopt; // disabled, or a bus behind no bridge
    return Target{static_cast<u8>((address >> 11) & 0x1f), static_cast<u8>((address >> 8) & 0x7),
                  static_cast<u16>((address & 0xfc) + (offset - kDataOffset))};
}

void PioConfigHost::read(u64 offset, std::span<u8> data) {
    if (offset == kAddressOffset && data.size() == 4) {
        store_le(data, m_address.load(std::memory_order_relaxed));
        return;
    }
    if (offset == kResetControlOffset && data.size() == 1 && m_reset_control) {
        m_reset_control->read(0, data);
        return;
    }
    std::ranges::fill(data, u8{0xFF});
    if (!is_data_access(offset, data.size())) {
        ignore("read", offset, data.size());
        return;
    }
    if (auto t = data_target(offset))
        m_bus->config_read(t->slot, t->function, t->reg, data);
}

void PioConfigHost::write(u64 offset, std::span<const u8> data) {
    if (offset == kAddressOffset && data.size() == 4) {
        m_address.store(static_cast<u32>(load_le(data)) & kAddressMask, std::memory_order_relaxed);
        return;
    }
    if (offset == kResetControlOffset && data.size() == 1 && m_reset_control) {
        m_reset_control->write(0, data);
        return;
    }
    if (!is_data_access(offset, data.size())) {
        ignore("write", offset, data.size());
        return;
    }
    if (auto t = data_target(offset))
        m_bus->config_write(t->slot, t->function, t->reg, data);
}

} // namespace kite::pci
