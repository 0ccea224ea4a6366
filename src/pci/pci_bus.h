#pragma once

#include "base/error.h"
#include "base/types.h"
#include "bus/irq_line.h"
#include "pci/bar.h"
#include "pci/pci_device.h"

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <span>
#include <vector>

namespace kite::pci {

// Bus 0 of a PCI host: up to 32 device slots, function 0 each, with the host
// bridge in slot 0. It routes configuration accesses to the device in a slot
// (an empty slot or another function reads all-ones: no device answers) and
// decodes memory and I/O accesses to the BAR that claims them, using the
// addresses the guest programmed (Linux reassigns them), so the lookup is
// redone whenever a command register or BAR changes.
//
// Thread-safe: configuration accesses take the bus lock exclusively and BAR
// lookups share it; a device is called with the lock held for config accesses
// only, never for BAR accesses (those run concurrently, under the device's own
// locking).
class PciBus {
public:
    static constexpr u8 kSlotCount = 32;
    static constexpr u8 kFunctionCount = 8;
    static constexpr u8 kHostBridgeSlot = 0;

    // Gives the line for INTx pin `pin` (1-4) of the device in `slot`, usually
    // IntxRouter::line_for; null or absent leaves devices unconnected.
    using IntxRoute = std::function<std::shared_ptr<IrqLine>(u8 slot, u8 pin)>;

    explicit PciBus(IntxRoute route = {});

    // Puts `device` in the lowest free slot and connects its INTx pin (the
    // Interrupt Pin register) through the route. Fails when the bus is full.
    Result<u8> add_device(std::shared_ptr<PciDevice> device);
    std::shared_ptr<PciDevice> device(u8 slot) const;

    // Config accesses to function `function` of the device in `slot`.
    void config_read(u8 slot, u8 function, u16 offset, std::span<u8> data);
    void config_write(u8 slot, u8 function, u16 offset, std::span<const u8> data);

    // The enabled BAR of `space` holding [address, address + length), if any.
    struct BarHit {
        PciDevice* device; // devices are never removed, so it lives as long as the bus
        u8 slot;
        u8 bar;
        u64 offset; // from the BAR's base
    };
    std::optional<BarHit> find_bar(PciSpace space, u64 address, u64 length) const;

private:
    struct Decode {
        PciSpace space;
        u64 base;
        u64 size;
        u8 slot;
        u8 bar;
        PciDevice* device;
    };

    void refresh_decode_locked(u8 slot);

    IntxRoute m_route;
    mutable std::shared_mutex m_mutex;
    std::array<std::shared_ptr<PciDevice>, kSlotCount> m_slots;
    std::vector<Decode> m_decode; // enabled BARs with a non-zero size, by slot
};

} // namespace kite::pci
