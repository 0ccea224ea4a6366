#pragma once

// The execution context handlers work on: the state, memory accessed through
// linear addresses (split at pages, with self-modifying-code invalidation),
// operand access and the exception an instruction raised. Internal to
// kite_x86; the public API is interpreter.h.

#include "cpu/x86/cpu_state.h"
#include "cpu/x86/decode_cache.h"
#include "cpu/x86/decoded_insn.h"
#include "cpu/x86/exception.h"
#include "cpu/x86/flags.h"
#include "cpu/x86/memory.h"

namespace kite::x86 {

// 48-bit linear addresses: bits 63..47 all equal.
constexpr bool is_canonical(u64 linear) {
    return static_cast<u64>(static_cast<i64>(linear << 16) >> 16) == linear;
}

class Core {
public:
    Core(CpuState& state, Memory& memory, DecodeCache& cache) : st(state), m_memory(memory), m_cache(cache) {}

    CpuState& st;
    u64 next_rip{0}; // where execution continues: set to rip + length before a handler runs
    Exception fault;

    // Records the exception the running instruction raises; handlers return
    // its value (false) so execution stops with the state unchanged.
    bool raise(const Exception& e) {
        fault = e;
        return false;
    }

    Memory& memory() { return m_memory; }
    DecodeCache& cache() { return m_cache; }

    // Linear-address accesses of 1..16 bytes. `segment` is the segment the
    // address was formed with (a stack access faults with #SS, others #GP).
    bool read(u64 linear, void* dst, u32 size, u8 segment = DS);
    bool write(u64 linear, const void* src, u32 size, u8 segment = DS);
    bool read_value(u64 linear, u8 size, u64& out, u8 segment = DS);
    bool write_value(u64 linear, u8 size, u64 value, u8 segment = DS);

    // Register operands (see kHighByte); a 4-byte write zero-extends.
    u64 reg(u8 r, u8 size) const {
        if (r >= kHighByte)
            return (st.gpr[r - kHighByte] >> 8) & 0xff;
        return st.gpr[r] & size_mask(size);
    }
    void set_reg(u8 r, u8 size, u64 value) {
        if (r >= kHighByte) {
            u64& g = st.gpr[r - kHighByte];
            g = (g & ~u64{0xff00}) | ((value & 0xff) << 8);
        } else if (size >= 4) {
            st.gpr[r] = value & size_mask(size);
        } else {
            const u64 m = size_mask(size);
            st.gpr[r] = (st.gpr[r] & ~m) | (value & m);
        }
    }

    // The effective address of a memory operand (offset within its segment,
    // truncated to the address size) and the linear address it names.
    u64 effective_address(const DecodedInsn& d, const Operand& o) const {
        u64 ea = o.value;
        if (o.reg == kRipBase)
            ea += next_rip;
        else if (o.reg != kNoReg)
            ea += st.gpr[o.reg];
        if (o.index != kNoReg)
            ea += st.gpr[o.index] * o.scale;
        return ea & size_mask(d.addr_size);
    }
    u64 linear(u8 segment, u64 ea) const { return segment >= FS ? st.seg[segment].base + ea : ea; }

    // Reads or writes an operand at its own size (immediates are masked).
    bool read_operand(const DecodedInsn& d, const Operand& o, u64& out);
    bool write_operand(const DecodedInsn& d, const Operand& o, u64 value);

    void set_flags(u64 mask, u64 value) { st.rflags = (st.rflags & ~mask) | (value & mask); }
    bool flag(u64 f) const { return (st.rflags & f) != 0; }
    // Continues at `target`; a non-canonical target raises #GP(0) at the branch.
    bool jump(u64 target) {
        if (!is_canonical(target))
            return raise(Exception::gp(0));
        next_rip = target;
        return true;
    }
    // Jcc/SETcc/CMOVcc condition `cc` (the opcode's low nibble).
    bool condition(u8 cc) const;

    // The stack at the 64-bit stack width (operand size 8 or 2).
    bool push(u64 value, u8 size);
    bool pop(u8 size, u64& out);
    bool peek_stack(u8 size, u64 offset, u64& out);

private:
    Memory& m_memory;
    DecodeCache& m_cache;
};

} // namespace kite::x86
