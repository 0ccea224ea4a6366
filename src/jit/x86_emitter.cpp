// The x86-64 back end: xbyak encodes into a scratch buffer, which is then
// copied into the CodeBuffer. Each virtual register lives in the context.
// xbyak reports errors through GetError() rather than exceptions.
#include "jit/x86_emitter.h"

#define XBYAK_NO_EXCEPTION
#include <xbyak/xbyak.h>

#include <vector>

namespace kite::jit {

namespace {

// The longest sequence one IR instruction becomes (mov rax, imm64 and a store).
constexpr std::size_t kMaxInsnBytes = 24;

class Emitter : public Xbyak::CodeGenerator {
public:
    explicit Emitter(std::vector<u8>& scratch) : Xbyak::CodeGenerator(scratch.size(), scratch.data()) {}

    void insn(const Insn& i) {
        if (i.op != Op::MovImm)
            mov(rax, reg(i.a));
        switch (i.op) {
        case Op::MovImm:
            mov(rax, i.imm);
            break;
        case Op::Mov:
            break;
        case Op::Add:
            add(rax, reg(i.b));
            break;
        case Op::Sub:
            sub(rax, reg(i.b));
            break;
        case Op::And:
            and_(rax, reg(i.b));
            break;
        case Op::Or:
            or_(rax, reg(i.b));
            break;
        case Op::Xor:
            xor_(rax, reg(i.b));
            break;
        case Op::AddImm:
            mov(rdx, i.imm);
            add(rax, rdx);
            break;
        }
        mov(reg(i.dst), rax);
    }

private:
    Xbyak::Address reg(u8 n) { return qword[rdi + n * sizeof(u64)]; }
};

bool registers_valid(const Insn& i) {
    return i.dst < Context::kRegs && i.a < Context::kRegs && i.b < Context::kRegs;
}

} // namespace

Result<BlockFn> emit_x86(const Block& block, CodeBuffer& code) {
    static_assert(offsetof(Context, regs) == 0);
    for (std::size_t n = 0; n < block.size(); ++n)
        if (!registers_valid(block[n]))
            return error("jit: instruction {} names a register above {}", n, Context::kRegs - 1);
    std::vector<u8> scratch((block.size() + 1) * kMaxInsnBytes);
    Xbyak::ClearError();
    Emitter e(scratch);
    for (const Insn& i : block)
        e.insn(i);
    e.ret();
    if (const int err = Xbyak::GetError(); err != 0)
        return error("jit: x86-64 encoding failed: {}", Xbyak::ConvertErrorToString(err));
    const u8* at = TRY(code.append({scratch.data(), e.getSize()}));
    return reinterpret_cast<BlockFn>(const_cast<u8*>(at));
}

} // namespace kite::jit
