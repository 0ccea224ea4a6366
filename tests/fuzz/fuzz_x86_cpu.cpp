// libFuzzer target: arbitrary bytes as x86-64 code (and the start state).
// The interpreter must run any of it without crashing, hanging or tripping
// a sanitizer: exceptions are delivered through an IDT made of the same
// bytes until the budget runs out or a triple fault ends the run.
//
// Layout: the first 128 bytes (when present) seed the sixteen GPRs and
// RFLAGS' status flags; the rest is code at 0x10000, in a 64 KiB FlatMemory
// that also holds the stack.

#include "cpu/x86/flat_memory.h"
#include "cpu/x86/interpreter.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace {

constexpr kite::u64 kBase = 0x10000;
constexpr kite::u64 kSize = 0x10000;
constexpr std::size_t kStateBytes = 16 * 8;
constexpr kite::u64 kBudget = 10000;

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace kite::x86;
    FlatMemory memory(kBase, kSize);
    Interpreter cpu(memory);
    CpuState& s = cpu.state();
    if (size >= kStateBytes) {
        std::memcpy(s.gpr.data(), data, kStateBytes);
        s.rflags = 2 | (s.gpr[0] & kite::u64{0x8d5});
        data += kStateBytes;
        size -= kStateBytes;
    }
    // Registers that point into memory now and then, so that loads, stores
    // and string instructions reach it.
    s.gpr[RSP] = kBase + kSize - 256;
    s.gpr[RSI] = kBase + (s.gpr[RSI] & (kSize - 1));
    s.gpr[RDI] = kBase + (s.gpr[RDI] & (kSize - 1));
    const std::size_t n = std::min<std::size_t>(size, kSize - 256);
    std::copy_n(data, n, memory.bytes().begin());
    s.rip = kBase;
    // The IDT and GDT are the input's bytes too, so that delivery (gates,
    // descriptors, IST, double and triple faults) sees garbage as well.
    s.idtr = {.base = kBase, .limit = 0xfff};
    s.gdtr = {.base = kBase + 0x1000, .limit = 0xff};
    s.tr = Segment{.base = kBase + 0x1100, .limit = 0x67};
    kite::u64 left = kBudget;
    while (left > 0) {
        const RunResult r = cpu.run(left);
        left -= std::min(left, r.executed + 1);
        if (r.exception && !cpu.deliver(*r.exception))
            break; // triple fault
    }
    return 0;
}
