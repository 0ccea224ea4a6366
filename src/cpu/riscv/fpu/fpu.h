#pragma once

#include "base/types.h"

// RISC-V F and D arithmetic on IEEE 754 bit patterns (binary32 as u32, binary64
// as u64). Every function is pure: the caller passes the rounding mode (with
// DYN already resolved from frm) and the function ORs the exception flags it
// raises into `fflags` (it never clears bits, so the caller may pass the
// accrued fflags field directly). Results follow the RISC-V rules rather than
// the host's: every NaN an operation produces is the canonical NaN, tininess is
// detected after rounding, and out-of-range conversions saturate.
namespace kite::riscv::fpu {

// The encoding of the rm field and of frm.
enum class RoundingMode : u8 {
    Rne = 0, // to nearest, ties to even
    Rtz = 1, // toward zero
    Rdn = 2, // toward -infinity
    Rup = 3, // toward +infinity
    Rmm = 4, // to nearest, ties away from zero (max magnitude)
};

// The fflags bit layout.
namespace flags {
constexpr u32 NX = 1;  // inexact
constexpr u32 UF = 2;  // underflow
constexpr u32 OF = 4;  // overflow
constexpr u32 DZ = 8;  // divide by zero
constexpr u32 NV = 16; // invalid operation
} // namespace flags

constexpr u32 kCanonicalNaN32 = 0x7fc00000;
constexpr u64 kCanonicalNaN64 = 0x7ff8000000000000;

// The fclass result bits (exactly one is set).
namespace fclass {
constexpr u32 NegInf = 1u << 0;
constexpr u32 NegNormal = 1u << 1;
constexpr u32 NegSubnormal = 1u << 2;
constexpr u32 NegZero = 1u << 3;
constexpr u32 PosZero = 1u << 4;
constexpr u32 PosSubnormal = 1u << 5;
constexpr u32 PosNormal = 1u << 6;
constexpr u32 PosInf = 1u << 7;
constexpr u32 SignalingNaN = 1u << 8;
constexpr u32 QuietNaN = 1u << 9;
} // namespace fclass

// ---- NaN boxing: a single-precision value in a 64-bit f register has its upper
// 32 bits all ones; any other pattern reads as the canonical NaN.
constexpr u64 box32(u32 v) {
    return 0xffffffff00000000ull | v;
}
constexpr u32 unbox32(u64 v) {
    return (v >> 32) == 0xffffffffu ? static_cast<u32>(v) : kCanonicalNaN32;
}

// ---- Sign injection (fsgnj, fsgnjn, fsgnjx): pure bit operations on the sign
// bit; no flags, and NaNs are not canonicalised.
constexpr u32 f32_sgnj(u32 a, u32 b) {
    return (a & 0x7fffffffu) | (b & 0x80000000u);
}
constexpr u32 f32_sgnjn(u32 a, u32 b) {
    return (a & 0x7fffffffu) | (~b & 0x80000000u);
}
constexpr u32 f32_sgnjx(u32 a, u32 b) {
    return a ^ (b & 0x80000000u);
}
constexpr u64 f64_sgnj(u64 a, u64 b) {
    return (a & 0x7fffffffffffffffull) | (b & 0x8000000000000000ull);
}
constexpr u64 f64_sgnjn(u64 a, u64 b) {
    return (a & 0x7fffffffffffffffull) | (~b & 0x8000000000000000ull);
}
constexpr u64 f64_sgnjx(u64 a, u64 b) {
    return a ^ (b & 0x8000000000000000ull);
}
constexpr u32 f32_neg(u32 a) {
    return a ^ 0x80000000u;
}
constexpr u64 f64_neg(u64 a) {
    return a ^ 0x8000000000000000ull;
}

// ---- Single precision.
u32 f32_add(u32 a, u32 b, RoundingMode rm, u32& fflags);
u32 f32_sub(u32 a, u32 b, RoundingMode rm, u32& fflags);
u32 f32_mul(u32 a, u32 b, RoundingMode rm, u32& fflags);
u32 f32_div(u32 a, u32 b, RoundingMode rm, u32& fflags);
u32 f32_sqrt(u32 a, RoundingMode rm, u32& fflags);
// a*b + c with a single rounding. NV for inf*0 even when c is a quiet NaN.
u32 f32_fma(u32 a, u32 b, u32 c, RoundingMode rm, u32& fflags);
// fmin/fmax (minimumNumber/maximumNumber): a NaN operand yields the other
// operand, two NaNs the canonical NaN, -0 < +0, NV if either is a signaling NaN.
u32 f32_min(u32 a, u32 b, u32& fflags);
u32 f32_max(u32 a, u32 b, u32& fflags);
// feq is quiet (NV only for a signaling NaN); flt and fle are signaling (NV for
// any NaN). All three are false when either operand is a NaN.
bool f32_eq(u32 a, u32 b, u32& fflags);
bool f32_lt(u32 a, u32 b, u32& fflags);
bool f32_le(u32 a, u32 b, u32& fflags);
u32 f32_classify(u32 a);
// fcvt.{w,wu,l,lu}.s: NaN gives the maximum, out-of-range values (after
// rounding) saturate; both set NV and never NX. fcvt.w[u] results are
// sign-extended to XLEN by the caller.
i32 f32_to_i32(u32 a, RoundingMode rm, u32& fflags);
u32 f32_to_u32(u32 a, RoundingMode rm, u32& fflags);
i64 f32_to_i64(u32 a, RoundingMode rm, u32& fflags);
u64 f32_to_u64(u32 a, RoundingMode rm, u32& fflags);
u32 i32_to_f32(i32 v, RoundingMode rm, u32& fflags);
u32 u32_to_f32(u32 v, RoundingMode rm, u32& fflags);
u32 i64_to_f32(i64 v, RoundingMode rm, u32& fflags);
u32 u64_to_f32(u64 v, RoundingMode rm, u32& fflags);

// ---- Double precision: the same set.
u64 f64_add(u64 a, u64 b, RoundingMode rm, u32& fflags);
u64 f64_sub(u64 a, u64 b, RoundingMode rm, u32& fflags);
u64 f64_mul(u64 a, u64 b, RoundingMode rm, u32& fflags);
u64 f64_div(u64 a, u64 b, RoundingMode rm, u32& fflags);
u64 f64_sqrt(u64 a, RoundingMode rm, u32& fflags);
u64 f64_fma(u64 a, u64 b, u64 c, RoundingMode rm, u32& fflags);
u64 f64_min(u64 a, u64 b, u32& fflags);
u64 f64_max(u64 a, u64 b, u32& fflags);
bool f64_eq(u64 a, u64 b, u32& fflags);
bool f64_lt(u64 a, u64 b, u32& fflags);
bool f64_le(u64 a, u64 b, u32& fflags);
u32 f64_classify(u64 a);
i32 f64_to_i32(u64 a, RoundingMode rm, u32& fflags);
u32 f64_to_u32(u64 a, RoundingMode rm, u32& fflags);
i64 f64_to_i64(u64 a, RoundingMode rm, u32& fflags);
u64 f64_to_u64(u64 a, RoundingMode rm, u32& fflags);
u64 i32_to_f64(i32 v, RoundingMode rm, u32& fflags); // exact
u64 u32_to_f64(u32 v, RoundingMode rm, u32& fflags); // exact
u64 i64_to_f64(i64 v, RoundingMode rm, u32& fflags);
u64 u64_to_f64(u64 v, RoundingMode rm, u32& fflags);

// ---- Between formats. fcvt.d.s is exact (the rm field does not matter): a
// signaling NaN sets NV and any NaN becomes the canonical NaN. fcvt.s.d rounds.
u64 f32_to_f64(u32 a, u32& fflags);
u32 f64_to_f32(u64 a, RoundingMode rm, u32& fflags);

// ---- The other fused forms. RISC-V negates the product and/or the addend, not
// the result, so each is f*_fma with operand signs flipped:
//   fmsub  =  (a*b) - c  = fma( a, b, -c)
//   fnmsub = -(a*b) + c  = fma(-a, b,  c)
//   fnmadd = -(a*b) - c  = fma(-a, b, -c)
// Negating the rounded result instead would be wrong for exact zero sums
// (e.g. fnmadd with a*b = +0, c = -0 must give +0, not -0) and for RDN/RUP,
// which are not symmetric. Flipping the sign of a NaN operand is harmless: a
// signaling NaN stays signaling and the result is the canonical NaN anyway.
inline u32 f32_fmsub(u32 a, u32 b, u32 c, RoundingMode rm, u32& fflags) {
    return f32_fma(a, b, f32_neg(c), rm, fflags);
}
inline u32 f32_fnmsub(u32 a, u32 b, u32 c, RoundingMode rm, u32& fflags) {
    return f32_fma(f32_neg(a), b, c, rm, fflags);
}
inline u32 f32_fnmadd(u32 a, u32 b, u32 c, RoundingMode rm, u32& fflags) {
    return f32_fma(f32_neg(a), b, f32_neg(c), rm, fflags);
}
inline u64 f64_fmsub(u64 a, u64 b, u64 c, RoundingMode rm, u32& fflags) {
    return f64_fma(a, b, f64_neg(c), rm, fflags);
}
inline u64 f64_fnmsub(u64 a, u64 b, u64 c, RoundingMode rm, u32& fflags) {
    return f64_fma(f64_neg(a), b, c, rm, fflags);
}
inline u64 f64_fnmadd(u64 a, u64 b, u64 c, RoundingMode rm, u32& fflags) {
    return f64_fma(f64_neg(a), b, f64_neg(c), rm, fflags);
}

} // namespace kite::riscv::fpu
