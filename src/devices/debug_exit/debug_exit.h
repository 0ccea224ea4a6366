#pragma once

#include "bus/bus_device.h"

#include <functional>

namespace kite::devices {

// QEMU's isa-debug-exit: a guest write of value v asks the VMM to exit with
// status (v << 1) | 1, so a guest can never report plain success (0) by accident.
// Registered at port 0xF4, length 4. Reads return 0.
class DebugExit final : public BusDevice {
public:
    static constexpr u64 kDefaultPort = 0xF4;
    static constexpr u64 kLength = 4;

    using ExitCallback = std::function<void(int status)>;

    explicit DebugExit(ExitCallback on_exit) : m_on_exit(std::move(on_exit)) {}

    void read(u64 offset, std::span<u8> data) override;
    // Accepts 1-, 2- and 4-byte little-endian writes; other widths are ignored.
    void write(u64 offset, std::span<const u8> data) override;

    // The exit status a write of `value` produces.
    static int status_for(u32 value) { return static_cast<int>((static_cast<u64>(value) << 1) | 1); }

private:
    ExitCallback m_on_exit;
};

} // namespace kite::devices
