// M: multiplication and division. Division never traps: by zero it returns
// all ones (quotient) or the dividend (remainder); the signed overflow case
// (most negative / -1) returns the dividend and a zero remainder.
#include "cpu/riscv/exec.h"

#include <limits>

namespace kite::riscv {

namespace {

using i128 = __int128;
using u128 = unsigned __int128;

inline i64 s(u64 v) {
    return static_cast<i64>(v);
}

u64 div_signed(i64 a, i64 b) {
    if (b == 0)
        return ~u64{0};
    if (a == std::numeric_limits<i64>::min() && b == -1)
        return static_cast<u64>(a);
    return static_cast<u64>(a / b);
}

u64 rem_signed(i64 a, i64 b) {
    if (b == 0)
        return static_cast<u64>(a);
    if (a == std::numeric_limits<i64>::min() && b == -1)
        return 0;
    return static_cast<u64>(a % b);
}

i32 div_signed32(i32 a, i32 b) {
    if (b == 0)
        return -1;
    if (a == std::numeric_limits<i32>::min() && b == -1)
        return a;
    return a / b;
}

i32 rem_signed32(i32 a, i32 b) {
    if (b == 0)
        return a;
    if (a == std::numeric_limits<i32>::min() && b == -1)
        return 0;
    return a % b;
}

} // namespace

KITE_RV_ALU(Mul, a* b)
KITE_RV_ALU(Mulh, static_cast<u64>((static_cast<i128>(s(a)) * static_cast<i128>(s(b))) >> 64))
KITE_RV_ALU(Mulhsu,
            static_cast<u64>((static_cast<i128>(s(a)) * static_cast<i128>(static_cast<u128>(b))) >> 64))
KITE_RV_ALU(Mulhu, static_cast<u64>((static_cast<u128>(a) * static_cast<u128>(b)) >> 64))
KITE_RV_ALU(Div, div_signed(s(a), s(b)))
KITE_RV_ALU(Divu, b == 0 ? ~u64{0} : a / b)
KITE_RV_ALU(Rem, rem_signed(s(a), s(b)))
KITE_RV_ALU(Remu, b == 0 ? a : a % b)
KITE_RV_ALU(Mulw, sext32(a* b))
KITE_RV_ALU(Divw, sext32(static_cast<u32>(div_signed32(static_cast<i32>(a), static_cast<i32>(b)))))
KITE_RV_ALU(Divuw, sext32(static_cast<u32>(b) == 0 ? ~u32{0} : static_cast<u32>(a) / static_cast<u32>(b)))
KITE_RV_ALU(Remw, sext32(static_cast<u32>(rem_signed32(static_cast<i32>(a), static_cast<i32>(b)))))
KITE_RV_ALU(Remuw, sext32(static_cast<u32>(b) == 0 ? static_cast<u32>(a)
                                                   : static_cast<u32>(a) % static_cast<u32>(b)))

} // namespace kite::riscv
