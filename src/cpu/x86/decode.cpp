#include "cpu/x86/decode.h"

#include "cpu/x86/cpu_state.h"

#include <Zydis/Register.h>
#include <Zydis/SharedTypes.h>

namespace kite::x86 {

namespace {

struct Mapping {
    Op op;
    bool has_cond; // the condition is the opcode's low nibble
};

Mapping map_mnemonic(ZydisMnemonic m, const ZydisDecodedInstruction& z) {
    switch (m) {
    case ZYDIS_MNEMONIC_NOP:
    case ZYDIS_MNEMONIC_PAUSE:
    case ZYDIS_MNEMONIC_ENDBR32:
    case ZYDIS_MNEMONIC_ENDBR64:
        return {Op::Nop, false};
    case ZYDIS_MNEMONIC_CLC:
        return {Op::Clc, false};
    case ZYDIS_MNEMONIC_STC:
        return {Op::Stc, false};
    case ZYDIS_MNEMONIC_CMC:
        return {Op::Cmc, false};
    case ZYDIS_MNEMONIC_CLD:
        return {Op::Cld, false};
    case ZYDIS_MNEMONIC_STD:
        return {Op::Std, false};
    case ZYDIS_MNEMONIC_LAHF:
        return {Op::Lahf, false};
    case ZYDIS_MNEMONIC_SAHF:
        return {Op::Sahf, false};
    case ZYDIS_MNEMONIC_MOV:
        return {Op::Mov, false};
    case ZYDIS_MNEMONIC_MOVZX:
        return {Op::Movzx, false};
    case ZYDIS_MNEMONIC_MOVSX:
        return {Op::Movsx, false};
    case ZYDIS_MNEMONIC_MOVSXD:
        return {Op::Movsxd, false};
    case ZYDIS_MNEMONIC_LEA:
        return {Op::Lea, false};
    case ZYDIS_MNEMONIC_XCHG:
        return {Op::Xchg, false};
    case ZYDIS_MNEMONIC_CBW:
    case ZYDIS_MNEMONIC_CWDE:
    case ZYDIS_MNEMONIC_CDQE:
        return {Op::Cbw, false};
    case ZYDIS_MNEMONIC_CWD:
    case ZYDIS_MNEMONIC_CDQ:
    case ZYDIS_MNEMONIC_CQO:
        return {Op::Cwd, false};
    case ZYDIS_MNEMONIC_BSWAP:
        return {Op::Bswap, false};
    case ZYDIS_MNEMONIC_MOVBE:
        return {Op::Movbe, false};
    case ZYDIS_MNEMONIC_XADD:
        return {Op::Xadd, false};
    case ZYDIS_MNEMONIC_CMPXCHG:
        return {Op::Cmpxchg, false};
    case ZYDIS_MNEMONIC_CMPXCHG8B:
        return {Op::Cmpxchg8b, false};
    case ZYDIS_MNEMONIC_CMPXCHG16B:
        return {Op::Cmpxchg16b, false};
    case ZYDIS_MNEMONIC_ADD:
        return {Op::Add, false};
    case ZYDIS_MNEMONIC_ADC:
        return {Op::Adc, false};
    case ZYDIS_MNEMONIC_SUB:
        return {Op::Sub, false};
    case ZYDIS_MNEMONIC_SBB:
        return {Op::Sbb, false};
    case ZYDIS_MNEMONIC_AND:
        return {Op::And, false};
    case ZYDIS_MNEMONIC_OR:
        return {Op::Or, false};
    case ZYDIS_MNEMONIC_XOR:
        return {Op::Xor, false};
    case ZYDIS_MNEMONIC_CMP:
        return {Op::Cmp, false};
    case ZYDIS_MNEMONIC_TEST:
        return {Op::Test, false};
    case ZYDIS_MNEMONIC_INC:
        return {Op::Inc, false};
    case ZYDIS_MNEMONIC_DEC:
        return {Op::Dec, false};
    case ZYDIS_MNEMONIC_NEG:
        return {Op::Neg, false};
    case ZYDIS_MNEMONIC_NOT:
        return {Op::Not, false};
    case ZYDIS_MNEMONIC_MUL:
        return {Op::Mul, false};
    case ZYDIS_MNEMONIC_IMUL:
        return {Op::Imul, false};
    case ZYDIS_MNEMONIC_DIV:
        return {Op::Div, false};
    case ZYDIS_MNEMONIC_IDIV:
        return {Op::Idiv, false};
    case ZYDIS_MNEMONIC_ROL:
        return {Op::Rol, false};
    case ZYDIS_MNEMONIC_ROR:
        return {Op::Ror, false};
    case ZYDIS_MNEMONIC_RCL:
        return {Op::Rcl, false};
    case ZYDIS_MNEMONIC_RCR:
        return {Op::Rcr, false};
    case ZYDIS_MNEMONIC_SHL:
        return {Op::Shl, false};
    case ZYDIS_MNEMONIC_SHR:
        return {Op::Shr, false};
    case ZYDIS_MNEMONIC_SAR:
        return {Op::Sar, false};
    case ZYDIS_MNEMONIC_SHLD:
        return {Op::Shld, false};
    case ZYDIS_MNEMONIC_SHRD:
        return {Op::Shrd, false};
    case ZYDIS_MNEMONIC_BT:
        return {Op::Bt, false};
    case ZYDIS_MNEMONIC_BTS:
        return {Op::Bts, false};
    case ZYDIS_MNEMONIC_BTR:
        return {Op::Btr, false};
    case ZYDIS_MNEMONIC_BTC:
        return {Op::Btc, false};
    case ZYDIS_MNEMONIC_BSF:
        return {Op::Bsf, false};
    case ZYDIS_MNEMONIC_BSR:
        return {Op::Bsr, false};
    case ZYDIS_MNEMONIC_TZCNT:
        return {Op::Tzcnt, false};
    case ZYDIS_MNEMONIC_LZCNT:
        return {Op::Lzcnt, false};
    case ZYDIS_MNEMONIC_POPCNT:
        return {Op::Popcnt, false};
    case ZYDIS_MNEMONIC_PUSH:
        return {Op::Push, false};
    case ZYDIS_MNEMONIC_POP:
        return {Op::Pop, false};
    case ZYDIS_MNEMONIC_PUSHF:
    case ZYDIS_MNEMONIC_PUSHFQ:
        return {Op::Pushf, false};
    case ZYDIS_MNEMONIC_POPF:
    case ZYDIS_MNEMONIC_POPFQ:
        return {Op::Popf, false};
    case ZYDIS_MNEMONIC_ENTER:
        return {Op::Enter, false};
    case ZYDIS_MNEMONIC_LEAVE:
        return {Op::Leave, false};
    case ZYDIS_MNEMONIC_CALL:
        return {Op::Call, false};
    case ZYDIS_MNEMONIC_RET:
        return {Op::Ret, false};
    case ZYDIS_MNEMONIC_JMP:
        return {Op::Jmp, false};
    case ZYDIS_MNEMONIC_LOOP:
        return {Op::Loop, false};
    case ZYDIS_MNEMONIC_LOOPE:
        return {Op::Loope, false};
    case ZYDIS_MNEMONIC_LOOPNE:
        return {Op::Loopne, false};
    case ZYDIS_MNEMONIC_JCXZ:
    case ZYDIS_MNEMONIC_JECXZ:
    case ZYDIS_MNEMONIC_JRCXZ:
        return {Op::Jrcxz, false};
    case ZYDIS_MNEMONIC_MOVSB:
    case ZYDIS_MNEMONIC_MOVSW:
    case ZYDIS_MNEMONIC_MOVSQ:
        return {Op::Movs, false};
    case ZYDIS_MNEMONIC_MOVSD: // also SSE2's movsd, in another opcode map
        return {z.opcode_map == ZYDIS_OPCODE_MAP_DEFAULT ? Op::Movs : Op::Invalid, false};
    case ZYDIS_MNEMONIC_CMPSD:
        return {z.opcode_map == ZYDIS_OPCODE_MAP_DEFAULT ? Op::Cmps : Op::Invalid, false};
    case ZYDIS_MNEMONIC_STOSB:
    case ZYDIS_MNEMONIC_STOSW:
    case ZYDIS_MNEMONIC_STOSD:
    case ZYDIS_MNEMONIC_STOSQ:
        return {Op::Stos, false};
    case ZYDIS_MNEMONIC_LODSB:
    case ZYDIS_MNEMONIC_LODSW:
    case ZYDIS_MNEMONIC_LODSD:
    case ZYDIS_MNEMONIC_LODSQ:
        return {Op::Lods, false};
    case ZYDIS_MNEMONIC_CMPSB:
    case ZYDIS_MNEMONIC_CMPSW:
    case ZYDIS_MNEMONIC_CMPSQ:
        return {Op::Cmps, false};
    case ZYDIS_MNEMONIC_SCASB:
    case ZYDIS_MNEMONIC_SCASW:
    case ZYDIS_MNEMONIC_SCASD:
    case ZYDIS_MNEMONIC_SCASQ:
        return {Op::Scas, false};
    case ZYDIS_MNEMONIC_INT3:
        return {Op::Int3, false};
    case ZYDIS_MNEMONIC_INT:
        return {Op::Int, false};
    case ZYDIS_MNEMONIC_IRETQ:
        return {Op::Iretq, false};
    case ZYDIS_MNEMONIC_SYSCALL:
        return {Op::Syscall, false};
    case ZYDIS_MNEMONIC_SYSRET:
        return {Op::Sysret, false};
    case ZYDIS_MNEMONIC_SWAPGS:
        return {Op::Swapgs, false};
    case ZYDIS_MNEMONIC_RDMSR:
        return {Op::Rdmsr, false};
    case ZYDIS_MNEMONIC_WRMSR:
        return {Op::Wrmsr, false};
    default:
        break;
    }
    if (m >= ZYDIS_MNEMONIC_JB && m <= ZYDIS_MNEMONIC_JZ && m != ZYDIS_MNEMONIC_JMP &&
        m != ZYDIS_MNEMONIC_JCXZ && m != ZYDIS_MNEMONIC_JECXZ && m != ZYDIS_MNEMONIC_JRCXZ &&
        m != ZYDIS_MNEMONIC_JKNZD && m != ZYDIS_MNEMONIC_JKZD)
        return {Op::Jcc, true};
    if (m >= ZYDIS_MNEMONIC_SETB && m <= ZYDIS_MNEMONIC_SETZ && m != ZYDIS_MNEMONIC_SETSSBSY)
        return {Op::Setcc, true};
    if (m >= ZYDIS_MNEMONIC_CMOVB && m <= ZYDIS_MNEMONIC_CMOVZ)
        return {Op::Cmovcc, true};
    return {Op::Invalid, false};
}

u8 segment_of(ZydisRegister r) {
    switch (r) {
    case ZYDIS_REGISTER_ES:
        return ES;
    case ZYDIS_REGISTER_CS:
        return CS;
    case ZYDIS_REGISTER_SS:
        return SS;
    case ZYDIS_REGISTER_FS:
        return FS;
    case ZYDIS_REGISTER_GS:
        return GS;
    default:
        return DS;
    }
}

// A GPR operand number (see kHighByte), or kNoReg for anything else.
u8 gpr_of(ZydisRegister r) {
    switch (r) {
    case ZYDIS_REGISTER_NONE:
        return kNoReg;
    case ZYDIS_REGISTER_AH:
        return kHighByte + 0;
    case ZYDIS_REGISTER_CH:
        return kHighByte + 1;
    case ZYDIS_REGISTER_DH:
        return kHighByte + 2;
    case ZYDIS_REGISTER_BH:
        return kHighByte + 3;
    case ZYDIS_REGISTER_RIP:
    case ZYDIS_REGISTER_EIP:
    case ZYDIS_REGISTER_IP:
        return kRipBase;
    default:
        break;
    }
    const ZydisRegisterClass cls = ZydisRegisterGetClass(r);
    if (cls != ZYDIS_REGCLASS_GPR8 && cls != ZYDIS_REGCLASS_GPR16 && cls != ZYDIS_REGCLASS_GPR32 &&
        cls != ZYDIS_REGCLASS_GPR64)
        return kNoReg;
    const ZydisRegister wide = ZydisRegisterGetLargestEnclosing(ZYDIS_MACHINE_MODE_LONG_64, r);
    return static_cast<u8>(ZydisRegisterGetId(wide));
}

bool convert_operand(const ZydisDecodedOperand& z, u8 op_size, Operand& out) {
    out.size = static_cast<u8>(z.size / 8);
    switch (z.type) {
    case ZYDIS_OPERAND_TYPE_REGISTER:
        out.kind = OperandKind::Reg;
        out.reg = gpr_of(z.reg.value);
        return out.reg != kNoReg && out.reg != kRipBase;
    case ZYDIS_OPERAND_TYPE_MEMORY:
        if (z.mem.type != ZYDIS_MEMOP_TYPE_MEM && z.mem.type != ZYDIS_MEMOP_TYPE_AGEN)
            return false;
        out.kind = OperandKind::Mem;
        out.reg = gpr_of(z.mem.base);
        out.index = gpr_of(z.mem.index);
        out.scale = z.mem.scale == 0 ? 1 : z.mem.scale;
        out.segment = segment_of(z.mem.segment);
        out.value = static_cast<u64>(z.mem.disp.value);
        return (z.mem.base == ZYDIS_REGISTER_NONE || out.reg != kNoReg) &&
               (z.mem.index == ZYDIS_REGISTER_NONE || out.index != kNoReg);
    case ZYDIS_OPERAND_TYPE_IMMEDIATE:
        out.kind = OperandKind::Imm;
        out.size = op_size;
        out.value = z.imm.is_signed ? static_cast<u64>(z.imm.value.s) : z.imm.value.u;
        return true;
    default:
        return false;
    }
}

} // namespace

Decoder::Decoder(CpuMode) {
    ZydisDecoderInit(&m_zydis, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
}

DecodeStatus Decoder::decode(std::span<const u8> bytes, DecodedInsn& out) const {
    ZydisDecodedInstruction z;
    ZydisDecodedOperand zops[ZYDIS_MAX_OPERAND_COUNT];
    const ZyanStatus status = ZydisDecoderDecodeFull(&m_zydis, bytes.data(), bytes.size(), &z, zops);
    if (status == ZYDIS_STATUS_NO_MORE_DATA)
        return bytes.size() < 15 ? DecodeStatus::NeedMoreBytes : DecodeStatus::Invalid;
    out = DecodedInsn{};
    if (!ZYAN_SUCCESS(status))
        return DecodeStatus::Invalid;
    out.length = z.length;
    const Mapping map = map_mnemonic(z.mnemonic, z);
    out.op = map.op;
    if (out.op == Op::Invalid)
        return DecodeStatus::Ok; // decodes, but Kite does not execute it: #UD with its length known
    if (z.meta.branch_type == ZYDIS_BRANCH_TYPE_FAR) {
        out.op = Op::Invalid; // far CALL/JMP/RET need the system side
        return DecodeStatus::Ok;
    }
    out.cond = map.has_cond ? (z.opcode & 0xf) : 0;
    out.op_size = static_cast<u8>(z.operand_width / 8);
    out.addr_size = static_cast<u8>(z.address_width / 8);
    out.lock = (z.attributes & ZYDIS_ATTRIB_HAS_LOCK) != 0;
    if (z.attributes & ZYDIS_ATTRIB_HAS_REP)
        out.rep = Rep::Rep;
    else if (z.attributes & ZYDIS_ATTRIB_HAS_REPE)
        out.rep = Rep::Repe;
    else if (z.attributes & ZYDIS_ATTRIB_HAS_REPNE)
        out.rep = Rep::Repne;
    if (z.attributes & ZYDIS_ATTRIB_HAS_SEGMENT_FS)
        out.data_segment = FS;
    else if (z.attributes & ZYDIS_ATTRIB_HAS_SEGMENT_GS)
        out.data_segment = GS;
    const bool implicit_only =
        out.op == Op::Movs || out.op == Op::Stos || out.op == Op::Lods || out.op == Op::Cmps ||
        out.op == Op::Scas || out.op == Op::Cbw || out.op == Op::Cwd || out.op == Op::Pushf ||
        out.op == Op::Popf || out.op == Op::Lahf || out.op == Op::Sahf || out.op == Op::Leave ||
        out.op == Op::Int3 || out.op == Op::Iretq || out.op == Op::Syscall || out.op == Op::Sysret ||
        out.op == Op::Swapgs || out.op == Op::Rdmsr || out.op == Op::Wrmsr;
    if (!implicit_only) {
        const u8 n = z.operand_count_visible < 3 ? z.operand_count_visible : 3;
        for (u8 i = 0; i < n; ++i) {
            if (!convert_operand(zops[i], out.op_size, out.ops[i])) {
                out.op = Op::Invalid;
                return DecodeStatus::Ok;
            }
        }
        out.count = n;
    }
    return DecodeStatus::Ok;
}

} // namespace kite::x86
