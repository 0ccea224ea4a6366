#include "engines.h"

#include "cpu/riscv/csr_numbers.h"
#include "cpu/riscv/decode.h"
#include "rv_encode.h"

#include <fmt/format.h>
#include <unicorn/unicorn.h>
#include <vector>

namespace kite::riscv::diff {

namespace {

constexpr u32 kTrapSpin = test::enc::jal(0, 0);
constexpr u64 kCodeArea = kTrapVector - kCodeBase; // bytes reserved for code

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
    if (err != UC_ERR_OK) {
        m_error = fmt::format("uc_mem_map: {}", uc_strerror(err));
        uc_close(uc);
        return;
    }
    m_uc = uc;
}

UnicornEngine::~UnicornEngine() {
    if (m_uc != nullptr)
        uc_close(m_uc);
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

    const uc_err err = uc_emu_start(uc, kCodeBase, code_end(tc), 0, step_budget(tc));

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
    result.completed = err == UC_ERR_OK && pc == code_end(tc);
    if (!result.completed) {
        u64 mcause = 0;
        uc_reg_read(uc, UC_RISCV_REG_MCAUSE, &mcause);
        result.error = fmt::format("uc_emu_start: {}, pc {:#x}, mcause {:#x}", uc_strerror(err), pc, mcause);
    }
    return result;
}

} // namespace kite::riscv::diff
