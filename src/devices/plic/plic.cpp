#include "devices/plic/plic.h"

#include "base/assert.h"
#include "base/le_bytes.h"
#include "base/log.h"

#include <algorithm>

namespace kite::devices {

namespace {

u32 checked_context_count(u32 harts) {
    KITE_ASSERT(harts >= 1 && harts <= Plic::kMaxHarts, "PLIC hart count out of range");
    return 2 * harts;
}

// Source 0 does not exist, so its enable and pending bits are hardwired to 0.
constexpr u32 kWord0Mask = ~u32{1};

} // namespace

Plic::Plic(u32 hart_count, ContextOutput output)
    : m_output(std::move(output)), m_contexts(checked_context_count(hart_count)) {
    m_lines.reserve(kSourceCount);
    for (u32 source = 0; source < kSourceCount; ++source)
        m_lines.push_back(source == 0 ? nullptr : std::make_shared<SourceLine>(this, source));
}

Plic::~Plic() {
    for (auto& line : m_lines) {
        if (line)
            line->detach();
    }
}

std::shared_ptr<IrqLine> Plic::irq_line(u32 source) {
    if (source == 0 || source >= kSourceCount)
        return nullptr;
    return m_lines[source];
}

void Plic::assign(Bits& bits, u32 source, bool value) {
    u32 mask = u32{1} << (source % 32);
    if (value)
        bits[source / 32] |= mask;
    else
        bits[source / 32] &= ~mask;
}

void Plic::set_source_level(u32 source, bool level) {
    if (source == 0 || source >= kSourceCount)
        return;
    std::lock_guard lock(m_mutex);
    assign(m_level, source, level);
    // The gateway forwards one request per claim/complete cycle.
    if (level && !test(m_in_flight, source) && !test(m_pending, source)) {
        assign(m_pending, source, true);
        update_outputs_locked();
    }
}

bool Plic::output_level(u32 context) const {
    std::lock_guard lock(m_mutex);
    return context < m_contexts.size() && m_contexts[context].output;
}

bool Plic::pending(u32 source) const {
    std::lock_guard lock(m_mutex);
    return source < kSourceCount && test(m_pending, source);
}

void Plic::read(u64 offset, std::span<u8> data) {
    if (data.size() != 4 || offset % 4 != 0 || offset >= kLength) {
        std::ranges::fill(data, u8{0});
        if (m_ignored.fetch_add(1, std::memory_order_relaxed) == 0)
            log::warn("plic: ignoring {}-byte read at offset {:#x}", data.size(), offset);
        return;
    }
    u32 value = read_register(offset);
    for (std::size_t i = 0; i < 4; ++i)
        data[i] = static_cast<u8>(value >> (8 * i));
}

void Plic::write(u64 offset, std::span<const u8> data) {
    if (data.size() != 4 || offset % 4 != 0 || offset >= kLength) {
        if (m_ignored.fetch_add(1, std::memory_order_relaxed) == 0)
            log::warn("plic: ignoring {}-byte write at offset {:#x}", data.size(), offset);
        return;
    }
    const auto value = static_cast<u32>(load_le(data));
    write_register(offset, value);
}

u32 Plic::read_register(u64 offset) {
    std::lock_guard lock(m_mutex);
    if (offset < kPendingBase) {
        u64 source = (offset - kPriorityBase) / 4;
        return source < kSourceCount ? m_priority[source] : 0;
    }
    if (offset < kEnableBase) {
        u64 word = (offset - kPendingBase) / 4;
        return word < kWords ? m_pending[word] : 0;
    }
    if (offset < kContextBase) {
        u64 context = (offset - kEnableBase) / kEnableStride;
        u64 word = (offset - kEnableBase) % kEnableStride / 4;
        return context < m_contexts.size() && word < kWords ? m_contexts[context].enable[word] : 0;
    }
    u64 context = (offset - kContextBase) / kContextStride;
    if (context >= m_contexts.size())
        return 0;
    switch ((offset - kContextBase) % kContextStride) {
    case kThresholdOffset:
        return m_contexts[context].threshold;
    case kClaimOffset:
        return claim_locked(static_cast<u32>(context));
    default:
        return 0;
    }
}

void Plic::write_register(u64 offset, u32 value) {
    std::lock_guard lock(m_mutex);
    if (offset < kPendingBase) {
        u64 source = (offset - kPriorityBase) / 4;
        if (source == 0 || source >= kSourceCount)
            return;
        m_priority[source] = value & kMaxPriority; // WARL: only the implemented bits stick
    } else if (offset < kEnableBase) {
        return; // pending bits are read-only
    } else if (offset < kContextBase) {
        u64 context = (offset - kEnableBase) / kEnableStride;
        u64 word = (offset - kEnableBase) % kEnableStride / 4;
        if (context >= m_contexts.size() || word >= kWords)
            return;
        m_contexts[context].enable[word] = word == 0 ? value & kWord0Mask : value;
    } else {
        u64 context = (offset - kContextBase) / kContextStride;
        if (context >= m_contexts.size())
            return;
        switch ((offset - kContextBase) % kContextStride) {
        case kThresholdOffset:
            m_contexts[context].threshold = value & kMaxPriority;
            break;
        case kClaimOffset:
            complete_locked(static_cast<u32>(context), value);
            break;
        default:
            return;
        }
    }
    update_outputs_locked();
}

u32 Plic::best_source_locked(const Context& context) const {
    u32 best = 0;
    u32 best_priority = context.threshold; // a source must exceed the threshold
    for (u32 word = 0; word < kWords; ++word) {
        u32 candidates = m_pending[word] & context.enable[word];
        while (candidates != 0) {
            u32 bit = static_cast<u32>(__builtin_ctz(candidates));
            candidates &= candidates - 1;
            u32 source = word * 32 + bit;
            // Strictly greater: among equal priorities the lowest id (seen first) wins.
            if (m_priority[source] > best_priority) {
                best = source;
                best_priority = m_priority[source];
            }
        }
    }
    return best;
}

u32 Plic::claim_locked(u32 context) {
    u32 source = best_source_locked(m_contexts[context]);
    if (source != 0) {
        assign(m_pending, source, false);
        assign(m_in_flight, source, true);
        update_outputs_locked();
    }
    return source;
}

void Plic::complete_locked(u32 context, u32 source) {
    // The spec ignores completions for sources not enabled in this context;
    // a source that is not in flight has nothing to complete.
    if (source == 0 || source >= kSourceCount || !test(m_contexts[context].enable, source) ||
        !test(m_in_flight, source))
        return;
    assign(m_in_flight, source, false);
    if (test(m_level, source))
        assign(m_pending, source, true); // still asserted: the gateway requests again
}

void Plic::update_outputs_locked() {
    for (u32 context = 0; context < m_contexts.size(); ++context) {
        Context& ctx = m_contexts[context];
        bool level = best_source_locked(ctx) != 0;
        if (ctx.output == level)
            continue;
        ctx.output = level;
        if (m_output)
            m_output(context, level);
    }
}

} // namespace kite::devices
