#include "engines.h"

#include "cpu/x86/flat_memory.h"
#include "cpu/x86/interpreter.h"

#include <algorithm>
#include <cstdlib>
#include <fmt/format.h>
#include <unicorn/unicorn.h>

namespace kite::x86::diff {

namespace {

constexpr int kUcGpr[16] = {UC_X86_REG_RAX, UC_X86_REG_RCX, UC_X86_REG_RDX, UC_X86_REG_RBX,
                            UC_X86_REG_RSP, UC_X86_REG_RBP, UC_X86_REG_RSI, UC_X86_REG_RDI,
                            UC_X86_REG_R8,  UC_X86_REG_R9,  UC_X86_REG_R10, UC_X86_REG_R11,
                            UC_X86_REG_R12, UC_X86_REG_R13, UC_X86_REG_R14, UC_X86_REG_R15};

// Each instruction runs at most once (a REP string instruction with a count
// below 4096 in one step), and each takes at least a byte.
u64 step_budget(const TestCase& tc) {
    return code_image(tc).size() + 1;
}

} // namespace

RunResult KiteEngine::run(const TestCase& tc) {
    FlatMemory memory(kMemoryBase, kMemorySize);
    const std::vector<u8> code = code_image(tc);
    std::span<u8> bytes = memory.bytes();
    std::copy(code.begin(), code.end(), bytes.begin() + (kCodeBase - kMemoryBase));
    std::copy(tc.init.data.begin(), tc.init.data.end(), bytes.begin() + (kDataBase - kMemoryBase));
    std::copy(tc.init.stack.begin(), tc.init.stack.end(), bytes.begin() + (kStackBase - kMemoryBase));

    Interpreter cpu(memory);
    CpuState& s = cpu.state();
    s.gpr = tc.init.gpr;
    s.rflags = tc.init.rflags;
    s.rip = kCodeBase;
    const u64 end = kCodeBase + code.size();
    RunResult result;
    for (u64 n = 0; n < step_budget(tc) && s.rip != end; ++n) {
        if (std::getenv("KITE_DIFF_TRACE"))
            fmt::print("trace rip {:#x} rsp {:#x}\n", s.rip, s.gpr[4]);
        const std::optional<Exception> e = cpu.step();
        if (!e)
            continue;
        if (e->vector == Vector::PF)
            result.memory_fault = true;
        else
            result.vector = static_cast<u8>(e->vector);
        break;
    }
    result.completed = s.rip == end;
    result.rip = s.rip;
    result.state.gpr = s.gpr;
    result.state.rflags = s.rflags;
    result.state.data.assign(bytes.begin() + (kDataBase - kMemoryBase),
                             bytes.begin() + (kDataBase - kMemoryBase + kDataSize));
    result.state.stack.assign(bytes.begin() + (kStackBase - kMemoryBase),
                              bytes.begin() + (kStackBase - kMemoryBase + kStackSize));
    if (!result.completed && !result.vector && !result.memory_fault)
        result.error = fmt::format("rip {:#x} after {} steps", s.rip, step_budget(tc));
    return result;
}

UnicornEngine::UnicornEngine() {
    uc_engine* uc = nullptr;
    if (const uc_err err = uc_open(UC_ARCH_X86, UC_MODE_64, &uc); err != UC_ERR_OK) {
        m_error = fmt::format("uc_open: {}", uc_strerror(err));
        return;
    }
    if (const uc_err err = uc_mem_map(uc, kMemoryBase, kMemorySize, UC_PROT_ALL); err != UC_ERR_OK) {
        m_error = fmt::format("uc_mem_map: {}", uc_strerror(err));
        uc_close(uc);
        return;
    }
    uc_hook hook{};
    // The first exception ends the run (Unicorn may go on to deliver it
    // through the IDT, which this test leaves empty, and report more).
    auto on_interrupt = +[](uc_engine* engine, u32 intno, void* self) {
        std::optional<u8>& vector = static_cast<UnicornEngine*>(self)->m_vector;
        if (!vector)
            vector = static_cast<u8>(intno);
        uc_emu_stop(engine);
    };
    uc_hook_add(uc, &hook, UC_HOOK_INTR, reinterpret_cast<void*>(on_interrupt), this, 1, 0);
    auto on_invalid = +[](uc_engine* engine, void* self) -> bool {
        static_cast<UnicornEngine*>(self)->m_vector = 6;
        uc_emu_stop(engine);
        return false;
    };
    uc_hook_add(uc, &hook, UC_HOOK_INSN_INVALID, reinterpret_cast<void*>(on_invalid), this, 1, 0);
    // Unicorn defect: after a run stopped in the interrupt hook, the exception
    // is still pending and the next uc_emu_start delivers it (through the
    // empty IDT: #DF). Each run starts from the CPU state saved here instead.
    uc_context_alloc(uc, &m_fresh);
    uc_context_save(uc, m_fresh);
    m_uc = uc;
}

UnicornEngine::~UnicornEngine() {
    if (m_fresh != nullptr)
        uc_context_free(m_fresh);
    if (m_uc != nullptr)
        uc_close(m_uc);
}

RunResult UnicornEngine::run(const TestCase& tc) {
    RunResult result;
    std::vector<u8> memory(kMemorySize, 0);
    const std::vector<u8> code = code_image(tc);
    std::copy(code.begin(), code.end(), memory.begin() + (kCodeBase - kMemoryBase));
    std::copy(tc.init.data.begin(), tc.init.data.end(), memory.begin() + (kDataBase - kMemoryBase));
    std::copy(tc.init.stack.begin(), tc.init.stack.end(), memory.begin() + (kStackBase - kMemoryBase));
    uc_context_restore(m_uc, m_fresh);
    uc_mem_write(m_uc, kMemoryBase, memory.data(), memory.size());
    for (int r = 0; r < 16; ++r)
        uc_reg_write(m_uc, kUcGpr[r], &tc.init.gpr[r]);
    u64 rflags = tc.init.rflags;
    uc_reg_write(m_uc, UC_X86_REG_RFLAGS, &rflags);
    uc_ctl_remove_cache(m_uc, kCodeBase, kCodeBase + kCodeLimit);

    m_vector.reset();
    const u64 end = kCodeBase + code.size();
    // A bounded run: a program that goes astray on Unicorn ends with RIP
    // short of the end.
    const uc_err err = uc_emu_start(m_uc, kCodeBase, end, 1'000'000, 0);
    uc_reg_read(m_uc, UC_X86_REG_RIP, &result.rip);
    for (int r = 0; r < 16; ++r)
        uc_reg_read(m_uc, kUcGpr[r], &result.state.gpr[r]);
    uc_reg_read(m_uc, UC_X86_REG_RFLAGS, &rflags);
    result.state.rflags = rflags;
    result.state.data.resize(kDataSize);
    result.state.stack.resize(kStackSize);
    uc_mem_read(m_uc, kDataBase, result.state.data.data(), kDataSize);
    uc_mem_read(m_uc, kStackBase, result.state.stack.data(), kStackSize);
    result.vector = m_vector;
    if (err == UC_ERR_READ_UNMAPPED || err == UC_ERR_WRITE_UNMAPPED || err == UC_ERR_FETCH_UNMAPPED)
        result.memory_fault = true;
    else if (err == UC_ERR_INSN_INVALID)
        result.vector = 6;
    else if (err != UC_ERR_OK)
        result.error = uc_strerror(err);
    result.completed = !result.vector && !result.memory_fault && result.error.empty() && result.rip == end;
    return result;
}

} // namespace kite::x86::diff
