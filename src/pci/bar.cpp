#include "pci/bar.h"

#include <bit>

namespace kite::pci {

namespace {
constexpr u32 kMemoryTypeMask = 0xF; // space, type (2 bits), prefetchable
constexpr u32 kIoTypeMask = 0x3;     // space, reserved
constexpr u32 kIoSpaceBit = 0x1;
constexpr u32 kMemory64Type = 0x4;
constexpr u32 kPrefetchableBit = 0x8;
} // namespace

bool BarLayout::valid() const {
    if (!std::has_single_bit(size))
        return false;
    switch (kind) {
    case BarKind::Memory32:
        return size >= kMinMemorySize && size <= kMaxMemory32Size;
    case BarKind::Memory64:
        return size >= kMinMemorySize && size <= (u64{1} << 63);
    case BarKind::Io:
        return !prefetchable && size >= kMinIoSize && size <= kMaxIoSize;
    }
    return false;
}

u32 BarLayout::type_bits() const {
    switch (kind) {
    case BarKind::Memory32:
        return prefetchable ? kPrefetchableBit : 0;
    case BarKind::Memory64:
        return kMemory64Type | (prefetchable ? kPrefetchableBit : 0);
    case BarKind::Io:
        return kIoSpaceBit;
    }
    return 0;
}

u64 BarLayout::writable_mask() const {
    const u64 address_bits = ~(size - 1);
    switch (kind) {
    case BarKind::Memory32:
        return address_bits & 0xFFFF'FFFFull & ~u64{kMemoryTypeMask};
    case BarKind::Memory64:
        return address_bits & ~u64{kMemoryTypeMask};
    case BarKind::Io:
        return address_bits & 0xFFFF'FFFFull & ~u64{kIoTypeMask};
    }
    return 0;
}

u64 BarLayout::address_of(u64 raw) const {
    return raw & writable_mask();
}

} // namespace kite::pci
