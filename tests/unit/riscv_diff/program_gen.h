#pragma once

// Random RV64IMAFDC + Zba/Zbb/Zbs programs and start states for the
// differential test against Unicorn (see diff_test.cpp). Control flow only
// goes forward (branches, jal, jalr to a computed address, their compressed
// forms), so every instruction runs at most once and every program ends by
// reaching its end.

#include "base/types.h"

#include <array>
#include <string>
#include <vector>

namespace kite::riscv::diff {

// The memory layout both engines use: one RAM block holding the code, a trap
// vector that spins on itself, and the data buffer loads/stores/AMOs target.
inline constexpr u64 kRamBase = 0x80000000;
inline constexpr u64 kRamSize = 64 * KiB;
inline constexpr u64 kCodeBase = kRamBase;
inline constexpr u64 kTrapVector = kRamBase + 0x4000;
inline constexpr u64 kDataBase = kRamBase + 0x8000;
inline constexpr u64 kDataSize = 4 * KiB;
// x31 always holds kDataBase + 2048, so every 12-bit offset off it lands in the buffer.
inline constexpr u32 kBaseReg = 31;
inline constexpr u64 kBaseValue = kDataBase + 2048;

// Unicorn 2.0.1 (QEMU 5.0) does not NaN-box: single-precision results get
// arbitrary upper bits (zero from arithmetic and conversions, rs2's from
// fsgnj*.s, the whole x register from fmv.w.x; only flw boxes), and
// single-precision operands are read from the low 32 bits without checking
// the box (exclusions.cpp, 1). The generator therefore types every FP
// register as holding a single or a double, lets single-precision operations
// read only Single registers and double-precision ones only Double registers,
// and the comparison checks only the low 32 bits of Single registers (plus,
// on Kite alone, that the upper 32 bits are all ones).
enum class FpType : u8 { Single, Double, Any };

// One generated instruction and what it does to the FP register typing.
struct GenInsn {
    u32 raw{0}; // a compressed instruction in the low 16 bits
    u8 size{4}; // 2 for a compressed instruction
    // A forward branch or jump may skip it: then it must not change the type
    // of an FP register, so that the typing does not depend on the path taken.
    bool shadow{false};
    std::array<i8, 3> f_src{-1, -1, -1}; // FP source registers, -1: unused
    FpType src_type{FpType::Any};
    i8 f_dst{-1}; // FP destination register, -1: none
    FpType dst_type{FpType::Any};
};

struct ArchState {
    std::array<u64, 32> x{};
    std::array<u64, 32> f{};
    u8 fflags{0};
    u8 frm{0};
    std::vector<u8> data; // the data buffer, kDataSize bytes
};

struct TestCase {
    u64 seed{0};
    ArchState init;
    std::array<FpType, 32> init_ftype{};
    std::vector<GenInsn> code;
};

// Which instruction classes a test draws from. The first four generate
// exactly what they did before compressed instructions, Zb* and control flow
// were added, so the seeds quoted in exclusions.cpp still replay.
enum class Mix : u8 {
    IntegerAndM,
    MemoryAndAtomics,
    FloatingPoint,
    Everything,  // all of the above, straight-line
    Compressed,  // RVC (including its jumps and branches) among base instructions
    Bitmanip,    // Zba, Zbb, Zbs
    ControlFlow, // branches, jal, jalr and their compressed forms
    All,         // every class, with control flow
};

TestCase generate(u64 seed, Mix mix);

// The FP register typing after the whole program, or false when some
// instruction reads a register of the wrong type (possible once the
// minimiser has removed instructions).
bool final_fp_types(const TestCase& tc, std::array<FpType, 32>& out);

// `addi x0, x0, 0` and `c.nop`: what the minimiser puts in place of removed
// instructions, of the same size so that nothing moves.
inline constexpr u32 kNop = 0x00000013;
inline constexpr u32 kCNop = 0x0001;
inline u32 nop_of_size(u8 size) {
    return size == 2 ? kCNop : kNop;
}
inline bool is_nop(const GenInsn& insn) {
    return insn.raw == nop_of_size(insn.size);
}

// Code layout: instruction i starts at kCodeBase + insn_offset(tc, i); the
// program ends at code_end(tc), where both engines stop.
u64 insn_offset(const TestCase& tc, std::size_t i);
u64 code_end(const TestCase& tc);
// The little-endian code bytes.
std::vector<u8> code_image(const TestCase& tc);
// Which instruction starts at `pc`, or -1 (not in the program, or inside an
// instruction).
int insn_at(const TestCase& tc, u64 pc);

} // namespace kite::riscv::diff
