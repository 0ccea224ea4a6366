// Zba (address generation), Zbb (basic bit manipulation), Zbs (single-bit).
#include "cpu/riscv/exec.h"

#include <bit>

namespace kite::riscv {

namespace {

inline i64 s(u64 v) {
    return static_cast<i64>(v);
}
inline u64 zext32(u64 v) {
    return v & 0xffffffffu;
}
inline u64 bit_of(u64 index) {
    return u64{1} << (index & 63);
}

u64 orc_b(u64 v) {
    u64 r = 0;
    for (int i = 0; i < 64; i += 8)
        if ((v >> i) & 0xff)
            r |= u64{0xff} << i;
    return r;
}

u32 rotr32(u32 v, u64 n) {
    return std::rotr(v, static_cast<int>(n & 31));
}

} // namespace

// Zba
KITE_RV_ALU(AddUw, zext32(a) + b)
KITE_RV_ALU(Sh1add, (a << 1) + b)
KITE_RV_ALU(Sh2add, (a << 2) + b)
KITE_RV_ALU(Sh3add, (a << 3) + b)
KITE_RV_ALU(Sh1addUw, (zext32(a) << 1) + b)
KITE_RV_ALU(Sh2addUw, (zext32(a) << 2) + b)
KITE_RV_ALU(Sh3addUw, (zext32(a) << 3) + b)
KITE_RV_ALU(SlliUw, zext32(a) << (imm & 63))

// Zbb
KITE_RV_ALU(Andn, a & ~b)
KITE_RV_ALU(Orn, a | ~b)
KITE_RV_ALU(Xnor, ~(a ^ b))
KITE_RV_ALU(Clz, static_cast<u64>(std::countl_zero(a)))
KITE_RV_ALU(Clzw, static_cast<u64>(std::countl_zero(static_cast<u32>(a))))
KITE_RV_ALU(Ctz, static_cast<u64>(std::countr_zero(a)))
KITE_RV_ALU(Ctzw, static_cast<u64>(std::countr_zero(static_cast<u32>(a))))
KITE_RV_ALU(Cpop, static_cast<u64>(std::popcount(a)))
KITE_RV_ALU(Cpopw, static_cast<u64>(std::popcount(static_cast<u32>(a))))
KITE_RV_ALU(Max, s(a) > s(b) ? a : b)
KITE_RV_ALU(Maxu, a > b ? a : b)
KITE_RV_ALU(Min, s(a) < s(b) ? a : b)
KITE_RV_ALU(Minu, a < b ? a : b)
KITE_RV_ALU(SextB, static_cast<u64>(static_cast<i64>(static_cast<i8>(a))))
KITE_RV_ALU(SextH, static_cast<u64>(static_cast<i64>(static_cast<i16>(a))))
KITE_RV_ALU(ZextH, a & 0xffff)
KITE_RV_ALU(Rol, std::rotl(a, static_cast<int>(b & 63)))
KITE_RV_ALU(Ror, std::rotr(a, static_cast<int>(b & 63)))
KITE_RV_ALU(Rori, std::rotr(a, static_cast<int>(imm & 63)))
KITE_RV_ALU(Rolw, sext32(std::rotl(static_cast<u32>(a), static_cast<int>(b & 31))))
KITE_RV_ALU(Rorw, sext32(rotr32(static_cast<u32>(a), b)))
KITE_RV_ALU(Roriw, sext32(rotr32(static_cast<u32>(a), imm)))
KITE_RV_ALU(OrcB, orc_b(a))
KITE_RV_ALU(Rev8, std::byteswap(a))

// Zbs
KITE_RV_ALU(Bclr, a & ~bit_of(b))
KITE_RV_ALU(Bclri, a & ~bit_of(imm))
KITE_RV_ALU(Bext, (a >> (b & 63)) & 1)
KITE_RV_ALU(Bexti, (a >> (imm & 63)) & 1)
KITE_RV_ALU(Binv, a ^ bit_of(b))
KITE_RV_ALU(Binvi, a ^ bit_of(imm))
KITE_RV_ALU(Bset, a | bit_of(b))
KITE_RV_ALU(Bseti, a | bit_of(imm))

} // namespace kite::riscv
