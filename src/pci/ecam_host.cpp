#include "pci/ecam_host.h"

#include "base/log.h"

#include <algorithm>
#include <bit>

namespace kite::pci {

namespace {

struct EcamAddress {
    u64 bus;
    u8 device;
    u8 function;
    u16 reg;
};

EcamAddress decode(u64 offset) {
    return EcamAddress{offset >> 20, static_cast<u8>((offset >> 15) & 0x1F),
                       static_cast<u8>((offset >> 12) & 0x7), static_cast<u16>(offset & 0xFFF)};
}

bool valid_access(u64 offset, std::size_t size) {
    return (size == 1 || size == 2 || size == 4) && offset % size == 0;
}

} // namespace

EcamHost::EcamHost(std::shared_ptr<PciBus> bus) : m_bus(std::move(bus)) {}

void EcamHost::ignore(const char* what, u64 offset, std::size_t size) {
    const u64 count = m_ignored.fetch_add(1, std::memory_order_relaxed) + 1;
    if (count <= 8 || std::has_single_bit(count))
        log::warn("pci ecam: ignoring {} of {} bytes at offset {:#x} (#{})", what, size, offset, count);
}

void EcamHost::read(u64 offset, std::span<u8> data) {
    if (!valid_access(offset, data.size())) {
        std::ranges::fill(data, u8{0xFF});
        ignore("unaligned or odd-sized read", offset, data.size());
        return;
    }
    const EcamAddress a = decode(offset);
    if (a.bus != 0) {
        std::ranges::fill(data, u8{0xFF}); // no bridges: nothing behind other bus numbers
        return;
    }
    m_bus->config_read(a.device, a.function, a.reg, data);
}

void EcamHost::write(u64 offset, std::span<const u8> data) {
    if (!valid_access(offset, data.size())) {
        ignore("unaligned or odd-sized write", offset, data.size());
        return;
    }
    const EcamAddress a = decode(offset);
    if (a.bus != 0)
        return;
    m_bus->config_write(a.device, a.function, a.reg, data);
}

} // namespace kite::pci
