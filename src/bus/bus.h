#pragma once

#include "base/error.h"
#include "bus/bus_device.h"

#include <atomic>
#include <memory>
#include <string>
#include <vector>

namespace kite {

// An address space (port I/O or MMIO) of non-overlapping device ranges.
// Devices are registered while the machine is built and the range table is
// read-only once vCPUs run, so dispatch takes no lock.
class Bus {
public:
    explicit Bus(std::string name) : m_name(std::move(name)) {}

    // Registers [base, base+length). Rejects zero length, wrap-around and overlap.
    Result<void> insert(u64 base, u64 length, std::shared_ptr<BusDevice> device, std::string device_name);

    // Dispatches an access. An access to no device reads as all-ones, drops
    // writes and bumps unhandled_count(); it returns false.
    bool read(u64 address, std::span<u8> data);
    bool write(u64 address, std::span<const u8> data);

    u64 unhandled_count() const { return m_unhandled.load(std::memory_order_relaxed); }
    const std::string& name() const { return m_name; }

    struct Range {
        u64 base;
        u64 length;
        std::shared_ptr<BusDevice> device;
        std::string device_name;
    };
    const std::vector<Range>& ranges() const { return m_ranges; }

private:
    const Range* find(u64 address, u64 size) const;
    void note_unhandled(const char* kind, u64 address, std::size_t size);

    std::string m_name;
    std::vector<Range> m_ranges; // sorted by base
    std::atomic<u64> m_unhandled{0};
};

} // namespace kite
