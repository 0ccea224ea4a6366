// Randomised cross-checks of the software FPU against independent references:
// - RNE/RTZ/RDN/RUP arithmetic: the host's SSE unit under fesetround, with its
//   exception flags (x86 detects tininess after rounding, like RISC-V), and
//   std::fma for the fused operations.
// - RMM, which x86 lacks: the result must equal RNE unless the exact result is
//   a tie, which is decided by exact integer arithmetic (2x == rdn + rup).
// - float -> int, all five modes: long double rounding functions (exact for
//   every operand) and the range table of the RISC-V spec.
// - compare, min/max, classify: the host's ordering and classification.
// Operands are biased toward the interesting places: exponent extremes,
// operands whose exponents cancel or land the result near underflow or
// overflow, sparse and dense significands (which make ties likely).
#include "cpu/riscv/fpu/fpu.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cfenv>
#include <cmath>
#include <cstdio>
#include <functional>
#include <gtest/gtest.h>
#include <random>
#include <string>
#include <type_traits>
#include <utility>

namespace kite::riscv::fpu {
namespace {

using u128 = unsigned __int128;

constexpr int kSamples = 200000;

struct HostMode {
    RoundingMode rm;
    int fe;
    const char* name;
};
constexpr std::array<HostMode, 4> kHostModes{{
    {RoundingMode::Rne, FE_TONEAREST, "rne"},
    {RoundingMode::Rtz, FE_TOWARDZERO, "rtz"},
    {RoundingMode::Rdn, FE_DOWNWARD, "rdn"},
    {RoundingMode::Rup, FE_UPWARD, "rup"},
}};

u32 host_flags() {
    const int raised = std::fetestexcept(FE_ALL_EXCEPT);
    u32 f = 0;
    f |= (raised & FE_INEXACT) != 0 ? flags::NX : 0;
    f |= (raised & FE_UNDERFLOW) != 0 ? flags::UF : 0;
    f |= (raised & FE_OVERFLOW) != 0 ? flags::OF : 0;
    f |= (raised & FE_DIVBYZERO) != 0 ? flags::DZ : 0;
    f |= (raised & FE_INVALID) != 0 ? flags::NV : 0;
    return f;
}

float as_f32(u64 bits) {
    return std::bit_cast<float>(static_cast<u32>(bits));
}
double as_f64(u64 bits) {
    return std::bit_cast<double>(bits);
}
u64 bits_of(float v) {
    return std::bit_cast<u32>(v);
}
u64 bits_of(double v) {
    return std::bit_cast<u64>(v);
}

// ---- Formats as the tests see them (independent of the library's internals).
enum class Fmt { F32, F64 };

struct FmtInfo {
    int exp_bits;
    int frac_bits;
    u64 canonical_nan;
    int exp_all_ones() const { return (1 << exp_bits) - 1; }
    int bias() const { return (1 << (exp_bits - 1)) - 1; }
    u64 sign_bit() const { return u64{1} << (exp_bits + frac_bits); }
    u64 frac_mask() const { return (u64{1} << frac_bits) - 1; }
    int biased_exp(u64 bits) const { return static_cast<int>((bits >> frac_bits) & exp_all_ones()); }
    bool is_nan(u64 bits) const { return biased_exp(bits) == exp_all_ones() && (bits & frac_mask()) != 0; }
    bool is_snan(u64 bits) const { return is_nan(bits) && ((bits >> (frac_bits - 1)) & 1) == 0; }
    bool is_inf(u64 bits) const { return biased_exp(bits) == exp_all_ones() && (bits & frac_mask()) == 0; }
    bool sign(u64 bits) const { return (bits & sign_bit()) != 0; }
};

FmtInfo info(Fmt f) {
    return f == Fmt::F32 ? FmtInfo{8, 23, kCanonicalNaN32} : FmtInfo{11, 52, kCanonicalNaN64};
}

// The exact value of a float as a double (exact for both formats).
double exact_value(Fmt f, u64 bits) {
    return f == Fmt::F32 ? static_cast<double>(as_f32(bits)) : as_f64(bits);
}

// ---- Exact arithmetic for tie detection: a sum of signed terms
// ±m * 2^e (m up to 128 bits) is compared with zero in a wide fixed-point
// integer. Products of two doubles span at most about 4200 bits.
struct Term {
    bool negative;
    u128 magnitude;
    int exp;
};

struct Decomposed {
    bool negative;
    u64 sig;
    int exp;
};

Decomposed decompose(double d) {
    const u64 bits = std::bit_cast<u64>(d);
    const int biased = static_cast<int>((bits >> 52) & 0x7ff);
    const u64 frac = bits & ((u64{1} << 52) - 1);
    if (biased == 0)
        return {(bits >> 63) != 0, frac, -1074};
    return {(bits >> 63) != 0, frac | (u64{1} << 52), biased - 1075};
}

// coefficient * x, with the coefficient a signed power of two.
Term term(double x, int coefficient_log2 = 0, bool negate = false) {
    const Decomposed d = decompose(x);
    return {d.negative != negate, d.sig, d.exp + coefficient_log2};
}

Term product(double x, double y, int coefficient_log2 = 0, bool negate = false) {
    const Decomposed a = decompose(x);
    const Decomposed b = decompose(y);
    return {(a.negative != b.negative) != negate, u128{a.sig} * b.sig, a.exp + b.exp + coefficient_log2};
}

Term integer_term(bool negative, u64 magnitude, int coefficient_log2 = 0) {
    return {negative, magnitude, coefficient_log2};
}

constexpr int kBigLimbs = 80;
using Big = std::array<u64, kBigLimbs>;

void add_shifted(Big& acc, u128 value, int shift) {
    const int limb = shift / 64;
    const int bit = shift % 64;
    const u64 w0 = static_cast<u64>(value);
    const u64 w1 = static_cast<u64>(value >> 64);
    const std::array<u64, 3> parts{
        w0 << bit,
        (w1 << bit) | (bit != 0 ? w0 >> (64 - bit) : 0),
        bit != 0 ? w1 >> (64 - bit) : 0,
    };
    u64 carry = 0;
    for (int i = limb; i < kBigLimbs; ++i) {
        const u64 add = (i - limb < 3 ? parts[i - limb] : 0);
        const u128 sum = u128{acc[i]} + add + carry;
        acc[i] = static_cast<u64>(sum);
        carry = static_cast<u64>(sum >> 64);
        if (i - limb >= 2 && carry == 0)
            break;
    }
    EXPECT_EQ(carry, 0u) << "exact sum overflowed its " << kBigLimbs << " limbs";
}

bool sum_is_zero(std::initializer_list<Term> terms) {
    int min_exp = 1 << 20;
    for (const Term& t : terms) {
        if (t.magnitude != 0)
            min_exp = std::min(min_exp, t.exp);
    }
    Big positive{};
    Big negative{};
    for (const Term& t : terms) {
        if (t.magnitude == 0)
            continue;
        const int shift = t.exp - min_exp;
        EXPECT_LT(shift / 64 + 3, kBigLimbs);
        add_shifted(t.negative ? negative : positive, t.magnitude, shift);
    }
    return positive == negative;
}

// ---- Operand generation.
using Operands = std::array<u64, 3>;

class Gen {
public:
    Gen(Fmt fmt, u64 seed) : m_info(info(fmt)), m_rng(seed) {}

