#pragma once

#include "bus/bus_device.h"

#include <array>
#include <mutex>

namespace kite::devices {

// Test devices for guests, after QEMU's pc-testdev: plain storage a guest can
// write and read back to check that port I/O and MMIO exits work end to end.

// 4 bytes at port 0xE0. A write of any width stores its bytes at its offset; a
// read returns what is stored. Accesses that do not fit read 0xFF / are ignored.
class TestDevPort final : public BusDevice {
public:
    static constexpr u64 kDefaultPort = 0xE0;
    static constexpr u64 kLength = 4;

    void read(u64 offset, std::span<u8> data) override;
    void write(u64 offset, std::span<const u8> data) override;

private:
    std::mutex m_mutex;
    std::array<u8, kLength> m_bytes{};
};

// 4 KiB of scratch memory at MMIO 0xE000_0000, accessed 1, 2, 4 or 8 bytes at a
// time (little-endian, as stored). Other widths and accesses crossing the end
// read 0xFF / are ignored.
class TestDevMmio final : public BusDevice {
public:
    static constexpr u64 kDefaultBase = 0xE000'0000;
    static constexpr u64 kLength = 4 * KiB;

    void read(u64 offset, std::span<u8> data) override;
    void write(u64 offset, std::span<const u8> data) override;

private:
    std::mutex m_mutex;
    std::array<u8, kLength> m_bytes{};
};

} // namespace kite::devices
