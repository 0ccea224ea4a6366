#pragma once

// Segment descriptors from the GDT, as the system side reads them.

#include "cpu/x86/core.h"

namespace kite::x86 {

// An 8-byte code or data descriptor, decoded.
struct Descriptor {
    u64 base{0};
    u32 limit{0};
    u16 attr{0}; // as Segment::attr: type|S|DPL|P in 0..7, AVL|L|D/B|G in 8..11
    u8 dpl() const { return static_cast<u8>((attr >> 5) & 3); }
    bool present() const { return (attr & 0x80) != 0; }
    bool code() const { return (attr & 0x18) == 0x18; }    // S=1, executable
    bool long_mode() const { return (attr & 0x200) != 0; } // L
};

// Reads the GDT descriptor `selector` names; a null selector, an LDT one or
// one past the GDT limit raises #GP(selector & ~3).
bool read_descriptor(Core& c, u16 selector, Descriptor& out);

// The segment register value for `selector` loaded from `d`.
Segment segment_from(u16 selector, const Descriptor& d);

} // namespace kite::x86
