#include "cpu/riscv/fpu/fpu.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <utility>

// A software implementation on integers: operands are unpacked to sign,
// exponent and integer significand, the exact result (or a result carrying a
// sticky bit for whatever was shifted or divided away) is formed in 128 bits,
// and one routine rounds and packs it. Nothing depends on the host's floating
// point state or flags (the square root only borrows a seed from the host and
// then corrects it exactly), so results and flags are the same on every host
// and in all five rounding modes (x86 has no ties-away mode, and its NaN rules
// differ).
namespace kite::riscv::fpu {
namespace {

using u128 = unsigned __int128;

template <typename Bits, int ExpBits, int FracBits>
struct Format {
    using Storage = Bits;
    static constexpr int kFracBits = FracBits;
    static constexpr int kPrecision = FracBits + 1;
    static constexpr int kExpAllOnes = (1 << ExpBits) - 1;
    static constexpr int kBias = (1 << (ExpBits - 1)) - 1;
    static constexpr int kEmin = 1 - kBias; // exponent of the smallest normal
    static constexpr Bits kSignBit = Bits{1} << (ExpBits + FracBits);
    static constexpr Bits kFracMask = (Bits{1} << FracBits) - 1;
    static constexpr Bits kQuietBit = Bits{1} << (FracBits - 1);
    static constexpr Bits kInf = static_cast<Bits>(kExpAllOnes) << FracBits;
    static constexpr Bits kMaxFinite = kInf - 1;
    static constexpr Bits kCanonicalNaN = kInf | kQuietBit;
};

using F32 = Format<u32, 8, 23>;
using F64 = Format<u64, 11, 52>;
static_assert(F32::kCanonicalNaN == kCanonicalNaN32 && F64::kCanonicalNaN == kCanonicalNaN64);

enum class Kind : u8 { Zero, Finite, Inf, QuietNaN, SignalingNaN };

// An unpacked operand. For Finite, the value is sig * 2^exp with sig
// normalised so its top bit is bit kFracBits (subnormals are normalised too),
// which keeps quotient and root widths predictable.
struct Value {
    Kind kind;
    bool sign;
    int exp;
    u64 sig;

