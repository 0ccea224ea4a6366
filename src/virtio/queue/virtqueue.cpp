#include "virtio/queue/virtqueue.h"

#include "base/assert.h"

#include <atomic>
#include <bit>

namespace kite::virtio {

namespace {

bool overlaps(GuestAddress a, u64 a_len, GuestAddress b, u64 b_len) {
    // The ranges are known to be in RAM, hence not wrapping.
    return a.value < b.value + b_len && b.value < a.value + a_len;
}

} // namespace

Virtqueue::Virtqueue(const GuestMemory& memory, u16 max_size)
    : m_memory(&memory), m_max_size(max_size), m_size(max_size) {
    KITE_ASSERT(max_size != 0 && std::has_single_bit(max_size) && max_size <= kMaxQueueSize,
                "virtqueue maximum size must be a power of two no larger than 32768");
}

bool Virtqueue::set_size(u32 size) {
    if (m_ready)
        return false;
    m_size = size;
    return true;
}

bool Virtqueue::set_desc_addr(GuestAddress a) {
    if (m_ready)
        return false;
    m_desc = a;
    return true;
}

bool Virtqueue::set_driver_addr(GuestAddress a) {
    if (m_ready)
        return false;
    m_avail = a;
    return true;
}

bool Virtqueue::set_device_addr(GuestAddress a) {
    if (m_ready)
        return false;
    m_used = a;
    return true;
}

Result<void> Virtqueue::activate(u64 negotiated_features) {
    if (m_size == 0 || !std::has_single_bit(m_size) || m_size > m_max_size)
        return error("virtqueue size {} is not a power of two in [1, {}]", m_size, m_max_size);
    const u64 desc_len = layout::desc_table_size(m_size);
    const u64 avail_len = layout::avail_size(m_size);
    const u64 used_len = layout::used_size(m_size);
    if (m_desc.value % layout::kDescAlign != 0 || m_avail.value % layout::kAvailAlign != 0 ||
        m_used.value % layout::kUsedAlign != 0)
        return error("virtqueue areas are misaligned (descriptors {:#x}, driver {:#x}, device {:#x})",
                     m_desc.value, m_avail.value, m_used.value);
    if (!m_memory->is_valid_range(m_desc, desc_len))
        return error("virtqueue descriptor table at {:#x} ({:#x} bytes) is outside guest RAM", m_desc.value,
                     desc_len);
    if (!m_memory->is_valid_range(m_avail, avail_len))
        return error("virtqueue driver area at {:#x} ({:#x} bytes) is outside guest RAM", m_avail.value,
                     avail_len);
    if (!m_memory->is_valid_range(m_used, used_len))
        return error("virtqueue device area at {:#x} ({:#x} bytes) is outside guest RAM", m_used.value,
                     used_len);
    if (overlaps(m_desc, desc_len, m_avail, avail_len) || overlaps(m_desc, desc_len, m_used, used_len) ||
        overlaps(m_avail, avail_len, m_used, used_len))
        return error("virtqueue areas overlap (descriptors {:#x}, driver {:#x}, device {:#x})", m_desc.value,
                     m_avail.value, m_used.value);
    m_event_idx = (negotiated_features & feature::kRingEventIdx) != 0;
    m_indirect = (negotiated_features & feature::kIndirectDesc) != 0;
    m_next_avail = 0;
    m_next_used = 0;
    m_signalled_used = 0;
    m_broken = false;
    m_ready = true;
    return {};
}

void Virtqueue::reset() {
    m_size = m_max_size;
    m_desc = m_avail = m_used = GuestAddress();
    m_ready = m_broken = m_event_idx = m_indirect = false;
    m_next_avail = m_next_used = m_signalled_used = 0;
}

void Virtqueue::set_indices(u16 next_avail, u16 next_used) {
    m_next_avail = next_avail;
    m_next_used = next_used;
    m_signalled_used = next_used;
}

std::unexpected<Error> Virtqueue::fail(Error e) {
    m_broken = true;
    return std::unexpected(std::move(e));
}

Result<u16> Virtqueue::read_avail_idx() const {
    return m_memory->read_obj<u16>(m_avail + layout::kAvailIdx);
}

Result<std::optional<DescriptorChain>> Virtqueue::pop() {
    if (!m_ready || m_broken)
        return std::nullopt;
    auto idx = read_avail_idx();
    if (!idx)
        return fail(std::move(idx).error());
    u16 pending = static_cast<u16>(*idx - m_next_avail);
    if (pending == 0 && m_event_idx) {
        // Ask for a notification on the next buffer, then look again: the driver
        // may have added one before it could see avail_event.
        if (auto w = m_memory->write_obj<u16>(m_used + layout::avail_event(m_size), m_next_avail); !w)
            return fail(std::move(w).error());
        std::atomic_thread_fence(std::memory_order_seq_cst);
        idx = read_avail_idx();
        if (!idx)
            return fail(std::move(idx).error());
        pending = static_cast<u16>(*idx - m_next_avail);
    }
    if (pending == 0)
        return std::nullopt;
    if (pending > m_size)
        return fail(Error::format("available index {} is {} entries ahead of the device's {} (queue size {})",
                                  *idx, pending, m_next_avail, m_size));
    // Read the ring entry and the descriptors only after seeing the index.
    std::atomic_thread_fence(std::memory_order_acquire);
    auto head = m_memory->read_obj<u16>(m_avail + layout::avail_ring_entry(m_next_avail & (m_size - 1)));
    if (!head)
        return fail(std::move(head).error());
    if (*head >= m_size)
        return fail(Error::format("available ring entry {} names descriptor {} (queue size {})", m_next_avail,
                                  *head, m_size));
    auto chain = read_chain(*head);
    if (!chain)
        return fail(std::move(chain).error());
    ++m_next_avail;
    return std::optional<DescriptorChain>(std::move(*chain));
}

Result<DescriptorChain> Virtqueue::read_chain(u16 head) const {
    DescriptorChain chain(head);
    u32 index = head;
    for (u32 count = 1;; ++count) {
        if (count > m_size)
            return error("descriptor chain {} is longer than the queue size {} (a loop?)", head, m_size);
        VirtqDesc desc = TRY(m_memory->read_obj<VirtqDesc>(m_desc + u64{16} * index));
        if (desc.flags & kDescFIndirect) {
            // Any direct descriptors may be followed by one indirect table, which ends the chain.
            if (!m_indirect)
                return error("descriptor chain {}: indirect descriptor {} without VIRTIO_F_INDIRECT_DESC",
                             head, index);
            if (desc.flags & kDescFNext)
                return error("descriptor chain {}: indirect descriptor {} also has NEXT", head, index);
            chain.count_descriptor();
            TRY(read_indirect(chain, desc));
            return chain;
        }
        chain.count_descriptor();
        TRY(chain.append(*m_memory, GuestAddress(desc.addr), desc.len, (desc.flags & kDescFWrite) != 0));
        if (!(desc.flags & kDescFNext))
            return chain;
        index = desc.next;
        if (index >= m_size)
            return error("descriptor chain {}: next index {} is outside the queue (size {})", head, index,
                         m_size);
    }
}

Result<void> Virtqueue::read_indirect(DescriptorChain& chain, const VirtqDesc& table) const {
    const u16 head = chain.head();
    if (table.len == 0 || table.len % sizeof(VirtqDesc) != 0)
        return error("descriptor chain {}: indirect table length {} is not a non-zero multiple of 16", head,
                     table.len);
    const u32 entries = table.len / sizeof(VirtqDesc);
    if (entries > kMaxIndirectEntries)
        return error("descriptor chain {}: indirect table of {} entries exceeds {}", head, entries,
                     kMaxIndirectEntries);
    const GuestAddress base(table.addr);
    if (!m_memory->is_valid_range(base, table.len))
        return error("descriptor chain {}: indirect table at {:#x} ({} bytes) is outside guest RAM", head,
                     table.addr, table.len);
    u32 index = 0;
    for (u32 count = 1;; ++count) {
        if (count > entries)
            return error("descriptor chain {}: indirect chain is longer than its table of {} (a loop?)", head,
                         entries);
        VirtqDesc desc = TRY(m_memory->read_obj<VirtqDesc>(base + u64{16} * index));
        if (desc.flags & kDescFIndirect)
            return error("descriptor chain {}: nested indirect descriptor at table entry {}", head, index);
        chain.count_descriptor();
        TRY(chain.append(*m_memory, GuestAddress(desc.addr), desc.len, (desc.flags & kDescFWrite) != 0));
        if (!(desc.flags & kDescFNext))
            return {};
        index = desc.next;
        if (index >= entries)
            return error("descriptor chain {}: indirect next index {} is outside the table of {}", head,
                         index, entries);
    }
}

Result<void> Virtqueue::push_used(u16 head, u32 written_len) {
    const VirtqUsedElem elem{head, written_len};
    return push_used_batch(std::span(&elem, 1));
}

Result<void> Virtqueue::push_used_batch(std::span<const VirtqUsedElem> elems) {
    if (!m_ready || m_broken)
        return error("push_used on a virtqueue that is not ready");
    if (elems.size() > m_size)
        return error("push_used of {} elements on a queue of size {}", elems.size(), m_size);
    for (const auto& elem : elems) {
        if (elem.id >= m_size)
            return error("push_used of descriptor {} outside the queue (size {})", elem.id, m_size);
    }
    u16 next = m_next_used;
    for (const auto& elem : elems) {
        TRY(m_memory->write_obj(m_used + layout::used_ring_entry(next & (m_size - 1)), elem));
        ++next;
    }
    // The elements must be visible before the index that publishes them (all at once).
    std::atomic_thread_fence(std::memory_order_release);
    TRY(m_memory->write_obj<u16>(m_used + layout::kUsedIdx, next));
    m_next_used = next;
    return {};
}

Result<bool> Virtqueue::needs_notification() {
    if (!m_ready || m_broken)
        return false;
    // Order the used index store before reading the driver's suppression state.
    std::atomic_thread_fence(std::memory_order_seq_cst);
    const u16 old_used = m_signalled_used;
    const u16 new_used = m_next_used;
    m_signalled_used = new_used;
    if (old_used == new_used)
        return false;
    if (m_event_idx) {
        u16 used_event = TRY(m_memory->read_obj<u16>(m_avail + layout::used_event(m_size)));
        return need_event(used_event, new_used, old_used);
    }
    u16 flags = TRY(m_memory->read_obj<u16>(m_avail + layout::kAvailFlags));
    return (flags & kAvailFNoInterrupt) == 0;
}

} // namespace kite::virtio
