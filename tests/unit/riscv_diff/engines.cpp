#include "engines.h"

#include "cpu/riscv/csr_numbers.h"
#include "cpu/riscv/decode.h"
#include "rv_encode.h"
#include "zb_model.h"

#include <fmt/format.h>
#include <unicorn/unicorn.h>
#include <vector>

namespace kite::riscv::diff {

namespace {

constexpr u32 kTrapSpin = test::enc::jal(0, 0);
constexpr u64 kCodeArea = kTrapVector - kCodeBase; // bytes reserved for code
constexpr u32 kIllegalInstruction = 2;             // exception cause

bool too_long(const TestCase& tc) {
    // The code and the spin loop after it.
    return code_end(tc) + sizeof kTrapSpin > kTrapVector;
}

// Every instruction runs at most once: this many steps reach the end.
u64 step_budget(const TestCase& tc) {
    return tc.code.size();
}

} // namespace

KiteEngine::KiteEngine() {
    (void)m_ram.add_region(GuestAddress(kRamBase), kRamSize);
    m_hart = std::make_unique<Hart>(m_ram, m_mmio, HartConfig{});
}

void KiteEngine::load(const TestCase& tc) {
    (void)m_ram.write(GuestAddress(kCodeBase), code_image(tc));
    // Whoever gets to the end early (a branch to it) waits there.
    (void)m_ram.write_obj(GuestAddress(code_end(tc)), kTrapSpin);
    (void)m_ram.write_obj(GuestAddress(kTrapVector), kTrapSpin);
    (void)m_ram.write(GuestAddress(kDataBase), tc.init.data);

    m_hart->reset(kCodeBase); // also drops the decode cache, TLB and LR reservation
    HartState& s = m_hart->state();
    s.x = tc.init.x;
    s.x[0] = 0;
    s.f = tc.init.f;
    s.fflags = tc.init.fflags;
    s.frm = tc.init.frm;
    s.mstatus |= mstatus::FS_DIRTY;
    s.mtvec = kTrapVector;
}

RunResult KiteEngine::run(const TestCase& tc) {
    RunResult result;
    if (too_long(tc)) {
        result.error = "program too long";
        return result;
    }
    load(tc);
    m_hart->run(step_budget(tc));

    const HartState& s = m_hart->state();
    result.state.x = s.x;
    result.state.f = s.f;
    result.state.fflags = s.fflags;
    result.state.frm = s.frm;
    result.state.data.resize(kDataSize);
    (void)m_ram.read(GuestAddress(kDataBase), result.state.data);
    result.completed = s.pc == code_end(tc);
    if (!result.completed)
        result.error = fmt::format("pc {:#x} after {} steps (mcause {:#x}, mepc {:#x}, mtval {:#x})", s.pc,
                                   step_budget(tc), s.mcause, s.mepc, s.mtval);
    return result;
}

int KiteEngine::rewrite(TestCase& tc, const Rewriter& rewrite) {
    constexpr int kMaxRewrites = 256; // a rewriter that keeps rewriting its own output
    if (too_long(tc))
        return 0;
    int rewrites = 0;
    for (bool again = true; again && rewrites < kMaxRewrites;) {
        again = false;
        load(tc);
        for (u64 step = 0; step < step_budget(tc); ++step) {
            const int i = insn_at(tc, m_hart->state().pc);
            if (i < 0)
                break; // at the end, or trapped: the comparison will say so
            GenInsn& insn = tc.code[static_cast<std::size_t>(i)];
            if (const std::optional<u32> replacement =
                    rewrite(decode(insn.raw), insn.raw, m_hart->state(), m_ram)) {
                insn.raw = *replacement;
                ++rewrites;
                again = true; // the code changed: replay from the start
                break;
            }
            m_hart->run(1);
        }
    }
    return rewrites;
}

UnicornEngine::UnicornEngine() {
    uc_engine* uc = nullptr;
    uc_err err = uc_open(UC_ARCH_RISCV, UC_MODE_RISCV64, &uc);
    if (err != UC_ERR_OK) {
        m_error = fmt::format("uc_open: {}", uc_strerror(err));
        return;
    }
    err = uc_mem_map(uc, kRamBase, kRamSize, UC_PROT_ALL);
    if (err == UC_ERR_OK) {
        uc_hook hook = 0;
        err = uc_hook_add(uc, &hook, UC_HOOK_INTR, reinterpret_cast<void*>(&UnicornEngine::on_exception),
                          this, 1, 0);
    }
    if (err != UC_ERR_OK) {
        m_error = fmt::format("unicorn set-up: {}", uc_strerror(err));
        uc_close(uc);
        return;
    }
    m_uc = uc;
}

UnicornEngine::~UnicornEngine() {
    if (m_uc != nullptr)
        uc_close(m_uc);
}

// Unicorn 2.0.1 does not implement Zba/Zbb/Zbs (exclusions.cpp, 5): they
// raise illegal-instruction, which Unicorn hands to this hook with pc
// already past the instruction. The hook executes them with the test's
// reference model and lets Unicorn go on; any other exception ends the run.
void UnicornEngine::on_exception(uc_struct* uc, u32 intno, void* user) {
    auto* self = static_cast<UnicornEngine*>(user);
    u64 pc = 0;
    uc_reg_read(uc, UC_RISCV_REG_PC, &pc);
    const TestCase& tc = *self->m_running;
    const int i = intno == kIllegalInstruction ? insn_at(tc, pc - 4) : -1;
    const GenInsn* insn = i >= 0 ? &tc.code[static_cast<std::size_t>(i)] : nullptr;
    if (insn == nullptr || insn->size != 4 || zb_find(insn->raw) == nullptr) {
        self->m_stop_reason = fmt::format("exception {} with pc {:#x}", intno, pc);
        uc_emu_stop(uc);
        return;
    }
    std::array<u64, 32> x{};
    for (int r = 1; r < 32; ++r)
        uc_reg_read(uc, UC_RISCV_REG_X0 + r, &x[static_cast<u32>(r)]);
    zb_execute(insn->raw, x);
    for (int r = 1; r < 32; ++r)
        uc_reg_write(uc, UC_RISCV_REG_X0 + r, &x[static_cast<u32>(r)]);
    ++self->m_zb_emulated;
}

RunResult UnicornEngine::run(const TestCase& tc) {
    RunResult result;
    if (too_long(tc)) {
        result.error = "program too long";
        return result;
    }
    uc_engine* uc = m_uc;
    const std::vector<u8> code = code_image(tc);
    uc_mem_write(uc, kCodeBase, code.data(), code.size());
    uc_mem_write(uc, code_end(tc), &kTrapSpin, sizeof kTrapSpin);
    uc_mem_write(uc, kTrapVector, &kTrapSpin, sizeof kTrapSpin);
    uc_mem_write(uc, kDataBase, tc.init.data.data(), tc.init.data.size());
    // The code area was translated for the previous case.
    uc_ctl_remove_cache(uc, kCodeBase, kCodeBase + kCodeArea);

    for (int r = 1; r < 32; ++r)
        uc_reg_write(uc, UC_RISCV_REG_X0 + r, &tc.init.x[static_cast<u32>(r)]);
    // FS must be on before FP registers and fcsr can be used (FS=Dirty).
    const u64 mstatus_value = mstatus::FS_DIRTY;
    uc_reg_write(uc, UC_RISCV_REG_MSTATUS, &mstatus_value);
    for (int r = 0; r < 32; ++r)
        uc_reg_write(uc, UC_RISCV_REG_F0 + r, &tc.init.f[static_cast<u32>(r)]);
    const u64 fcsr = (u64{tc.init.frm} << 5) | tc.init.fflags;
    uc_reg_write(uc, UC_RISCV_REG_FCSR, &fcsr);
    const u64 mtvec = kTrapVector;
    uc_reg_write(uc, UC_RISCV_REG_MTVEC, &mtvec);
    const u64 zero = 0;
    uc_reg_write(uc, UC_RISCV_REG_MCAUSE, &zero);

    m_running = &tc;
    m_stop_reason.clear();
    const uc_err err = uc_emu_start(uc, kCodeBase, code_end(tc), 0, step_budget(tc));
    m_running = nullptr;

    for (int r = 1; r < 32; ++r)
        uc_reg_read(uc, UC_RISCV_REG_X0 + r, &result.state.x[static_cast<u32>(r)]);
    for (int r = 0; r < 32; ++r)
        uc_reg_read(uc, UC_RISCV_REG_F0 + r, &result.state.f[static_cast<u32>(r)]);
    u64 fcsr_out = 0;
    uc_reg_read(uc, UC_RISCV_REG_FCSR, &fcsr_out);
    result.state.fflags = static_cast<u8>(fcsr_out & 0x1f);
    result.state.frm = static_cast<u8>((fcsr_out >> 5) & 7);
    result.state.data.resize(kDataSize);
    uc_mem_read(uc, kDataBase, result.state.data.data(), kDataSize);

    u64 pc = 0;
    uc_reg_read(uc, UC_RISCV_REG_PC, &pc);
    result.completed = err == UC_ERR_OK && m_stop_reason.empty() && pc == code_end(tc);
    if (!result.completed)
        result.error = fmt::format("uc_emu_start: {}, pc {:#x}{}{}", uc_strerror(err), pc,
                                   m_stop_reason.empty() ? "" : ", ", m_stop_reason);
    return result;
}

} // namespace kite::riscv::diff
