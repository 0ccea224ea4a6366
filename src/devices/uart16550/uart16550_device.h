#pragma once

#include "bus/bus_device.h"
#include "bus/device_state.h"
#include "bus/register_device.h"
#include "devices/uart16550/uart16550.h"

#include <mutex>

namespace kite::devices {

// A 16550A on a bus (8 ports, e.g. 0x3F8 for COM1). Guest accesses arrive on
// vCPU threads and host input on another thread, so the core sits behind a lock.
// The output sink and the IRQ line are called with that lock held: neither may
// call back into this device.
class Uart16550Device final : public BusDevice, public DeviceState {
public:
    static constexpr u64 kPortCount = 8;

    Uart16550Device(std::shared_ptr<IrqLine> irq, Uart16550::OutputSink sink);

    // Only 1-byte accesses are meaningful; others read 0xFF, are dropped and
    // counted in bad_width_count().
    void read(u64 offset, std::span<u8> data) override;
    void write(u64 offset, std::span<const u8> data) override;

    // Host input for the guest; returns how many bytes were accepted.
    std::size_t receive(std::span<const u8> bytes);

    u64 bad_width_count() const { return m_regs.ignored_access_count(); }
    u64 dropped_input_count() const;

    void save_state(StateWriter& out) const override;
    Result<void> restore_state(StateReader& in) override;

private:
    mutable std::mutex m_mutex;
    Uart16550 m_core;
    RegisterDevice m_regs; // width checks; calls the core under m_mutex
};

} // namespace kite::devices
