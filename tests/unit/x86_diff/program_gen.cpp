#include "program_gen.h"

#include <Zydis/Zydis.h>
#include <algorithm>
#include <cstring>
#include <functional>
#include <random>

namespace kite::x86::diff {

namespace {

using Rng = std::mt19937_64;

// Registers generated code may write: not RSP (the stack) or R15 (the data pointer).
constexpr u8 kPool[] = {0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14};

ZydisRegister gpr(u8 num, u8 size) {
    switch (size) {
    case 8:
        return static_cast<ZydisRegister>(ZYDIS_REGISTER_RAX + num);
    case 4:
        return static_cast<ZydisRegister>(ZYDIS_REGISTER_EAX + num);
    case 2:
        return static_cast<ZydisRegister>(ZYDIS_REGISTER_AX + num);
    default:
        if (num < 4)
            return static_cast<ZydisRegister>(ZYDIS_REGISTER_AL + num);
        if (num < 8)
            return static_cast<ZydisRegister>(ZYDIS_REGISTER_SPL + (num - 4));
        return static_cast<ZydisRegister>(ZYDIS_REGISTER_R8B + (num - 8));
    }
}

struct Mem {
    ZydisRegister base{ZYDIS_REGISTER_R15};
    ZydisRegister index{ZYDIS_REGISTER_NONE};
    u8 scale{0};
    i64 disp{0};
    u8 size{8};
};

// One encoder request; `target` >= 0 names the instruction (by index) whose
// address goes into operand `target_operand` (a branch immediate or a
// RIP-relative displacement), filled in when addresses are known.
struct Pending {
    ZydisEncoderRequest req{};
    int target{-1};
    int target_operand{0};
    std::vector<u8> bytes;
    bool item_start{false};
    bool exact{false};
};

class Req {
public:
    explicit Req(ZydisMnemonic m) {
        r.machine_mode = ZYDIS_MACHINE_MODE_LONG_64;
        r.allowed_encodings = ZYDIS_ENCODABLE_ENCODING_LEGACY;
        r.mnemonic = m;
    }
    Req& reg(ZydisRegister v) {
        ZydisEncoderOperand& o = r.operands[r.operand_count++];
        o.type = ZYDIS_OPERAND_TYPE_REGISTER;
        o.reg.value = v;
        return *this;
    }
    Req& mem(const Mem& m) {
        ZydisEncoderOperand& o = r.operands[r.operand_count++];
        o.type = ZYDIS_OPERAND_TYPE_MEMORY;
        o.mem.base = m.base;
        o.mem.index = m.index;
        o.mem.scale = m.scale;
        o.mem.displacement = m.disp;
        o.mem.size = m.size;
        return *this;
    }
    Req& imm(u64 v) {
        ZydisEncoderOperand& o = r.operands[r.operand_count++];
        o.type = ZYDIS_OPERAND_TYPE_IMMEDIATE;
        o.imm.u = v;
        return *this;
    }
    Req& prefix(ZydisInstructionAttributes a) {
        r.prefixes |= a;
        return *this;
    }
    Req& branch(ZydisBranchType t) {
        r.branch_type = t;
        return *this;
    }
    Req& address_size(ZydisAddressSizeHint h) {
        r.address_size_hint = h;
        return *this;
    }
    Req& operand_size(ZydisOperandSizeHint h) {
        r.operand_size_hint = h;
        return *this;
    }
    ZydisEncoderRequest r{};
};

bool encode(ZydisEncoderRequest req, u64 address, std::vector<u8>& out) {
    u8 buf[ZYDIS_MAX_INSTRUCTION_LENGTH];
    ZyanUSize length = sizeof buf;
    if (!ZYAN_SUCCESS(ZydisEncoderEncodeInstructionAbsolute(&req, buf, &length, address)))
        return false;
    out.assign(buf, buf + length);
    return true;
}

class Builder {
public:
    explicit Builder(u64 seed) : m_rng(seed) {}

    u64 below(u64 n) { return m_rng() % n; }
    bool chance(unsigned percent) { return below(100) < percent; }
    u64 raw() { return m_rng(); }
    template <typename T, std::size_t N>
    T pick(const T (&items)[N]) {
        return items[below(N)];
    }

    // A value biased to the edges of each width.
    u64 value() {
        static constexpr u64 kEdges[] = {0,
                                         1,
                                         2,
                                         ~u64{0},
                                         0x7f,
                                         0x80,
                                         0xff,
                                         0x7fff,
                                         0x8000,
                                         0xffff,
                                         0x7fffffff,
                                         0x80000000,
                                         0xffffffff,
                                         0x7fffffffffffffff,
                                         0x8000000000000000,
                                         0xffffffff80000000,
                                         0x100000000};
        switch (below(4)) {
        case 0:
            return pick(kEdges);
        case 1:
            return below(64);
        case 2:
            return pick(kEdges) + below(5) - 2;
        default:
            return raw();
        }
    }

