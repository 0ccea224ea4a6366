#pragma once

#include "base/types.h"

#include <array>

namespace kite::riscv {

enum class Privilege : u8 { User = 0, Supervisor = 1, Machine = 3 };

// The architectural state of one hart. Public so a board can set the boot
// registers (a0..a2) and a debugger or test can inspect everything. Views
// (sstatus, sie, sip, fcsr) are not stored: they are computed from these.
// Writing fields directly bypasses the side effects of a CSR write; run()
// notices changes to priv, satp and mstatus and flushes its caches.
struct HartState {
    u64 pc{0};
    Privilege priv{Privilege::Machine};
    std::array<u64, 32> x{};
    std::array<u64, 32> f{}; // FP registers; single-precision values are NaN-boxed

    u8 fflags{0}; // accrued exception flags (fcsr[4:0])
    u8 frm{0};    // dynamic rounding mode (fcsr[7:5])

    // Machine level.
    u64 mstatus{0};
    u64 medeleg{0};
    u64 mideleg{0};
    u64 mie{0};
    u64 mip{0}; // software-writable bits (SSIP, STIP, SEIP); device lines live in the Hart
    u64 mtvec{0};
    u64 mscratch{0};
    u64 mepc{0};
    u64 mcause{0};
    u64 mtval{0};
    u64 mcounteren{0};
    u64 mcountinhibit{0};
    u64 menvcfg{0};
    u64 mcycle{0};
    u64 minstret{0};
    std::array<u64, 8> pmpcfg{};   // pmpcfg0, pmpcfg2, ..., pmpcfg14 (RV64 has even numbers only)
    std::array<u64, 64> pmpaddr{}; // stored, not enforced

    // Supervisor level.
    u64 stvec{0};
    u64 sscratch{0};
    u64 sepc{0};
    u64 scause{0};
    u64 stval{0};
    u64 scounteren{0};
    u64 senvcfg{0};
    u64 satp{0};
};

} // namespace kite::riscv
