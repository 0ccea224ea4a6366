#pragma once

#include "base/types.h"
#include "bus/bus_device.h"
#include "pci/pci_bus.h"

#include <atomic>
#include <memory>
#include <optional>

namespace kite::pci {

// PCI configuration mechanism #1 (PCI Local Bus 3.0, 3.2.2.3.2) on the
// eight ports 0xCF8-0xCFF, which a board registers as one range:
//   0xCF8 CONFIG_ADDRESS, dword only: enable (bit 31), bus (23:16),
//         device (15:11), function (10:8), register (7:2); bits 1:0 read 0
//   0xCFC CONFIG_DATA: byte, word or dword at 0xCFC + n reaches register + n
// With the enable bit clear, or for a bus other than 0, CONFIG_DATA reads
// all-ones and drops writes, as does any slot or function the bus does not
// populate. Byte accesses to 0xCF9 go to `reset_control` (a chipset's reset
// control register, which shares the range), or read all-ones without one.
// Other accesses (a byte or word to CONFIG_ADDRESS, an unaligned data access)
// read all-ones, are dropped and counted; Linux probes with a byte write to
// 0xCFB, so they are logged at debug level only.
//
// CONFIG_ADDRESS is one register for all vCPUs, as on hardware: guests
// serialise their address/data pairs. Each access to it is atomic.
class PioConfigHost final : public BusDevice {
public:
    static constexpr u16 kBasePort = 0xcf8;
    static constexpr u64 kLength = 8;
    static constexpr u64 kAddressOffset = 0;      // 0xCF8
    static constexpr u64 kResetControlOffset = 1; // 0xCF9
    static constexpr u64 kDataOffset = 4;         // 0xCFC
    static constexpr u32 kEnable = u32{1} << 31;
    static constexpr u32 kAddressMask = kEnable | 0x00ff'fffc; // bits 30:24 and 1:0 are reserved

    // The CONFIG_ADDRESS value for register `reg` of `bus`:`slot`.`function`, enabled.
    static constexpr u32 address_of(u8 bus, u8 slot, u8 function, u8 reg) {
        return kEnable | u32{bus} << 16 | u32{slot} << 11 | u32{function} << 8 | (reg & 0xfcu);
    }

    explicit PioConfigHost(std::shared_ptr<PciBus> bus, std::shared_ptr<BusDevice> reset_control = nullptr);

    void read(u64 offset, std::span<u8> data) override;
    void write(u64 offset, std::span<const u8> data) override;

    u32 config_address() const { return m_address.load(std::memory_order_relaxed); }
    u64 ignored_access_count() const { return m_ignored.load(std::memory_order_relaxed); }

private:
    struct Target {
        u8 slot;
        u8 function;
        u16 reg;
    };
    // The function and register a valid data access at `offset` reaches,
    // or nothing when the address is disabled or names another bus.
    std::optional<Target> data_target(u64 offset) const;
    void ignore(const char* what, u64 offset, std::size_t size);

    std::shared_ptr<PciBus> m_bus;
    std::shared_ptr<BusDevice> m_reset_control;
    std::atomic<u32> m_address{0};
    std::atomic<u64> m_ignored{0};
};

} // namespace kite::pci
