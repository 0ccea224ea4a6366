#include "accel/kvm/x86_registers.h"

namespace kite::kvm {
namespace {

kvm_segment flat_segment(u16 selector, u8 type, bool code64) {
    kvm_segment s{};
    s.base = 0;
    s.limit = 0xffffffff;
    s.selector = selector;
    s.type = type;
    s.present = 1;
    s.dpl = 0;
    s.db = code64 ? 0 : 1; // must be 0 when L=1
    s.s = 1;
    s.l = code64 ? 1 : 0;
    s.g = 1;
    return s;
}

constexpr u8 kCodeExecReadAccessed = 0xb;
constexpr u8 kDataReadWriteAccessed = 0x3;

} // namespace

void apply_entry_state(const accel::X86EntryState& state, kvm_regs& regs, kvm_sregs& sregs) {
    regs = {};
    regs.rflags = 0x2; // bit 1 is reserved-as-one; interrupts off
    regs.rip = state.rip;
    regs.rsp = state.rsp;
    regs.rax = state.rax;
    regs.rbx = state.rbx;
    regs.rsi = state.rsi;
    regs.rdi = state.rdi;

    switch (state.mode) {
    case accel::X86EntryMode::Real16:
        sregs.cs.selector = state.real_mode_cs;
        sregs.cs.base = static_cast<u64>(state.real_mode_cs) << 4;
        return;
    case accel::X86EntryMode::Protected32: {
        sregs.cs = flat_segment(state.code_selector.value_or(accel::kBootCodeSelector32),
                                kCodeExecReadAccessed, false);
        kvm_segment data = flat_segment(state.data_selector.value_or(accel::kBootDataSelector),
                                        kDataReadWriteAccessed, false);
        sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = data;
        sregs.cr0 = kCr0Pe | kCr0Et;
        sregs.cr4 = 0;
        sregs.efer = 0;
        break;
    }
    case accel::X86EntryMode::Long64: {
        sregs.cs = flat_segment(state.code_selector.value_or(accel::kBootCodeSelector64),
                                kCodeExecReadAccessed, true);
        kvm_segment data = flat_segment(state.data_selector.value_or(accel::kBootDataSelector),
                                        kDataReadWriteAccessed, false);
        sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = data;
        sregs.cr0 = kCr0Pe | kCr0Mp | kCr0Et | kCr0Ne | kCr0Wp | kCr0Pg;
        sregs.cr3 = state.page_table_base;
        sregs.cr4 = kCr4Pae | kCr4Osfxsr | kCr4Osxmmexcpt;
        sregs.efer = kEferLme | kEferLma;
        break;
    }
    }
    sregs.gdt.base = state.gdt_base;
    sregs.gdt.limit = state.gdt_limit;
}

} // namespace kite::kvm
