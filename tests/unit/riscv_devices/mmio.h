#pragma once

#include "base/types.h"
#include "bus/bus_device.h"

#include <array>

namespace kite::devices::test {

// Little-endian MMIO accesses of a given width, as a bus would deliver them.
template <std::size_t Width>
u64 read_n(BusDevice& device, u64 offset) {
    std::array<u8, Width> data{};
    data.fill(0xAA); // a device must overwrite every byte
    device.read(offset, data);
    u64 value = 0;
    for (std::size_t i = 0; i < Width; ++i)
        value |= static_cast<u64>(data[i]) << (8 * i);
    return value;
}

template <std::size_t Width>
void write_n(BusDevice& device, u64 offset, u64 value) {
    std::array<u8, Width> data{};
    for (std::size_t i = 0; i < Width; ++i)
        data[i] = static_cast<u8>(value >> (8 * i));
    device.write(offset, data);
}

inline u32 read32(BusDevice& device, u64 offset) {
    return static_cast<u32>(read_n<4>(device, offset));
}
inline void write32(BusDevice& device, u64 offset, u32 value) {
    write_n<4>(device, offset, value);
}
inline u64 read64(BusDevice& device, u64 offset) {
    return read_n<8>(device, offset);
}
inline void write64(BusDevice& device, u64 offset, u64 value) {
    write_n<8>(device, offset, value);
}

} // namespace kite::devices::test
