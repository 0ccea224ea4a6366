#pragma once

#include "base/types.h"

#include <string_view>

namespace kite::riscv {

// CSR addresses (privileged spec, "CSR Listing").
namespace csr {
constexpr u16 Fflags = 0x001;
constexpr u16 Frm = 0x002;
constexpr u16 Fcsr = 0x003;
constexpr u16 Cycle = 0xc00;
constexpr u16 Time = 0xc01;
constexpr u16 Instret = 0xc02;
constexpr u16 Hpmcounter3 = 0xc03;
constexpr u16 Hpmcounter31 = 0xc1f;

constexpr u16 Sstatus = 0x100;
constexpr u16 Sie = 0x104;
constexpr u16 Stvec = 0x105;
constexpr u16 Scounteren = 0x106;
constexpr u16 Senvcfg = 0x10a;
constexpr u16 Sscratch = 0x140;
constexpr u16 Sepc = 0x141;
constexpr u16 Scause = 0x142;
constexpr u16 Stval = 0x143;
constexpr u16 Sip = 0x144;
constexpr u16 Satp = 0x180;

constexpr u16 Mvendorid = 0xf11;
constexpr u16 Marchid = 0xf12;
constexpr u16 Mimpid = 0xf13;
constexpr u16 Mhartid = 0xf14;
constexpr u16 Mconfigptr = 0xf15;
constexpr u16 Mstatus = 0x300;
constexpr u16 Misa = 0x301;
constexpr u16 Medeleg = 0x302;
constexpr u16 Mideleg = 0x303;
constexpr u16 Mie = 0x304;
constexpr u16 Mtvec = 0x305;
constexpr u16 Mcounteren = 0x306;
constexpr u16 Menvcfg = 0x30a;
constexpr u16 Mcountinhibit = 0x320;
constexpr u16 Mhpmevent3 = 0x323;
constexpr u16 Mhpmevent31 = 0x33f;
constexpr u16 Mscratch = 0x340;
constexpr u16 Mepc = 0x341;
constexpr u16 Mcause = 0x342;
constexpr u16 Mtval = 0x343;
constexpr u16 Mip = 0x344;
constexpr u16 Pmpcfg0 = 0x3a0;
constexpr u16 Pmpcfg15 = 0x3af;
constexpr u16 Pmpaddr0 = 0x3b0;
constexpr u16 Pmpaddr63 = 0x3ef;
constexpr u16 Tselect = 0x7a0;
constexpr u16 Tdata1 = 0x7a1;
constexpr u16 Tdata2 = 0x7a2;
constexpr u16 Tdata3 = 0x7a3;
constexpr u16 Tinfo = 0x7a4;
constexpr u16 Mcycle = 0xb00;
constexpr u16 Minstret = 0xb02;
constexpr u16 Mhpmcounter3 = 0xb03;
constexpr u16 Mhpmcounter31 = 0xb1f;
} // namespace csr

// A name for the CSRs Kite implements ("" for others), for the disassembler
// and state dumps.
std::string_view csr_name(u16 number);

// mstatus / sstatus fields.
namespace mstatus {
constexpr u64 SIE = u64{1} << 1;
constexpr u64 MIE = u64{1} << 3;
constexpr u64 SPIE = u64{1} << 5;
constexpr u64 MPIE = u64{1} << 7;
constexpr u64 SPP = u64{1} << 8;
constexpr int MPP_SHIFT = 11;
constexpr u64 MPP = u64{3} << MPP_SHIFT;
constexpr int FS_SHIFT = 13;
constexpr u64 FS = u64{3} << FS_SHIFT;
constexpr u64 FS_DIRTY = u64{3} << FS_SHIFT;
constexpr u64 MPRV = u64{1} << 17;
constexpr u64 SUM = u64{1} << 18;
constexpr u64 MXR = u64{1} << 19;
constexpr u64 TVM = u64{1} << 20;
constexpr u64 TW = u64{1} << 21;
constexpr u64 TSR = u64{1} << 22;
constexpr u64 UXL = u64{3} << 32;
constexpr u64 SXL = u64{3} << 34;
constexpr u64 UXL_64 = u64{2} << 32;
constexpr u64 SXL_64 = u64{2} << 34;
constexpr u64 SD = u64{1} << 63;
} // namespace mstatus

// Interrupt numbers (bit positions in mip/mie and the mcause code).
namespace irq {
constexpr int SSI = 1;
constexpr int MSI = 3;
constexpr int STI = 5;
constexpr int MTI = 7;
constexpr int SEI = 9;
constexpr int MEI = 11;
constexpr u64 bit(int n) {
    return u64{1} << n;
}
// Interrupts S-mode may be given through mideleg.
constexpr u64 kSupervisorMask = (u64{1} << SSI) | (u64{1} << STI) | (u64{1} << SEI);
constexpr u64 kAllMask = kSupervisorMask | (u64{1} << MSI) | (u64{1} << MTI) | (u64{1} << MEI);
} // namespace irq

// Synchronous exception codes (mcause with the interrupt bit clear).
enum class Exception : u8 {
    InstructionMisaligned = 0,
    InstructionAccessFault = 1,
    IllegalInstruction = 2,
    Breakpoint = 3,
    LoadMisaligned = 4,
    LoadAccessFault = 5,
    StoreMisaligned = 6,
    StoreAccessFault = 7,
    EcallFromU = 8,
    EcallFromS = 9,
    EcallFromM = 11,
    InstructionPageFault = 12,
    LoadPageFault = 13,
    StorePageFault = 15,
};

} // namespace kite::riscv