    u8 pool() { return pick(kPool); }
    u8 size() { return static_cast<u8>(1u << below(4)); }
    u8 size_from(u8 smallest) {
        u8 s = 0;
        do
            s = size();
        while (s < smallest);
        return s;
    }

    ZydisRegister reg(u8 size) {
        if (size == 1 && chance(15))
            return static_cast<ZydisRegister>(ZYDIS_REGISTER_AH + below(4));
        return gpr(pool(), size);
    }

    // An immediate for an operand of `size`: 64-bit operands take a
    // sign-extended 32-bit one.
    u64 imm(u8 size) {
        const u64 v = value();
        if (size == 8)
            return static_cast<u64>(static_cast<i64>(static_cast<i32>(v)));
        return v & (size == 4 ? 0xffffffff : size == 2 ? 0xffff : 0xff);
    }

    // A memory operand of `size` bytes in the data buffer or the stack,
    // leaving `slack` bytes beyond it (for BT's register bit offsets).
    Mem mem(u8 size, i64 slack = 0, bool rip_relative = true) {
        Mem m;
        m.size = size;
        const i64 hi = 0x800 - size - slack; // highest displacement from R15
        switch (below(8)) {
        case 0:
            if (!rip_relative)
                break;
            m.base = ZYDIS_REGISTER_RIP;
            m.disp = static_cast<i64>(kDataBase + below(static_cast<u64>(0x800 + hi)));
            return m;
        case 1: {
            const u8 idx = pool();
            emit(Req(ZYDIS_MNEMONIC_AND).reg(gpr(idx, 4)).imm(0xff));
            m.index = gpr(idx, 8);
            m.scale = static_cast<u8>(1u << below(4));
            m.disp = -0x800 + static_cast<i64>(below(static_cast<u64>(hi - 255 * m.scale + 0x800)));
            return m;
        }
        case 2:
            m.base = ZYDIS_REGISTER_R15D;
            m.disp = -0x800 + static_cast<i64>(below(static_cast<u64>(hi + 0x800)));
            return m;
        case 3:
            if (slack != 0)
                break;
            m.base = ZYDIS_REGISTER_RSP;
            m.disp = -0x200 + static_cast<i64>(below(0x400));
            return m;
        default:
            break;
        }
        m.disp = -0x800 + static_cast<i64>(below(static_cast<u64>(hi + 0x800)));
        return m;
    }

    // Appends an instruction; false (and nothing appended) if it cannot be encoded.
    // `ahead` >= 0: the instruction branches (or points, through operand
    // `target_operand`) that many instructions past the next one, moved on
    // to the next generator's start unless `exact`.
    bool emit(const Req& req, int ahead = -1, int target_operand = 0, bool exact = false) {
        Pending p;
        p.req = req.r;
        if (ahead >= 0) {
            p.target = static_cast<int>(m_insns.size()) + 1 + ahead;
            p.target_operand = target_operand;
            p.exact = exact;
            set_target(p.req, target_operand, kCodeBase + 16);
        }
        if (!encode(p.req, kCodeBase, p.bytes))
            return false;
        p.item_start = m_insns.size() == m_item_start;
        m_insns.push_back(std::move(p));
        return true;
    }

    std::size_t count() const { return m_insns.size(); }

    // The next instruction starts a generator's output: branches land only
    // on such starts, never inside another generator's set-up.
    void begin_item() { m_item_start = m_insns.size(); }

    // Encodes at final addresses (lengths do not change: branch widths are
    // fixed and RIP-relative displacements are always 32-bit).
    std::vector<std::vector<u8>> finish() {
        std::vector<u64> addr(m_insns.size() + 1);
        addr[0] = kCodeBase;
        for (std::size_t i = 0; i < m_insns.size(); ++i)
            addr[i + 1] = addr[i] + m_insns[i].bytes.size();
        std::vector<std::vector<u8>> code;
        for (std::size_t i = 0; i < m_insns.size(); ++i) {
            Pending& p = m_insns[i];
            std::vector<u8> bytes = p.bytes;
            if (p.target >= 0) {
                std::size_t t = std::min<std::size_t>(static_cast<std::size_t>(p.target), m_insns.size());
                while (!p.exact && t < m_insns.size() && !m_insns[t].item_start)
                    ++t;
                set_target(p.req, p.target_operand, addr[t]);
                if (!encode(p.req, addr[i], bytes) || bytes.size() != p.bytes.size())
                    bytes = nop_of_length(p.bytes.size()); // out of a short branch's reach
            }
            code.push_back(std::move(bytes));
        }
        return code;
    }

private:
    static void set_target(ZydisEncoderRequest& r, int operand, u64 address) {
        ZydisEncoderOperand& o = r.operands[operand];
        if (o.type == ZYDIS_OPERAND_TYPE_MEMORY)
            o.mem.displacement = static_cast<i64>(address);
        else
            o.imm.u = address;
    }

