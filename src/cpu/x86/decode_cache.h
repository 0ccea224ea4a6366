#pragma once

#include "cpu/x86/decoded_insn.h"
#include "cpu/x86/memory.h"

#include <array>
#include <memory>
#include <unordered_map>
#include <vector>

namespace kite::x86 {

// Decoded instructions keyed by the physical address of their first byte,
// held per 4 KiB page. Writing a page drops what was decoded from it, which
// is how self-modifying (and cross-modifying, through invalidate()) code is
// seen. Instructions that cross a page end are not cached: they are decoded
// each time, so a write to either page is always seen.
class DecodeCache {
public:
    const DecodedInsn* find(u64 physical) const {
        const auto it = m_pages.find(physical & ~kPageMask);
        if (it == m_pages.end())
            return nullptr;
        const u16 slot = it->second->slot[physical & kPageMask];
        return slot == 0 ? nullptr : &it->second->insns[slot - 1];
    }

    void insert(u64 physical, const DecodedInsn& insn);

    // Drops the pages that [physical, physical + size) touches.
    void invalidate(u64 physical, u64 size) {
        if (m_pages.empty())
            return;
        const u64 last = (physical + size - 1) & ~kPageMask;
        for (u64 page = physical & ~kPageMask;; page += kPageSize) {
            m_pages.erase(page);
            if (page == last)
                break;
        }
    }

    void clear() { m_pages.clear(); }
    std::size_t page_count() const { return m_pages.size(); }

private:
    struct Page {
        std::array<u16, kPageSize> slot{}; // 1 + index into insns; 0: not decoded
        std::vector<DecodedInsn> insns;
    };
    std::unordered_map<u64, std::unique_ptr<Page>> m_pages;
};

} // namespace kite::x86
