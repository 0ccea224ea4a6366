#pragma once

// Shared by the F and D handlers: mstatus.FS gating and dirtying, rounding
// mode resolution, NaN-boxed register access and fflags accrual. The
// arithmetic itself is kite_riscv_fpu's.

#include "cpu/riscv/exec.h"
#include "cpu/riscv/fpu/fpu.h"

namespace kite::riscv::fp {

using fpu::RoundingMode;

// The rm field with DYN (7) resolved from frm; false for the reserved
// encodings 5 and 6 and for DYN while frm holds an invalid mode.
inline bool resolve_rm(const Core& c, u8 rm, RoundingMode& out) {
    const u8 mode = rm == 7 ? c.st.frm : rm;
    if (mode > 4)
        return false;
    out = static_cast<RoundingMode>(mode);
    return true;
}

inline u32 read_s(const Core& c, u8 r) {
    return fpu::unbox32(c.st.f[r]);
}
inline u64 read_d(const Core& c, u8 r) {
    return c.st.f[r];
}

inline void write_s(Core& c, u8 r, u32 v) {
    c.st.f[r] = fpu::box32(v);
    c.fp_dirty();
}
inline void write_d(Core& c, u8 r, u64 v) {
    c.st.f[r] = v;
    c.fp_dirty();
}

inline void accrue(Core& c, u32 flags) {
    if (flags != 0) {
        c.st.fflags = static_cast<u8>(c.st.fflags | flags);
        c.fp_dirty();
    }
}

} // namespace kite::riscv::fp

// Handler prologues: FP instructions are illegal while FS is Off, and those
// with a rounding-mode field are illegal when it resolves to no valid mode.
#define KITE_RV_FP_REQUIRE_ENABLED()                                                                         \
    if (!c.fp_enabled())                                                                                     \
    return c.illegal(pc)

#define KITE_RV_FP_REQUIRE_RM(var)                                                                           \
    KITE_RV_FP_REQUIRE_ENABLED();                                                                            \
    ::kite::riscv::fpu::RoundingMode var;                                                                    \
    if (!::kite::riscv::fp::resolve_rm(c, d.rm, var))                                                        \
    return c.illegal(pc)