    u64 next() { return m_rng(); }
    int below(int n) { return static_cast<int>(m_rng() % static_cast<u64>(n)); }
    const FmtInfo& fmt() const { return m_info; }

    u64 frac() {
        const u64 mask = m_info.frac_mask();
        const int fb = m_info.frac_bits;
        switch (below(6)) {
        case 0: { // a few bits set
            u64 f = 0;
            for (int i = below(3); i >= 0; --i)
                f |= u64{1} << below(fb);
            return f;
        }
        case 1: { // all ones but a few
            u64 f = mask;
            for (int i = below(3); i >= 0; --i)
                f &= ~(u64{1} << below(fb));
            return f;
        }
        case 2: // only high bits: short significands make exact results and ties likely
            return (next() & mask) & ~((u64{1} << below(fb)) - 1);
        case 3:
            return below(2) == 0 ? 0 : (below(2) == 0 ? 1 : mask);
        default:
            return next() & mask;
        }
    }

    int exponent() {
        const int top = m_info.exp_all_ones();
        switch (below(10)) {
        case 0:
            return 0; // zero or subnormal
        case 1:
            return 1 + below(3);
        case 2:
            return top - 1 - below(3);
        case 3:
            return m_info.bias() - 3 + below(7);
        default:
            return 1 + below(top - 1);
        }
    }

    u64 make(bool sign, int biased, u64 frac) const {
        biased = std::clamp(biased, 0, m_info.exp_all_ones() - 1);
        return (sign ? m_info.sign_bit() : 0) | (static_cast<u64>(biased) << m_info.frac_bits) |
               (frac & m_info.frac_mask());
    }

    u64 special() {
        const FmtInfo& f = m_info;
        const u64 inf = static_cast<u64>(f.exp_all_ones()) << f.frac_bits;
        const std::array<u64, 12> values{
            0,
            inf,
            inf | (u64{1} << (f.frac_bits - 1)),       // quiet NaN
            inf | 1,                                   // signaling NaN
            inf | (next() & f.frac_mask()) | 1,        // some NaN
            inf - 1,                                   // max finite
            1,                                         // min subnormal
            f.frac_mask(),                             // max subnormal
            f.frac_mask() + 1,                         // min normal
            static_cast<u64>(f.bias()) << f.frac_bits, // 1.0
            (static_cast<u64>(f.bias()) << f.frac_bits) | 1,
            (static_cast<u64>(f.bias()) << f.frac_bits) - 1,
        };
        return values[below(static_cast<int>(values.size()))] | (below(2) != 0 ? f.sign_bit() : 0);
    }