    bool is_nan() const { return kind == Kind::QuietNaN || kind == Kind::SignalingNaN; }
    bool is_snan() const { return kind == Kind::SignalingNaN; }
};

template <typename F>
Value unpack(typename F::Storage bits) {
    Value v{Kind::Finite, (bits & F::kSignBit) != 0, 0, 0};
    const int biased = static_cast<int>((bits >> F::kFracBits) & F::kExpAllOnes);
    const u64 frac = static_cast<u64>(bits & F::kFracMask);
    if (biased == F::kExpAllOnes) {
        if (frac == 0)
            v.kind = Kind::Inf;
        else
            v.kind = (frac & F::kQuietBit) != 0 ? Kind::QuietNaN : Kind::SignalingNaN;
    } else if (biased == 0) {
        if (frac == 0) {
            v.kind = Kind::Zero;
        } else {
            const int shift = F::kPrecision - static_cast<int>(std::bit_width(frac));
            v.sig = frac << shift;
            v.exp = F::kEmin - F::kFracBits - shift;
        }
    } else {
        v.sig = frac | (u64{1} << F::kFracBits);
        v.exp = biased - F::kBias - F::kFracBits;
    }
    return v;
}

template <typename F>
typename F::Storage pack_zero(bool sign) {
    return sign ? F::kSignBit : 0;
}

template <typename F>
typename F::Storage pack_inf(bool sign) {
    return (sign ? F::kSignBit : 0) | F::kInf;
}

// The canonical NaN for an operation whose operands include a NaN: NV if one
// of them is signaling.
template <typename F>
typename F::Storage nan_result(u32& fflags, bool any_snan) {
    if (any_snan)
        fflags |= flags::NV;
    return F::kCanonicalNaN;
}

template <typename F>
typename F::Storage invalid(u32& fflags) {
    fflags |= flags::NV;
    return F::kCanonicalNaN;
}

int top_bit(u128 x) {
    const u64 hi = static_cast<u64>(x >> 64);
    if (hi != 0)
        return 127 - std::countl_zero(hi);
    return 63 - std::countl_zero(static_cast<u64>(x));
}

// Shifts right, ORing every bit shifted out into bit 0 ("jamming"). Rounding
// at bit 2 or above then sees the same round and sticky bits as the exact value.
u128 shift_right_jam(u128 x, int shift) {
    if (shift <= 0)
        return x;
    if (shift >= 128)
        return x != 0 ? 1 : 0;
    const u128 lost = x & ((u128{1} << shift) - 1);
    return (x >> shift) | (lost != 0 ? 1 : 0);
}

// Rounds sig * 2^-shift to an integer in mode rm, for a value of the given
// sign. A negative shift scales up exactly (callers keep it in range).
u128 shift_round(u128 sig, int shift, bool negative, RoundingMode rm, bool& inexact) {
    if (shift <= 0) {
        inexact = false;
        return sig << -shift;
    }
    u128 kept = 0;
    bool half = false;   // the first bit below the kept part
    bool sticky = false; // any bit below that
    if (shift > 128) {
        sticky = sig != 0;
    } else if (shift == 128) {
        half = (sig >> 127) != 0;
        sticky = (sig << 1) != 0;
    } else {
        kept = sig >> shift;
        const u128 halfway = u128{1} << (shift - 1);
        half = (sig & halfway) != 0;
        sticky = (sig & (halfway - 1)) != 0;
    }
    inexact = half || sticky;
    bool up = false;
    switch (rm) {
    case RoundingMode::Rne:
        up = half && (sticky || (kept & 1) != 0);
        break;
    case RoundingMode::Rmm:
        up = half;
        break;
    case RoundingMode::Rtz:
        break;
    case RoundingMode::Rdn:
        up = inexact && negative;
        break;
    case RoundingMode::Rup:
        up = inexact && !negative;
        break;
    }
    return kept + (up ? 1 : 0);
}

// Rounds the nonzero value (-1)^sign * sig * 2^exp to format F and packs it,
// raising NX, UF and OF. `sig` may carry a jammed sticky bit at bit 0 as long
// as the rounding position is at least two bits above it.
template <typename F>
typename F::Storage round_pack(bool sign, int exp, u128 sig, RoundingMode rm, u32& fflags) {
    using Storage = typename F::Storage;
    const int magnitude = top_bit(sig) + exp; // floor(log2 |value|)
    // The weight of the last significand bit: normal precision, or fixed at
    // the subnormal quantum below the normal range.
    int quantum = std::max(magnitude, F::kEmin) - F::kFracBits;
    bool inexact = false;
    u128 m = shift_round(sig, quantum - exp, sign, rm, inexact);
    if ((m >> F::kPrecision) != 0) { // rounding carried into a new top bit
        m >>= 1;
        ++quantum;
    }
    const bool normal = (m >> F::kFracBits) != 0;
    const int biased = quantum + F::kFracBits + F::kBias;
    if (normal && biased >= F::kExpAllOnes) {
        fflags |= flags::OF | flags::NX;
        const bool to_inf = rm == RoundingMode::Rne || rm == RoundingMode::Rmm ||
                            (rm == RoundingMode::Rup && !sign) || (rm == RoundingMode::Rdn && sign);
        return (sign ? F::kSignBit : 0) | (to_inf ? F::kInf : F::kMaxFinite);
    }
    if (inexact) {
        // Tininess after rounding: the value is tiny if, rounded to full
        // precision with an unbounded exponent, it is still below 2^kEmin.
        // Only a value in [2^(kEmin-1), 2^kEmin) can round up to 2^kEmin.
        bool tiny = magnitude < F::kEmin;
        if (magnitude == F::kEmin - 1) {
            bool unused = false;
            const u128 wide = shift_round(sig, magnitude - F::kFracBits - exp, sign, rm, unused);
            tiny = (wide >> F::kPrecision) == 0;
        }
        fflags |= flags::NX | (tiny ? flags::UF : 0);
    }
    Storage bits = sign ? F::kSignBit : 0;
    if (normal)
        bits |= static_cast<Storage>(biased) << F::kFracBits;
    return bits | (static_cast<Storage>(m) & F::kFracMask);
}

// Packs a finite value exactly (it is known to be representable).
template <typename F>
typename F::Storage pack_exact(const Value& v) {
    if (v.kind == Kind::Zero)
        return pack_zero<F>(v.sign);
    u32 unused = 0;
    return round_pack<F>(v.sign, v.exp, v.sig, RoundingMode::Rne, unused);
}

// Both terms of a sum are placed with their top bit here, leaving room for a
// carry and for the jammed sticky bit far below the rounding position.
constexpr int kFrameTop = 125;

// Adds ±a*2^exp_a and ±b*2^exp_b, both nonzero with their top bit at kFrameTop.
template <typename F>
typename F::Storage add_framed(bool sign_a, int exp_a, u128 a, bool sign_b, int exp_b, u128 b,
                               RoundingMode rm, u32& fflags) {
    if (exp_a < exp_b || (exp_a == exp_b && a < b)) {
        std::swap(sign_a, sign_b);
        std::swap(exp_a, exp_b);
        std::swap(a, b);
    }
    // Now |a| >= |b|. When b is shifted far enough to lose bits, a - b keeps
    // its top bit at kFrameTop or one below, so the sticky bit never reaches
    // the rounding position.
    b = shift_right_jam(b, exp_a - exp_b);
    const u128 sum = sign_a == sign_b ? a + b : a - b;
    if (sum == 0) // exact cancellation: +0, except -0 when rounding down
        return pack_zero<F>(rm == RoundingMode::Rdn);
    return round_pack<F>(sign_a, exp_a, sum, rm, fflags);
}

template <typename F>
typename F::Storage add(typename F::Storage a_bits, typename F::Storage b_bits, bool negate_b,
                        RoundingMode rm, u32& fflags) {
    const Value a = unpack<F>(a_bits);
    Value b = unpack<F>(b_bits);
    b.sign = b.sign != negate_b;
    if (a.is_nan() || b.is_nan())
        return nan_result<F>(fflags, a.is_snan() || b.is_snan());
    if (a.kind == Kind::Inf || b.kind == Kind::Inf) {
        if (a.kind == Kind::Inf && b.kind == Kind::Inf && a.sign != b.sign)
            return invalid<F>(fflags); // inf - inf
        return pack_inf<F>(a.kind == Kind::Inf ? a.sign : b.sign);
    }
    if (a.kind == Kind::Zero && b.kind == Kind::Zero) // -0 + -0 = -0; mixed signs give +0 (-0 in RDN)
        return pack_zero<F>(a.sign == b.sign ? a.sign : rm == RoundingMode::Rdn);
    if (a.kind == Kind::Zero)
        return pack_exact<F>(b);
    if (b.kind == Kind::Zero)
        return pack_exact<F>(a);
    constexpr int kShift = kFrameTop - F::kFracBits;
    return add_framed<F>(a.sign, a.exp - kShift, u128{a.sig} << kShift, b.sign, b.exp - kShift,
                         u128{b.sig} << kShift, rm, fflags);
}

template <typename F>
typename F::Storage mul(typename F::Storage a_bits, typename F::Storage b_bits, RoundingMode rm,
                        u32& fflags) {
    const Value a = unpack<F>(a_bits);
    const Value b = unpack<F>(b_bits);
    if (a.is_nan() || b.is_nan())
        return nan_result<F>(fflags, a.is_snan() || b.is_snan());
    const bool sign = a.sign != b.sign;
    if (a.kind == Kind::Inf || b.kind == Kind::Inf) {
        if (a.kind == Kind::Zero || b.kind == Kind::Zero)
            return invalid<F>(fflags); // inf * 0
        return pack_inf<F>(sign);
    }
    if (a.kind == Kind::Zero || b.kind == Kind::Zero)
        return pack_zero<F>(sign);
    return round_pack<F>(sign, a.exp + b.exp, u128{a.sig} * b.sig, rm, fflags);
}

template <typename F>
typename F::Storage div(typename F::Storage a_bits, typename F::Storage b_bits, RoundingMode rm,
                        u32& fflags) {
    const Value a = unpack<F>(a_bits);
    const Value b = unpack<F>(b_bits);
    if (a.is_nan() || b.is_nan())
        return nan_result<F>(fflags, a.is_snan() || b.is_snan());
    const bool sign = a.sign != b.sign;
    if (a.kind == Kind::Inf) {
        if (b.kind == Kind::Inf)
            return invalid<F>(fflags); // inf / inf
        return pack_inf<F>(sign);      // inf / 0 is exact: no DZ
    }
    if (b.kind == Kind::Inf)
        return pack_zero<F>(sign);
    if (b.kind == Kind::Zero) {
        if (a.kind == Kind::Zero)
            return invalid<F>(fflags); // 0 / 0
        fflags |= flags::DZ;
        return pack_inf<F>(sign);
    }
    if (a.kind == Kind::Zero)
        return pack_zero<F>(sign);
    // Both significands have kPrecision bits, so the quotient has at least 64
    // bits: plenty below the rounding position for the remainder's sticky bit.
    constexpr int kShift = 64;
    const u128 dividend = u128{a.sig} << kShift;
    u128 quotient = dividend / b.sig;
    if (dividend % b.sig != 0)
        quotient |= 1;
    return round_pack<F>(sign, a.exp - b.exp - kShift, quotient, rm, fflags);
}

// floor(sqrt(n)) for 0 < n < 2^127; `n` becomes the remainder n - root^2.
// The seed is the host's double square root (close, but rounded); one integer
// Newton step lands at or just above the exact floor, and the exact integer
// correction below makes the result independent of how good the seed was.
u128 isqrt(u128& n) {
    u128 root = static_cast<u128>(std::sqrt(static_cast<double>(n)));
    if (root == 0)
        root = 1;
    root = (root + n / root) / 2; // never below floor(sqrt(n))
    while (root * root > n)
        --root;
    while ((root + 1) * (root + 1) <= n)
        ++root;
    n -= root * root;
    return root;
}

template <typename F>
typename F::Storage sqrt(typename F::Storage a_bits, RoundingMode rm, u32& fflags) {
    const Value a = unpack<F>(a_bits);
    if (a.is_nan())
        return nan_result<F>(fflags, a.is_snan());
    if (a.kind == Kind::Zero) // sqrt(-0) = -0
        return pack_zero<F>(a.sign);
    if (a.sign)
        return invalid<F>(fflags);
    if (a.kind == Kind::Inf)
        return pack_inf<F>(false);
    // Make the exponent even, then widen the radicand so the root has well over
    // kPrecision + 2 bits; the remainder becomes the sticky bit.
    u128 radicand = a.sig;
    int exp = a.exp;
    if ((exp & 1) != 0) {
        radicand <<= 1;
        --exp;
    }
    constexpr int kShift = (126 - (F::kPrecision + 1)) & ~1;
    radicand <<= kShift;
    exp -= kShift;
    u128 root = isqrt(radicand);
    if (radicand != 0)
        root |= 1;
    return round_pack<F>(false, exp / 2, root, rm, fflags);
}

template <typename F>
typename F::Storage fma(typename F::Storage a_bits, typename F::Storage b_bits, typename F::Storage c_bits,
                        RoundingMode rm, u32& fflags) {
    const Value a = unpack<F>(a_bits);
    const Value b = unpack<F>(b_bits);
    const Value c = unpack<F>(c_bits);
    const bool inf_times_zero =
        (a.kind == Kind::Inf && b.kind == Kind::Zero) || (a.kind == Kind::Zero && b.kind == Kind::Inf);
    if (a.is_nan() || b.is_nan() || c.is_nan()) // RISC-V: inf*0 + qNaN still raises NV
        return nan_result<F>(fflags, a.is_snan() || b.is_snan() || c.is_snan() || inf_times_zero);
    if (inf_times_zero)
        return invalid<F>(fflags);
    const bool product_sign = a.sign != b.sign;
    if (a.kind == Kind::Inf || b.kind == Kind::Inf) {
        if (c.kind == Kind::Inf && c.sign != product_sign)
            return invalid<F>(fflags); // inf - inf
        return pack_inf<F>(product_sign);
    }
    if (c.kind == Kind::Inf)
        return pack_inf<F>(c.sign);
    if (a.kind == Kind::Zero || b.kind == Kind::Zero) {
        if (c.kind == Kind::Zero)
            return pack_zero<F>(product_sign == c.sign ? c.sign : rm == RoundingMode::Rdn);
        return pack_exact<F>(c);
    }
    // The exact product has 2*kPrecision - 1 or 2*kPrecision bits.
    u128 product = u128{a.sig} * b.sig;
    int product_exp = a.exp + b.exp;
    if (c.kind == Kind::Zero) // a nonzero product plus zero is the product
        return round_pack<F>(product_sign, product_exp, product, rm, fflags);
    const int product_shift = kFrameTop - top_bit(product);
    product <<= product_shift;
    product_exp -= product_shift;
    constexpr int kShift = kFrameTop - F::kFracBits;
    return add_framed<F>(product_sign, product_exp, product, c.sign, c.exp - kShift, u128{c.sig} << kShift,
                         rm, fflags);
}

// -0 < +0 here, unlike in the IEEE comparisons.
template <typename F>
bool total_less(typename F::Storage a, typename F::Storage b) {
    const bool sign_a = (a & F::kSignBit) != 0;
    const bool sign_b = (b & F::kSignBit) != 0;
    if (sign_a != sign_b)
        return sign_a;
    return sign_a ? a > b : a < b;
}

template <typename F>
typename F::Storage min_max(typename F::Storage a_bits, typename F::Storage b_bits, bool want_max,
                            u32& fflags) {
    const Value a = unpack<F>(a_bits);
    const Value b = unpack<F>(b_bits);
    if (a.is_snan() || b.is_snan())
        fflags |= flags::NV;
    if (a.is_nan() && b.is_nan())
        return F::kCanonicalNaN;
    if (a.is_nan())
        return b_bits;
    if (b.is_nan())
        return a_bits;
    const bool a_less = total_less<F>(a_bits, b_bits);
    return a_less != want_max ? a_bits : b_bits;
}

enum class Compare : u8 { Eq, Lt, Le };

template <typename F>
bool compare(typename F::Storage a_bits, typename F::Storage b_bits, Compare op, u32& fflags) {
    const Value a = unpack<F>(a_bits);
    const Value b = unpack<F>(b_bits);
    if (a.is_nan() || b.is_nan()) {
        if (op != Compare::Eq || a.is_snan() || b.is_snan())
            fflags |= flags::NV;
        return false;
    }
    const bool both_zero = a.kind == Kind::Zero && b.kind == Kind::Zero;
    const bool equal = both_zero || a_bits == b_bits;
    switch (op) {
    case Compare::Eq:
        return equal;
    case Compare::Lt:
        return !equal && total_less<F>(a_bits, b_bits);
    case Compare::Le:
        return equal || total_less<F>(a_bits, b_bits);
    }
    return false;
}

template <typename F>
u32 classify(typename F::Storage bits) {
    const Value v = unpack<F>(bits);
    const bool subnormal = v.kind == Kind::Finite && (bits & F::kInf) == 0;
    switch (v.kind) {
    case Kind::QuietNaN:
        return fclass::QuietNaN;
    case Kind::SignalingNaN:
        return fclass::SignalingNaN;
    case Kind::Inf:
        return v.sign ? fclass::NegInf : fclass::PosInf;
    case Kind::Zero:
        return v.sign ? fclass::NegZero : fclass::PosZero;
    case Kind::Finite:
        if (subnormal)
            return v.sign ? fclass::NegSubnormal : fclass::PosSubnormal;
        return v.sign ? fclass::NegNormal : fclass::PosNormal;
    }
    return 0;
}

// Converts to a `width`-bit integer, returned as its two's complement bits.
template <typename F>
u64 to_int(typename F::Storage bits, int width, bool is_signed, RoundingMode rm, u32& fflags) {
    const u64 max_pos = is_signed ? (u64{1} << (width - 1)) - 1 : ~u64{0} >> (64 - width);
    const u64 min_neg = is_signed ? u64{0} - (u64{1} << (width - 1)) : 0;
    const u64 neg_limit = is_signed ? u64{1} << (width - 1) : 0; // largest magnitude allowed below zero
    const Value v = unpack<F>(bits);
    if (v.is_nan()) {
        fflags |= flags::NV;
        return max_pos;
    }
    if (v.kind == Kind::Zero)
        return 0;
    // At or above 2^64 nothing fits; below it the rounded magnitude fits in u128.
    if (v.kind == Kind::Inf || v.exp + F::kFracBits >= 64) {
        fflags |= flags::NV;
        return v.sign ? min_neg : max_pos;
    }
    bool inexact = false;
    const u128 magnitude = shift_round(v.sig, -v.exp, v.sign, rm, inexact);
    if (magnitude > (v.sign ? neg_limit : max_pos)) {
        fflags |= flags::NV; // saturated: NV alone, never NX
        return v.sign ? min_neg : max_pos;
    }
    if (inexact)
        fflags |= flags::NX;
    const u64 m = static_cast<u64>(magnitude);
    return v.sign ? u64{0} - m : m;
}

template <typename F>
typename F::Storage from_int(bool negative, u64 magnitude, RoundingMode rm, u32& fflags) {
    if (magnitude == 0)
        return 0; // +0 for integer zero
    return round_pack<F>(negative, 0, magnitude, rm, fflags);
}

u64 magnitude_of(i64 v) {
    return v < 0 ? u64{0} - static_cast<u64>(v) : static_cast<u64>(v);
}

// Between formats: NaNs become the target's canonical NaN, the rest is rounded
// (exact when widening).
template <typename To, typename From>
typename To::Storage convert(typename From::Storage bits, RoundingMode rm, u32& fflags) {
    const Value v = unpack<From>(bits);
    if (v.is_nan())
        return nan_result<To>(fflags, v.is_snan());
    if (v.kind == Kind::Inf)
        return pack_inf<To>(v.sign);
    if (v.kind == Kind::Zero)
        return pack_zero<To>(v.sign);
    return round_pack<To>(v.sign, v.exp, v.sig, rm, fflags);
}

} // namespace

// ---- Single precision.
u32 f32_add(u32 a, u32 b, RoundingMode rm, u32& fflags) {
    return add<F32>(a, b, false, rm, fflags);
}
u32 f32_sub(u32 a, u32 b, RoundingMode rm, u32& fflags) {
    return add<F32>(a, b, true, rm, fflags);
}
u32 f32_mul(u32 a, u32 b, RoundingMode rm, u32& fflags) {
    return mul<F32>(a, b, rm, fflags);
}
u32 f32_div(u32 a, u32 b, RoundingMode rm, u32& fflags) {
    return div<F32>(a, b, rm, fflags);
}
u32 f32_sqrt(u32 a, RoundingMode rm, u32& fflags) {
    return sqrt<F32>(a, rm, fflags);
}
u32 f32_fma(u32 a, u32 b, u32 c, RoundingMode rm, u32& fflags) {
    return fma<F32>(a, b, c, rm, fflags);
}
u32 f32_min(u32 a, u32 b, u32& fflags) {
    return min_max<F32>(a, b, false, fflags);
}
u32 f32_max(u32 a, u32 b, u32& fflags) {
    return min_max<F32>(a, b, true, fflags);
}
bool f32_eq(u32 a, u32 b, u32& fflags) {
    return compare<F32>(a, b, Compare::Eq, fflags);
}
bool f32_lt(u32 a, u32 b, u32& fflags) {
    return compare<F32>(a, b, Compare::Lt, fflags);
}
bool f32_le(u32 a, u32 b, u32& fflags) {
    return compare<F32>(a, b, Compare::Le, fflags);
}
u32 f32_classify(u32 a) {
    return classify<F32>(a);
}
i32 f32_to_i32(u32 a, RoundingMode rm, u32& fflags) {
    return static_cast<i32>(static_cast<u32>(to_int<F32>(a, 32, true, rm, fflags)));
}
u32 f32_to_u32(u32 a, RoundingMode rm, u32& fflags) {
    return static_cast<u32>(to_int<F32>(a, 32, false, rm, fflags));
}
i64 f32_to_i64(u32 a, RoundingMode rm, u32& fflags) {
    return static_cast<i64>(to_int<F32>(a, 64, true, rm, fflags));
}
u64 f32_to_u64(u32 a, RoundingMode rm, u32& fflags) {
    return to_int<F32>(a, 64, false, rm, fflags);
}
u32 i32_to_f32(i32 v, RoundingMode rm, u32& fflags) {
    return from_int<F32>(v < 0, magnitude_of(v), rm, fflags);
}
u32 u32_to_f32(u32 v, RoundingMode rm, u32& fflags) {
    return from_int<F32>(false, v, rm, fflags);
}
u32 i64_to_f32(i64 v, RoundingMode rm, u32& fflags) {
    return from_int<F32>(v < 0, magnitude_of(v), rm, fflags);
}
u32 u64_to_f32(u64 v, RoundingMode rm, u32& fflags) {
    return from_int<F32>(false, v, rm, fflags);
}

// ---- Double precision.
u64 f64_add(u64 a, u64 b, RoundingMode rm, u32& fflags) {
    return add<F64>(a, b, false, rm, fflags);
}
u64 f64_sub(u64 a, u64 b, RoundingMode rm, u32& fflags) {
    return add<F64>(a, b, true, rm, fflags);
}
u64 f64_mul(u64 a, u64 b, RoundingMode rm, u32& fflags) {
    return mul<F64>(a, b, rm, fflags);
}
u64 f64_div(u64 a, u64 b, RoundingMode rm, u32& fflags) {
    return div<F64>(a, b, rm, fflags);
}
u64 f64_sqrt(u64 a, RoundingMode rm, u32& fflags) {
    return sqrt<F64>(a, rm, fflags);
}
u64 f64_fma(u64 a, u64 b, u64 c, RoundingMode rm, u32& fflags) {
    return fma<F64>(a, b, c, rm, fflags);
}
u64 f64_min(u64 a, u64 b, u32& fflags) {
    return min_max<F64>(a, b, false, fflags);
}
u64 f64_max(u64 a, u64 b, u32& fflags) {
    return min_max<F64>(a, b, true, fflags);
}
bool f64_eq(u64 a, u64 b, u32& fflags) {
    return compare<F64>(a, b, Compare::Eq, fflags);
}
bool f64_lt(u64 a, u64 b, u32& fflags) {
    return compare<F64>(a, b, Compare::Lt, fflags);
}
bool f64_le(u64 a, u64 b, u32& fflags) {
    return compare<F64>(a, b, Compare::Le, fflags);
}
u32 f64_classify(u64 a) {
    return classify<F64>(a);
}
i32 f64_to_i32(u64 a, RoundingMode rm, u32& fflags) {
    return static_cast<i32>(static_cast<u32>(to_int<F64>(a, 32, true, rm, fflags)));
}
u32 f64_to_u32(u64 a, RoundingMode rm, u32& fflags) {
    return static_cast<u32>(to_int<F64>(a, 32, false, rm, fflags));
}
i64 f64_to_i64(u64 a, RoundingMode rm, u32& fflags) {
    return static_cast<i64>(to_int<F64>(a, 64, true, rm, fflags));
}
u64 f64_to_u64(u64 a, RoundingMode rm, u32& fflags) {
    return to_int<F64>(a, 64, false, rm, fflags);
}
u64 i32_to_f64(i32 v, RoundingMode rm, u32& fflags) {
    return from_int<F64>(v < 0, magnitude_of(v), rm, fflags);
}
u64 u32_to_f64(u32 v, RoundingMode rm, u32& fflags) {
    return from_int<F64>(false, v, rm, fflags);
}
u64 i64_to_f64(i64 v, RoundingMode rm, u32& fflags) {
    return from_int<F64>(v < 0, magnitude_of(v), rm, fflags);
}
u64 u64_to_f64(u64 v, RoundingMode rm, u32& fflags) {
    return from_int<F64>(false, v, rm, fflags);
}

// ---- Between formats.
u64 f32_to_f64(u32 a, u32& fflags) {
    return convert<F64, F32>(a, RoundingMode::Rne, fflags);
}
u32 f64_to_f32(u64 a, RoundingMode rm, u32& fflags) {
    return convert<F32, F64>(a, rm, fflags);
}

} // namespace kite::riscv::fpu
