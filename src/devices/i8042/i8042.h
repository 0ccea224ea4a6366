#pragma once

#include "base/error.h"
#include "bus/bus.h"
#include "bus/bus_device.h"

#include <functional>
#include <memory>

namespace kite::devices {

// A minimal i8042 keyboard controller: enough for guests to see "no keyboard,
// nothing to read" and to reboot through the controller's pulse-reset command.
// Offset 0 is the data port (0x60), offset 4 the command/status port (0x64);
// attach() registers just those two, so 0x61 (the PIT's port B) stays free.
class I8042 final : public BusDevice {
public:
    static constexpr u64 kDefaultPort = 0x60;
    static constexpr u64 kDataOffset = 0;
    static constexpr u64 kCommandOffset = 4;
    static constexpr u8 kCommandPulseReset = 0xFE;

    using ResetCallback = std::function<void()>;

    explicit I8042(ResetCallback on_reset) : m_on_reset(std::move(on_reset)) {}

    // Every read returns 0: status "output buffer empty, input buffer empty", data 0.
    void read(u64 offset, std::span<u8> data) override;
    // Command 0xFE (1-byte write to 0x64) calls the reset callback; all else is ignored.
    void write(u64 offset, std::span<const u8> data) override;

    // Registers the data port at `base` and the command/status port at base + 4.
    static Result<void> attach(Bus& pio, u64 base, std::shared_ptr<I8042> device);

private:
    ResetCallback m_on_reset;
};

} // namespace kite::devices