    u64 any() {
        switch (below(24)) {
        case 0:
            return next() & (m_info.sign_bit() * 2 - 1);
        case 1:
        case 2:
            return special();
        default:
            return make(below(2) != 0, exponent(), frac());
        }
    }

    // A finite operand with the given biased exponent (clamped to finite).
    u64 with_exp(int biased) { return make(below(2) != 0, biased, frac()); }

private:
    FmtInfo m_info;
    std::mt19937_64 m_rng;
};

// ---- A generic operation under test. Operands and results are raw bits
// (integers as their two's complement bits).
struct Op {
    std::string name;
    Fmt result_fmt;
    // The operation under test.
    std::function<u64(const Operands&, RoundingMode, u32&)> soft;
    // The host's computation in its current rounding mode.
    std::function<u64(const Operands&)> host;
    // Whether the exact result lies exactly halfway between rdn and rup (both
    // finite and different). Empty for exact operations.
    std::function<bool(const Operands&, u64 rdn, u64 rup)> is_tie;
    std::function<Operands()> generate;
    bool expect_ties;
};

struct Outcome {
    u64 bits;
    u32 fflags;
};

Outcome run_host(const Op& op, const Operands& ops, int fe) {
    std::feclearexcept(FE_ALL_EXCEPT);
    std::fesetround(fe);
    const u64 bits = op.host(ops);
    const u32 f = host_flags();
    std::fesetround(FE_TONEAREST);
    return {bits, f};
}

std::string hex(u64 v) {
    char text[32];
    std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(v));
    return text;
}

std::string describe(const Op& op, const Operands& ops, const char* mode) {
    return op.name + "(" + hex(ops[0]) + ", " + hex(ops[1]) + ", " + hex(ops[2]) + ") " + mode;
}

void cross_check(const Op& op) {
    const FmtInfo out = info(op.result_fmt);
    int failures = 0;
    int ties = 0;
    for (int i = 0; i < kSamples && failures < 10; ++i) {
        const Operands ops = op.generate();
        std::array<Outcome, 4> host{};
        for (std::size_t m = 0; m < kHostModes.size(); ++m) {
            Outcome expected = run_host(op, ops, kHostModes[m].fe);
            if (out.is_nan(expected.bits))
                expected.bits = out.canonical_nan;
            host[m] = expected;
            u32 fflags = 0;
            const u64 got = op.soft(ops, kHostModes[m].rm, fflags);
            if (got != expected.bits || fflags != expected.fflags) {
                ++failures;
                ADD_FAILURE() << describe(op, ops, kHostModes[m].name) << ": got " << hex(got) << " flags "
                              << hex(fflags) << ", host " << hex(expected.bits) << " flags "
                              << hex(expected.fflags);
            }
        }
        // RMM: like RNE, flags included, except on an exact tie, where it takes
        // the neighbour away from zero. (At the overflow threshold RNE already
        // rounds a tie to infinity, and the tininess of a tie does not depend
        // on its direction, so the flags never differ.)
        const Outcome& rne = host[0];
        const Outcome& rdn = host[2];
        const Outcome& rup = host[3];
        Outcome expected = rne;
        const bool inexact = exact_value(op.result_fmt, rdn.bits) != exact_value(op.result_fmt, rup.bits);
        if (op.is_tie && !out.is_nan(rne.bits) && inexact && !out.is_inf(rdn.bits) && !out.is_inf(rup.bits) &&
            op.is_tie(ops, rdn.bits, rup.bits)) {
            ++ties;
            expected.bits = out.sign(rdn.bits) ? rdn.bits : rup.bits;
        }
        u32 fflags = 0;
        const u64 got = op.soft(ops, RoundingMode::Rmm, fflags);
        if (got != expected.bits || fflags != expected.fflags) {
            ++failures;
            ADD_FAILURE() << describe(op, ops, "rmm") << ": got " << hex(got) << " flags " << hex(fflags)
                          << ", expected " << hex(expected.bits) << " flags " << hex(expected.fflags);
        }
    }
    // The generators aim at ties; make sure the RMM tie path was exercised.
    if (op.expect_ties) {
        EXPECT_GT(ties, 0) << op.name;
    }
}

// ---- Operand generators for each kind of operation.
Operands gen_add(Gen& g) {
    const u64 a = g.any();
    u64 b = g.any();
    if (g.below(2) == 0) { // close exponents: cancellation, carries, ties
        const int p = g.fmt().frac_bits + 1;
        b = g.with_exp(g.fmt().biased_exp(a) + g.below(2 * p + 9) - (p + 4));
    }
    return {a, b, 0};
}

// Picks b's exponent so that a*b (or a/b) lands near the underflow or
// overflow threshold or near 1.
int target_exponent(Gen& g) {
    const FmtInfo& f = g.fmt();
    switch (g.below(3)) {
    case 0:
        return g.below(f.frac_bits + 6) - (f.frac_bits + 2); // around the subnormal range
    case 1:
        return f.exp_all_ones() - 3 + g.below(5); // around overflow
    default:
        return f.bias() - 2 + g.below(5);
    }
}

Operands gen_mul(Gen& g) {
    const u64 a = g.any();
    u64 b = g.any();
    if (g.below(5) < 3)
        b = g.with_exp(target_exponent(g) - g.fmt().biased_exp(a) + g.fmt().bias());
    return {a, b, 0};
}

Operands gen_div(Gen& g) {
    const u64 a = g.any();
    u64 b = g.any();
    if (g.below(5) < 3)
        b = g.with_exp(g.fmt().biased_exp(a) - target_exponent(g) + g.fmt().bias());
    return {a, b, 0};
}

Operands gen_unary(Gen& g) {
    u64 a = g.any();
    if (g.below(2) == 0)
        a &= ~g.fmt().sign_bit();
    return {a, 0, 0};
}

Operands gen_fma(Gen& g) {
    const Operands ab = gen_mul(g);
    u64 c = g.any();
    if (g.below(2) == 0) { // addend near the product: cancellation and ties
        const FmtInfo& f = g.fmt();
        const int p = f.frac_bits + 1;
        const int product_exp = f.biased_exp(ab[0]) + f.biased_exp(ab[1]) - f.bias();
        c = g.with_exp(product_exp + g.below(3 * p + 8) - (2 * p + 4));
    }
    return {ab[0], ab[1], c};
}

// ---- The library's functions for one format, keyed by the host type that
// serves as its reference. kIndex numbers the format in the random seeds.
template <typename H>
struct Soft;

template <>
struct Soft<float> {
    using Bits = u32;
    static constexpr Fmt kFmt = Fmt::F32;
    static constexpr const char* kName = "f32";
    static constexpr u64 kIndex = 1;
    static constexpr auto add = f32_add;
    static constexpr auto sub = f32_sub;
    static constexpr auto mul = f32_mul;
    static constexpr auto div = f32_div;
    static constexpr auto sqrt = f32_sqrt;
    static constexpr auto fma = f32_fma;
    static constexpr auto eq = f32_eq;
    static constexpr auto lt = f32_lt;
    static constexpr auto le = f32_le;
    static constexpr auto min = f32_min;
    static constexpr auto max = f32_max;
    static constexpr auto classify = f32_classify;
    static constexpr auto to_i32 = f32_to_i32;
    static constexpr auto to_u32 = f32_to_u32;
    static constexpr auto to_i64 = f32_to_i64;
    static constexpr auto to_u64 = f32_to_u64;
    static constexpr auto from_i32 = i32_to_f32;
    static constexpr auto from_u32 = u32_to_f32;
    static constexpr auto from_i64 = i64_to_f32;
    static constexpr auto from_u64 = u64_to_f32;
};

template <>
struct Soft<double> {
    using Bits = u64;
    static constexpr Fmt kFmt = Fmt::F64;
    static constexpr const char* kName = "f64";
    static constexpr u64 kIndex = 2;
    static constexpr auto add = f64_add;
    static constexpr auto sub = f64_sub;
    static constexpr auto mul = f64_mul;
    static constexpr auto div = f64_div;
    static constexpr auto sqrt = f64_sqrt;
    static constexpr auto fma = f64_fma;
    static constexpr auto eq = f64_eq;
    static constexpr auto lt = f64_lt;
    static constexpr auto le = f64_le;
    static constexpr auto min = f64_min;
    static constexpr auto max = f64_max;
    static constexpr auto classify = f64_classify;
    static constexpr auto to_i32 = f64_to_i32;
    static constexpr auto to_u32 = f64_to_u32;
    static constexpr auto to_i64 = f64_to_i64;
    static constexpr auto to_u64 = f64_to_u64;
    static constexpr auto from_i32 = i32_to_f64;
    static constexpr auto from_u32 = u32_to_f64;
    static constexpr auto from_i64 = i64_to_f64;
    static constexpr auto from_u64 = u64_to_f64;
};

template <typename H>
using BitsOf = typename Soft<H>::Bits;

// Each format-generic test runs once per format, named by it (FpuRandomFormat/f32.Add).
template <typename H>
class FpuRandomFormat : public ::testing::Test {};
struct FormatName {
    template <typename H>
    static std::string GetName(int) {
        return Soft<H>::kName;
    }
};
using Formats = ::testing::Types<float, double>;
TYPED_TEST_SUITE(FpuRandomFormat, Formats, FormatName);

// Seeds: 100 * kIndex + n for the n-th arithmetic test (101-106 for f32,
// 201-206 for f64), base + kIndex for the later groups.
template <typename H>
Gen arith_gen(u64 n) {
    return Gen(Soft<H>::kFmt, 100 * Soft<H>::kIndex + n);
}
template <typename H>
Gen group_gen(u64 base) {
    return Gen(Soft<H>::kFmt, base + Soft<H>::kIndex);
}

// ---- Arithmetic in one format. Host computations read volatile operands and
// write a volatile result, so they happen strictly between fesetround and
// fetestexcept.
template <typename H>
H host_value(u64 bits) {
    return std::bit_cast<H>(static_cast<BitsOf<H>>(bits));
}

template <typename H>
auto exact_of() {
    return [](u64 bits) { return exact_value(Soft<H>::kFmt, bits); };
}

// A two-operand operation: `host` is the host's operator on H values.
template <typename H, typename HostFn>
Op binary_op(Gen& g, const char* name, BitsOf<H> (*soft)(BitsOf<H>, BitsOf<H>, RoundingMode, u32&),
             HostFn host, std::function<bool(const Operands&, u64, u64)> is_tie, Operands (*generate)(Gen&)) {
    using B = BitsOf<H>;
    return Op{
        name,
        Soft<H>::kFmt,
        [soft](const Operands& o, RoundingMode rm, u32& fl) -> u64 {
            return soft(static_cast<B>(o[0]), static_cast<B>(o[1]), rm, fl);
        },
        [host](const Operands& o) {
            volatile H a = host_value<H>(o[0]);
            volatile H b = host_value<H>(o[1]);
            volatile H r = host(a, b);
            return bits_of(static_cast<H>(r));
        },
        std::move(is_tie),
        [&g, generate] { return generate(g); },
        true,
    };
}

template <typename H>
Op add_op(Gen& g, bool subtract) {
    auto v = exact_of<H>();
    return binary_op<H>(
        g, subtract ? "sub" : "add", subtract ? Soft<H>::sub : Soft<H>::add,
        [subtract](H a, H b) { return subtract ? a - b : a + b; },
        [v, subtract](const Operands& o, u64 lo, u64 hi) { // 2(a ± b) == lo + hi
            return sum_is_zero(
                {term(v(o[0]), 1), term(v(o[1]), 1, subtract), term(v(lo), 0, true), term(v(hi), 0, true)});
        },
        gen_add);
}

template <typename H>
Op mul_op(Gen& g) {
    auto v = exact_of<H>();
    return binary_op<H>(
        g, "mul", Soft<H>::mul, [](H a, H b) { return a * b; },
        [v](const Operands& o, u64 lo, u64 hi) { // 2ab == lo + hi
            return sum_is_zero({product(v(o[0]), v(o[1]), 1), term(v(lo), 0, true), term(v(hi), 0, true)});
        },
        gen_mul);
}

// Only subnormal quotients can tie.
template <typename H>
Op div_op(Gen& g) {
    auto v = exact_of<H>();
    return binary_op<H>(
        g, "div", Soft<H>::div, [](H a, H b) { return a / b; },
        [v](const Operands& o, u64 lo, u64 hi) { // 2a == (lo + hi) b
            return sum_is_zero(
                {term(v(o[0]), 1), product(v(lo), v(o[1]), 0, true), product(v(hi), v(o[1]), 0, true)});
        },
        gen_div);
}

template <typename H>
Op sqrt_op(Gen& g) {
    auto v = exact_of<H>();
    return Op{
        "sqrt",
        Soft<H>::kFmt,
        [](const Operands& o, RoundingMode rm, u32& fl) -> u64 {
            return Soft<H>::sqrt(static_cast<BitsOf<H>>(o[0]), rm, fl);
        },
        [](const Operands& o) {
            volatile H a = host_value<H>(o[0]);
            volatile H r = std::sqrt(static_cast<H>(a));
            return bits_of(static_cast<H>(r));
        },
        [v](const Operands& o, u64 lo, u64 hi) { // 4a == (lo + hi)^2
            const double l = v(lo);
            const double h = v(hi);
            return sum_is_zero(
                {term(v(o[0]), 2), product(l, l, 0, true), product(l, h, 1, true), product(h, h, 0, true)});
        },
        [&g] { return gen_unary(g); },
        false, // a square root is never a tie
    };
}

template <typename H>
Op fma_op(Gen& g) {
    using B = BitsOf<H>;
    auto v = exact_of<H>();
    return Op{
        "fma",
        Soft<H>::kFmt,
        [](const Operands& o, RoundingMode rm, u32& fl) -> u64 {
            return Soft<H>::fma(static_cast<B>(o[0]), static_cast<B>(o[1]), static_cast<B>(o[2]), rm, fl);
        },
        [](const Operands& o) {
            volatile H a = host_value<H>(o[0]);
            volatile H b = host_value<H>(o[1]);
            volatile H c = host_value<H>(o[2]);
            volatile H r = std::fma(static_cast<H>(a), static_cast<H>(b), static_cast<H>(c));
            return bits_of(static_cast<H>(r));
        },
        [v](const Operands& o, u64 lo, u64 hi) { // 2(ab + c) == lo + hi
            return sum_is_zero(
                {product(v(o[0]), v(o[1]), 1), term(v(o[2]), 1), term(v(lo), 0, true), term(v(hi), 0, true)});
        },
        [&g] { return gen_fma(g); },
        true,
    };
}

TYPED_TEST(FpuRandomFormat, Add) {
    Gen g = arith_gen<TypeParam>(1);
    cross_check(add_op<TypeParam>(g, false));
}
TYPED_TEST(FpuRandomFormat, Sub) {
    Gen g = arith_gen<TypeParam>(2);
    cross_check(add_op<TypeParam>(g, true));
}
TYPED_TEST(FpuRandomFormat, Mul) {
    Gen g = arith_gen<TypeParam>(3);
    cross_check(mul_op<TypeParam>(g));
}
TYPED_TEST(FpuRandomFormat, Div) {
    Gen g = arith_gen<TypeParam>(4);
    cross_check(div_op<TypeParam>(g));
}
TYPED_TEST(FpuRandomFormat, Sqrt) {
    Gen g = arith_gen<TypeParam>(5);
    cross_check(sqrt_op<TypeParam>(g));
}
TYPED_TEST(FpuRandomFormat, Fma) {
    Gen g = arith_gen<TypeParam>(6);
    cross_check(fma_op<TypeParam>(g));
}

// ---- Conversions between formats.
TEST(FpuRandom, F64ToF32) {
    Gen g(Fmt::F64, 301);
    auto generate = [&g]() -> Operands {
        // Aim at the f32 range: its subnormal end, its overflow end, or 1.
        switch (g.below(4)) {
        case 0:
            return {g.with_exp(1023 - 152 + g.below(30)), 0, 0};
        case 1:
            return {g.with_exp(1023 + 125 + g.below(5)), 0, 0};
        case 2:
            return {g.with_exp(1023 - 3 + g.below(7)), 0, 0};
        default:
            return {g.any(), 0, 0};
        }
    };
    cross_check(Op{
        "f64_to_f32",
        Fmt::F32,
        [](const Operands& o, RoundingMode rm, u32& fl) -> u64 { return f64_to_f32(o[0], rm, fl); },
        [](const Operands& o) {
            volatile double a = as_f64(o[0]);
            volatile float r = static_cast<float>(a);
            return bits_of(static_cast<float>(r));
        },
        [](const Operands& o, u64 lo, u64 hi) {
            return sum_is_zero({term(as_f64(o[0]), 1), term(as_f32(lo), 0, true), term(as_f32(hi), 0, true)});
        },
        generate,
        true,
    });
}

TEST(FpuRandom, F32ToF64) {
    Gen g(Fmt::F32, 302);
    cross_check(Op{
        "f32_to_f64",
        Fmt::F64,
        [](const Operands& o, RoundingMode, u32& fl) -> u64 {
            return f32_to_f64(static_cast<u32>(o[0]), fl);
        },
        [](const Operands& o) {
            volatile float a = as_f32(o[0]);
            volatile double r = static_cast<double>(a);
            return bits_of(static_cast<double>(r));
        },
        {},
        [&g]() -> Operands {
            return {g.any(), 0, 0};
        },
        false,
    });
}

// ---- Integer to float. The operand is the integer's bits in o[0].
u64 random_integer(Gen& g, int width, bool is_signed) {
    const int bits = g.below(width + 1);
    u64 v = 0;
    if (bits != 0) {
        const u64 top = u64{1} << (bits - 1);
        switch (g.below(3)) {
        case 0: // sparse: a top bit and a few more, so ties are common
            v = top;
            for (int i = g.below(3); i >= 0; --i)
                v |= u64{1} << g.below(bits);
            break;
        case 1: // all ones but a few
            v = top | (top - 1);
            for (int i = g.below(3); i >= 0; --i)
                v &= ~(u64{1} << g.below(bits));
            break;
        default:
            v = top | (g.next() & (top - 1));
            break;
        }
    }
    const bool negative = is_signed && g.below(2) != 0;
    v = negative ? u64{0} - v : v;
    return width == 32 ? static_cast<u32>(v) : v;
}

template <typename H, typename Int>
Op from_int_op(Gen& g, const char* int_name, BitsOf<H> (*soft)(Int, RoundingMode, u32&)) {
    constexpr bool kSigned = std::is_signed_v<Int>;
    constexpr int kWidth = sizeof(Int) * 8;
    constexpr int kPrecision = sizeof(H) == 4 ? 24 : 53;
    auto v = exact_of<H>();
    return Op{
        std::string(int_name) + "_to_" + Soft<H>::kName,
        Soft<H>::kFmt,
        [soft](const Operands& o, RoundingMode rm, u32& fl) -> u64 {
            return soft(static_cast<Int>(o[0]), rm, fl);
        },
        [](const Operands& o) {
            volatile Int a = static_cast<Int>(o[0]);
            volatile H r = static_cast<H>(a);
            return bits_of(static_cast<H>(r));
        },
        [v](const Operands& o, u64 lo, u64 hi) { // 2i == lo + hi
            const Int i = static_cast<Int>(o[0]);
            const bool negative = i < 0;
            const u64 magnitude = negative ? u64{0} - static_cast<u64>(i) : static_cast<u64>(i);
            return sum_is_zero(
                {integer_term(negative, magnitude, 1), term(v(lo), 0, true), term(v(hi), 0, true)});
        },
        [&g]() -> Operands {
            return {random_integer(g, kWidth, kSigned), 0, 0};
        },
        kWidth > kPrecision,
    };
}

// Seeds 401 (f32) and 402 (f64).
TYPED_TEST(FpuRandomFormat, IntTo) {
    using S = Soft<TypeParam>;
    Gen g = group_gen<TypeParam>(400);
    cross_check(from_int_op<TypeParam, i32>(g, "i32", S::from_i32));
    cross_check(from_int_op<TypeParam, u32>(g, "u32", S::from_u32));
    cross_check(from_int_op<TypeParam, i64>(g, "i64", S::from_i64));
    cross_check(from_int_op<TypeParam, u64>(g, "u64", S::from_u64));
}

// ---- Float to integer, in all five modes, against long double rounding
// (every f32 and f64 value, and every integer bound, is exact in it).
struct IntTarget {
    const char* name;
    bool is_signed;
    int width;
};
constexpr std::array<IntTarget, 4> kIntTargets{{
    {"i32", true, 32},
    {"u32", false, 32},
    {"i64", true, 64},
    {"u64", false, 64},
}};

long double round_ld(long double x, RoundingMode rm) {
    switch (rm) {
    case RoundingMode::Rne:
        return std::nearbyint(x); // the host is in round-to-nearest-even here
    case RoundingMode::Rtz:
        return std::trunc(x);
    case RoundingMode::Rdn:
        return std::floor(x);
    case RoundingMode::Rup:
        return std::ceil(x);
    case RoundingMode::Rmm:
        return std::round(x); // halfway cases away from zero
    }
    return x;
}

Outcome reference_to_int(Fmt fmt, u64 bits, const IntTarget& t, RoundingMode rm) {
    const FmtInfo f = info(fmt);
    const u64 max_pos = t.is_signed ? (u64{1} << (t.width - 1)) - 1 : ~u64{0} >> (64 - t.width);
    const u64 mask = t.width == 64 ? ~u64{0} : (u64{1} << t.width) - 1;
    const u64 min_neg = t.is_signed ? (u64{0} - (u64{1} << (t.width - 1))) & mask : 0;
    if (f.is_nan(bits))
        return {max_pos, flags::NV};
    const long double x = exact_value(fmt, bits);
    const long double r = round_ld(x, rm);
    const long double lo = t.is_signed ? -std::ldexp(1.0L, t.width - 1) : 0.0L;
    const long double hi = t.is_signed ? std::ldexp(1.0L, t.width - 1) - 1 : std::ldexp(1.0L, t.width) - 1;
    if (r < lo)
        return {min_neg, flags::NV};
    if (r > hi)
        return {max_pos, flags::NV};
    const u64 value = r < 0 ? u64{0} - static_cast<u64>(-r) : static_cast<u64>(r);
    return {value & mask, r != x ? flags::NX : 0u};
}

template <typename H>
u64 soft_to_int(u64 bits, const IntTarget& t, RoundingMode rm, u32& fl) {
    using S = Soft<H>;
    const auto b = static_cast<BitsOf<H>>(bits);
    if (t.width == 32)
        return t.is_signed ? static_cast<u32>(S::to_i32(b, rm, fl)) : S::to_u32(b, rm, fl);
    return t.is_signed ? static_cast<u64>(S::to_i64(b, rm, fl)) : S::to_u64(b, rm, fl);
}

template <typename H>
void check_to_int() {
    const Fmt fmt = Soft<H>::kFmt;
    Gen g = group_gen<H>(500); // seeds 501 (f32) and 502 (f64)
    const FmtInfo f = info(fmt);
    constexpr std::array kModes{RoundingMode::Rne, RoundingMode::Rtz, RoundingMode::Rdn, RoundingMode::Rup,
                                RoundingMode::Rmm};
    int failures = 0;
    for (int i = 0; i < kSamples && failures < 10; ++i) {
        // Mostly values from 1/8 to 2^66, where rounding and range matter.
        const u64 bits = g.below(4) == 0 ? g.any() : g.with_exp(f.bias() - 3 + g.below(70));
        for (const IntTarget& t : kIntTargets) {
            for (RoundingMode rm : kModes) {
                const Outcome expected = reference_to_int(fmt, bits, t, rm);
                u32 fl = 0;
                const u64 got = soft_to_int<H>(bits, t, rm, fl);
                if (got != expected.bits || fl != expected.fflags) {
                    ++failures;
                    ADD_FAILURE() << "to_" << t.name << "(" << hex(bits) << ") mode " << static_cast<int>(rm)
                                  << ": got " << hex(got) << " flags " << hex(fl) << ", expected "
                                  << hex(expected.bits) << " flags " << hex(expected.fflags);
                }
            }
        }
    }
}

TYPED_TEST(FpuRandomFormat, ToInt) {
    check_to_int<TypeParam>();
}

// ---- Comparisons, min/max and classification against the host's ordering.
template <typename H>
void check_compare_min_max_classify() {
    using S = Soft<H>;
    using B = BitsOf<H>;
    const FmtInfo f = info(S::kFmt);
    Gen g = group_gen<H>(600); // seeds 601 (f32) and 602 (f64)
    int failures = 0;
    for (int i = 0; i < kSamples && failures < 10; ++i) {
        Operands ops = gen_add(g);
        if (g.below(8) == 0)
            ops[1] = ops[0] ^ (g.below(2) != 0 ? f.sign_bit() : 0); // equal, or ±0 pairs
        const u64 a = ops[0];
        const u64 b = ops[1];
        const H x = host_value<H>(a);
        const H y = host_value<H>(b);
        const bool a_nan = f.is_nan(a);
        const bool b_nan = f.is_nan(b);
        const bool any_snan = f.is_snan(a) || f.is_snan(b);
        const u32 quiet_flags = any_snan ? flags::NV : 0;
        const u32 signaling_flags = (a_nan || b_nan) ? flags::NV : 0;

        u32 fl = 0;
        bool r = S::eq(B(a), B(b), fl);
        EXPECT_TRUE(r == (x == y) && fl == quiet_flags) << "eq " << hex(a) << " " << hex(b);
        fl = 0;
        r = S::lt(B(a), B(b), fl);
        EXPECT_TRUE(r == std::isless(x, y) && fl == signaling_flags) << "lt " << hex(a) << " " << hex(b);
        fl = 0;
        r = S::le(B(a), B(b), fl);
        EXPECT_TRUE(r == std::islessequal(x, y) && fl == signaling_flags) << "le " << hex(a) << " " << hex(b);

        // minimumNumber / maximumNumber with -0 < +0.
        u64 expected_min = 0;
        u64 expected_max = 0;
        if (a_nan && b_nan) {
            expected_min = expected_max = f.canonical_nan;
        } else if (a_nan || b_nan) {
            expected_min = expected_max = a_nan ? b : a;
        } else if (std::isless(x, y) || (x == y && f.sign(a) && !f.sign(b))) {
            expected_min = a;
            expected_max = b;
        } else if (std::isless(y, x) || (x == y && f.sign(b) && !f.sign(a))) {
            expected_min = b;
            expected_max = a;
        } else { // identical values
            expected_min = expected_max = a;
        }
        fl = 0;
        u64 got = S::min(B(a), B(b), fl);
        EXPECT_TRUE(got == expected_min && fl == quiet_flags) << "min " << hex(a) << " " << hex(b);
        fl = 0;
        got = S::max(B(a), B(b), fl);
        EXPECT_TRUE(got == expected_max && fl == quiet_flags) << "max " << hex(a) << " " << hex(b);

        u32 expected_class = 0;
        const bool neg = std::signbit(x);
        switch (std::fpclassify(x)) {
        case FP_NAN:
            expected_class = f.is_snan(a) ? fclass::SignalingNaN : fclass::QuietNaN;
            break;
        case FP_INFINITE:
            expected_class = neg ? fclass::NegInf : fclass::PosInf;
            break;
        case FP_ZERO:
            expected_class = neg ? fclass::NegZero : fclass::PosZero;
            break;
        case FP_SUBNORMAL:
            expected_class = neg ? fclass::NegSubnormal : fclass::PosSubnormal;
            break;
        default:
            expected_class = neg ? fclass::NegNormal : fclass::PosNormal;
            break;
        }
        const u32 got_class = S::classify(B(a));
        EXPECT_EQ(got_class, expected_class) << "classify " << hex(a);
        if (::testing::Test::HasFailure())
            ++failures;
    }
}

TYPED_TEST(FpuRandomFormat, CompareMinMaxClassify) {
    check_compare_min_max_classify<TypeParam>();
}

// The host reference is only meaningful if the host really rounds per mode.
TEST(FpuRandom, HostHonoursRoundingModes) {
    volatile double one = 1.0;
    volatile double three = 3.0;
    std::fesetround(FE_UPWARD);
    volatile double up = one / three;
    std::fesetround(FE_DOWNWARD);
    volatile double down = one / three;
    std::fesetround(FE_TONEAREST);
    EXPECT_NE(bits_of(static_cast<double>(up)), bits_of(static_cast<double>(down)));
}

} // namespace
} // namespace kite::riscv::fpu
