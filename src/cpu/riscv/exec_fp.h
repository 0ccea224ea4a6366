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

// The two formats, for the handler shapes below: the bit pattern type,
// the NaN-boxing register access, and how fmv.x.w/fmv.x.d widen raw bits.
struct Single {
    using Bits = u32;
    static Bits read(const Core& c, u8 r) { return read_s(c, r); }
    static void write(Core& c, u8 r, Bits v) { write_s(c, r, v); }
    static u64 to_x(u64 f) { return sext32(f); }
};
struct Double {
    using Bits = u64;
    static Bits read(const Core& c, u8 r) { return read_d(c, r); }
    static void write(Core& c, u8 r, Bits v) { write_d(c, r, v); }
    static u64 to_x(u64 f) { return f; }
};

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

// Handler shapes shared by F and D. Fmt is fp::Single or fp::Double; expr
// computes the result from a, b and e (rs1, rs2 and rs3 read in that format),
// the resolved rm where there is one, and the flags it raises.

// Result in rd, rounding mode required.
#define KITE_RV_FP_RM(Fmt, name, expr)                                                                       \
    KITE_RV_HANDLER(name) {                                                                                  \
        KITE_RV_FP_REQUIRE_RM(rm);                                                                           \
        u32 flags = 0;                                                                                       \
        [[maybe_unused]] const Fmt::Bits a = Fmt::read(c, d.rs1);                                            \
        [[maybe_unused]] const Fmt::Bits b = Fmt::read(c, d.rs2);                                            \
        [[maybe_unused]] const Fmt::Bits e = Fmt::read(c, d.rs3);                                            \
        Fmt::write(c, d.rd, (expr));                                                                         \
        accrue(c, flags);                                                                                    \
        return next_pc(d, pc);                                                                               \
    }

// Result in rd, no rounding mode.
#define KITE_RV_FP_NORM(Fmt, name, expr)                                                                     \
    KITE_RV_HANDLER(name) {                                                                                  \
        KITE_RV_FP_REQUIRE_ENABLED();                                                                        \
        [[maybe_unused]] u32 flags = 0;                                                                      \
        const Fmt::Bits a = Fmt::read(c, d.rs1);                                                             \
        const Fmt::Bits b = Fmt::read(c, d.rs2);                                                             \
        Fmt::write(c, d.rd, (expr));                                                                         \
        accrue(c, flags);                                                                                    \
        return next_pc(d, pc);                                                                               \
    }

// Result in an integer register; the rounding mode is checked only when
// needs_rm.
#define KITE_RV_FP_TO_X(Fmt, name, needs_rm, expr)                                                           \
    KITE_RV_HANDLER(name) {                                                                                  \
        KITE_RV_FP_REQUIRE_ENABLED();                                                                        \
        fpu::RoundingMode rm = fpu::RoundingMode::Rne;                                                       \
        if (needs_rm && !resolve_rm(c, d.rm, rm))                                                            \
            return c.illegal(pc);                                                                            \
        [[maybe_unused]] u32 flags = 0;                                                                      \
        [[maybe_unused]] const Fmt::Bits a = Fmt::read(c, d.rs1);                                            \
        [[maybe_unused]] const Fmt::Bits b = Fmt::read(c, d.rs2);                                            \
        const u64 result = (expr);                                                                           \
        c.st.x[d.rd] = result;                                                                               \
        accrue(c, flags);                                                                                    \
        return next_pc(d, pc);                                                                               \
    }

// Loads, stores and moves to and from x: transfers, so the bits go as they are
// (a single's store and fmv.x.w take the low 32 bits, boxed or not).
#define KITE_RV_FP_TRANSFERS(Fmt, load_name, store_name, from_x_name, to_x_name)                             \
    KITE_RV_HANDLER(load_name) {                                                                             \
        KITE_RV_FP_REQUIRE_ENABLED();                                                                        \
        Fmt::Bits v;                                                                                         \
        if (!c.load(c.st.x[d.rs1] + imm64(d), v))                                                            \
            return kTrapPc;                                                                                  \
        Fmt::write(c, d.rd, v);                                                                              \
        return next_pc(d, pc);                                                                               \
    }                                                                                                        \
    KITE_RV_HANDLER(store_name) {                                                                            \
        KITE_RV_FP_REQUIRE_ENABLED();                                                                        \
        if (!c.store(c.st.x[d.rs1] + imm64(d), static_cast<Fmt::Bits>(c.st.f[d.rs2])))                       \
            return kTrapPc;                                                                                  \
        return next_pc(d, pc);                                                                               \
    }                                                                                                        \
    KITE_RV_HANDLER(from_x_name) {                                                                           \
        KITE_RV_FP_REQUIRE_ENABLED();                                                                        \
        Fmt::write(c, d.rd, static_cast<Fmt::Bits>(c.st.x[d.rs1]));                                          \
        return next_pc(d, pc);                                                                               \
    }                                                                                                        \
    KITE_RV_HANDLER(to_x_name) {                                                                             \
        KITE_RV_FP_REQUIRE_ENABLED();                                                                        \
        c.st.x[d.rd] = Fmt::to_x(c.st.f[d.rs1]);                                                             \
        return next_pc(d, pc);                                                                               \
    }

