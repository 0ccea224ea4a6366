// Hand-picked vectors for every operation: signed zeros, subnormals, overflow,
// underflow (with tininess after rounding), ties in every mode, NaN rules,
// division by zero and invalid conversions. Expected values are worked out
// from the RISC-V F/D chapters and IEEE 754, not from another implementation.
#include "cpu/riscv/fpu/fpu.h"

#include <cstdio>
#include <gtest/gtest.h>
#include <ostream>

namespace kite::riscv::fpu {
namespace {

using Rm = RoundingMode;
constexpr Rm kRne = Rm::Rne;
constexpr Rm kRtz = Rm::Rtz;
constexpr Rm kRdn = Rm::Rdn;
constexpr Rm kRup = Rm::Rup;
constexpr Rm kRmm = Rm::Rmm;

constexpr u32 NX = flags::NX;
constexpr u32 UF = flags::UF;
constexpr u32 OF = flags::OF;
constexpr u32 DZ = flags::DZ;
constexpr u32 NV = flags::NV;

// A result and the flags it raised, compared and printed together.
template <typename T>
struct Res {
    T bits;
    u32 fflags;
    bool operator==(const Res&) const = default;
};

template <typename T>
void PrintTo(const Res<T>& r, std::ostream* os) {
    char text[64];
    std::snprintf(text, sizeof text, "{0x%llx, flags 0x%x}", static_cast<unsigned long long>(r.bits),
                  r.fflags);
    *os << text;
}

using R32 = Res<u32>;
using R64 = Res<u64>;

// Wraps a function taking (..., rm, fflags) into one returning Res.
template <typename Fn, typename... Args>
auto run(Fn fn, Args... args) {
    u32 fflags = 0;
    auto bits = fn(args..., fflags);
    return Res<decltype(bits)>{bits, fflags};
}

// ---- binary32 constants.
constexpr u32 kPosZero32 = 0x00000000;
constexpr u32 kNegZero32 = 0x80000000;
constexpr u32 kOne32 = 0x3f800000;
constexpr u32 kNegOne32 = 0xbf800000;
constexpr u32 kHalf32 = 0x3f000000;
constexpr u32 kOnePlusUlp32 = 0x3f800001;
constexpr u32 kTwo32 = 0x40000000;
constexpr u32 kThree32 = 0x40400000;
constexpr u32 kFour32 = 0x40800000;
constexpr u32 kInf32 = 0x7f800000;
constexpr u32 kNegInf32 = 0xff800000;
constexpr u32 kMax32 = 0x7f7fffff;
constexpr u32 kNegMax32 = 0xff7fffff;
constexpr u32 kMinNormal32 = 0x00800000;
constexpr u32 kMaxSub32 = 0x007fffff;
constexpr u32 kMinSub32 = 0x00000001;
constexpr u32 kQNaN32 = 0x7fc00000;
constexpr u32 kQNaNPayload32 = 0xffc12345; // negative quiet NaN with a payload
constexpr u32 kSNaN32 = 0x7f800001;
constexpr u32 kNegSNaN32 = 0xff812345;
constexpr u32 kCanon32 = kCanonicalNaN32;

// ---- binary64 constants.
constexpr u64 kPosZero64 = 0;
constexpr u64 kNegZero64 = 0x8000000000000000;
constexpr u64 kOne64 = 0x3ff0000000000000;
constexpr u64 kNegOne64 = 0xbff0000000000000;
constexpr u64 kHalf64 = 0x3fe0000000000000;
constexpr u64 kTwo64 = 0x4000000000000000;
constexpr u64 kThree64 = 0x4008000000000000;
constexpr u64 kInf64 = 0x7ff0000000000000;
constexpr u64 kNegInf64 = 0xfff0000000000000;
constexpr u64 kMax64 = 0x7fefffffffffffff;
constexpr u64 kNegMax64 = 0xffefffffffffffff;
constexpr u64 kMinNormal64 = 0x0010000000000000;
constexpr u64 kMaxSub64 = 0x000fffffffffffff;
constexpr u64 kMinSub64 = 0x0000000000000001;
constexpr u64 kQNaN64 = 0x7ff8000000000000;
constexpr u64 kQNaNPayload64 = 0xfff8000000012345;
constexpr u64 kSNaN64 = 0x7ff0000000000001;
constexpr u64 kCanon64 = kCanonicalNaN64;
constexpr u64 kHalfUlpOne64 = 0x3ca0000000000000; // 2^-53

// ---------------------------------------------------------------- add / sub

TEST(FpuAdd, ExactSums) {
    EXPECT_EQ(run(f32_add, kOne32, kOne32, kRne), (R32{kTwo32, 0}));
    EXPECT_EQ(run(f32_add, kOne32, kTwo32, kRdn), (R32{kThree32, 0}));
    EXPECT_EQ(run(f64_add, kOne64, kTwo64, kRup), (R64{kThree64, 0}));
    EXPECT_EQ(run(f64_sub, kThree64, kOne64, kRtz), (R64{kTwo64, 0}));
    EXPECT_EQ(run(f32_sub, kOne32, kThree32, kRmm), (R32{0xc0000000, 0}));
}

TEST(FpuAdd, SignedZeros) {
    for (Rm rm : {kRne, kRtz, kRup, kRmm}) {
        EXPECT_EQ(run(f32_add, kPosZero32, kNegZero32, rm), (R32{kPosZero32, 0}));
        EXPECT_EQ(run(f32_add, kOne32, kNegOne32, rm), (R32{kPosZero32, 0}));
        EXPECT_EQ(run(f32_sub, kOne32, kOne32, rm), (R32{kPosZero32, 0}));
        EXPECT_EQ(run(f64_add, kNegZero64, kPosZero64, rm), (R64{kPosZero64, 0}));
        EXPECT_EQ(run(f64_sub, kOne64, kOne64, rm), (R64{kPosZero64, 0}));
    }
    // Exact zero sums of opposite signs are -0 only when rounding down.
    EXPECT_EQ(run(f32_add, kPosZero32, kNegZero32, kRdn), (R32{kNegZero32, 0}));
    EXPECT_EQ(run(f32_add, kOne32, kNegOne32, kRdn), (R32{kNegZero32, 0}));
    EXPECT_EQ(run(f64_sub, kOne64, kOne64, kRdn), (R64{kNegZero64, 0}));
    for (Rm rm : {kRne, kRtz, kRdn, kRup, kRmm}) {
        EXPECT_EQ(run(f32_add, kNegZero32, kNegZero32, rm), (R32{kNegZero32, 0}));
        EXPECT_EQ(run(f32_sub, kNegZero32, kPosZero32, rm), (R32{kNegZero32, 0}));
        EXPECT_EQ(run(f64_add, kNegZero64, kNegZero64, rm), (R64{kNegZero64, 0}));
        // x + 0 is x, even for a subnormal x (exact: no underflow flag).
        EXPECT_EQ(run(f32_add, kMinSub32, kNegZero32, rm), (R32{kMinSub32, 0}));
        EXPECT_EQ(run(f64_add, kNegZero64, kMaxSub64, rm), (R64{kMaxSub64, 0}));
    }
}

TEST(FpuAdd, Infinities) {
    EXPECT_EQ(run(f32_add, kInf32, kNegInf32, kRne), (R32{kCanon32, NV}));
    EXPECT_EQ(run(f32_sub, kInf32, kInf32, kRne), (R32{kCanon32, NV}));
    EXPECT_EQ(run(f32_add, kInf32, kInf32, kRne), (R32{kInf32, 0}));
    EXPECT_EQ(run(f32_add, kNegInf32, kMax32, kRup), (R32{kNegInf32, 0}));
    EXPECT_EQ(run(f64_sub, kOne64, kInf64, kRne), (R64{kNegInf64, 0}));
    EXPECT_EQ(run(f64_add, kInf64, kNegInf64, kRdn), (R64{kCanon64, NV}));
}

TEST(FpuAdd, NaNs) {
    EXPECT_EQ(run(f32_add, kQNaN32, kOne32, kRne), (R32{kCanon32, 0}));
    EXPECT_EQ(run(f32_add, kOne32, kQNaNPayload32, kRne), (R32{kCanon32, 0}));
    EXPECT_EQ(run(f32_add, kSNaN32, kOne32, kRne), (R32{kCanon32, NV}));
    EXPECT_EQ(run(f32_sub, kQNaN32, kNegSNaN32, kRne), (R32{kCanon32, NV}));
    EXPECT_EQ(run(f32_add, kSNaN32, kInf32, kRne), (R32{kCanon32, NV}));
    EXPECT_EQ(run(f64_add, kQNaNPayload64, kInf64, kRne), (R64{kCanon64, 0}));
    EXPECT_EQ(run(f64_sub, kOne64, kSNaN64, kRne), (R64{kCanon64, NV}));
}

TEST(FpuAdd, OverflowDependsOnMode) {
    EXPECT_EQ(run(f32_add, kMax32, kMax32, kRne), (R32{kInf32, OF | NX}));
    EXPECT_EQ(run(f32_add, kMax32, kMax32, kRmm), (R32{kInf32, OF | NX}));
    EXPECT_EQ(run(f32_add, kMax32, kMax32, kRup), (R32{kInf32, OF | NX}));
    EXPECT_EQ(run(f32_add, kMax32, kMax32, kRtz), (R32{kMax32, OF | NX}));
    EXPECT_EQ(run(f32_add, kMax32, kMax32, kRdn), (R32{kMax32, OF | NX}));
    EXPECT_EQ(run(f32_add, kNegMax32, kNegMax32, kRdn), (R32{kNegInf32, OF | NX}));
    EXPECT_EQ(run(f32_add, kNegMax32, kNegMax32, kRup), (R32{kNegMax32, OF | NX}));
    EXPECT_EQ(run(f32_add, kNegMax32, kNegMax32, kRtz), (R32{kNegMax32, OF | NX}));
    EXPECT_EQ(run(f64_add, kMax64, kMax64, kRne), (R64{kInf64, OF | NX}));
    EXPECT_EQ(run(f64_add, kMax64, kMax64, kRtz), (R64{kMax64, OF | NX}));
    EXPECT_EQ(run(f64_sub, kNegMax64, kMax64, kRup), (R64{kNegMax64, OF | NX}));
    EXPECT_EQ(run(f64_sub, kNegMax64, kMax64, kRmm), (R64{kNegInf64, OF | NX}));
    // max + half an ulp is a tie: to even (the carry) overflows, as does RMM.
    constexpr u32 kHalfUlpOfMax32 = 0x73000000; // 2^103
    EXPECT_EQ(run(f32_add, kMax32, kHalfUlpOfMax32, kRne), (R32{kInf32, OF | NX}));
    EXPECT_EQ(run(f32_add, kMax32, kHalfUlpOfMax32, kRmm), (R32{kInf32, OF | NX}));
    // Overflow is judged on the value rounded with an unbounded exponent: in
    // RTZ that is max itself, so no overflow.
    EXPECT_EQ(run(f32_add, kMax32, kHalfUlpOfMax32, kRtz), (R32{kMax32, NX}));
    EXPECT_EQ(run(f32_add, kMax32, kHalfUlpOfMax32, kRup), (R32{kInf32, OF | NX}));
    // Just below the tie stays finite: inexact but no overflow.
    EXPECT_EQ(run(f32_add, kMax32, 0x72ffffff, kRne), (R32{kMax32, NX}));
}

TEST(FpuAdd, TiesInEveryMode) {
    constexpr u32 kHalfUlpOne32 = 0x33800000; // 2^-24
    // 1 + 2^-24 lies halfway between 1 (even) and 1 + 2^-23 (odd).
    EXPECT_EQ(run(f32_add, kOne32, kHalfUlpOne32, kRne), (R32{kOne32, NX}));
    EXPECT_EQ(run(f32_add, kOne32, kHalfUlpOne32, kRmm), (R32{kOnePlusUlp32, NX}));
    EXPECT_EQ(run(f32_add, kOne32, kHalfUlpOne32, kRtz), (R32{kOne32, NX}));
    EXPECT_EQ(run(f32_add, kOne32, kHalfUlpOne32, kRdn), (R32{kOne32, NX}));
    EXPECT_EQ(run(f32_add, kOne32, kHalfUlpOne32, kRup), (R32{kOnePlusUlp32, NX}));
    // (1 + 2^-23) + 2^-24: now the upper neighbour is the even one.
    EXPECT_EQ(run(f32_add, kOnePlusUlp32, kHalfUlpOne32, kRne), (R32{0x3f800002, NX}));
    EXPECT_EQ(run(f32_add, kOnePlusUlp32, kHalfUlpOne32, kRmm), (R32{0x3f800002, NX}));
    // Negative ties go away from zero in RMM, toward -inf in RDN.
    constexpr u32 kNegHalfUlp = 0xb3800000;
    EXPECT_EQ(run(f32_add, kNegOne32, kNegHalfUlp, kRne), (R32{kNegOne32, NX}));
    EXPECT_EQ(run(f32_add, kNegOne32, kNegHalfUlp, kRmm), (R32{0xbf800001, NX}));
    EXPECT_EQ(run(f32_add, kNegOne32, kNegHalfUlp, kRdn), (R32{0xbf800001, NX}));
    EXPECT_EQ(run(f32_add, kNegOne32, kNegHalfUlp, kRup), (R32{kNegOne32, NX}));
    EXPECT_EQ(run(f32_add, kNegOne32, kNegHalfUlp, kRtz), (R32{kNegOne32, NX}));
    // Double: 1 + 2^-53.
    EXPECT_EQ(run(f64_add, kOne64, kHalfUlpOne64, kRne), (R64{kOne64, NX}));
    EXPECT_EQ(run(f64_add, kOne64, kHalfUlpOne64, kRmm), (R64{0x3ff0000000000001, NX}));
    EXPECT_EQ(run(f64_add, kOne64, kHalfUlpOne64, kRup), (R64{0x3ff0000000000001, NX}));
    EXPECT_EQ(run(f64_add, kOne64, kHalfUlpOne64, kRdn), (R64{kOne64, NX}));
    // A sticky bit far below breaks the tie: 1 + (2^-53 + 2^-105).
    EXPECT_EQ(run(f64_add, kOne64, 0x3ca0000000000001, kRne), (R64{0x3ff0000000000001, NX}));
    // Subtraction that borrows across the rounding position: 1 - 2^-60.
    EXPECT_EQ(run(f64_sub, kOne64, 0x3c30000000000000, kRne), (R64{kOne64, NX}));
    EXPECT_EQ(run(f64_sub, kOne64, 0x3c30000000000000, kRtz), (R64{0x3fefffffffffffff, NX}));
    EXPECT_EQ(run(f64_sub, kOne64, 0x3c30000000000000, kRdn), (R64{0x3fefffffffffffff, NX}));
    EXPECT_EQ(run(f64_sub, kOne64, 0x3c30000000000000, kRup), (R64{kOne64, NX}));
}

TEST(FpuAdd, Subnormals) {
    for (Rm rm : {kRne, kRtz, kRdn, kRup, kRmm}) {
        // Exact subnormal results raise nothing, not even underflow.
        EXPECT_EQ(run(f32_add, kMinSub32, kMinSub32, rm), (R32{0x00000002, 0}));
        EXPECT_EQ(run(f32_add, kMaxSub32, kMinSub32, rm), (R32{kMinNormal32, 0}));
        EXPECT_EQ(run(f32_sub, kMinNormal32, kMinSub32, rm), (R32{kMaxSub32, 0}));
        EXPECT_EQ(run(f64_sub, kMinNormal64, kMaxSub64, rm), (R64{kMinSub64, 0}));
        EXPECT_EQ(run(f64_add, kMaxSub64, kMaxSub64, rm), (R64{0x001ffffffffffffe, 0}));
    }
}

// ---------------------------------------------------------------- mul

TEST(FpuMul, Basics) {
    EXPECT_EQ(run(f32_mul, kTwo32, kThree32, kRne), (R32{0x40c00000, 0}));
    EXPECT_EQ(run(f32_mul, kNegZero32, kThree32, kRne), (R32{kNegZero32, 0}));
    EXPECT_EQ(run(f32_mul, kNegZero32, kNegOne32, kRdn), (R32{kPosZero32, 0}));
    EXPECT_EQ(run(f32_mul, kInf32, kNegOne32, kRne), (R32{kNegInf32, 0}));
    EXPECT_EQ(run(f32_mul, kPosZero32, kInf32, kRne), (R32{kCanon32, NV}));
    EXPECT_EQ(run(f32_mul, kNegInf32, kNegZero32, kRne), (R32{kCanon32, NV}));
    EXPECT_EQ(run(f32_mul, kQNaN32, kPosZero32, kRne), (R32{kCanon32, 0}));
    EXPECT_EQ(run(f32_mul, kSNaN32, kPosZero32, kRne), (R32{kCanon32, NV}));
    EXPECT_EQ(run(f64_mul, kThree64, kHalf64, kRne), (R64{0x3ff8000000000000, 0}));
    EXPECT_EQ(run(f64_mul, kInf64, kPosZero64, kRne), (R64{kCanon64, NV}));
    EXPECT_EQ(run(f64_mul, kQNaNPayload64, kOne64, kRne), (R64{kCanon64, 0}));
}

TEST(FpuMul, OverflowAndUnderflow) {
    EXPECT_EQ(run(f32_mul, kMax32, kTwo32, kRne), (R32{kInf32, OF | NX}));
    EXPECT_EQ(run(f32_mul, kMax32, kTwo32, kRtz), (R32{kMax32, OF | NX}));
    EXPECT_EQ(run(f32_mul, kMax32, 0xc0000000, kRup), (R32{kNegMax32, OF | NX}));
    EXPECT_EQ(run(f64_mul, kMax64, kNegMax64, kRdn), (R64{kNegInf64, OF | NX}));
    // An exact subnormal product: no flags.
    EXPECT_EQ(run(f32_mul, kMinNormal32, kHalf32, kRne), (R32{0x00400000, 0}));
    EXPECT_EQ(run(f64_mul, kMinNormal64, kHalf64, kRne), (R64{0x0008000000000000, 0}));
    // min_sub / 2 is a tie between 0 and min_sub.
    EXPECT_EQ(run(f32_mul, kMinSub32, kHalf32, kRne), (R32{kPosZero32, UF | NX}));
    EXPECT_EQ(run(f32_mul, kMinSub32, kHalf32, kRmm), (R32{kMinSub32, UF | NX}));
    EXPECT_EQ(run(f32_mul, kMinSub32, kHalf32, kRup), (R32{kMinSub32, UF | NX}));
    EXPECT_EQ(run(f32_mul, kMinSub32, kHalf32, kRdn), (R32{kPosZero32, UF | NX}));
    EXPECT_EQ(run(f32_mul, kMinSub32, 0xbf000000, kRdn), (R32{0x80000001, UF | NX}));
    EXPECT_EQ(run(f32_mul, kMinSub32, 0xbf000000, kRtz), (R32{kNegZero32, UF | NX}));
    // 3 * min_sub / 2: tie between 1 (odd) and 2 (even) min_sub.
    EXPECT_EQ(run(f64_mul, 0x0000000000000003, kHalf64, kRne), (R64{0x0000000000000002, UF | NX}));
    EXPECT_EQ(run(f64_mul, 0x0000000000000003, kHalf64, kRtz), (R64{0x0000000000000001, UF | NX}));
    EXPECT_EQ(run(f64_mul, 0x0000000000000003, kHalf64, kRmm), (R64{0x0000000000000002, UF | NX}));
}

TEST(FpuMul, TininessIsDetectedAfterRounding) {
    // (1 - 2^-23) * (1 + 2^-23) * 2^-126 = 2^-126 * (1 - 2^-46). Rounded to 24
    // bits with an unbounded exponent it is 2^-126, which is not tiny: so a
    // result that rounds up to min normal raises NX alone, while one that
    // rounds down (to max subnormal) is tiny and inexact.
    constexpr u32 kA = 0x3f7ffffe;
    constexpr u32 kB = 0x00800001;
    EXPECT_EQ(run(f32_mul, kA, kB, kRne), (R32{kMinNormal32, NX}));
    EXPECT_EQ(run(f32_mul, kA, kB, kRmm), (R32{kMinNormal32, NX}));
    EXPECT_EQ(run(f32_mul, kA, kB, kRup), (R32{kMinNormal32, NX}));
    EXPECT_EQ(run(f32_mul, kA, kB, kRtz), (R32{kMaxSub32, UF | NX}));
    EXPECT_EQ(run(f32_mul, kA, kB, kRdn), (R32{kMaxSub32, UF | NX}));
    // (1 - 2^-24) * 2^-126 = 2^-126 - 2^-150 has 24 bits, so with an unbounded
    // exponent it is exact and tiny: underflow even though RNE gives min normal.
    constexpr u32 kOneMinusHalfUlp = 0x3f7fffff;
    EXPECT_EQ(run(f32_mul, kOneMinusHalfUlp, kMinNormal32, kRne), (R32{kMinNormal32, UF | NX}));
    EXPECT_EQ(run(f32_mul, kOneMinusHalfUlp, kMinNormal32, kRmm), (R32{kMinNormal32, UF | NX}));
    EXPECT_EQ(run(f32_mul, kOneMinusHalfUlp, kMinNormal32, kRup), (R32{kMinNormal32, UF | NX}));
    EXPECT_EQ(run(f32_mul, kOneMinusHalfUlp, kMinNormal32, kRtz), (R32{kMaxSub32, UF | NX}));
    // Double: (1 - 2^-52) * (1 + 2^-52) * 2^-1022.
    EXPECT_EQ(run(f64_mul, 0x3feffffffffffffe, 0x0010000000000001, kRne), (R64{kMinNormal64, NX}));
    EXPECT_EQ(run(f64_mul, 0x3feffffffffffffe, 0x0010000000000001, kRtz), (R64{kMaxSub64, UF | NX}));
    EXPECT_EQ(run(f64_mul, 0x3fefffffffffffff, kMinNormal64, kRne), (R64{kMinNormal64, UF | NX}));
}

// ---------------------------------------------------------------- div

TEST(FpuDiv, SpecialCases) {
    EXPECT_EQ(run(f32_div, kOne32, kPosZero32, kRne), (R32{kInf32, DZ}));
    EXPECT_EQ(run(f32_div, kNegOne32, kPosZero32, kRne), (R32{kNegInf32, DZ}));
    EXPECT_EQ(run(f32_div, kOne32, kNegZero32, kRtz), (R32{kNegInf32, DZ}));
    EXPECT_EQ(run(f32_div, kMinSub32, kNegZero32, kRne), (R32{kNegInf32, DZ}));
    EXPECT_EQ(run(f32_div, kPosZero32, kPosZero32, kRne), (R32{kCanon32, NV}));
    EXPECT_EQ(run(f32_div, kInf32, kNegInf32, kRne), (R32{kCanon32, NV}));
    EXPECT_EQ(run(f32_div, kInf32, kPosZero32, kRne), (R32{kInf32, 0})); // no DZ
    EXPECT_EQ(run(f32_div, kNegZero32, kInf32, kRne), (R32{kNegZero32, 0}));
    EXPECT_EQ(run(f32_div, kPosZero32, kNegOne32, kRne), (R32{kNegZero32, 0}));
    EXPECT_EQ(run(f32_div, kQNaN32, kPosZero32, kRne), (R32{kCanon32, 0}));
    EXPECT_EQ(run(f32_div, kOne32, kSNaN32, kRne), (R32{kCanon32, NV}));
    EXPECT_EQ(run(f64_div, kOne64, kNegZero64, kRne), (R64{kNegInf64, DZ}));
    EXPECT_EQ(run(f64_div, kNegZero64, kNegZero64, kRne), (R64{kCanon64, NV}));
    EXPECT_EQ(run(f64_div, kInf64, kInf64, kRne), (R64{kCanon64, NV}));
    EXPECT_EQ(run(f64_div, kQNaN64, kQNaNPayload64, kRne), (R64{kCanon64, 0}));
}

TEST(FpuDiv, Rounding) {
    // 1/3 = 0x3eaaaaaa.aaa...: above the midpoint, so the nearest modes go up.
    EXPECT_EQ(run(f32_div, kOne32, kThree32, kRne), (R32{0x3eaaaaab, NX}));
    EXPECT_EQ(run(f32_div, kOne32, kThree32, kRmm), (R32{0x3eaaaaab, NX}));
    EXPECT_EQ(run(f32_div, kOne32, kThree32, kRup), (R32{0x3eaaaaab, NX}));
    EXPECT_EQ(run(f32_div, kOne32, kThree32, kRtz), (R32{0x3eaaaaaa, NX}));
    EXPECT_EQ(run(f32_div, kOne32, kThree32, kRdn), (R32{0x3eaaaaaa, NX}));
    EXPECT_EQ(run(f32_div, kNegOne32, kThree32, kRdn), (R32{0xbeaaaaab, NX}));
    EXPECT_EQ(run(f64_div, kOne64, kThree64, kRne), (R64{0x3fd5555555555555, NX}));
    EXPECT_EQ(run(f64_div, kOne64, kThree64, kRup), (R64{0x3fd5555555555556, NX}));
    EXPECT_EQ(run(f64_div, kTwo64, kOne64, kRne), (R64{kTwo64, 0}));
    EXPECT_EQ(run(f32_div, kMax32, kHalf32, kRne), (R32{kInf32, OF | NX}));
    EXPECT_EQ(run(f32_div, kMax32, kHalf32, kRdn), (R32{kMax32, OF | NX}));
    // Subnormal quotients can be ties: 5 * min_sub / 2 = 2.5 min_sub.
    EXPECT_EQ(run(f32_div, 0x00000005, kTwo32, kRne), (R32{0x00000002, UF | NX}));
    EXPECT_EQ(run(f32_div, 0x00000005, kTwo32, kRmm), (R32{0x00000003, UF | NX}));
    EXPECT_EQ(run(f32_div, 0x00000005, kTwo32, kRup), (R32{0x00000003, UF | NX}));
    EXPECT_EQ(run(f64_div, 0x8000000000000005, kTwo64, kRmm), (R64{0x8000000000000003, UF | NX}));
    EXPECT_EQ(run(f64_div, 0x8000000000000005, kTwo64, kRne), (R64{0x8000000000000002, UF | NX}));
    EXPECT_EQ(run(f64_div, kMinSub64, kMax64, kRne), (R64{kPosZero64, UF | NX}));
    EXPECT_EQ(run(f64_div, kMinSub64, kMax64, kRup), (R64{kMinSub64, UF | NX}));
}

// ---------------------------------------------------------------- sqrt

TEST(FpuSqrt, Values) {
    EXPECT_EQ(run(f32_sqrt, kFour32, kRne), (R32{kTwo32, 0}));
    EXPECT_EQ(run(f32_sqrt, kOne32, kRdn), (R32{kOne32, 0}));
    // sqrt(2) = 1.41421356..., f32 0x3fb504f3 = 1.41421353... lies below it.
    EXPECT_EQ(run(f32_sqrt, kTwo32, kRne), (R32{0x3fb504f3, NX}));
    EXPECT_EQ(run(f32_sqrt, kTwo32, kRtz), (R32{0x3fb504f3, NX}));
    EXPECT_EQ(run(f32_sqrt, kTwo32, kRup), (R32{0x3fb504f4, NX}));
    // f64 0x3ff6a09e667f3bcd = 1.41421356237309514... lies above it.
    EXPECT_EQ(run(f64_sqrt, kTwo64, kRne), (R64{0x3ff6a09e667f3bcd, NX}));
    EXPECT_EQ(run(f64_sqrt, kTwo64, kRmm), (R64{0x3ff6a09e667f3bcd, NX}));
    EXPECT_EQ(run(f64_sqrt, kTwo64, kRdn), (R64{0x3ff6a09e667f3bcc, NX}));
    // sqrt(2^-149) = 2^-75 * sqrt(2): a subnormal operand, normal result.
    EXPECT_EQ(run(f32_sqrt, kMinSub32, kRne), (R32{0x1a3504f3, NX}));
    EXPECT_EQ(run(f64_sqrt, 0x0000000000000004, kRne),
              (R64{0x1e70000000000000, 0})); // sqrt(2^-1072) = 2^-536
    EXPECT_EQ(run(f32_sqrt, kMax32, kRup), (R32{0x5f800000, NX}));
    EXPECT_EQ(run(f32_sqrt, kMax32, kRtz), (R32{0x5f7fffff, NX}));
}

TEST(FpuSqrt, SpecialCases) {
    EXPECT_EQ(run(f32_sqrt, kNegZero32, kRne), (R32{kNegZero32, 0}));
    EXPECT_EQ(run(f32_sqrt, kPosZero32, kRne), (R32{kPosZero32, 0}));
    EXPECT_EQ(run(f32_sqrt, kInf32, kRne), (R32{kInf32, 0}));
    EXPECT_EQ(run(f32_sqrt, kNegInf32, kRne), (R32{kCanon32, NV}));
    EXPECT_EQ(run(f32_sqrt, kNegOne32, kRne), (R32{kCanon32, NV}));
    EXPECT_EQ(run(f32_sqrt, 0x80000001, kRne), (R32{kCanon32, NV}));
    EXPECT_EQ(run(f32_sqrt, kQNaNPayload32, kRne), (R32{kCanon32, 0}));
    EXPECT_EQ(run(f32_sqrt, kSNaN32, kRne), (R32{kCanon32, NV}));
    EXPECT_EQ(run(f64_sqrt, kNegOne64, kRne), (R64{kCanon64, NV}));
    EXPECT_EQ(run(f64_sqrt, kNegZero64, kRdn), (R64{kNegZero64, 0}));
    EXPECT_EQ(run(f64_sqrt, kSNaN64, kRne), (R64{kCanon64, NV}));
}

// ---------------------------------------------------------------- fma

TEST(FpuFma, SingleRounding) {
    EXPECT_EQ(run(f32_fma, kOne32, kOne32, kOne32, kRne), (R32{kTwo32, 0}));
    // (1 + 2^-23)(1 - 2^-23) - 1 = -2^-46 exactly; an unfused sequence gives 0.
    EXPECT_EQ(run(f32_fma, kOnePlusUlp32, 0x3f7ffffe, kNegOne32, kRne), (R32{0xa8800000, 0}));
    EXPECT_EQ(run(f64_fma, 0x3ff0000000000001, 0x3feffffffffffffe, kNegOne64, kRne),
              (R64{0xb970000000000000, 0})); // -2^-104
    // 1*1 + 2^-24 is the add tie again.
    EXPECT_EQ(run(f32_fma, kOne32, kOne32, 0x33800000, kRne), (R32{kOne32, NX}));
    EXPECT_EQ(run(f32_fma, kOne32, kOne32, 0x33800000, kRmm), (R32{kOnePlusUlp32, NX}));
    // A huge product with a tiny addend only sets the sticky bit.
    EXPECT_EQ(run(f64_fma, kMax64, kOne64, kMinSub64, kRne), (R64{kMax64, NX}));
    EXPECT_EQ(run(f64_fma, kMax64, kOne64, kMinSub64, kRup), (R64{kInf64, OF | NX}));
    EXPECT_EQ(run(f64_fma, kMax64, kOne64, 0x8000000000000001, kRtz), (R64{0x7feffffffffffffe, NX}));
    // A tiny product below a normal addend.
    EXPECT_EQ(run(f32_fma, kMinSub32, kMinSub32, kOne32, kRup), (R32{kOnePlusUlp32, NX}));
    EXPECT_EQ(run(f32_fma, kMinSub32, kMinSub32, kOne32, kRne), (R32{kOne32, NX}));
    EXPECT_EQ(run(f32_fma, 0x80000001, kMinSub32, kOne32, kRdn), (R32{0x3f7fffff, NX}));
}

TEST(FpuFma, ZerosAndSubnormals) {
    EXPECT_EQ(run(f32_fma, kPosZero32, kOne32, kNegZero32, kRne), (R32{kPosZero32, 0}));
    EXPECT_EQ(run(f32_fma, kPosZero32, kOne32, kNegZero32, kRdn), (R32{kNegZero32, 0}));
    EXPECT_EQ(run(f32_fma, kNegZero32, kOne32, kNegZero32, kRne), (R32{kNegZero32, 0}));
    EXPECT_EQ(run(f32_fma, kOne32, kOne32, kNegOne32, kRne), (R32{kPosZero32, 0}));
    EXPECT_EQ(run(f32_fma, kOne32, kOne32, kNegOne32, kRdn), (R32{kNegZero32, 0}));
    EXPECT_EQ(run(f64_fma, kNegZero64, kNegOne64, kPosZero64, kRdn), (R64{kPosZero64, 0}));
    EXPECT_EQ(run(f64_fma, kPosZero64, kInf64 - 1, kMinSub64, kRne), (R64{kMinSub64, 0}));
    // Tiny product plus a zero addend rounds like a product.
    EXPECT_EQ(run(f32_fma, kMinSub32, kHalf32, kNegZero32, kRne), (R32{kPosZero32, UF | NX}));
    EXPECT_EQ(run(f32_fma, kMinSub32, kHalf32, kNegZero32, kRup), (R32{kMinSub32, UF | NX}));
    EXPECT_EQ(run(f32_fma, kMinNormal32, kHalf32, kPosZero32, kRne), (R32{0x00400000, 0}));
    // Cancellation down to a subnormal: 2^-126 * 1.5 - 2^-126 = 2^-127, exact.
    EXPECT_EQ(run(f32_fma, kMinNormal32, 0x3fc00000, 0x80800000, kRne), (R32{0x00400000, 0}));
}

TEST(FpuFma, InfinitiesAndNaNs) {
    // RISC-V: inf * 0 raises NV even when the addend is a quiet NaN.
    EXPECT_EQ(run(f32_fma, kInf32, kPosZero32, kQNaN32, kRne), (R32{kCanon32, NV}));
    EXPECT_EQ(run(f32_fma, kNegZero32, kNegInf32, kQNaNPayload32, kRne), (R32{kCanon32, NV}));
    EXPECT_EQ(run(f32_fma, kInf32, kPosZero32, kOne32, kRne), (R32{kCanon32, NV}));
    EXPECT_EQ(run(f64_fma, kPosZero64, kInf64, kQNaN64, kRne), (R64{kCanon64, NV}));
    EXPECT_EQ(run(f32_fma, kQNaN32, kOne32, kOne32, kRne), (R32{kCanon32, 0}));
    EXPECT_EQ(run(f32_fma, kOne32, kOne32, kQNaNPayload32, kRne), (R32{kCanon32, 0}));
    EXPECT_EQ(run(f32_fma, kQNaN32, kPosZero32, kInf32, kRne), (R32{kCanon32, 0}));
    EXPECT_EQ(run(f32_fma, kOne32, kOne32, kSNaN32, kRne), (R32{kCanon32, NV}));
    EXPECT_EQ(run(f64_fma, kSNaN64, kOne64, kQNaN64, kRne), (R64{kCanon64, NV}));
    EXPECT_EQ(run(f32_fma, kInf32, kOne32, kNegInf32, kRne), (R32{kCanon32, NV}));
    EXPECT_EQ(run(f32_fma, kInf32, kNegOne32, kNegInf32, kRne), (R32{kNegInf32, 0}));
    EXPECT_EQ(run(f32_fma, kOne32, kOne32, kNegInf32, kRne), (R32{kNegInf32, 0}));
    EXPECT_EQ(run(f32_fma, kMax32, kMax32, kNegInf32, kRne), (R32{kNegInf32, 0}));
    EXPECT_EQ(run(f64_fma, kMax64, kMax64, kNegMax64, kRne), (R64{kInf64, OF | NX}));
}

TEST(FpuFma, NegatedForms) {
    // fmsub = a*b - c, fnmsub = -(a*b) + c, fnmadd = -(a*b) - c.
    EXPECT_EQ(run(f32_fmsub, kTwo32, kThree32, kOne32, kRne), (R32{0x40a00000, 0}));  // 5
    EXPECT_EQ(run(f32_fnmsub, kTwo32, kThree32, kOne32, kRne), (R32{0xc0a00000, 0})); // -5
    EXPECT_EQ(run(f32_fnmadd, kTwo32, kThree32, kOne32, kRne), (R32{0xc0e00000, 0})); // -7
    EXPECT_EQ(run(f64_fmsub, kTwo64, kThree64, kOne64, kRne), (R64{0x4014000000000000, 0}));
    EXPECT_EQ(run(f64_fnmsub, kTwo64, kThree64, kOne64, kRne), (R64{0xc014000000000000, 0}));
    EXPECT_EQ(run(f64_fnmadd, kTwo64, kThree64, kOne64, kRne), (R64{0xc01c000000000000, 0}));
    // Zero signs show that the product is negated, not the result:
    // fnmadd(+0, 1, -0) = -0 - (-0) = +0 (negating fma(+0,1,-0) = +0 would give -0).
    EXPECT_EQ(run(f32_fnmadd, kPosZero32, kOne32, kNegZero32, kRne), (R32{kPosZero32, 0}));
    EXPECT_EQ(run(f32_fnmadd, kPosZero32, kOne32, kPosZero32, kRne), (R32{kNegZero32, 0}));
    EXPECT_EQ(run(f32_fnmsub, kPosZero32, kOne32, kPosZero32, kRne), (R32{kPosZero32, 0}));
    EXPECT_EQ(run(f32_fnmsub, kPosZero32, kOne32, kNegZero32, kRne), (R32{kNegZero32, 0}));
    EXPECT_EQ(run(f32_fmsub, kPosZero32, kOne32, kPosZero32, kRne), (R32{kPosZero32, 0}));
    EXPECT_EQ(run(f32_fmsub, kNegZero32, kOne32, kPosZero32, kRne), (R32{kNegZero32, 0}));
    EXPECT_EQ(run(f64_fmsub, kOne64, kOne64, kOne64, kRne), (R64{kPosZero64, 0}));
    EXPECT_EQ(run(f64_fmsub, kOne64, kOne64, kOne64, kRdn), (R64{kNegZero64, 0}));
    EXPECT_EQ(run(f64_fnmadd, kOne64, kOne64, kNegOne64, kRne), (R64{kPosZero64, 0}));
    // The negated value itself is rounded: fnmadd(1, 1, 2^-24) = -(1 + 2^-24),
    // which RUP takes toward +inf (-1) and RDN away from it.
    EXPECT_EQ(run(f32_fnmadd, kOne32, kOne32, 0x33800000, kRup), (R32{kNegOne32, NX}));
    EXPECT_EQ(run(f32_fnmadd, kOne32, kOne32, 0x33800000, kRdn), (R32{0xbf800001, NX}));
    // NaN operands: the result is canonical whatever sign was flipped; NV
    // survives the flip of a signaling NaN.
    EXPECT_EQ(run(f32_fnmadd, kSNaN32, kOne32, kOne32, kRne), (R32{kCanon32, NV}));
    EXPECT_EQ(run(f32_fmsub, kOne32, kOne32, kQNaNPayload32, kRne), (R32{kCanon32, 0}));
    EXPECT_EQ(run(f64_fnmsub, kQNaN64, kOne64, kOne64, kRne), (R64{kCanon64, 0}));
}

// ---------------------------------------------------------------- min / max

TEST(FpuMinMax, Zeros) {
    EXPECT_EQ(run(f32_min, kPosZero32, kNegZero32), (R32{kNegZero32, 0}));
    EXPECT_EQ(run(f32_min, kNegZero32, kPosZero32), (R32{kNegZero32, 0}));
    EXPECT_EQ(run(f32_max, kNegZero32, kPosZero32), (R32{kPosZero32, 0}));
    EXPECT_EQ(run(f32_max, kPosZero32, kNegZero32), (R32{kPosZero32, 0}));
    EXPECT_EQ(run(f64_min, kPosZero64, kNegZero64), (R64{kNegZero64, 0}));
    EXPECT_EQ(run(f64_max, kNegZero64, kPosZero64), (R64{kPosZero64, 0}));
}

TEST(FpuMinMax, Ordering) {
    EXPECT_EQ(run(f32_min, kOne32, kTwo32), (R32{kOne32, 0}));
    EXPECT_EQ(run(f32_max, kOne32, kTwo32), (R32{kTwo32, 0}));
    EXPECT_EQ(run(f32_min, kNegOne32, 0xc0000000), (R32{0xc0000000, 0}));
    EXPECT_EQ(run(f32_max, kNegOne32, 0xc0000000), (R32{kNegOne32, 0}));
    EXPECT_EQ(run(f32_min, kNegInf32, kMax32), (R32{kNegInf32, 0}));
    EXPECT_EQ(run(f32_max, kMinSub32, 0x80000001), (R32{kMinSub32, 0}));
    EXPECT_EQ(run(f64_min, kInf64, kMax64), (R64{kMax64, 0}));
    EXPECT_EQ(run(f64_max, kNegOne64, kNegInf64), (R64{kNegOne64, 0}));
}

TEST(FpuMinMax, NaNs) {
    EXPECT_EQ(run(f32_min, kQNaN32, kOne32), (R32{kOne32, 0}));
    EXPECT_EQ(run(f32_max, kTwo32, kQNaNPayload32), (R32{kTwo32, 0}));
    EXPECT_EQ(run(f32_min, kSNaN32, kOne32), (R32{kOne32, NV})); // NV even with a non-NaN result
    EXPECT_EQ(run(f32_max, kNegOne32, kNegSNaN32), (R32{kNegOne32, NV}));
    EXPECT_EQ(run(f32_min, kQNaN32, kQNaNPayload32), (R32{kCanon32, 0}));
    EXPECT_EQ(run(f32_max, kSNaN32, kQNaN32), (R32{kCanon32, NV}));
    EXPECT_EQ(run(f64_min, kQNaNPayload64, kNegZero64), (R64{kNegZero64, 0}));
    EXPECT_EQ(run(f64_max, kSNaN64, kSNaN64), (R64{kCanon64, NV}));
    EXPECT_EQ(run(f64_max, kSNaN64, kInf64), (R64{kInf64, NV}));
}

// ---------------------------------------------------------------- compare

template <typename Fn, typename T>
Res<bool> cmp(Fn fn, T a, T b) {
    u32 fflags = 0;
    const bool r = fn(a, b, fflags);
    return {r, fflags};
}

TEST(FpuCompare, Values) {
    EXPECT_EQ(cmp(f32_eq, kPosZero32, kNegZero32), (Res<bool>{true, 0}));
    EXPECT_EQ(cmp(f32_lt, kNegZero32, kPosZero32), (Res<bool>{false, 0}));
    EXPECT_EQ(cmp(f32_le, kPosZero32, kNegZero32), (Res<bool>{true, 0}));
    EXPECT_EQ(cmp(f32_lt, kOne32, kTwo32), (Res<bool>{true, 0}));
    EXPECT_EQ(cmp(f32_lt, kTwo32, kOne32), (Res<bool>{false, 0}));
    EXPECT_EQ(cmp(f32_lt, 0xc0000000, kNegOne32), (Res<bool>{true, 0}));
    EXPECT_EQ(cmp(f32_lt, kNegOne32, 0xc0000000), (Res<bool>{false, 0}));
    EXPECT_EQ(cmp(f32_le, kTwo32, kTwo32), (Res<bool>{true, 0}));
    EXPECT_EQ(cmp(f32_lt, kTwo32, kTwo32), (Res<bool>{false, 0}));
    EXPECT_EQ(cmp(f32_eq, kTwo32, kOne32), (Res<bool>{false, 0}));
    EXPECT_EQ(cmp(f32_lt, kNegInf32, kInf32), (Res<bool>{true, 0}));
    EXPECT_EQ(cmp(f32_lt, 0x80000001, kPosZero32), (Res<bool>{true, 0}));
    EXPECT_EQ(cmp(f32_le, kMinSub32, kNegZero32), (Res<bool>{false, 0}));
    EXPECT_EQ(cmp(f64_eq, kNegZero64, kPosZero64), (Res<bool>{true, 0}));
    EXPECT_EQ(cmp(f64_lt, kMaxSub64, kMinNormal64), (Res<bool>{true, 0}));
    EXPECT_EQ(cmp(f64_le, kNegMax64, kNegInf64), (Res<bool>{false, 0}));
    EXPECT_EQ(cmp(f64_eq, kInf64, kInf64), (Res<bool>{true, 0}));
}

TEST(FpuCompare, NaNs) {
    // feq is quiet: NV only for signaling NaNs.
    EXPECT_EQ(cmp(f32_eq, kQNaN32, kOne32), (Res<bool>{false, 0}));
    EXPECT_EQ(cmp(f32_eq, kQNaN32, kQNaN32), (Res<bool>{false, 0}));
    EXPECT_EQ(cmp(f32_eq, kOne32, kSNaN32), (Res<bool>{false, NV}));
    EXPECT_EQ(cmp(f64_eq, kQNaNPayload64, kQNaNPayload64), (Res<bool>{false, 0}));
    EXPECT_EQ(cmp(f64_eq, kSNaN64, kSNaN64), (Res<bool>{false, NV}));
    // flt and fle are signaling: NV for any NaN.
    EXPECT_EQ(cmp(f32_lt, kQNaN32, kOne32), (Res<bool>{false, NV}));
    EXPECT_EQ(cmp(f32_le, kOne32, kQNaNPayload32), (Res<bool>{false, NV}));
    EXPECT_EQ(cmp(f32_le, kSNaN32, kOne32), (Res<bool>{false, NV}));
    EXPECT_EQ(cmp(f64_lt, kNegInf64, kQNaN64), (Res<bool>{false, NV}));
    EXPECT_EQ(cmp(f64_le, kQNaN64, kQNaN64), (Res<bool>{false, NV}));
}

// ---------------------------------------------------------------- classify

TEST(FpuClassify, EveryClass) {
    EXPECT_EQ(f32_classify(kNegInf32), fclass::NegInf);
    EXPECT_EQ(f32_classify(kNegOne32), fclass::NegNormal);
    EXPECT_EQ(f32_classify(0x80000001), fclass::NegSubnormal);
    EXPECT_EQ(f32_classify(0x807fffff), fclass::NegSubnormal);
    EXPECT_EQ(f32_classify(kNegZero32), fclass::NegZero);
    EXPECT_EQ(f32_classify(kPosZero32), fclass::PosZero);
    EXPECT_EQ(f32_classify(kMinSub32), fclass::PosSubnormal);
    EXPECT_EQ(f32_classify(kMinNormal32), fclass::PosNormal);
    EXPECT_EQ(f32_classify(kMax32), fclass::PosNormal);
    EXPECT_EQ(f32_classify(kInf32), fclass::PosInf);
    EXPECT_EQ(f32_classify(kSNaN32), fclass::SignalingNaN);
    EXPECT_EQ(f32_classify(kNegSNaN32), fclass::SignalingNaN);
    EXPECT_EQ(f32_classify(kQNaN32), fclass::QuietNaN);
    EXPECT_EQ(f32_classify(kQNaNPayload32), fclass::QuietNaN);
    EXPECT_EQ(f32_classify(kNegInf32), 1u << 0);
    EXPECT_EQ(f32_classify(kQNaN32), 1u << 9);

    EXPECT_EQ(f64_classify(kNegInf64), fclass::NegInf);
    EXPECT_EQ(f64_classify(kNegMax64), fclass::NegNormal);
    EXPECT_EQ(f64_classify(0x8000000000000001), fclass::NegSubnormal);
    EXPECT_EQ(f64_classify(kNegZero64), fclass::NegZero);
    EXPECT_EQ(f64_classify(kPosZero64), fclass::PosZero);
    EXPECT_EQ(f64_classify(kMaxSub64), fclass::PosSubnormal);
    EXPECT_EQ(f64_classify(kOne64), fclass::PosNormal);
    EXPECT_EQ(f64_classify(kInf64), fclass::PosInf);
    EXPECT_EQ(f64_classify(kSNaN64), fclass::SignalingNaN);
    EXPECT_EQ(f64_classify(0x7ff7ffffffffffff), fclass::SignalingNaN);
    EXPECT_EQ(f64_classify(kQNaN64), fclass::QuietNaN);
    EXPECT_EQ(f64_classify(kQNaNPayload64), fclass::QuietNaN);
}

// ---------------------------------------------------------------- float -> int

TEST(FpuToInt, RoundingModes) {
    constexpr u32 k1_5 = 0x3fc00000, k2_5 = 0x40200000, kNeg2_5 = 0xc0200000;
    EXPECT_EQ(run(f32_to_i32, k1_5, kRne), (Res<i32>{2, NX}));
    EXPECT_EQ(run(f32_to_i32, k2_5, kRne), (Res<i32>{2, NX}));
    EXPECT_EQ(run(f32_to_i32, k2_5, kRmm), (Res<i32>{3, NX}));
    EXPECT_EQ(run(f32_to_i32, k2_5, kRup), (Res<i32>{3, NX}));
    EXPECT_EQ(run(f32_to_i32, k2_5, kRtz), (Res<i32>{2, NX}));
    EXPECT_EQ(run(f32_to_i32, kNeg2_5, kRne), (Res<i32>{-2, NX}));
    EXPECT_EQ(run(f32_to_i32, kNeg2_5, kRmm), (Res<i32>{-3, NX}));
    EXPECT_EQ(run(f32_to_i32, kNeg2_5, kRdn), (Res<i32>{-3, NX}));
    EXPECT_EQ(run(f32_to_i32, kNeg2_5, kRup), (Res<i32>{-2, NX}));
    EXPECT_EQ(run(f32_to_i32, kNeg2_5, kRtz), (Res<i32>{-2, NX}));
    EXPECT_EQ(run(f32_to_i32, kThree32, kRne), (Res<i32>{3, 0}));
    EXPECT_EQ(run(f32_to_i32, kNegZero32, kRne), (Res<i32>{0, 0}));
    EXPECT_EQ(run(f32_to_i32, kMinSub32, kRup), (Res<i32>{1, NX}));
    EXPECT_EQ(run(f32_to_i32, 0x80000001, kRdn), (Res<i32>{-1, NX}));
    EXPECT_EQ(run(f32_to_i32, 0x80000001, kRne), (Res<i32>{0, NX}));
    EXPECT_EQ(run(f64_to_i64, 0xc004000000000000, kRmm), (Res<i64>{-3, NX})); // -2.5
    EXPECT_EQ(run(f64_to_i64, 0xc004000000000000, kRne), (Res<i64>{-2, NX}));
    EXPECT_EQ(run(f64_to_u64, 0x3fe0000000000000, kRmm), (Res<u64>{1, NX})); // 0.5
    EXPECT_EQ(run(f64_to_u64, 0x3fe0000000000000, kRne), (Res<u64>{0, NX}));
    EXPECT_EQ(run(f64_to_u64, kMinSub64, kRup), (Res<u64>{1, NX}));
}

TEST(FpuToInt, InvalidAndSaturation) {
    constexpr i32 kMinI32 = -2147483647 - 1;
    constexpr i32 kMaxI32 = 2147483647;
    constexpr i64 kMinI64 = -9223372036854775807ll - 1;
    constexpr i64 kMaxI64 = 9223372036854775807ll;
    // NaN of either sign gives the maximum.
    EXPECT_EQ(run(f32_to_i32, kQNaN32, kRne), (Res<i32>{kMaxI32, NV}));
    EXPECT_EQ(run(f32_to_i32, kQNaNPayload32, kRne), (Res<i32>{kMaxI32, NV}));
    EXPECT_EQ(run(f32_to_u32, kNegSNaN32, kRne), (Res<u32>{0xffffffff, NV}));
    EXPECT_EQ(run(f32_to_i64, kQNaN32, kRne), (Res<i64>{kMaxI64, NV}));
    EXPECT_EQ(run(f64_to_u64, kQNaNPayload64, kRne), (Res<u64>{~u64{0}, NV}));
    EXPECT_EQ(run(f32_to_i32, kInf32, kRne), (Res<i32>{kMaxI32, NV}));
    EXPECT_EQ(run(f32_to_i32, kNegInf32, kRne), (Res<i32>{kMinI32, NV}));
    EXPECT_EQ(run(f32_to_u32, kNegInf32, kRne), (Res<u32>{0, NV}));
    EXPECT_EQ(run(f64_to_u64, kInf64, kRne), (Res<u64>{~u64{0}, NV}));
    // Boundaries of i32.
    EXPECT_EQ(run(f32_to_i32, 0x4f000000, kRne), (Res<i32>{kMaxI32, NV})); // 2^31
    EXPECT_EQ(run(f32_to_i32, 0xcf000000, kRne), (Res<i32>{kMinI32, 0}));  // -2^31
    EXPECT_EQ(run(f32_to_i32, 0xcf000001, kRne), (Res<i32>{kMinI32, NV}));
    constexpr u64 k2p31Minus0_5 = 0x41dfffffffe00000; // 2147483647.5
    EXPECT_EQ(run(f64_to_i32, k2p31Minus0_5, kRne), (Res<i32>{kMaxI32, NV}));
    EXPECT_EQ(run(f64_to_i32, k2p31Minus0_5, kRtz), (Res<i32>{kMaxI32, NX}));
    EXPECT_EQ(run(f64_to_i32, k2p31Minus0_5, kRdn), (Res<i32>{kMaxI32, NX}));
    EXPECT_EQ(run(f64_to_i32, k2p31Minus0_5, kRmm), (Res<i32>{kMaxI32, NV}));
    constexpr u64 kNeg2p31Minus0_5 = 0xc1e0000000100000; // -2147483648.5
    EXPECT_EQ(run(f64_to_i32, kNeg2p31Minus0_5, kRtz), (Res<i32>{kMinI32, NX}));
    EXPECT_EQ(run(f64_to_i32, kNeg2p31Minus0_5, kRne), (Res<i32>{kMinI32, NX})); // tie to even
    EXPECT_EQ(run(f64_to_i32, kNeg2p31Minus0_5, kRdn), (Res<i32>{kMinI32, NV}));
    EXPECT_EQ(run(f64_to_i32, kNeg2p31Minus0_5, kRmm), (Res<i32>{kMinI32, NV}));
    // Unsigned: negative values that round to 0 are valid (NX only).
    EXPECT_EQ(run(f32_to_u32, 0xbf000000, kRtz), (Res<u32>{0, NX})); // -0.5
    EXPECT_EQ(run(f32_to_u32, 0xbf000000, kRne), (Res<u32>{0, NX}));
    EXPECT_EQ(run(f32_to_u32, 0xbf000000, kRdn), (Res<u32>{0, NV}));
    EXPECT_EQ(run(f32_to_u32, 0xbf000000, kRmm), (Res<u32>{0, NV}));
    EXPECT_EQ(run(f32_to_u32, kNegOne32, kRtz), (Res<u32>{0, NV}));
    EXPECT_EQ(run(f32_to_u32, kNegZero32, kRne), (Res<u32>{0, 0}));
    EXPECT_EQ(run(f32_to_u32, 0x4f800000, kRne), (Res<u32>{0xffffffff, NV})); // 2^32
    EXPECT_EQ(run(f32_to_u32, 0x4f7fffff, kRne), (Res<u32>{0xffffff00, 0}));
    EXPECT_EQ(run(f64_to_u32, 0x41efffffffe00000, kRne), (Res<u32>{0xffffffff, 0}));  // 2^32 - 1
    EXPECT_EQ(run(f64_to_u32, 0x41effffffff00000, kRne), (Res<u32>{0xffffffff, NV})); // 2^32 - 0.5
    EXPECT_EQ(run(f64_to_u32, 0x41effffffff00000, kRtz), (Res<u32>{0xffffffff, NX}));
    // 64-bit boundaries.
    EXPECT_EQ(run(f32_to_i64, 0x5f000000, kRne), (Res<i64>{kMaxI64, NV})); // 2^63
    EXPECT_EQ(run(f32_to_i64, 0xdf000000, kRne), (Res<i64>{kMinI64, 0}));
    EXPECT_EQ(run(f64_to_i64, 0x43e0000000000000, kRne), (Res<i64>{kMaxI64, NV}));
    EXPECT_EQ(run(f64_to_i64, 0xc3e0000000000000, kRne), (Res<i64>{kMinI64, 0}));
    EXPECT_EQ(run(f64_to_i64, 0xc3e0000000000001, kRne), (Res<i64>{kMinI64, NV}));
    EXPECT_EQ(run(f64_to_i64, 0x43dfffffffffffff, kRne), (Res<i64>{0x7ffffffffffffc00, 0}));
    EXPECT_EQ(run(f32_to_u64, 0x5f800000, kRne), (Res<u64>{~u64{0}, NV})); // 2^64
    EXPECT_EQ(run(f32_to_u64, 0x5f7fffff, kRne), (Res<u64>{0xffffff0000000000, 0}));
    EXPECT_EQ(run(f64_to_u64, 0x43efffffffffffff, kRne), (Res<u64>{0xfffffffffffff800, 0}));
    EXPECT_EQ(run(f64_to_u64, kNegOne64, kRne), (Res<u64>{0, NV}));
    EXPECT_EQ(run(f64_to_u64, kMax64, kRne), (Res<u64>{~u64{0}, NV}));
    EXPECT_EQ(run(f64_to_i64, kNegMax64, kRne), (Res<i64>{kMinI64, NV}));
}

// ---------------------------------------------------------------- int -> float

TEST(FpuFromInt, Conversions) {
    EXPECT_EQ(run(i32_to_f32, 0, kRdn), (R32{kPosZero32, 0})); // +0 even when rounding down
    EXPECT_EQ(run(i32_to_f32, -1, kRne), (R32{kNegOne32, 0}));
    EXPECT_EQ(run(i32_to_f32, -2147483647 - 1, kRne), (R32{0xcf000000, 0}));
    // 2^24 + 1 is a tie between 2^24 (even) and 2^24 + 2.
    EXPECT_EQ(run(i32_to_f32, 16777217, kRne), (R32{0x4b800000, NX}));
    EXPECT_EQ(run(i32_to_f32, 16777217, kRmm), (R32{0x4b800001, NX}));
    EXPECT_EQ(run(i32_to_f32, 16777217, kRup), (R32{0x4b800001, NX}));
    EXPECT_EQ(run(i32_to_f32, -16777217, kRmm), (R32{0xcb800001, NX}));
    EXPECT_EQ(run(i32_to_f32, -16777217, kRup), (R32{0xcb800000, NX}));
    EXPECT_EQ(run(u32_to_f32, 0xffffffffu, kRne), (R32{0x4f800000, NX}));
    EXPECT_EQ(run(u32_to_f32, 0xffffffffu, kRtz), (R32{0x4f7fffff, NX}));
    EXPECT_EQ(run(i64_to_f32, -9223372036854775807ll - 1, kRne), (R32{0xdf000000, 0}));
    EXPECT_EQ(run(u64_to_f32, ~u64{0}, kRne), (R32{0x5f800000, NX}));
    EXPECT_EQ(run(u64_to_f32, ~u64{0}, kRdn), (R32{0x5f7fffff, NX}));
    EXPECT_EQ(run(i32_to_f64, -5, kRne), (R64{0xc014000000000000, 0}));
    EXPECT_EQ(run(i32_to_f64, 0, kRne), (R64{kPosZero64, 0}));
    EXPECT_EQ(run(u32_to_f64, 0xffffffffu, kRne), (R64{0x41efffffffe00000, 0}));
    EXPECT_EQ(run(i64_to_f64, (i64{1} << 53) + 1, kRne), (R64{0x4340000000000000, NX}));
    EXPECT_EQ(run(i64_to_f64, (i64{1} << 53) + 1, kRmm), (R64{0x4340000000000001, NX}));
    EXPECT_EQ(run(i64_to_f64, (i64{1} << 53) + 3, kRne), (R64{0x4340000000000002, NX}));
    EXPECT_EQ(run(i64_to_f64, -9223372036854775807ll - 1, kRne), (R64{0xc3e0000000000000, 0}));
    EXPECT_EQ(run(i64_to_f64, -9223372036854775807ll, kRtz), (R64{0xc3dfffffffffffff, NX}));
    EXPECT_EQ(run(u64_to_f64, ~u64{0}, kRne), (R64{0x43f0000000000000, NX}));
    EXPECT_EQ(run(u64_to_f64, ~u64{0}, kRtz), (R64{0x43efffffffffffff, NX}));
    EXPECT_EQ(run(u64_to_f64, 1, kRne), (R64{kOne64, 0}));
}

// ---------------------------------------------------------------- between formats

TEST(FpuConvert, SingleToDouble) {
    EXPECT_EQ(run(f32_to_f64, kOne32), (R64{kOne64, 0}));
    EXPECT_EQ(run(f32_to_f64, kNegZero32), (R64{kNegZero64, 0}));
    EXPECT_EQ(run(f32_to_f64, kNegInf32), (R64{kNegInf64, 0}));
    EXPECT_EQ(run(f32_to_f64, kMinSub32), (R64{0x36a0000000000000, 0})); // 2^-149
    EXPECT_EQ(run(f32_to_f64, 0x807fffff), (R64{0xb80fffffc0000000, 0}));
    EXPECT_EQ(run(f32_to_f64, kMax32), (R64{0x47efffffe0000000, 0}));
    EXPECT_EQ(run(f32_to_f64, kQNaNPayload32), (R64{kCanon64, 0}));
    EXPECT_EQ(run(f32_to_f64, kSNaN32), (R64{kCanon64, NV}));
}

TEST(FpuConvert, DoubleToSingle) {
    EXPECT_EQ(run(f64_to_f32, kOne64, kRne), (R32{kOne32, 0}));
    EXPECT_EQ(run(f64_to_f32, 0x3fd5555555555555, kRne), (R32{0x3eaaaaab, NX})); // 1/3
    EXPECT_EQ(run(f64_to_f32, 0x3fd5555555555555, kRtz), (R32{0x3eaaaaaa, NX}));
    EXPECT_EQ(run(f64_to_f32, kMax64, kRne), (R32{kInf32, OF | NX}));
    EXPECT_EQ(run(f64_to_f32, kMax64, kRtz), (R32{kMax32, OF | NX}));
    EXPECT_EQ(run(f64_to_f32, kNegMax64, kRup), (R32{kNegMax32, OF | NX}));
    EXPECT_EQ(run(f64_to_f32, kNegMax64, kRdn), (R32{kNegInf32, OF | NX}));
    // f32 max + half an ulp (2^128 - 2^103) ties into overflow; just below does not.
    EXPECT_EQ(run(f64_to_f32, 0x47effffff0000000, kRne), (R32{kInf32, OF | NX}));
    EXPECT_EQ(run(f64_to_f32, 0x47effffff0000000, kRmm), (R32{kInf32, OF | NX}));
    EXPECT_EQ(run(f64_to_f32, 0x47effffff0000000, kRtz), (R32{kMax32, NX}));
    EXPECT_EQ(run(f64_to_f32, 0x47efffffefffffff, kRne), (R32{kMax32, NX}));
    EXPECT_EQ(run(f64_to_f32, kMinSub64, kRne), (R32{kPosZero32, UF | NX}));
    EXPECT_EQ(run(f64_to_f32, kMinSub64, kRup), (R32{kMinSub32, UF | NX}));
    EXPECT_EQ(run(f64_to_f32, 0x8000000000000001, kRdn), (R32{0x80000001, UF | NX}));
    // 2^-150 ties between 0 and min_sub; 1.5 * 2^-149 between 1 and 2 min_sub.
    EXPECT_EQ(run(f64_to_f32, 0x3690000000000000, kRne), (R32{kPosZero32, UF | NX}));
    EXPECT_EQ(run(f64_to_f32, 0x3690000000000000, kRmm), (R32{kMinSub32, UF | NX}));
    EXPECT_EQ(run(f64_to_f32, 0x36a8000000000000, kRne), (R32{0x00000002, UF | NX}));
    EXPECT_EQ(run(f64_to_f32, 0x36a8000000000000, kRtz), (R32{kMinSub32, UF | NX}));
    EXPECT_EQ(run(f64_to_f32, 0x36a0000000000000, kRne), (R32{kMinSub32, 0})); // exact subnormal
    EXPECT_EQ(run(f64_to_f32, kQNaNPayload64, kRne), (R32{kCanon32, 0}));
    EXPECT_EQ(run(f64_to_f32, kSNaN64, kRne), (R32{kCanon32, NV}));
    EXPECT_EQ(run(f64_to_f32, kNegInf64, kRne), (R32{kNegInf32, 0}));
    EXPECT_EQ(run(f64_to_f32, kNegZero64, kRne), (R32{kNegZero32, 0}));
}

// ---------------------------------------------------------------- bits

TEST(FpuBits, NaNBoxing) {
    static_assert(box32(kOne32) == 0xffffffff3f800000);
    EXPECT_EQ(unbox32(box32(kOne32)), kOne32);
    EXPECT_EQ(unbox32(box32(kSNaN32)), kSNaN32);
    EXPECT_EQ(unbox32(0x000000003f800000), kCanon32);
    EXPECT_EQ(unbox32(0xfffffffe3f800000), kCanon32);
    EXPECT_EQ(unbox32(kOne64), kCanon32);
}

TEST(FpuBits, SignInjection) {
    EXPECT_EQ(f32_sgnj(kOne32, 0xc0000000), kNegOne32);
    EXPECT_EQ(f32_sgnj(kNegOne32, kTwo32), kOne32);
    EXPECT_EQ(f32_sgnjn(kOne32, 0xc0000000), kOne32);
    EXPECT_EQ(f32_sgnjn(kOne32, kOne32), kNegOne32);
    EXPECT_EQ(f32_sgnjx(kNegOne32, 0xc0000000), kOne32);
    EXPECT_EQ(f32_sgnjx(kNegOne32, kTwo32), kNegOne32);
    EXPECT_EQ(f32_sgnj(kSNaN32, kNegOne32), 0xff800001u); // payload kept, not canonicalised
    EXPECT_EQ(f64_sgnj(kOne64, kNegZero64), kNegOne64);
    EXPECT_EQ(f64_sgnjn(kNegOne64, kNegOne64), kOne64);
    EXPECT_EQ(f64_sgnjx(kNegOne64, kNegOne64), kOne64);
    EXPECT_EQ(f64_sgnjx(kQNaNPayload64, kNegZero64), 0x7ff8000000012345u);
    EXPECT_EQ(f32_neg(kPosZero32), kNegZero32);
    EXPECT_EQ(f64_neg(kNegInf64), kInf64);
}

} // namespace
} // namespace kite::riscv::fpu
