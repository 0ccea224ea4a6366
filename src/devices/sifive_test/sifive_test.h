#pragma once

#include "base/types.h"
#include "bus/bus_device.h"

#include <atomic>
#include <functional>

namespace kite::devices {

// What a guest asked for through the SiFive test finisher.
struct SifiveTestEvent {
    enum class Kind { Pass, Reset, Fail };
    Kind kind;
    u16 code; // the exit code of a Fail; 0 otherwise
};

// The SiFive "test finisher" at 0x10_0000 on QEMU's `virt` board, which Linux
// drives as a syscon (syscon-poweroff writes 0x5555, syscon-reboot 0x7777 at
// offset 0). A 2- or 4-byte write at offset 0 with low half 0x5555 means pass
// (power off), 0x7777 reset, and 0x3333 fail with the exit code in bits 31:16.
// Other values and offsets are ignored; reads return 0. Stateless, so no lock.
class SifiveTest final : public BusDevice {
public:
    static constexpr u64 kDefaultBase = 0x10'0000;
    static constexpr u64 kLength = 0x1000;

    static constexpr u32 kFail = 0x3333;
    static constexpr u32 kPass = 0x5555;
    static constexpr u32 kReset = 0x7777;

    // Called on the vCPU thread that wrote the command.
    using EventCallback = std::function<void(SifiveTestEvent)>;

    explicit SifiveTest(EventCallback on_event) : m_on_event(std::move(on_event)) {}

    void read(u64 offset, std::span<u8> data) override;
    void write(u64 offset, std::span<const u8> data) override;

    u64 ignored_access_count() const { return m_ignored.load(std::memory_order_relaxed); }

private:
    EventCallback m_on_event;
    std::atomic<u64> m_ignored{0};
};

} // namespace kite::devices