// The operations F and D both have, named alike: S is the format letter of
// the op names (FaddS, FcvtWS, FcvtSW, ...) and fN the kite_riscv_fpu prefix
// (f32_add, f32_to_i32, i32_to_f32, ...).
#define KITE_RV_FP_FORMAT_HANDLERS(Fmt, S, fN)                                                               \
    KITE_RV_FP_RM(Fmt, Fmadd##S, fpu::fN##_fma(a, b, e, rm, flags))                                          \
    KITE_RV_FP_RM(Fmt, Fmsub##S, fpu::fN##_fmsub(a, b, e, rm, flags))                                        \
    KITE_RV_FP_RM(Fmt, Fnmsub##S, fpu::fN##_fnmsub(a, b, e, rm, flags))                                      \
    KITE_RV_FP_RM(Fmt, Fnmadd##S, fpu::fN##_fnmadd(a, b, e, rm, flags))                                      \
    KITE_RV_FP_RM(Fmt, Fadd##S, fpu::fN##_add(a, b, rm, flags))                                              \
    KITE_RV_FP_RM(Fmt, Fsub##S, fpu::fN##_sub(a, b, rm, flags))                                              \
    KITE_RV_FP_RM(Fmt, Fmul##S, fpu::fN##_mul(a, b, rm, flags))                                              \
    KITE_RV_FP_RM(Fmt, Fdiv##S, fpu::fN##_div(a, b, rm, flags))                                              \
    KITE_RV_FP_RM(Fmt, Fsqrt##S, fpu::fN##_sqrt(a, rm, flags))                                               \
    KITE_RV_FP_RM(Fmt, Fcvt##S##W, fpu::i32_to_##fN(static_cast<i32>(c.st.x[d.rs1]), rm, flags))             \
    KITE_RV_FP_RM(Fmt, Fcvt##S##Wu, fpu::u32_to_##fN(static_cast<u32>(c.st.x[d.rs1]), rm, flags))            \
    KITE_RV_FP_RM(Fmt, Fcvt##S##L, fpu::i64_to_##fN(static_cast<i64>(c.st.x[d.rs1]), rm, flags))             \
    KITE_RV_FP_RM(Fmt, Fcvt##S##Lu, fpu::u64_to_##fN(c.st.x[d.rs1], rm, flags))                              \
    KITE_RV_FP_NORM(Fmt, Fsgnj##S, fpu::fN##_sgnj(a, b))                                                     \
    KITE_RV_FP_NORM(Fmt, Fsgnjn##S, fpu::fN##_sgnjn(a, b))                                                   \
    KITE_RV_FP_NORM(Fmt, Fsgnjx##S, fpu::fN##_sgnjx(a, b))                                                   \
    KITE_RV_FP_NORM(Fmt, Fmin##S, fpu::fN##_min(a, b, flags))                                                \
    KITE_RV_FP_NORM(Fmt, Fmax##S, fpu::fN##_max(a, b, flags))                                                \
    KITE_RV_FP_TO_X(Fmt, FcvtW##S, true, sext32(static_cast<u32>(fpu::fN##_to_i32(a, rm, flags))))           \
    KITE_RV_FP_TO_X(Fmt, FcvtWu##S, true, sext32(fpu::fN##_to_u32(a, rm, flags)))                            \
    KITE_RV_FP_TO_X(Fmt, FcvtL##S, true, static_cast<u64>(fpu::fN##_to_i64(a, rm, flags)))                   \
    KITE_RV_FP_TO_X(Fmt, FcvtLu##S, true, fpu::fN##_to_u64(a, rm, flags))                                    \
    KITE_RV_FP_TO_X(Fmt, Fclass##S, false, fpu::fN##_classify(a))                                            \
    KITE_RV_FP_TO_X(Fmt, Feq##S, false, fpu::fN##_eq(a, b, flags) ? 1 : 0)                                   \
    KITE_RV_FP_TO_X(Fmt, Flt##S, false, fpu::fN##_lt(a, b, flags) ? 1 : 0)                                   \
    KITE_RV_FP_TO_X(Fmt, Fle##S, false, fpu::fN##_le(a, b, flags) ? 1 : 0)
