#include "zb_model.h"

#include <array>

namespace kite::riscv::diff {

namespace {

// The reference model works bit by bit and byte by byte, on purpose unlike
// Kite's handlers (which use <bit>), so that the two share no mistakes.

u64 low32(u64 v) {
    return v & 0xffffffff;
}
u64 sign_extend(u64 v, unsigned width) {
    const u64 sign = u64{1} << (width - 1);
    const u64 field = width == 64 ? v : v & ((u64{1} << width) - 1);
    return (field ^ sign) - sign;
}
u64 count_leading_zeros(u64 v, unsigned width) {
    u64 n = 0;
    for (int bit = static_cast<int>(width) - 1; bit >= 0 && ((v >> bit) & 1) == 0; --bit)
        ++n;
    return n;
}
u64 count_trailing_zeros(u64 v, unsigned width) {
    u64 n = 0;
    for (unsigned bit = 0; bit < width && ((v >> bit) & 1) == 0; ++bit)
        ++n;
    return n;
}
u64 count_ones(u64 v, unsigned width) {
    u64 n = 0;
    for (unsigned bit = 0; bit < width; ++bit)
        n += (v >> bit) & 1;
    return n;
}
// Rotates the low `width` bits of v left by n (mod width).
u64 rotate_left(u64 v, u64 n, unsigned width) {
    u64 out = 0;
    for (unsigned bit = 0; bit < width; ++bit)
        if ((v >> bit) & 1)
            out |= u64{1} << ((bit + n) % width);
    return out;
}
i64 as_signed(u64 v) {
    return static_cast<i64>(v);
}
u64 bit_mask(u64 index) {
    return u64{1} << (index % 64);
}

u64 add_uw(u64 a, u64 b) {
    return low32(a) + b;
}
u64 sh1add(u64 a, u64 b) {
    return a * 2 + b;
}
u64 sh2add(u64 a, u64 b) {
    return a * 4 + b;
}
u64 sh3add(u64 a, u64 b) {
    return a * 8 + b;
}
u64 sh1add_uw(u64 a, u64 b) {
    return low32(a) * 2 + b;
}
u64 sh2add_uw(u64 a, u64 b) {
    return low32(a) * 4 + b;
}
u64 sh3add_uw(u64 a, u64 b) {
    return low32(a) * 8 + b;
}
u64 slli_uw(u64 a, u64 shamt) {
    return shamt >= 64 ? 0 : low32(a) << shamt;
}
u64 andn(u64 a, u64 b) {
    return a & (b ^ ~u64{0});
}
u64 orn(u64 a, u64 b) {
    return a | (b ^ ~u64{0});
}
u64 xnor(u64 a, u64 b) {
    return (a ^ b) ^ ~u64{0};
}
u64 clz(u64 a, u64) {
    return count_leading_zeros(a, 64);
}
u64 clzw(u64 a, u64) {
    return count_leading_zeros(low32(a), 32);
}
u64 ctz(u64 a, u64) {
    return count_trailing_zeros(a, 64);
}
u64 ctzw(u64 a, u64) {
    return count_trailing_zeros(low32(a), 32);
}
u64 cpop(u64 a, u64) {
    return count_ones(a, 64);
}
u64 cpopw(u64 a, u64) {
    return count_ones(a, 32);
}
u64 max(u64 a, u64 b) {
    return as_signed(a) >= as_signed(b) ? a : b;
}
u64 maxu(u64 a, u64 b) {
    return a >= b ? a : b;
}
u64 min(u64 a, u64 b) {
    return as_signed(a) <= as_signed(b) ? a : b;
}
u64 minu(u64 a, u64 b) {
    return a <= b ? a : b;
}
u64 sext_b(u64 a, u64) {
    return sign_extend(a, 8);
}
u64 sext_h(u64 a, u64) {
    return sign_extend(a, 16);
}
u64 zext_h(u64 a, u64) {
    return a % 65536;
}
u64 rol(u64 a, u64 b) {
    return rotate_left(a, b % 64, 64);
}
u64 ror(u64 a, u64 b) {
    return rotate_left(a, (64 - b % 64) % 64, 64);
}
u64 rolw(u64 a, u64 b) {
    return sign_extend(rotate_left(low32(a), b % 32, 32), 32);
}
u64 rorw(u64 a, u64 b) {
    return sign_extend(rotate_left(low32(a), (32 - b % 32) % 32, 32), 32);
}
u64 orc_b(u64 a, u64) {
    u64 out = 0;
    for (unsigned byte = 0; byte < 8; ++byte)
        if (((a >> (8 * byte)) & 0xff) != 0)
            out |= u64{0xff} << (8 * byte);
    return out;
}
u64 rev8(u64 a, u64) {
    u64 out = 0;
    for (unsigned byte = 0; byte < 8; ++byte)
        out |= ((a >> (8 * byte)) & 0xff) << (8 * (7 - byte));
    return out;
}
u64 bclr(u64 a, u64 b) {
    return (a | bit_mask(b)) ^ bit_mask(b);
}
u64 bext(u64 a, u64 b) {
    return (a & bit_mask(b)) != 0 ? 1 : 0;
}
u64 binv(u64 a, u64 b) {
    return a ^ bit_mask(b);
}
u64 bset(u64 a, u64 b) {
    return a | bit_mask(b);
}

constexpr u32 kOp = 0x33;
constexpr u32 kOp32 = 0x3b;
constexpr u32 kOpImm = 0x13;
constexpr u32 kOpImm32 = 0x1b;

// Encodings from the bit-manipulation spec (1.0.0), chapter 2.
constexpr u32 r_type(u32 funct7, u32 funct3, u32 opcode) {
    return (funct7 << 25) | (funct3 << 12) | opcode;
}
constexpr u32 unary(u32 imm12, u32 funct3, u32 opcode) {
    return (imm12 << 20) | (funct3 << 12) | opcode;
}
constexpr u32 shift6(u32 funct6, u32 funct3, u32 opcode) {
    return (funct6 << 26) | (funct3 << 12) | opcode;
}

constexpr u32 kMaskR = 0xfe00707f;     // funct7, funct3, opcode
constexpr u32 kMaskUnary = 0xfff0707f; // imm[11:0], funct3, opcode
constexpr u32 kMaskShift6 = 0xfc00707f;

const std::array kOps{
    // Zba
    ZbOp{"add.uw", r_type(0x04, 0, kOp32), ZbForm::R, add_uw},
    ZbOp{"sh1add", r_type(0x10, 2, kOp), ZbForm::R, sh1add},
    ZbOp{"sh2add", r_type(0x10, 4, kOp), ZbForm::R, sh2add},
    ZbOp{"sh3add", r_type(0x10, 6, kOp), ZbForm::R, sh3add},
    ZbOp{"sh1add.uw", r_type(0x10, 2, kOp32), ZbForm::R, sh1add_uw},
    ZbOp{"sh2add.uw", r_type(0x10, 4, kOp32), ZbForm::R, sh2add_uw},
    ZbOp{"sh3add.uw", r_type(0x10, 6, kOp32), ZbForm::R, sh3add_uw},
    ZbOp{"slli.uw", shift6(0x02, 1, kOpImm32), ZbForm::Shift6, slli_uw},
    // Zbb
    ZbOp{"andn", r_type(0x20, 7, kOp), ZbForm::R, andn},
    ZbOp{"orn", r_type(0x20, 6, kOp), ZbForm::R, orn},
    ZbOp{"xnor", r_type(0x20, 4, kOp), ZbForm::R, xnor},
    ZbOp{"clz", unary(0x600, 1, kOpImm), ZbForm::Unary, clz},
    ZbOp{"clzw", unary(0x600, 1, kOpImm32), ZbForm::Unary, clzw},
    ZbOp{"ctz", unary(0x601, 1, kOpImm), ZbForm::Unary, ctz},
    ZbOp{"ctzw", unary(0x601, 1, kOpImm32), ZbForm::Unary, ctzw},
    ZbOp{"cpop", unary(0x602, 1, kOpImm), ZbForm::Unary, cpop},
    ZbOp{"cpopw", unary(0x602, 1, kOpImm32), ZbForm::Unary, cpopw},
    ZbOp{"max", r_type(0x05, 6, kOp), ZbForm::R, max},
    ZbOp{"maxu", r_type(0x05, 7, kOp), ZbForm::R, maxu},
    ZbOp{"min", r_type(0x05, 4, kOp), ZbForm::R, min},
    ZbOp{"minu", r_type(0x05, 5, kOp), ZbForm::R, minu},
    ZbOp{"sext.b", unary(0x604, 1, kOpImm), ZbForm::Unary, sext_b},
    ZbOp{"sext.h", unary(0x605, 1, kOpImm), ZbForm::Unary, sext_h},
    ZbOp{"zext.h", unary(0x080, 4, kOp32), ZbForm::Unary, zext_h},
    ZbOp{"rol", r_type(0x30, 1, kOp), ZbForm::R, rol},
    ZbOp{"ror", r_type(0x30, 5, kOp), ZbForm::R, ror},
    ZbOp{"rori", shift6(0x18, 5, kOpImm), ZbForm::Shift6, ror},
    ZbOp{"rolw", r_type(0x30, 1, kOp32), ZbForm::R, rolw},
    ZbOp{"rorw", r_type(0x30, 5, kOp32), ZbForm::R, rorw},
    ZbOp{"roriw", r_type(0x30, 5, kOpImm32), ZbForm::Shift5, rorw},
    ZbOp{"orc.b", unary(0x287, 5, kOpImm), ZbForm::Unary, orc_b},
    ZbOp{"rev8", unary(0x6b8, 5, kOpImm), ZbForm::Unary, rev8},
    // Zbs
    ZbOp{"bclr", r_type(0x24, 1, kOp), ZbForm::R, bclr},
    ZbOp{"bclri", shift6(0x12, 1, kOpImm), ZbForm::Shift6, bclr},
    ZbOp{"bext", r_type(0x24, 5, kOp), ZbForm::R, bext},
    ZbOp{"bexti", shift6(0x12, 5, kOpImm), ZbForm::Shift6, bext},
    ZbOp{"binv", r_type(0x34, 1, kOp), ZbForm::R, binv},
    ZbOp{"binvi", shift6(0x1a, 1, kOpImm), ZbForm::Shift6, binv},
    ZbOp{"bset", r_type(0x14, 1, kOp), ZbForm::R, bset},
    ZbOp{"bseti", shift6(0x0a, 1, kOpImm), ZbForm::Shift6, bset},
};

u32 mask_of(ZbForm form) {
    switch (form) {
    case ZbForm::R:
    case ZbForm::Shift5:
        return kMaskR;
    case ZbForm::Unary:
        return kMaskUnary;
    case ZbForm::Shift6:
        return kMaskShift6;
    }
    return 0;
}

u32 field(u32 raw, int lo, u32 width_mask) {
    return (raw >> lo) & width_mask;
}

} // namespace

std::span<const ZbOp> zb_ops() {
    return kOps;
}

u32 zb_encode(const ZbOp& op, u32 rd, u32 rs1, u32 rs2_or_shamt) {
    u32 raw = op.match | ((rd & 31) << 7) | ((rs1 & 31) << 15);
    switch (op.form) {
    case ZbForm::R:
    case ZbForm::Shift5:
        raw |= (rs2_or_shamt & 31) << 20;
        break;
    case ZbForm::Shift6:
        raw |= (rs2_or_shamt & 63) << 20;
        break;
    case ZbForm::Unary:
        break;
    }
    return raw;
}

const ZbOp* zb_find(u32 raw) {
    for (const ZbOp& op : kOps)
        if ((raw & mask_of(op.form)) == op.match)
            return &op;
    return nullptr;
}

bool zb_execute(u32 raw, std::span<u64, 32> x) {
    const ZbOp* op = zb_find(raw);
    if (op == nullptr)
        return false;
    const u32 rd = field(raw, 7, 31);
    const u64 a = x[field(raw, 15, 31)];
    u64 b = 0;
    switch (op->form) {
    case ZbForm::R:
        b = x[field(raw, 20, 31)];
        break;
    case ZbForm::Shift6:
        b = field(raw, 20, 63);
        break;
    case ZbForm::Shift5:
        b = field(raw, 20, 31);
        break;
    case ZbForm::Unary:
        break;
    }
    if (rd != 0)
        x[rd] = op->eval(a, b);
    return true;
}

} // namespace kite::riscv::diff