    Rng m_rng;
    std::vector<Pending> m_insns;
    std::size_t m_item_start{0};
};

// Each generator appends one instruction (with the set-up it needs) and
// returns false if the random choice could not be encoded.
using Gen = std::function<bool(Builder&)>;

// reg, mem or imm second operand forms of a two-operand instruction.
bool binary_forms(Builder& b, ZydisMnemonic m, u8 size, bool lockable) {
    switch (b.below(5)) {
    case 0:
        return b.emit(Req(m).reg(b.reg(size)).reg(b.reg(size)));
    case 1:
        return b.emit(Req(m).reg(b.reg(size)).mem(b.mem(size)));
    case 2: {
        Req r(m);
        r.mem(b.mem(size)).reg(b.reg(size));
        if (lockable && b.chance(30))
            r.prefix(ZYDIS_ATTRIB_HAS_LOCK);
        return b.emit(r);
    }
    case 3:
        return b.emit(Req(m).reg(b.reg(size)).imm(b.imm(size)));
    default: {
        Req r(m);
        r.mem(b.mem(size)).imm(b.imm(size));
        if (lockable && b.chance(30))
            r.prefix(ZYDIS_ATTRIB_HAS_LOCK);
        return b.emit(r);
    }
    }
}

Req reg_or_mem(Builder& b, Req r, u8 size) {
    return b.chance(50) ? r.reg(b.reg(size)) : r.mem(b.mem(size));
}

bool gen_alu(Builder& b) {
    static constexpr ZydisMnemonic kOps[] = {ZYDIS_MNEMONIC_ADD, ZYDIS_MNEMONIC_ADC, ZYDIS_MNEMONIC_SUB,
                                             ZYDIS_MNEMONIC_SBB, ZYDIS_MNEMONIC_AND, ZYDIS_MNEMONIC_OR,
                                             ZYDIS_MNEMONIC_XOR, ZYDIS_MNEMONIC_CMP, ZYDIS_MNEMONIC_TEST};
    const ZydisMnemonic m = b.pick(kOps);
    return binary_forms(b, m, b.size(), m != ZYDIS_MNEMONIC_CMP && m != ZYDIS_MNEMONIC_TEST);
}

bool gen_unary(Builder& b) {
    static constexpr ZydisMnemonic kOps[] = {ZYDIS_MNEMONIC_INC, ZYDIS_MNEMONIC_DEC, ZYDIS_MNEMONIC_NEG,
                                             ZYDIS_MNEMONIC_NOT};
    const u8 size = b.size();
    const ZydisMnemonic m = b.pick(kOps);
    if (b.chance(50))
        return b.emit(Req(m).reg(b.reg(size)));
    Req r(m);
    r.mem(b.mem(size));
    if (m != ZYDIS_MNEMONIC_NEG && b.chance(30)) // LOCK NEG: a Unicorn defect, see diff_test.cpp
        r.prefix(ZYDIS_ATTRIB_HAS_LOCK);
    return b.emit(r);
}

// MUL/IMUL/DIV/IDIV with one operand. Divisions usually get a dividend
// whose high half cannot overflow the quotient, so that most programs run
// on past them; the rest may raise #DE, which ends the program on both.
bool gen_muldiv(Builder& b) {
    static constexpr ZydisMnemonic kOps[] = {ZYDIS_MNEMONIC_MUL, ZYDIS_MNEMONIC_IMUL, ZYDIS_MNEMONIC_DIV,
                                             ZYDIS_MNEMONIC_IDIV};
    const ZydisMnemonic m = b.pick(kOps);
    const u8 size = b.size();
    if (m == ZYDIS_MNEMONIC_DIV && b.chance(80)) {
        if (size == 1)
            b.emit(Req(ZYDIS_MNEMONIC_MOV).reg(ZYDIS_REGISTER_AH).imm(0));
        else
            b.emit(Req(ZYDIS_MNEMONIC_XOR).reg(ZYDIS_REGISTER_EDX).reg(ZYDIS_REGISTER_EDX));
    } else if (m == ZYDIS_MNEMONIC_IDIV && b.chance(80)) {
        static constexpr ZydisMnemonic kExtend[] = {ZYDIS_MNEMONIC_CBW, ZYDIS_MNEMONIC_CWD,
                                                    ZYDIS_MNEMONIC_CDQ, ZYDIS_MNEMONIC_CQO};
        b.emit(Req(kExtend[std::countr_zero(size)]));
    }
    return b.emit(reg_or_mem(b, Req(m), size));
}

bool gen_imul(Builder& b) {
    const u8 size = b.size_from(2);
    const ZydisRegister dst = b.reg(size);
    Req r(ZYDIS_MNEMONIC_IMUL);
    r.reg(dst);
    if (b.chance(50))
        r.reg(b.reg(size));
    else
        r.mem(b.mem(size));
    if (b.chance(50))
        r.imm(b.imm(size == 8 ? 4 : size));
    return b.emit(r);
}

// A shift count: an immediate (up to 70, beyond every mask), CL, or 1.
bool shift_with_count(Builder& b, Req r, u8 max_imm) {
    switch (b.below(3)) {
    case 0:
        return b.emit(r.imm(b.below(max_imm + 1u)));
    case 1:
        return b.emit(r.reg(ZYDIS_REGISTER_CL));
    default:
        return b.emit(r.imm(1));
    }
}

bool gen_shift(Builder& b) {
    static constexpr ZydisMnemonic kOps[] = {ZYDIS_MNEMONIC_ROL, ZYDIS_MNEMONIC_ROR, ZYDIS_MNEMONIC_RCL,
                                             ZYDIS_MNEMONIC_RCR, ZYDIS_MNEMONIC_SHL, ZYDIS_MNEMONIC_SHR,
                                             ZYDIS_MNEMONIC_SAR};
    return shift_with_count(b, reg_or_mem(b, Req(b.pick(kOps)), b.size()), 70);
}

// SHLD/SHRD. With a 16-bit operand, counts above 16 are undefined (and
// differ between processors): only up to 16. No RIP-relative operand: a
// Unicorn defect (see diff_test.cpp).
bool gen_double_shift(Builder& b) {
    const ZydisMnemonic m = b.chance(50) ? ZYDIS_MNEMONIC_SHLD : ZYDIS_MNEMONIC_SHRD;
    const u8 size = b.size_from(2);
    if (size == 2)
        b.emit(Req(ZYDIS_MNEMONIC_AND).reg(ZYDIS_REGISTER_ECX).imm(0x0f));
    Req r(m);
    if (b.chance(50))
        r.reg(b.reg(size));
    else
        r.mem(b.mem(size, 0, false));
    r.reg(b.reg(size));
    return shift_with_count(b, r, size == 2 ? 16 : 70);
}

// BT* define only CF. Unicorn leaves the other flags as they were after
// most instructions but recomputes them after some (it depends on how the
// previous instruction's flags are kept), so an ADC follows: it consumes CF
// and defines every status flag again.
bool follow_bit_test(Builder& b) {
    return b.emit(Req(ZYDIS_MNEMONIC_ADC).reg(b.reg(8)).reg(b.reg(8)));
}

bool gen_bit_test(Builder& b) {
    static constexpr ZydisMnemonic kOps[] = {ZYDIS_MNEMONIC_BT, ZYDIS_MNEMONIC_BTS, ZYDIS_MNEMONIC_BTR,
                                             ZYDIS_MNEMONIC_BTC};
    const ZydisMnemonic m = b.pick(kOps);
    const u8 size = b.size_from(2);
    if (b.chance(50)) {
        const ZydisRegister dst = b.reg(size);
        return b.emit(b.chance(50) ? Req(m).reg(dst).reg(b.reg(size)) : Req(m).reg(dst).imm(b.below(256))) &&
               follow_bit_test(b);
    }
    Req r(m);
    if (b.chance(50)) {
        // A register bit offset may reach past the operand: keep it in 0..1023.
        const u8 idx = b.pool();
        b.emit(Req(ZYDIS_MNEMONIC_AND).reg(gpr(idx, 4)).imm(0x3ff));
        r.mem(b.mem(size, 128)).reg(gpr(idx, size));
    } else {
        r.mem(b.mem(size)).imm(b.below(256));
    }
    if (m != ZYDIS_MNEMONIC_BT && b.chance(30))
        r.prefix(ZYDIS_ATTRIB_HAS_LOCK);
    return b.emit(r) && follow_bit_test(b);
}

// Not TZCNT or POPCNT: Unicorn's CPU lacks them (see diff_test.cpp). A
// 32-bit BSF/BSR destination is zero-extended first: with a zero source
// processors keep its upper half and Unicorn clears it.
bool gen_bit_scan(Builder& b) {
    static constexpr ZydisMnemonic kOps[] = {ZYDIS_MNEMONIC_BSF, ZYDIS_MNEMONIC_BSR, ZYDIS_MNEMONIC_LZCNT};
    const u8 size = b.size_from(2);
    const ZydisMnemonic m = b.pick(kOps);
    const ZydisRegister dst = b.reg(size);
    if (size == 4 && m != ZYDIS_MNEMONIC_LZCNT)
        b.emit(Req(ZYDIS_MNEMONIC_MOV).reg(dst).reg(dst));
    Req r(m);
    r.reg(dst);
    return b.emit(reg_or_mem(b, r, size));
}

bool gen_bswap(Builder& b) {
    return b.emit(Req(ZYDIS_MNEMONIC_BSWAP).reg(b.reg(b.chance(50) ? 4 : 8)));
}

bool gen_mov(Builder& b) {
    if (b.chance(15))
        return b.emit(Req(ZYDIS_MNEMONIC_MOV).reg(b.reg(8)).imm(b.value()));
    return binary_forms(b, ZYDIS_MNEMONIC_MOV, b.size(), false);
}

bool gen_extend(Builder& b) {
    if (b.chance(25)) {
        Req r(ZYDIS_MNEMONIC_MOVSXD);
        r.reg(b.reg(8));
        return b.emit(reg_or_mem(b, r, 4));
    }
    const u8 dst = b.size_from(2);
    const u8 src = dst == 2 ? 1 : static_cast<u8>(1u << b.below(2));
    Req r(b.chance(50) ? ZYDIS_MNEMONIC_MOVZX : ZYDIS_MNEMONIC_MOVSX);
    r.reg(b.reg(dst));
    return b.emit(reg_or_mem(b, r, src));
}

bool gen_lea(Builder& b) {
    return b.emit(Req(ZYDIS_MNEMONIC_LEA).reg(b.reg(b.size_from(2))).mem(b.mem(8)));
}

bool gen_xchg(Builder& b) {
    const u8 size = b.size();
    if (b.chance(50))
        return b.emit(Req(ZYDIS_MNEMONIC_XCHG).reg(b.reg(size)).reg(b.reg(size)));
    return b.emit(Req(ZYDIS_MNEMONIC_XCHG).mem(b.mem(size)).reg(b.reg(size)));
}

bool gen_cmov(Builder& b) {
    const u8 size = b.size_from(2);
    Req r(static_cast<ZydisMnemonic>(ZYDIS_MNEMONIC_CMOVB + b.below(16)));
    r.reg(b.reg(size));
    return b.emit(reg_or_mem(b, r, size));
}

bool gen_setcc(Builder& b) {
    ZydisMnemonic m = static_cast<ZydisMnemonic>(ZYDIS_MNEMONIC_SETB + b.below(17));
    if (m == ZYDIS_MNEMONIC_SETSSBSY)
        m = ZYDIS_MNEMONIC_SETZ;
    return b.emit(reg_or_mem(b, Req(m), 1));
}

bool gen_accumulator(Builder& b) {
    static constexpr ZydisMnemonic kOps[] = {ZYDIS_MNEMONIC_CBW,  ZYDIS_MNEMONIC_CWDE, ZYDIS_MNEMONIC_CDQE,
                                             ZYDIS_MNEMONIC_CWD,  ZYDIS_MNEMONIC_CDQ,  ZYDIS_MNEMONIC_CQO,
                                             ZYDIS_MNEMONIC_LAHF, ZYDIS_MNEMONIC_SAHF, ZYDIS_MNEMONIC_CLC,
                                             ZYDIS_MNEMONIC_STC,  ZYDIS_MNEMONIC_CMC,  ZYDIS_MNEMONIC_NOP};
    return b.emit(Req(b.pick(kOps)));
}

// XADD, CMPXCHG. A 32-bit CMPXCHG gets RAX and a register destination
// zero-extended first: Unicorn writes both whatever the outcome (see
// diff_test.cpp), which only shows in their upper halves.
bool gen_exchange(Builder& b) {
    const ZydisMnemonic m = b.chance(50) ? ZYDIS_MNEMONIC_XADD : ZYDIS_MNEMONIC_CMPXCHG;
    const u8 size = b.size();
    const bool widen = m == ZYDIS_MNEMONIC_CMPXCHG && size == 4;
    if (widen)
        b.emit(Req(ZYDIS_MNEMONIC_MOV).reg(ZYDIS_REGISTER_EAX).reg(ZYDIS_REGISTER_EAX));
    Req r(m);
    if (b.chance(50)) {
        const ZydisRegister dst = b.reg(size);
        if (widen)
            b.emit(Req(ZYDIS_MNEMONIC_MOV).reg(dst).reg(dst));
        r.reg(dst);
    } else {
        r.mem(b.mem(size));
        if (b.chance(50))
            r.prefix(ZYDIS_ATTRIB_HAS_LOCK);
    }
    r.reg(b.reg(size));
    return b.emit(r);
}

bool gen_cmpxchg8b(Builder& b) {
    const bool wide = b.chance(50);
    Mem m;
    m.size = wide ? 16 : 8;
    m.disp = -0x800 + static_cast<i64>(b.below(0xff) * 16);
    Req r(wide ? ZYDIS_MNEMONIC_CMPXCHG16B : ZYDIS_MNEMONIC_CMPXCHG8B);
    r.mem(m);
    if (b.chance(50))
        r.prefix(ZYDIS_ATTRIB_HAS_LOCK);
    if (b.chance(50)) // make equality likely: load the expected value first
        b.emit(Req(ZYDIS_MNEMONIC_MOV).reg(ZYDIS_REGISTER_RAX).mem(Mem{.disp = m.disp}));
    // Unicorn computes the flags other than ZF wrongly after these (see
    // diff_test.cpp): keep ZF in a register, then define all flags again.
    const ZydisRegister keep = b.reg(1);
    return b.emit(r) && b.emit(Req(ZYDIS_MNEMONIC_SETZ).reg(keep)) &&
           b.emit(Req(ZYDIS_MNEMONIC_CMP).reg(b.reg(8)).reg(b.reg(8)));
}

bool gen_jcc(Builder& b) {
    ZydisMnemonic m = static_cast<ZydisMnemonic>(ZYDIS_MNEMONIC_JB + b.below(22));
    if (m == ZYDIS_MNEMONIC_JMP || m == ZYDIS_MNEMONIC_JCXZ || m == ZYDIS_MNEMONIC_JECXZ ||
        m == ZYDIS_MNEMONIC_JRCXZ || m == ZYDIS_MNEMONIC_JKNZD || m == ZYDIS_MNEMONIC_JKZD)
        m = ZYDIS_MNEMONIC_JZ;
    Req r(m);
    r.imm(0).branch(b.chance(50) ? ZYDIS_BRANCH_TYPE_SHORT : ZYDIS_BRANCH_TYPE_NEAR);
    return b.emit(r, static_cast<int>(b.below(4)));
}

bool gen_jmp(Builder& b) {
    const int ahead = static_cast<int>(b.below(3));
    const u8 r = b.pool();
    switch (b.below(4)) {
    case 0: {
        Req j(ZYDIS_MNEMONIC_JMP);
        j.imm(0).branch(b.chance(50) ? ZYDIS_BRANCH_TYPE_SHORT : ZYDIS_BRANCH_TYPE_NEAR);
        return b.emit(j, ahead);
    }
    case 1: // jmp reg
        b.emit(Req(ZYDIS_MNEMONIC_LEA).reg(gpr(r, 8)).mem(Mem{.base = ZYDIS_REGISTER_RIP}), ahead + 1, 1);
        return b.emit(Req(ZYDIS_MNEMONIC_JMP).reg(gpr(r, 8)));
    case 2: { // jmp [mem]
        const Mem slot{.disp = -0x800 + static_cast<i64>(b.below(0x1f0) * 8)};
        b.emit(Req(ZYDIS_MNEMONIC_LEA).reg(gpr(r, 8)).mem(Mem{.base = ZYDIS_REGISTER_RIP}), ahead + 2, 1);
        b.emit(Req(ZYDIS_MNEMONIC_MOV).mem(slot).reg(gpr(r, 8)));
        return b.emit(Req(ZYDIS_MNEMONIC_JMP).mem(slot));
    }
    default: { // call: the return address stays on the stack
        if (b.chance(50)) {
            Req c(ZYDIS_MNEMONIC_CALL);
            c.imm(0).branch(ZYDIS_BRANCH_TYPE_NEAR);
            return b.emit(c, ahead);
        }
        b.emit(Req(ZYDIS_MNEMONIC_LEA).reg(gpr(r, 8)).mem(Mem{.base = ZYDIS_REGISTER_RIP}), ahead + 1, 1);
        return b.emit(Req(ZYDIS_MNEMONIC_CALL).reg(gpr(r, 8)));
    }
    }
}

bool gen_ret(Builder& b) {
    const u8 r = b.pool();
    b.emit(Req(ZYDIS_MNEMONIC_LEA).reg(gpr(r, 8)).mem(Mem{.base = ZYDIS_REGISTER_RIP}),
           static_cast<int>(b.below(3)) + 2, 1);
    b.emit(Req(ZYDIS_MNEMONIC_PUSH).reg(gpr(r, 8)));
    if (b.chance(30))
        return b.emit(Req(ZYDIS_MNEMONIC_RET).imm(b.below(9) * 8));
    return b.emit(Req(ZYDIS_MNEMONIC_RET));
}

// LOOP, LOOPcc, JRCXZ, JECXZ. Unicorn leaves wrong flags behind a LOOPE or
// LOOPNE (see diff_test.cpp), so both of its paths define them again, each
// differently:  loopcc L1; cmp a, b; jmp L2; L1: cmp c, d; L2:
bool gen_loop(Builder& b) {
    static constexpr ZydisMnemonic kOps[] = {ZYDIS_MNEMONIC_LOOP, ZYDIS_MNEMONIC_LOOPE, ZYDIS_MNEMONIC_LOOPNE,
                                             ZYDIS_MNEMONIC_JRCXZ, ZYDIS_MNEMONIC_JECXZ};
    const ZydisMnemonic m = b.pick(kOps);
    Req r(m);
    r.imm(0).branch(ZYDIS_BRANCH_TYPE_SHORT);
    if (b.chance(20) && m != ZYDIS_MNEMONIC_JRCXZ && m != ZYDIS_MNEMONIC_JECXZ)
        r.address_size(ZYDIS_ADDRESS_SIZE_HINT_32);
    if (m != ZYDIS_MNEMONIC_LOOPE && m != ZYDIS_MNEMONIC_LOOPNE)
        return b.emit(r, static_cast<int>(b.below(3)));
    Req skip(ZYDIS_MNEMONIC_JMP);
    skip.imm(0).branch(ZYDIS_BRANCH_TYPE_SHORT);
    return b.emit(r, 2, 0, true) && b.emit(Req(ZYDIS_MNEMONIC_CMP).reg(b.reg(8)).reg(b.reg(8))) &&
           b.emit(skip, 1, 0, true) && b.emit(Req(ZYDIS_MNEMONIC_CMP).reg(b.reg(4)).reg(b.reg(4)));
}

bool gen_stack(Builder& b) {
    switch (b.below(7)) {
    case 0:
        return b.emit(Req(ZYDIS_MNEMONIC_PUSH).reg(b.reg(b.chance(80) ? 8 : 2)));
    case 1:
        return b.emit(Req(ZYDIS_MNEMONIC_POP).reg(b.reg(b.chance(80) ? 8 : 2)));
    case 2:
        return b.emit(reg_or_mem(b, Req(ZYDIS_MNEMONIC_PUSH), 8));
    case 3:
        return b.emit(Req(ZYDIS_MNEMONIC_POP).mem(b.mem(8)));
    case 4:
        return b.emit(Req(ZYDIS_MNEMONIC_PUSH).imm(b.imm(4)).operand_size(ZYDIS_OPERAND_SIZE_HINT_64));
    case 5: // the status flags and DF from the stack (never TF, IF or the rest)
        b.emit(Req(ZYDIS_MNEMONIC_PUSH).imm(b.raw() & 0xcd5).operand_size(ZYDIS_OPERAND_SIZE_HINT_64));
        return b.emit(Req(ZYDIS_MNEMONIC_POPFQ));
    default:
        return b.emit(Req(ZYDIS_MNEMONIC_PUSHFQ));
    }
}

bool gen_frame(Builder& b) {
    if (b.chance(50)) {
        b.emit(Req(ZYDIS_MNEMONIC_LEA)
                   .reg(ZYDIS_REGISTER_RBP)
                   .mem(Mem{.base = ZYDIS_REGISTER_RSP, .disp = 0x40}));
        return b.emit(Req(ZYDIS_MNEMONIC_ENTER).imm(b.below(65)).imm(b.below(4)));
    }
    b.emit(Req(ZYDIS_MNEMONIC_LEA)
               .reg(ZYDIS_REGISTER_RBP)
               .mem(Mem{.base = ZYDIS_REGISTER_RSP, .disp = static_cast<i64>(b.below(8) * 8)}));
    return b.emit(Req(ZYDIS_MNEMONIC_LEAVE));
}

// A string instruction after pointing RSI and RDI into the buffer and
// setting a small count; sometimes with DF set or a 32-bit address size.
bool gen_string(Builder& b) {
    static constexpr ZydisMnemonic kOps[] = {
        ZYDIS_MNEMONIC_MOVSB, ZYDIS_MNEMONIC_MOVSW, ZYDIS_MNEMONIC_MOVSD, ZYDIS_MNEMONIC_MOVSQ,
        ZYDIS_MNEMONIC_STOSB, ZYDIS_MNEMONIC_STOSW, ZYDIS_MNEMONIC_STOSD, ZYDIS_MNEMONIC_STOSQ,
        ZYDIS_MNEMONIC_LODSB, ZYDIS_MNEMONIC_LODSW, ZYDIS_MNEMONIC_LODSD, ZYDIS_MNEMONIC_LODSQ,
        ZYDIS_MNEMONIC_CMPSB, ZYDIS_MNEMONIC_CMPSW, ZYDIS_MNEMONIC_CMPSD, ZYDIS_MNEMONIC_CMPSQ,
        ZYDIS_MNEMONIC_SCASB, ZYDIS_MNEMONIC_SCASW, ZYDIS_MNEMONIC_SCASD, ZYDIS_MNEMONIC_SCASQ};
    constexpr i64 kReach = 33 * 8;
    b.emit(Req(b.chance(25) ? ZYDIS_MNEMONIC_STD : ZYDIS_MNEMONIC_CLD));
    for (const ZydisRegister r : {ZYDIS_REGISTER_RSI, ZYDIS_REGISTER_RDI})
        b.emit(Req(ZYDIS_MNEMONIC_LEA)
                   .reg(r)
                   .mem(Mem{.disp = -0x800 + kReach + static_cast<i64>(b.below(0x1000 - 2 * kReach - 8))}));
    b.emit(Req(ZYDIS_MNEMONIC_MOV).reg(ZYDIS_REGISTER_ECX).imm(b.below(34)));
    const u64 which = b.below(std::size(kOps));
    Req r(kOps[which]);
    const bool compares = which >= 12;
    switch (b.below(3)) {
    case 0:
        break;
    case 1:
        r.prefix(compares ? ZYDIS_ATTRIB_HAS_REPE : ZYDIS_ATTRIB_HAS_REP);
        break;
    default:
        r.prefix(compares ? ZYDIS_ATTRIB_HAS_REPNE : ZYDIS_ATTRIB_HAS_REP);
        break;
    }
    if (b.chance(20))
        r.address_size(ZYDIS_ADDRESS_SIZE_HINT_32);
    return b.emit(r);
}

struct Weighted {
    Gen gen;
    unsigned weight;
};

std::vector<Weighted> generators(Mix mix) {
    const std::vector<Weighted> arithmetic = {{gen_alu, 6}, {gen_unary, 2}, {gen_muldiv, 2}, {gen_imul, 2}};
    const std::vector<Weighted> bits = {{gen_shift, 5},    {gen_double_shift, 2}, {gen_bit_test, 3},
                                        {gen_bit_scan, 3}, {gen_bswap, 1},        {gen_alu, 2}};
    const std::vector<Weighted> moves = {
        {gen_mov, 4},   {gen_extend, 2},      {gen_lea, 2},      {gen_xchg, 1},      {gen_cmov, 2},
        {gen_setcc, 2}, {gen_accumulator, 2}, {gen_exchange, 2}, {gen_cmpxchg8b, 1}, {gen_alu, 2}};
    const std::vector<Weighted> control = {{gen_jcc, 4},   {gen_jmp, 2},   {gen_ret, 1}, {gen_loop, 2},
                                           {gen_stack, 3}, {gen_frame, 1}, {gen_alu, 3}};
    const std::vector<Weighted> strings = {{gen_string, 4}, {gen_alu, 1}, {gen_mov, 1}};
    switch (mix) {
    case Mix::Arithmetic:
        return arithmetic;
    case Mix::ShiftsAndBits:
        return bits;
    case Mix::MoveAndExchange:
        return moves;
    case Mix::ControlFlow:
        return control;
    case Mix::Strings:
        return strings;
    case Mix::All:
        break;
    }
    std::vector<Weighted> all;
    for (const auto* v : {&arithmetic, &bits, &moves, &control, &strings})
        all.insert(all.end(), v->begin(), v->end());
    return all;
}

} // namespace

TestCase generate(u64 seed, Mix mix) {
    Builder b(seed * 0x9e3779b97f4a7c15 + static_cast<u64>(mix));
    TestCase tc;
    tc.seed = seed;
    for (u8 r = 0; r < 16; ++r)
        tc.init.gpr[r] = b.value();
    tc.init.gpr[4] = kStackPointer;
    tc.init.gpr[15] = kDataPointer;
    tc.init.rflags = 2 | (b.raw() & 0x8d5);
    tc.init.data.resize(kDataSize);
    tc.init.stack.resize(kStackSize);
    for (u8& byte : tc.init.data)
        byte = static_cast<u8>(b.raw());
    for (u8& byte : tc.init.stack)
        byte = static_cast<u8>(b.raw());

    const std::vector<Weighted> gens = generators(mix);
    unsigned total = 0;
    for (const Weighted& w : gens)
        total += w.weight;
    const u64 target = 16 + b.below(48);
    while (b.count() < target) {
        u64 x = b.below(total);
        b.begin_item();
        for (const Weighted& w : gens) {
            if (x < w.weight) {
                w.gen(b);
                break;
            }
            x -= w.weight;
        }
    }
    tc.code = b.finish();
    return tc;
}

std::vector<u8> code_image(const TestCase& tc) {
    std::vector<u8> out;
    for (const std::vector<u8>& insn : tc.code)
        out.insert(out.end(), insn.begin(), insn.end());
    return out;
}

u64 code_end(const TestCase& tc) {
    return kCodeBase + code_image(tc).size();
}

std::string disassemble(const std::vector<u8>& bytes, u64 address) {
    ZydisDisassembledInstruction insn;
    if (!ZYAN_SUCCESS(
            ZydisDisassembleIntel(ZYDIS_MACHINE_MODE_LONG_64, address, bytes.data(), bytes.size(), &insn)))
        return "(bad)";
    return insn.text;
}

std::vector<u8> nop_of_length(std::size_t length) {
    std::vector<u8> out(length);
    ZydisEncoderNopFill(out.data(), out.size());
    return out;
}

} // namespace kite::x86::diff
