#pragma once

#include "base/error.h"
#include "bus/bus.h"

#include <atomic>
#include <memory>

namespace kite::devices {

// The POST-code port (0x80): firmware and kernels write progress codes there,
// and Linux also writes it as an I/O delay. Writes are remembered silently;
// reads return the last code, or 0xFF before the first write. Lock-free.
class PostCode {
public:
    static constexpr u64 kPort = 0x80;

    u8 read() const;
    void write(u8 value);
    // The last code written, if any.
    bool written() const { return m_written.load(std::memory_order_relaxed); }
    u64 write_count() const { return m_writes.load(std::memory_order_relaxed); }

    // Registers `device` on the port I/O bus at 0x80 (1-byte accesses).
    static Result<void> attach(Bus& pio, std::shared_ptr<PostCode> device);

private:
    std::atomic<u8> m_value{0xFF};
    std::atomic<bool> m_written{false};
    std::atomic<u64> m_writes{0};
};

} // namespace kite::devices
