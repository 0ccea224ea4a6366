#pragma once

// A guest driver's side of a split virtqueue, for tests: it lays out the
// descriptor table and rings in a GuestMemory, builds chains (direct and
// indirect), makes them available and reads the used ring back, as a guest
// driver would. It writes whatever it is told to, so tests can also build
// malformed rings.

#include "base/assert.h"
#include "base/types.h"
#include "memory/guest_memory.h"
#include "virtio/queue/virtio_spec.h"

#include <initializer_list>
#include <optional>
#include <vector>

namespace kite::virtio::testing {

constexpr u64 kRamBase = 0x4000'0000;
constexpr u64 kRamSize = 4 * MiB;

template <typename T>
T must(Result<T> r) {
    KITE_ASSERT(r.has_value(), "test setup failed");
    return std::move(*r);
}
inline void must(Result<void> r) {
    KITE_ASSERT(r.has_value(), "test setup failed");
}

inline GuestMemory make_memory(u64 base = kRamBase, u64 size = kRamSize) {
    GuestMemory m;
    must(m.add_region(GuestAddress(base), size));
    return m;
}

struct Buffer {
    u64 addr;
    u32 len;
};

class MockDriver {
public:
    // Rings at explicit addresses.
    MockDriver(const GuestMemory& memory, u16 size, GuestAddress desc, GuestAddress avail, GuestAddress used)
        : m_memory(&memory), m_size(size), m_desc(desc), m_avail(avail), m_used(used) {
        must(memory.fill(desc, 0, layout::desc_table_size(size)));
        must(memory.fill(avail, 0, layout::avail_size(size)));
        must(memory.fill(used, 0, layout::used_size(size)));
    }

    // The three areas one after another from `base` (page-aligned each).
    static MockDriver at(const GuestMemory& memory, u16 size, u64 base = kRamBase) {
        u64 desc = base;
        u64 avail = align(desc + layout::desc_table_size(size), 4096);
        u64 used = align(avail + layout::avail_size(size), 4096);
        return MockDriver(memory, size, GuestAddress(desc), GuestAddress(avail), GuestAddress(used));
    }
    // The first byte after the rings made by at() (for buffers).
    static u64 end_of(u16 size, u64 base = kRamBase) {
        u64 avail = align(base + layout::desc_table_size(size), 4096);
        u64 used = align(avail + layout::avail_size(size), 4096);
        return align(used + layout::used_size(size), 4096);
    }

    u16 size() const { return m_size; }
    GuestAddress desc_addr() const { return m_desc; }
    GuestAddress avail_addr() const { return m_avail; }
    GuestAddress used_addr() const { return m_used; }

    void set_desc(u16 index, u64 addr, u32 len, u16 flags, u16 next) {
        write_desc(m_desc, index, addr, len, flags, next);
    }
    void write_desc(GuestAddress table, u32 index, u64 addr, u32 len, u16 flags, u16 next) {
        must(m_memory->write_obj(table + u64{16} * index, VirtqDesc{addr, len, flags, next}));
    }

    // Writes a direct chain into free table slots (taken in order, wrapping);
    // returns its head. Not yet available to the device: see publish().
    u16 add_chain(std::initializer_list<Buffer> readable, std::initializer_list<Buffer> writable) {
        std::vector<std::pair<Buffer, bool>> all;
        for (const Buffer& b : readable)
            all.emplace_back(b, false);
        for (const Buffer& b : writable)
            all.emplace_back(b, true);
        KITE_ASSERT(!all.empty() && all.size() <= m_size, "chain size");
        u16 head = m_next_free;
        for (std::size_t i = 0; i < all.size(); ++i) {
            u16 index = m_next_free;
            m_next_free = static_cast<u16>((m_next_free + 1) % m_size);
            bool last = i + 1 == all.size();
            u16 flags = static_cast<u16>((last ? 0 : kDescFNext) | (all[i].second ? kDescFWrite : 0));
            set_desc(index, all[i].first.addr, all[i].first.len, flags, last ? 0 : m_next_free);
        }
        return head;
    }

    // Writes an indirect table at `table` and one table-slot descriptor naming it.
    u16 add_indirect_chain(GuestAddress table, std::initializer_list<Buffer> readable,
                           std::initializer_list<Buffer> writable) {
        std::vector<std::pair<Buffer, bool>> all;
        for (const Buffer& b : readable)
            all.emplace_back(b, false);
        for (const Buffer& b : writable)
            all.emplace_back(b, true);
        for (std::size_t i = 0; i < all.size(); ++i) {
            bool last = i + 1 == all.size();
            u16 flags = static_cast<u16>((last ? 0 : kDescFNext) | (all[i].second ? kDescFWrite : 0));
            write_desc(table, static_cast<u32>(i), all[i].first.addr, all[i].first.len, flags,
                       last ? 0 : static_cast<u16>(i + 1));
        }
        u16 head = m_next_free;
        m_next_free = static_cast<u16>((m_next_free + 1) % m_size);
        set_desc(head, table.value, static_cast<u32>(16 * all.size()), kDescFIndirect, 0);
        return head;
    }

    // Puts `head` in the available ring and bumps the index.
    void publish(u16 head) {
        u16 idx = avail_idx();
        must(m_memory->write_obj<u16>(m_avail + layout::avail_ring_entry(idx % m_size), head));
        set_avail_idx(static_cast<u16>(idx + 1));
    }

    u16 avail_idx() const { return must(m_memory->read_obj<u16>(m_avail + layout::kAvailIdx)); }
    void set_avail_idx(u16 v) { must(m_memory->write_obj<u16>(m_avail + layout::kAvailIdx, v)); }
    void set_avail_flags(u16 v) { must(m_memory->write_obj<u16>(m_avail + layout::kAvailFlags, v)); }
    void set_used_event(u16 v) { must(m_memory->write_obj<u16>(m_avail + layout::used_event(m_size), v)); }
    void set_ring_entry(u16 pos, u16 head) {
        must(m_memory->write_obj<u16>(m_avail + layout::avail_ring_entry(pos % m_size), head));
    }

    u16 used_idx() const { return must(m_memory->read_obj<u16>(m_used + layout::kUsedIdx)); }
    u16 avail_event() const { return must(m_memory->read_obj<u16>(m_used + layout::avail_event(m_size))); }
    VirtqUsedElem used_elem(u16 pos) const {
        return must(m_memory->read_obj<VirtqUsedElem>(m_used + layout::used_ring_entry(pos % m_size)));
    }
    // The next used element not yet taken, if the device published one.
    std::optional<VirtqUsedElem> take_used() {
        if (used_idx() == m_last_used)
            return std::nullopt;
        return used_elem(m_last_used++);
    }
    // Starts both sides' free-running indices at `start` (for wrap-around tests).
    void set_start_index(u16 start) {
        set_avail_idx(start);
        must(m_memory->write_obj<u16>(m_used + layout::kUsedIdx, start));
        m_last_used = start;
    }

private:
    static u64 align(u64 v, u64 a) { return (v + a - 1) / a * a; }

    const GuestMemory* m_memory;
    u16 m_size;
    GuestAddress m_desc;
    GuestAddress m_avail;
    GuestAddress m_used;
    u16 m_next_free{0};
    u16 m_last_used{0};
};

} // namespace kite::virtio::testing
