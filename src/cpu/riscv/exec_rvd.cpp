// D: double-precision floating point and the S<->D conversions.
#include "cpu/riscv/exec_fp.h"

namespace kite::riscv {

using namespace fp;

KITE_RV_HANDLER(Fld) {
    KITE_RV_FP_REQUIRE_ENABLED();
    u64 v;
    if (!c.load(c.st.x[d.rs1] + imm64(d), v))
        return kTrapPc;
    write_d(c, d.rd, v);
    return next_pc(d, pc);
}

KITE_RV_HANDLER(Fsd) {
    KITE_RV_FP_REQUIRE_ENABLED();
    if (!c.store(c.st.x[d.rs1] + imm64(d), c.st.f[d.rs2]))
        return kTrapPc;
    return next_pc(d, pc);
}

#define KITE_RV_D_RM(name, expr)                                                                             \
    KITE_RV_HANDLER(name) {                                                                                  \
        KITE_RV_FP_REQUIRE_RM(rm);                                                                           \
        u32 flags = 0;                                                                                       \
        [[maybe_unused]] const u64 a = read_d(c, d.rs1);                                                     \
        [[maybe_unused]] const u64 b = read_d(c, d.rs2);                                                     \
        [[maybe_unused]] const u64 e = read_d(c, d.rs3);                                                     \
        write_d(c, d.rd, (expr));                                                                            \
        accrue(c, flags);                                                                                    \
        return next_pc(d, pc);                                                                               \
    }

KITE_RV_D_RM(FmaddD, fpu::f64_fma(a, b, e, rm, flags))
KITE_RV_D_RM(FmsubD, fpu::f64_fmsub(a, b, e, rm, flags))
KITE_RV_D_RM(FnmsubD, fpu::f64_fnmsub(a, b, e, rm, flags))
KITE_RV_D_RM(FnmaddD, fpu::f64_fnmadd(a, b, e, rm, flags))
KITE_RV_D_RM(FaddD, fpu::f64_add(a, b, rm, flags))
KITE_RV_D_RM(FsubD, fpu::f64_sub(a, b, rm, flags))
KITE_RV_D_RM(FmulD, fpu::f64_mul(a, b, rm, flags))
KITE_RV_D_RM(FdivD, fpu::f64_div(a, b, rm, flags))
KITE_RV_D_RM(FsqrtD, fpu::f64_sqrt(a, rm, flags))
KITE_RV_D_RM(FcvtDS, fpu::f32_to_f64(read_s(c, d.rs1), flags))
KITE_RV_D_RM(FcvtDW, fpu::i32_to_f64(static_cast<i32>(c.st.x[d.rs1]), rm, flags))
KITE_RV_D_RM(FcvtDWu, fpu::u32_to_f64(static_cast<u32>(c.st.x[d.rs1]), rm, flags))
KITE_RV_D_RM(FcvtDL, fpu::i64_to_f64(static_cast<i64>(c.st.x[d.rs1]), rm, flags))
KITE_RV_D_RM(FcvtDLu, fpu::u64_to_f64(c.st.x[d.rs1], rm, flags))

#undef KITE_RV_D_RM

KITE_RV_HANDLER(FcvtSD) {
    KITE_RV_FP_REQUIRE_RM(rm);
    u32 flags = 0;
    write_s(c, d.rd, fpu::f64_to_f32(read_d(c, d.rs1), rm, flags));
    accrue(c, flags);
    return next_pc(d, pc);
}

#define KITE_RV_D_NORM(name, expr)                                                                           \
    KITE_RV_HANDLER(name) {                                                                                  \
        KITE_RV_FP_REQUIRE_ENABLED();                                                                        \
        [[maybe_unused]] u32 flags = 0;                                                                      \
        const u64 a = read_d(c, d.rs1);                                                                      \
        const u64 b = read_d(c, d.rs2);                                                                      \
        write_d(c, d.rd, (expr));                                                                            \
        accrue(c, flags);                                                                                    \
        return next_pc(d, pc);                                                                               \
    }

KITE_RV_D_NORM(FsgnjD, fpu::f64_sgnj(a, b))
KITE_RV_D_NORM(FsgnjnD, fpu::f64_sgnjn(a, b))
KITE_RV_D_NORM(FsgnjxD, fpu::f64_sgnjx(a, b))
KITE_RV_D_NORM(FminD, fpu::f64_min(a, b, flags))
KITE_RV_D_NORM(FmaxD, fpu::f64_max(a, b, flags))

#undef KITE_RV_D_NORM

#define KITE_RV_D_TO_X(name, needs_rm, expr)                                                                 \
    KITE_RV_HANDLER(name) {                                                                                  \
        KITE_RV_FP_REQUIRE_ENABLED();                                                                        \
        fpu::RoundingMode rm = fpu::RoundingMode::Rne;                                                       \
        if (needs_rm && !resolve_rm(c, d.rm, rm))                                                            \
            return c.illegal(pc);                                                                            \
        [[maybe_unused]] u32 flags = 0;                                                                      \
        [[maybe_unused]] const u64 a = read_d(c, d.rs1);                                                     \
        [[maybe_unused]] const u64 b = read_d(c, d.rs2);                                                     \
        const u64 result = (expr);                                                                           \
        c.st.x[d.rd] = result;                                                                               \
        accrue(c, flags);                                                                                    \
        return next_pc(d, pc);                                                                               \
    }

KITE_RV_D_TO_X(FcvtWD, true, sext32(static_cast<u32>(fpu::f64_to_i32(a, rm, flags))))
KITE_RV_D_TO_X(FcvtWuD, true, sext32(fpu::f64_to_u32(a, rm, flags)))
KITE_RV_D_TO_X(FcvtLD, true, static_cast<u64>(fpu::f64_to_i64(a, rm, flags)))
KITE_RV_D_TO_X(FcvtLuD, true, fpu::f64_to_u64(a, rm, flags))
KITE_RV_D_TO_X(FmvXD, false, a)
KITE_RV_D_TO_X(FclassD, false, fpu::f64_classify(a))
KITE_RV_D_TO_X(FeqD, false, fpu::f64_eq(a, b, flags) ? 1 : 0)
KITE_RV_D_TO_X(FltD, false, fpu::f64_lt(a, b, flags) ? 1 : 0)
KITE_RV_D_TO_X(FleD, false, fpu::f64_le(a, b, flags) ? 1 : 0)

#undef KITE_RV_D_TO_X

KITE_RV_HANDLER(FmvDX) {
    KITE_RV_FP_REQUIRE_ENABLED();
    write_d(c, d.rd, c.st.x[d.rs1]);
    return next_pc(d, pc);
}

} // namespace kite::riscv
