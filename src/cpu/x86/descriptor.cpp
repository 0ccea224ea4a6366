#include "cpu/x86/descriptor.h"

namespace kite::x86 {

bool read_descriptor(Core& c, u16 selector, Descriptor& out) {
    const u16 index = selector & ~u16{7};
    if (index == 0 || (selector & 4) != 0 || u32{index} + 7 > c.st.gdtr.limit)
        return c.raise(Exception::gp(selector & ~u32{3}));
    u64 raw = 0;
    if (!c.read_value(c.st.gdtr.base + index, 8, raw))
        return false;
    out.base = ((raw >> 16) & 0xffffff) | (((raw >> 56) & 0xff) << 24);
    out.limit = static_cast<u32>((raw & 0xffff) | (((raw >> 48) & 0xf) << 16));
    out.attr = static_cast<u16>(((raw >> 40) & 0xff) | (((raw >> 52) & 0xf) << 8));
    if (out.attr & 0x800) // G: 4 KiB granularity
        out.limit = (out.limit << 12) | 0xfff;
    return true;
}

Segment segment_from(u16 selector, const Descriptor& d) {
    return Segment{.selector = selector, .base = d.base, .limit = d.limit, .attr = d.attr};
}

} // namespace kite::x86
