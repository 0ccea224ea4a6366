#pragma once

#include "base/types.h"

#include <array>

namespace kite::x86 {

// General-purpose register numbers, as ModRM/REX encode them.
enum Gpr : u8 { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15 };
constexpr u8 kGprCount = 16;

enum SegReg : u8 { ES, CS, SS, DS, FS, GS };
constexpr u8 kSegCount = 6;

// RFLAGS bits.
namespace flag {
constexpr u64 CF = 1 << 0;
constexpr u64 FIXED1 = 1 << 1; // always reads as 1
constexpr u64 PF = 1 << 2;
constexpr u64 AF = 1 << 4;
constexpr u64 ZF = 1 << 6;
constexpr u64 SF = 1 << 7;
constexpr u64 TF = 1 << 8;
constexpr u64 IF = 1 << 9;
constexpr u64 DF = 1 << 10;
constexpr u64 OF = 1 << 11;
constexpr u64 ARITH = CF | PF | AF | ZF | SF | OF; // the six status flags
} // namespace flag

// A segment register: the visible selector and the descriptor cache loaded
// with it (base, limit, and the descriptor's attribute bits 8..15 and 20..23
// packed as type|S|DPL|P in 0..7 and AVL|L|D/B|G in 8..11).
struct Segment {
    u16 selector{0};
    u64 base{0};
    u32 limit{0xffff};
    u16 attr{0};
};

// GDTR and IDTR.
struct TableRegister {
    u64 base{0};
    u16 limit{0xffff};
};

// The architectural state of one x86-64 logical processor that the
// interpreter reads and writes. Plain data: the run loop, handlers, tests and
// (later) a translator share it.
struct CpuState {
    std::array<u64, kGprCount> gpr{};
    u64 rip{0};
    u64 rflags{flag::FIXED1};
    std::array<Segment, kSegCount> seg{};
    TableRegister gdtr;
    TableRegister idtr;
    Segment tr; // the task register: base is the 64-bit TSS
    u64 cr0{0};
    u64 cr2{0};
    u64 cr3{0};
    u64 cr4{0};
    u64 cr8{0};
    u64 efer{0};
    // SYSCALL/SYSRET MSRs and SWAPGS' other GS base.
    u64 star{0};
    u64 lstar{0};
    u64 cstar{0};
    u64 sfmask{0};
    u64 kernel_gs_base{0};

    u8 cpl() const { return static_cast<u8>(seg[CS].selector & 3); }
};

} // namespace kite::x86
