// F: single-precision floating point.
#include "cpu/riscv/exec_fp.h"

namespace kite::riscv {

using namespace fp;

KITE_RV_HANDLER(Flw) {
    KITE_RV_FP_REQUIRE_ENABLED();
    u32 v;
    if (!c.load(c.st.x[d.rs1] + imm64(d), v))
        return kTrapPc;
    write_s(c, d.rd, v);
    return next_pc(d, pc);
}

KITE_RV_HANDLER(Fsw) {
    KITE_RV_FP_REQUIRE_ENABLED();
    // A transfer: the low 32 bits are stored as they are, boxed or not.
    if (!c.store(c.st.x[d.rs1] + imm64(d), static_cast<u32>(c.st.f[d.rs2])))
        return kTrapPc;
    return next_pc(d, pc);
}

#define KITE_RV_F_RM(name, expr)                                                                             \
    KITE_RV_HANDLER(name) {                                                                                  \
        KITE_RV_FP_REQUIRE_RM(rm);                                                                           \
        u32 flags = 0;                                                                                       \
        [[maybe_unused]] const u32 a = read_s(c, d.rs1);                                                     \
        [[maybe_unused]] const u32 b = read_s(c, d.rs2);                                                     \
        [[maybe_unused]] const u32 e = read_s(c, d.rs3);                                                     \
        write_s(c, d.rd, (expr));                                                                            \
        accrue(c, flags);                                                                                    \
        return next_pc(d, pc);                                                                               \
    }

KITE_RV_F_RM(FmaddS, fpu::f32_fma(a, b, e, rm, flags))
KITE_RV_F_RM(FmsubS, fpu::f32_fmsub(a, b, e, rm, flags))
KITE_RV_F_RM(FnmsubS, fpu::f32_fnmsub(a, b, e, rm, flags))
KITE_RV_F_RM(FnmaddS, fpu::f32_fnmadd(a, b, e, rm, flags))
KITE_RV_F_RM(FaddS, fpu::f32_add(a, b, rm, flags))
KITE_RV_F_RM(FsubS, fpu::f32_sub(a, b, rm, flags))
KITE_RV_F_RM(FmulS, fpu::f32_mul(a, b, rm, flags))
KITE_RV_F_RM(FdivS, fpu::f32_div(a, b, rm, flags))
KITE_RV_F_RM(FsqrtS, fpu::f32_sqrt(a, rm, flags))
KITE_RV_F_RM(FcvtSW, fpu::i32_to_f32(static_cast<i32>(c.st.x[d.rs1]), rm, flags))
KITE_RV_F_RM(FcvtSWu, fpu::u32_to_f32(static_cast<u32>(c.st.x[d.rs1]), rm, flags))
KITE_RV_F_RM(FcvtSL, fpu::i64_to_f32(static_cast<i64>(c.st.x[d.rs1]), rm, flags))
KITE_RV_F_RM(FcvtSLu, fpu::u64_to_f32(c.st.x[d.rs1], rm, flags))

#undef KITE_RV_F_RM

#define KITE_RV_F_NORM(name, expr)                                                                           \
    KITE_RV_HANDLER(name) {                                                                                  \
        KITE_RV_FP_REQUIRE_ENABLED();                                                                        \
        [[maybe_unused]] u32 flags = 0;                                                                      \
        const u32 a = read_s(c, d.rs1);                                                                      \
        const u32 b = read_s(c, d.rs2);                                                                      \
        write_s(c, d.rd, (expr));                                                                            \
        accrue(c, flags);                                                                                    \
        return next_pc(d, pc);                                                                               \
    }

KITE_RV_F_NORM(FsgnjS, fpu::f32_sgnj(a, b))
KITE_RV_F_NORM(FsgnjnS, fpu::f32_sgnjn(a, b))
KITE_RV_F_NORM(FsgnjxS, fpu::f32_sgnjx(a, b))
KITE_RV_F_NORM(FminS, fpu::f32_min(a, b, flags))
KITE_RV_F_NORM(FmaxS, fpu::f32_max(a, b, flags))

#undef KITE_RV_F_NORM

// Results in an integer register.
#define KITE_RV_F_TO_X(name, needs_rm, expr)                                                                 \
    KITE_RV_HANDLER(name) {                                                                                  \
        KITE_RV_FP_REQUIRE_ENABLED();                                                                        \
        fpu::RoundingMode rm = fpu::RoundingMode::Rne;                                                       \
        if (needs_rm && !resolve_rm(c, d.rm, rm))                                                            \
            return c.illegal(pc);                                                                            \
        [[maybe_unused]] u32 flags = 0;                                                                      \
        [[maybe_unused]] const u32 a = read_s(c, d.rs1);                                                     \
        [[maybe_unused]] const u32 b = read_s(c, d.rs2);                                                     \
        const u64 result = (expr);                                                                           \
        c.st.x[d.rd] = result;                                                                               \
        accrue(c, flags);                                                                                    \
        return next_pc(d, pc);                                                                               \
    }

KITE_RV_F_TO_X(FcvtWS, true, sext32(static_cast<u32>(fpu::f32_to_i32(a, rm, flags))))
KITE_RV_F_TO_X(FcvtWuS, true, sext32(fpu::f32_to_u32(a, rm, flags)))
KITE_RV_F_TO_X(FcvtLS, true, static_cast<u64>(fpu::f32_to_i64(a, rm, flags)))
KITE_RV_F_TO_X(FcvtLuS, true, fpu::f32_to_u64(a, rm, flags))
KITE_RV_F_TO_X(FmvXW, false, sext32(c.st.f[d.rs1])) // a transfer: raw bits, boxed or not
KITE_RV_F_TO_X(FclassS, false, fpu::f32_classify(a))
KITE_RV_F_TO_X(FeqS, false, fpu::f32_eq(a, b, flags) ? 1 : 0)
KITE_RV_F_TO_X(FltS, false, fpu::f32_lt(a, b, flags) ? 1 : 0)
KITE_RV_F_TO_X(FleS, false, fpu::f32_le(a, b, flags) ? 1 : 0)

#undef KITE_RV_F_TO_X

KITE_RV_HANDLER(FmvWX) {
    KITE_RV_FP_REQUIRE_ENABLED();
    write_s(c, d.rd, static_cast<u32>(c.st.x[d.rs1]));
    return next_pc(d, pc);
}

} // namespace kite::riscv
