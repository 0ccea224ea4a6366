#include "cpu/riscv/disasm.h"

#include "cpu/riscv/csr_numbers.h"

#include <array>
#include <fmt/format.h>

namespace kite::riscv {

namespace {

constexpr std::array<std::string_view, kOpCount> kMnemonics = {
#define KITE_RV_OP(name, mnemonic, format) mnemonic,
#include "cpu/riscv/ops.def"
};

constexpr std::array<OpFormat, kOpCount> kFormats = {
#define KITE_RV_OP(name, mnemonic, format) OpFormat::format,
#include "cpu/riscv/ops.def"
};

std::string x(u8 r) {
    return fmt::format("x{}", r);
}
std::string f(u8 r) {
    return fmt::format("f{}", r);
}

std::string csr_text(i32 number) {
    const std::string_view name = csr_name(static_cast<u16>(number));
    return name.empty() ? fmt::format("{:#x}", number) : std::string(name);
}

std::string fence_set(u32 bits) {
    std::string s;
    if (bits & 8)
        s += 'i';
    if (bits & 4)
        s += 'o';
    if (bits & 2)
        s += 'r';
    if (bits & 1)
        s += 'w';
    return s.empty() ? "0" : s;
}

// Rounding mode suffix; the dynamic mode and exact conversions print none.
std::string rm_suffix(const DecodedInsn& d) {
    static constexpr std::array<std::string_view, 8> kNames = {"rne", "rtz", "rdn", "rup",
                                                               "rmm", "0x5", "0x6", ""};
    if (d.rm == 7 || d.op == Op::FcvtDS || d.op == Op::FcvtDW || d.op == Op::FcvtDWu)
        return "";
    return fmt::format(",{}", kNames[d.rm & 7]);
}

std::string amo_suffix(const DecodedInsn& d) {
    switch (d.rm & 3) {
    case 0:
        return "";
    case 1:
        return ".rl";
    case 2:
        return ".aq";
    case 3:
        return ".aqrl";
    default:
        return "";
    }
}

} // namespace

std::string_view op_mnemonic(Op op) {
    return kMnemonics[static_cast<std::size_t>(op)];
}
OpFormat op_format(Op op) {
    return kFormats[static_cast<std::size_t>(op)];
}

std::string disassemble(const DecodedInsn& d, u64 pc) {
    const std::string_view m = op_mnemonic(d.op);
    const u64 target = pc + static_cast<u64>(static_cast<i64>(d.imm));
    switch (op_format(d.op)) {
    case OpFormat::None:
        return std::string(m);
    case OpFormat::R:
        return fmt::format("{}\t{},{},{}", m, x(d.rd), x(d.rs1), x(d.rs2));
    case OpFormat::R1:
        return fmt::format("{}\t{},{}", m, x(d.rd), x(d.rs1));
    case OpFormat::I:
        return fmt::format("{}\t{},{},{}", m, x(d.rd), x(d.rs1), d.imm);
    case OpFormat::Shift:
        return fmt::format("{}\t{},{},{:#x}", m, x(d.rd), x(d.rs1), d.imm);
    case OpFormat::U:
        return fmt::format("{}\t{},{:#x}", m, x(d.rd), static_cast<u32>(d.imm) >> 12);
    case OpFormat::J:
        return fmt::format("{}\t{},{:x}", m, x(d.rd), target);
    case OpFormat::Jalr:
    case OpFormat::Load:
        return fmt::format("{}\t{},{}({})", m, x(d.rd), d.imm, x(d.rs1));
    case OpFormat::Branch:
        return fmt::format("{}\t{},{},{:x}", m, x(d.rs1), x(d.rs2), target);
    case OpFormat::Store:
        return fmt::format("{}\t{},{}({})", m, x(d.rs2), d.imm, x(d.rs1));
    case OpFormat::Fence:
        return fmt::format("{}\t{},{}", m, fence_set((d.imm >> 4) & 15), fence_set(d.imm & 15));
    case OpFormat::SfenceVma:
        return fmt::format("{}\t{},{}", m, x(d.rs1), x(d.rs2));
    case OpFormat::Csr:
        return fmt::format("{}\t{},{},{}", m, x(d.rd), csr_text(d.imm), x(d.rs1));
    case OpFormat::CsrI:
        return fmt::format("{}\t{},{},{}", m, x(d.rd), csr_text(d.imm), d.rs1);
    case OpFormat::Lr:
        return fmt::format("{}{}\t{},({})", m, amo_suffix(d), x(d.rd), x(d.rs1));
    case OpFormat::Amo:
        return fmt::format("{}{}\t{},{},({})", m, amo_suffix(d), x(d.rd), x(d.rs2), x(d.rs1));
    case OpFormat::FpLoad:
        return fmt::format("{}\t{},{}({})", m, f(d.rd), d.imm, x(d.rs1));
    case OpFormat::FpStore:
        return fmt::format("{}\t{},{}({})", m, f(d.rs2), d.imm, x(d.rs1));
    case OpFormat::FR:
        return fmt::format("{}\t{},{},{}{}", m, f(d.rd), f(d.rs1), f(d.rs2), rm_suffix(d));
    case OpFormat::FRnoRm:
        return fmt::format("{}\t{},{},{}", m, f(d.rd), f(d.rs1), f(d.rs2));
    case OpFormat::FR1:
        return fmt::format("{}\t{},{}{}", m, f(d.rd), f(d.rs1), rm_suffix(d));
    case OpFormat::FR4:
        return fmt::format("{}\t{},{},{},{}{}", m, f(d.rd), f(d.rs1), f(d.rs2), f(d.rs3), rm_suffix(d));
    case OpFormat::FToX:
        return fmt::format("{}\t{},{}{}", m, x(d.rd), f(d.rs1), rm_suffix(d));
    case OpFormat::FToXnoRm:
        return fmt::format("{}\t{},{}", m, x(d.rd), f(d.rs1));
    case OpFormat::FCmp:
        return fmt::format("{}\t{},{},{}", m, x(d.rd), f(d.rs1), f(d.rs2));
    case OpFormat::XToF:
        return fmt::format("{}\t{},{}{}", m, f(d.rd), x(d.rs1), rm_suffix(d));
    case OpFormat::XToFnoRm:
        return fmt::format("{}\t{},{}", m, f(d.rd), x(d.rs1));
    }
    return std::string(m);
}

} // namespace kite::riscv
