#include "cpu/x86/decode_cache.h"

namespace kite::x86 {

void DecodeCache::insert(u64 physical, const DecodedInsn& insn) {
    std::unique_ptr<Page>& page = m_pages[physical & ~kPageMask];
    if (!page)
        page = std::make_unique<Page>();
    u16& slot = page->slot[physical & kPageMask];
    if (slot != 0) {
        page->insns[slot - 1] = insn;
        return;
    }
    page->insns.push_back(insn);
    slot = static_cast<u16>(page->insns.size());
}

} // namespace kite::x86
