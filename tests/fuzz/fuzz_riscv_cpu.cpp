// libFuzzer target: the RISC-V software CPU on random instruction streams. The
// input first sets the state a guest could have reached (privilege, mstatus,
// trap vectors and delegation, satp with Sv39/Sv48 or bare translation and a
// root table inside RAM, interrupt enables and lines, some registers), then
// fills 64 KiB of RAM, where execution starts and where the page tables live.
// The hart runs a bounded number of instructions: the decoder, CSR access,
// traps and the page walker must never crash, assert or trip a sanitizer. The
// first words of the input are also decoded and disassembled on their own.

#include "bus/bus.h"
#include "cpu/riscv/decode.h"
#include "cpu/riscv/disasm.h"
#include "cpu/riscv/hart.h"
#include "fuzz_input.h"
#include "machine/riscv_virt/virt_layout.h"

#include <cstdint>
#include <cstdlib>

namespace {

using namespace kite;
using namespace kite::riscv;
using fuzz::take;
using machine::virt::kRamBase;

constexpr u64 kRamSize = 64 * KiB;
constexpr u64 kMaxInstructions = 20'000;
constexpr int kSlices = 8;
constexpr std::size_t kDecodedWords = 64;

constexpr std::array kPrivileges{Privilege::User, Privilege::Supervisor, Privilege::Machine};
constexpr std::array kInterrupts{InterruptLine::MachineSoftware, InterruptLine::MachineTimer,
                                 InterruptLine::MachineExternal, InterruptLine::SupervisorExternal};

// An address in RAM from 16 bits of input, aligned to `align`.
u64 ram_address(u16 bits, u64 align) {
    return kRamBase + (bits % kRamSize & ~(align - 1));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const GuestMemory memory = fuzz::one_region(GuestAddress(kRamBase), kRamSize);
    std::span<const u8> in(data, size);

    for (std::size_t i = 0; i < kDecodedWords && i * 4 + 4 <= in.size(); ++i) {
        u32 raw = 0;
        std::memcpy(&raw, in.data() + i * 4, 4);
        (void)disassemble(decode(raw), kRamBase);
    }

    Bus mmio{"fuzz"};
    Hart hart(memory, mmio, HartConfig{.hart_id = 0, .read_time = [] { return u64{12345}; }});
    hart.reset(kRamBase);
    HartState& s = hart.state();
    const u8 flags = take<u8>(in);
    s.priv = kPrivileges[flags % kPrivileges.size()];
    s.mstatus = take<u64>(in);
    s.medeleg = take<u16>(in);
    s.mideleg = take<u16>(in);
    s.mie = take<u16>(in);
    s.mtvec = ram_address(take<u16>(in), 4) | (flags >> 2 & 1);
    s.stvec = ram_address(take<u16>(in), 4) | (flags >> 3 & 1);
    const u64 modes[] = {0, 8, 9}; // bare, Sv39, Sv48
    const u64 root = ram_address(take<u16>(in), 4096) >> 12;
    s.satp = modes[(flags >> 4) % 3] << 60 | root;
    for (std::size_t r = 1; r < 8; ++r)
        s.x[r] = take<u64>(in);
    for (std::size_t line = 0; line < kInterrupts.size(); ++line)
        hart.set_interrupt(kInterrupts[line], (flags >> 6 & 3) == line);
    fuzz::load_guest_ram(memory, GuestAddress(kRamBase), kRamSize, in);

    // A few slices: a WFI with nothing pending ends one early, and the timer
    // line wakes the hart for the next, as the CLINT would.
    for (int slice = 0; slice < kSlices; ++slice) {
        if (hart.run(kMaxInstructions / kSlices) != Hart::StopReason::WaitingForInterrupt)
            break;
        hart.set_interrupt(InterruptLine::MachineTimer, true);
    }
    (void)hart.describe_state();
    return 0;
}
