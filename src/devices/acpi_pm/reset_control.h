#pragma once

#include "bus/bus_device.h"

#include <atomic>
#include <functional>
#include <memory>

namespace kite::devices {

// The chipset's Reset Control Register at port 0xCF9, which the FADT names as
// the ACPI reset register: a byte with bit 1 SYS_RST (hard rather than soft
// reset) and bit 3 FULL_RST kept, and bit 2 RST_CPU, which resets the
// machine when written as 1 (the FADT's value 0x06 sets it). Lock-free.
class ResetControl {
public:
    static constexpr u64 kPort = 0xCF9;
    static constexpr u8 kSystemReset = 1u << 1;
    static constexpr u8 kResetCpu = 1u << 2;
    static constexpr u8 kFullReset = 1u << 3;

    using ResetCallback = std::function<void()>;

    explicit ResetControl(ResetCallback on_reset) : m_on_reset(std::move(on_reset)) {}

    u8 read() const;
    void write(u8 value);

    // The one-byte register as a bus device: for a bus of its own at kPort, or
    // for the PCI configuration host that owns 0xCF8-0xCFF to forward to.
    static std::shared_ptr<BusDevice> bus_device(std::shared_ptr<ResetControl> reset);

private:
    ResetCallback m_on_reset;
    std::atomic<u8> m_value{0};
};

} // namespace kite::devices
