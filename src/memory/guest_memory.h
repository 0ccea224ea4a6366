#pragma once

#include "base/error.h"
#include "base/mmap_region.h"
#include "memory/guest_address.h"

#include <cstring>
#include <span>
#include <type_traits>
#include <vector>

namespace kite {

// One contiguous range of guest RAM backed by a host mapping.
struct GuestRegion {
    GuestAddress start;
    MmapRegion mapping;

    u64 size() const { return mapping.size(); }
    u64 end() const { return start.value + mapping.size(); } // exclusive
    bool contains(GuestAddress a) const { return a.value >= start.value && a.value < end(); }
};

// Guest RAM: a set of non-overlapping regions. Every access is bounds-checked
// and may span adjacent regions; an access that touches a hole or runs past the
// end is an error, never undefined behaviour. Regions are fixed once vCPUs run,
// so concurrent reads/writes from several threads need no lock here (the guest
// itself orders its accesses, as on real hardware).
class GuestMemory {
public:
    GuestMemory() = default;
    GuestMemory(GuestMemory&&) = default;
    GuestMemory& operator=(GuestMemory&&) = default;

    // Allocates `size` bytes of anonymous memory at `start`.
    Result<void> add_region(GuestAddress start, u64 size);

    const std::vector<GuestRegion>& regions() const { return m_regions; }
    u64 total_size() const;

    // True when [addr, addr+len) lies entirely in guest RAM.
    bool is_valid_range(GuestAddress addr, u64 len) const;

    Result<void> read(GuestAddress addr, std::span<u8> out) const;
    Result<void> write(GuestAddress addr, std::span<const u8> in) const;
    Result<void> fill(GuestAddress addr, u8 value, u64 len) const;

    // A host view of [addr, addr+len) when it lies within one region (for bulk
    // copies and device DMA); an error otherwise.
    Result<std::span<u8>> slice(GuestAddress addr, u64 len) const;

    template <typename T>
    Result<T> read_obj(GuestAddress addr) const {
        static_assert(std::is_trivially_copyable_v<T>);
        T value;
        TRY(read(addr, std::span(reinterpret_cast<u8*>(&value), sizeof(T))));
        return value;
    }

    template <typename T>
    Result<void> write_obj(GuestAddress addr, const T& value) const {
        static_assert(std::is_trivially_copyable_v<T>);
        return write(addr, std::span(reinterpret_cast<const u8*>(&value), sizeof(T)));
    }

private:
    // Index of the region containing addr, or -1.
    int find_region(GuestAddress addr) const;

    template <typename Fn>
    Result<void> for_each_chunk(GuestAddress addr, u64 len, Fn&& fn) const;

    std::vector<GuestRegion> m_regions; // sorted by start
};

} // namespace kite
