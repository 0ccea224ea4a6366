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

#define KITE_RV_ZB(name, expr)                                                                               \
    KITE_RV_HANDLER(name) {                                                                                  \
        const u64 a = c.st.x[d.rs1];                                                                         \
        [[maybe_unused]] const u64 b = c.st.x[d.rs2];                                                        \
        [[maybe_unused]] const u64 imm = imm64(d);                                                           \
        c.st.x[d.rd] = (expr);                                                                               \
        return next_pc(d, pc);                                                                               \
    }

// Zba
KITE_RV_ZB(AddUw, zext32(a) + b)
KITE_RV_ZB(Sh1add, (a << 1) + b)
KITE_RV_ZB(Sh2add, (a << 2) + b)
KITE_RV_ZB(Sh3add, (a << 3) + b)
KITE_RV_ZB(Sh1addUw, (zext32(a) << 1) + b)
KITE_RV_ZB(Sh2addUw, (zext32(a) << 2) + b)
KITE_RV_ZB(Sh3addUw, (zext32(a) << 3) + b)
KITE_RV_ZB(SlliUw, zext32(a) << (imm & 63))

// Zbb
KITE_RV_ZB(Andn, a & ~b)
KITE_RV_ZB(Orn, a | ~b)
KITE_RV_ZB(Xnor, ~(a ^ b))
KITE_RV_ZB(Clz, static_cast<u64>(std::countl_zero(a)))
KITE_RV_ZB(Clzw, static_cast<u64>(std::countl_zero(static_cast<u32>(a))))
KITE_RV_ZB(Ctz, static_cast<u64>(std::countr_zero(a)))
KITE_RV_ZB(Ctzw, static_cast<u64>(std::countr_zero(static_cast<u32>(a))))
KITE_RV_ZB(Cpop, static_cast<u64>(std::popcount(a)))
KITE_RV_ZB(Cpopw, static_cast<u64>(std::popcount(static_cast<u32>(a))))
KITE_RV_ZB(Max, s(a) > s(b) ? a : b)
KITE_RV_ZB(Maxu, a > b ? a : b)
KITE_RV_ZB(Min, s(a) < s(b) ? a : b)
KITE_RV_ZB(Minu, a < b ? a : b)
KITE_RV_ZB(SextB, static_cast<u64>(static_cast<i64>(static_cast<i8>(a))))
KITE_RV_ZB(SextH, static_cast<u64>(static_cast<i64>(static_cast<i16>(a))))
KITE_RV_ZB(ZextH, a & 0xffff)
KITE_RV_ZB(Rol, std::rotl(a, static_cast<int>(b & 63)))
KITE_RV_ZB(Ror, std::rotr(a, static_cast<int>(b & 63)))
KITE_RV_ZB(Rori, std::rotr(a, static_cast<int>(imm & 63)))
KITE_RV_ZB(Rolw, sext32(std::rotl(static_cast<u32>(a), static_cast<int>(b & 31))))
KITE_RV_ZB(Rorw, sext32(rotr32(static_cast<u32>(a), b)))
KITE_RV_ZB(Roriw, sext32(rotr32(static_cast<u32>(a), imm)))
KITE_RV_ZB(OrcB, orc_b(a))
KITE_RV_ZB(Rev8, std::byteswap(a))

// Zbs
KITE_RV_ZB(Bclr, a & ~bit_of(b))
KITE_RV_ZB(Bclri, a & ~bit_of(imm))
KITE_RV_ZB(Bext, (a >> (b & 63)) & 1)
KITE_RV_ZB(Bexti, (a >> (imm & 63)) & 1)
KITE_RV_ZB(Binv, a ^ bit_of(b))
KITE_RV_ZB(Binvi, a ^ bit_of(imm))
KITE_RV_ZB(Bset, a | bit_of(b))
KITE_RV_ZB(Bseti, a | bit_of(imm))

#undef KITE_RV_ZB

} // namespace kite::riscv
