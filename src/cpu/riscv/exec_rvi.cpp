// RV64I base integer instructions (plus the two decoder sentinels).
#include "cpu/riscv/exec.h"

#include <type_traits>

namespace kite::riscv {

namespace {

template <typename T>
u64 extend(T v) {
    // Signed types sign-extend, unsigned ones zero-extend.
    if constexpr (std::is_signed_v<T>)
        return static_cast<u64>(static_cast<i64>(v));
    else
        return v;
}

// The slow paths are separate functions the fast paths tail-call, so a TLB hit
// runs without saving registers.
template <typename T>
[[gnu::noinline]] u64 load_slow(Core& c, const DecodedInsn& d, u64 pc) {
    T v;
    if (!c.load_slow(c.st.x[d.rs1] + imm64(d), v))
        return kTrapPc;
    c.st.x[d.rd] = extend(v);
    return next_pc(d, pc);
}

template <typename T>
u64 do_load(Core& c, const DecodedInsn& d, u64 pc) {
    T v;
    if (!c.load_fast(c.st.x[d.rs1] + imm64(d), v)) [[unlikely]]
        return load_slow<T>(c, d, pc);
    c.st.x[d.rd] = extend(v);
    return next_pc(d, pc);
}

template <typename T>
[[gnu::noinline]] u64 store_slow(Core& c, const DecodedInsn& d, u64 pc) {
    if (!c.store_slow(c.st.x[d.rs1] + imm64(d), static_cast<T>(c.st.x[d.rs2])))
        return kTrapPc;
    return next_pc(d, pc);
}

template <typename T>
u64 do_store(Core& c, const DecodedInsn& d, u64 pc) {
    if (!c.store_fast(c.st.x[d.rs1] + imm64(d), static_cast<T>(c.st.x[d.rs2]))) [[unlikely]]
        return store_slow<T>(c, d, pc);
    return next_pc(d, pc);
}

inline u64 branch(bool taken, const DecodedInsn& d, u64 pc) {
    return taken ? pc + imm64(d) : next_pc(d, pc);
}

inline i64 s(u64 v) {
    return static_cast<i64>(v);
}

} // namespace

KITE_RV_HANDLER(NotDecoded) {
    return c.illegal(pc);
}
KITE_RV_HANDLER(Illegal) {
    return c.illegal(pc);
}

KITE_RV_HANDLER(Lui) {
    c.st.x[d.rd] = imm64(d);
    return next_pc(d, pc);
}
KITE_RV_HANDLER(Auipc) {
    c.st.x[d.rd] = pc + imm64(d);
    return next_pc(d, pc);
}
KITE_RV_HANDLER(Jal) {
    c.st.x[d.rd] = next_pc(d, pc);
    return pc + imm64(d);
}
KITE_RV_HANDLER(Jalr) {
    const u64 target = (c.st.x[d.rs1] + imm64(d)) & ~u64{1}; // read rs1 before rd is written
    c.st.x[d.rd] = next_pc(d, pc);
    return target;
}

KITE_RV_HANDLER(Beq) {
    return branch(c.st.x[d.rs1] == c.st.x[d.rs2], d, pc);
}
KITE_RV_HANDLER(Bne) {
    return branch(c.st.x[d.rs1] != c.st.x[d.rs2], d, pc);
}
KITE_RV_HANDLER(Blt) {
    return branch(s(c.st.x[d.rs1]) < s(c.st.x[d.rs2]), d, pc);
}
KITE_RV_HANDLER(Bge) {
    return branch(s(c.st.x[d.rs1]) >= s(c.st.x[d.rs2]), d, pc);
}
KITE_RV_HANDLER(Bltu) {
    return branch(c.st.x[d.rs1] < c.st.x[d.rs2], d, pc);
}
KITE_RV_HANDLER(Bgeu) {
    return branch(c.st.x[d.rs1] >= c.st.x[d.rs2], d, pc);
}

KITE_RV_HANDLER(Lb) {
    return do_load<i8>(c, d, pc);
}
KITE_RV_HANDLER(Lh) {
    return do_load<i16>(c, d, pc);
}
KITE_RV_HANDLER(Lw) {
    return do_load<i32>(c, d, pc);
}
KITE_RV_HANDLER(Ld) {
    return do_load<u64>(c, d, pc);
}
KITE_RV_HANDLER(Lbu) {
    return do_load<u8>(c, d, pc);
}
KITE_RV_HANDLER(Lhu) {
    return do_load<u16>(c, d, pc);
}
KITE_RV_HANDLER(Lwu) {
    return do_load<u32>(c, d, pc);
}
KITE_RV_HANDLER(Sb) {
    return do_store<u8>(c, d, pc);
}
KITE_RV_HANDLER(Sh) {
    return do_store<u16>(c, d, pc);
}
KITE_RV_HANDLER(Sw) {
    return do_store<u32>(c, d, pc);
}
KITE_RV_HANDLER(Sd) {
    return do_store<u64>(c, d, pc);
}

KITE_RV_ALU(Addi, a + imm)
KITE_RV_ALU(Slti, s(a) < s(imm) ? 1 : 0)
KITE_RV_ALU(Sltiu, a < imm ? 1 : 0)
KITE_RV_ALU(Xori, a ^ imm)
KITE_RV_ALU(Ori, a | imm)
KITE_RV_ALU(Andi, (a & imm))
KITE_RV_ALU(Slli, a << (imm & 63))
KITE_RV_ALU(Srli, a >> (imm & 63))
KITE_RV_ALU(Srai, static_cast<u64>(s(a) >> (imm & 63)))
KITE_RV_ALU(Add, a + b)
KITE_RV_ALU(Sub, a - b)
KITE_RV_ALU(Sll, a << (b & 63))
KITE_RV_ALU(Slt, s(a) < s(b) ? 1 : 0)
KITE_RV_ALU(Sltu, a < b ? 1 : 0)
KITE_RV_ALU(Xor, a ^ b)
KITE_RV_ALU(Srl, a >> (b & 63))
KITE_RV_ALU(Sra, static_cast<u64>(s(a) >> (b & 63)))
KITE_RV_ALU(Or, a | b)
KITE_RV_ALU(And, (a & b))
KITE_RV_ALU(Addiw, sext32(a + imm))
KITE_RV_ALU(Slliw, sext32(a << (imm & 31)))
KITE_RV_ALU(Srliw, sext32(static_cast<u32>(a) >> (imm & 31)))
KITE_RV_ALU(Sraiw, sext32(static_cast<u32>(static_cast<i32>(a) >> (imm & 31))))
KITE_RV_ALU(Addw, sext32(a + b))
KITE_RV_ALU(Subw, sext32(a - b))
KITE_RV_ALU(Sllw, sext32(a << (b & 31)))
KITE_RV_ALU(Srlw, sext32(static_cast<u32>(a) >> (b & 31)))
KITE_RV_ALU(Sraw, sext32(static_cast<u32>(static_cast<i32>(a) >> (b & 31))))

// One hart with no caches to keep coherent: FENCE only orders, and the
// interpreter already performs accesses in program order.
KITE_RV_HANDLER(Fence) {
    return next_pc(d, pc);
}

} // namespace kite::riscv
