#include "pci/bar_assign.h"

#include "base/le_bytes.h"
#include "pci/pci_regs.h"

#include <algorithm>
#include <array>
#include <vector>

namespace kite::pci {

namespace {

struct Placement {
    u8 slot;
    BarInfo bar;
    u64 address;
};

template <std::size_t N>
void config_write(PciBus& bus, u8 slot, u16 reg, u64 value) {
    std::array<u8, N> bytes{};
    store_le(bytes, value);
    bus.config_write(slot, 0, reg, bytes);
}

u16 command_of(PciBus& bus, u8 slot) {
    std::array<u8, 2> bytes{};
    bus.config_read(slot, 0, reg::kCommand, bytes);
    return static_cast<u16>(load_le(bytes));
}

} // namespace

Result<void> assign_memory_bars(PciBus& bus, u64 base, u64 size) {
    std::vector<Placement> placements;
    for (u8 slot = 0; slot < PciBus::kSlotCount; ++slot) {
        if (slot == PciBus::kHostBridgeSlot)
            continue;
        auto device = bus.device(slot);
        if (!device)
            continue;
        for (const BarInfo& bar : device->bars())
            if (space_of(bar.kind) == PciSpace::Memory && bar.size != 0)
                placements.push_back({slot, bar, 0});
    }
    std::ranges::stable_sort(placements,
                             [](const Placement& a, const Placement& b) { return a.bar.size > b.bar.size; });

    // Largest first keeps every next base aligned for the smaller ones.
    u64 next = base;
    for (Placement& p : placements) {
        const u64 address = (next + p.bar.size - 1) & ~(p.bar.size - 1);
        if (address < base || address - base > size || p.bar.size > size - (address - base))
            return error("pci: the memory BARs do not fit in [{:#x}, {:#x})", base, base + size);
        p.address = address;
        next = address + p.bar.size;
    }

    for (const Placement& p : placements) {
        const auto reg = static_cast<u16>(reg::kBar0 + 4 * p.bar.index);
        config_write<4>(bus, p.slot, reg, p.address & 0xffff'ffff);
        if (p.bar.kind == BarKind::Memory64)
            config_write<4>(bus, p.slot, static_cast<u16>(reg + 4), p.address >> 32);
    }
    for (const Placement& p : placements) // the command register alone: status bits are write-1-to-clear
        config_write<2>(bus, p.slot, reg::kCommand, command_of(bus, p.slot) | command::kMemorySpace);
    return {};
}

} // namespace kite::pci
