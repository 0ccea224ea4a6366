#include "devices/clint/clint.h"

#include "base/assert.h"
#include "base/clock.h"
#include "base/le_bytes.h"
#include "base/log.h"

#include <algorithm>

namespace kite::devices {

namespace {

// Replaces the 32-bit half of `reg` that a 4-byte access at `offset` addresses
// (offset bit 2 picks the high half), or all of it for an 8-byte access.
u64 merge_half(u64 reg, u64 offset, std::size_t width, u64 value) {
    if (width == 8)
        return value;
    if (offset & 4)
        return (reg & 0xFFFF'FFFFull) | (value << 32);
    return (reg & ~0xFFFF'FFFFull) | (value & 0xFFFF'FFFFull);
}

u64 extract_half(u64 reg, u64 offset, std::size_t width) {
    if (width == 8)
        return reg;
    return (offset & 4) ? reg >> 32 : reg & 0xFFFF'FFFFull;
}

// Valid: 4-byte aligned accesses to any register, and 8-byte aligned accesses to
// mtimecmp and mtime.
bool valid_access(u64 offset, std::size_t width, u32 harts) {
    if ((width != 4 && width != 8) || offset % width != 0)
        return false;
    if (offset < Clint::kMtimecmpBase)
        return width == 4 && offset / 4 < harts;
    if (offset < Clint::kMtime)
        return (offset - Clint::kMtimecmpBase) / 8 < harts;
    return offset < Clint::kMtime + 8;
}

u32 checked_hart_count(u32 harts) {
    KITE_ASSERT(harts >= 1 && harts <= Clint::kMaxHarts, "CLINT hart count out of range");
    return harts;
}

} // namespace

Clint::Clint(u32 hart_count, Clock now_ns, ClintOutputs outputs)
    : m_now_ns(now_ns ? std::move(now_ns) : Clock(&monotonic_ns)), m_outputs(std::move(outputs)),
      m_epoch_ns(m_now_ns()), m_harts(checked_hart_count(hart_count)) {}

u64 Clint::mtime() const {
    return elapsed_ticks(m_now_ns()) + m_offset.load(std::memory_order_acquire);
}

u64 Clint::mtimecmp(u32 hart) const {
    std::lock_guard lock(m_mutex);
    return hart < m_harts.size() ? m_harts[hart].mtimecmp : ~u64{0};
}

bool Clint::msip_level(u32 hart) const {
    std::lock_guard lock(m_mutex);
    return hart < m_harts.size() && m_harts[hart].msip;
}

bool Clint::mtip_level(u32 hart) const {
    std::lock_guard lock(m_mutex);
    return hart < m_harts.size() && m_harts[hart].mtip;
}

void Clint::note_ignored(const char* what, u64 offset, std::size_t width) {
    if (m_ignored.fetch_add(1, std::memory_order_relaxed) == 0)
        log::warn("clint: ignoring {}-byte {} at offset {:#x}", width, what, offset);
}

void Clint::read(u64 offset, std::span<u8> data) {
    if (!valid_access(offset, data.size(), hart_count())) {
        std::ranges::fill(data, u8{0});
        note_ignored("read", offset, data.size());
        return;
    }
    store_le(data, read_register(offset, data.size()));
}

void Clint::write(u64 offset, std::span<const u8> data) {
    if (!valid_access(offset, data.size(), hart_count())) {
        note_ignored("write", offset, data.size());
        return;
    }
    write_register(offset, data.size(), load_le(data));
}

u64 Clint::read_register(u64 offset, std::size_t width) {
    if (offset >= kMtime)
        return extract_half(mtime(), offset, width);
    std::lock_guard lock(m_mutex);
    if (offset < kMtimecmpBase)
        return m_harts[offset / 4].msip ? 1 : 0;
    return extract_half(m_harts[(offset - kMtimecmpBase) / 8].mtimecmp, offset, width);
}

void Clint::write_register(u64 offset, std::size_t width, u64 value) {
    std::lock_guard lock(m_mutex);
    if (offset < kMtimecmpBase) {
        set_msip_locked(static_cast<u32>(offset / 4), (value & 1) != 0); // other bits are hardwired to 0
    } else if (offset < kMtime) {
        u32 hart = static_cast<u32>((offset - kMtimecmpBase) / 8);
        m_harts[hart].mtimecmp = merge_half(m_harts[hart].mtimecmp, offset, width, value);
        update_mtip_locked(hart, mtime());
    } else {
        set_mtime_locked(merge_half(mtime(), offset, width, value));
    }
}

void Clint::set_mtime_locked(u64 value) {
    // Keep the host clock as the source and move the origin instead.
    u64 ticks = elapsed_ticks(m_now_ns());
    m_offset.store(value - ticks, std::memory_order_release);
    update_all_mtip_locked();
}

void Clint::set_msip_locked(u32 hart, bool level) {
    Hart& h = m_harts[hart];
    if (h.msip == level)
        return;
    h.msip = level;
    if (m_outputs.msip)
        m_outputs.msip(hart, level);
}

void Clint::update_mtip_locked(u32 hart, u64 now_mtime) {
    Hart& h = m_harts[hart];
    bool level = now_mtime >= h.mtimecmp;
    if (h.mtip == level)
        return;
    h.mtip = level;
    if (m_outputs.mtip)
        m_outputs.mtip(hart, level);
}

void Clint::update_all_mtip_locked() {
    // One clock sample for all harts, so they agree on "now".
    u64 now_mtime = mtime();
    for (u32 hart = 0; hart < m_harts.size(); ++hart)
        update_mtip_locked(hart, now_mtime);
}

void Clint::update() {
    std::lock_guard lock(m_mutex);
    update_all_mtip_locked();
}

std::optional<u64> Clint::next_deadline_ns() const {
    std::lock_guard lock(m_mutex);
    u64 now = m_now_ns();
    u64 ticks = elapsed_ticks(now);
    u64 now_mtime = ticks + m_offset.load(std::memory_order_relaxed);
    std::optional<u64> earliest;
    for (const Hart& h : m_harts) {
        if (h.mtip)
            continue; // already raised: waiting for the guest, not for time
        u64 deadline = now;
        if (h.mtimecmp > now_mtime) {
            // The first host time whose tick count reaches mtimecmp; a deadline
            // beyond the clock's range (e.g. the all-ones reset value) never comes.
            u64 target_ticks = 0, target_ns = 0;
            if (__builtin_add_overflow(ticks, h.mtimecmp - now_mtime, &target_ticks) ||
                __builtin_mul_overflow(target_ticks, kNsPerTick, &target_ns) ||
                __builtin_add_overflow(target_ns, m_epoch_ns, &deadline))
                continue;
        }
        if (!earliest || deadline < *earliest)
            earliest = deadline;
    }
    return earliest;
}

} // namespace kite::devices
