#include "devices/testdev/testdev.h"

#include <algorithm>

namespace kite::devices {

namespace {

// Whether [offset, offset+size) lies within a region of `length` bytes, without overflow.
bool fits(u64 offset, std::size_t size, u64 length) {
    return offset <= length && size <= length - offset;
}

bool valid_mmio_width(std::size_t size) {
    return size == 1 || size == 2 || size == 4 || size == 8;
}

} // namespace

void TestDevPort::read(u64 offset, std::span<u8> data) {
    if (data.empty() || !fits(offset, data.size(), kLength)) {
        std::ranges::fill(data, u8{0xFF});
        return;
    }
    std::lock_guard lock(m_mutex);
    std::copy_n(m_bytes.begin() + offset, data.size(), data.begin());
}

void TestDevPort::write(u64 offset, std::span<const u8> data) {
    if (data.empty() || !fits(offset, data.size(), kLength))
        return;
    std::lock_guard lock(m_mutex);
    // copy_n on the checked size: GCC 12 at -O3 cannot see the bound through
    // ranges::copy and warns of an overflow that fits() rules out.
    std::copy_n(data.begin(), data.size(), m_bytes.begin() + offset);
}

void TestDevMmio::read(u64 offset, std::span<u8> data) {
    if (!valid_mmio_width(data.size()) || !fits(offset, data.size(), kLength)) {
        std::ranges::fill(data, u8{0xFF});
        return;
    }
    std::lock_guard lock(m_mutex);
    std::copy_n(m_bytes.begin() + offset, data.size(), data.begin());
}

void TestDevMmio::write(u64 offset, std::span<const u8> data) {
    if (!valid_mmio_width(data.size()) || !fits(offset, data.size(), kLength))
        return;
    std::lock_guard lock(m_mutex);
    std::ranges::copy(data, m_bytes.begin() + offset);
}

} // namespace kite::devices
