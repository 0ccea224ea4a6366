#include "accel/kvm/x86_registers.h"

#include <gtest/gtest.h>

using namespace kite;

TEST(EntryState, Protected32IsFlatWithPagingOff) {
    accel::X86EntryState st;
    st.mode = accel::X86EntryMode::Protected32;
    st.rip = 0x10000c;
    st.rax = 0x2badb002;
    st.rbx = 0x9000;
    st.gdt_base = 0x1000;
    st.gdt_limit = 0x1f;
    kvm_regs regs{};
    kvm_sregs sregs{};
    kvm::apply_entry_state(st, regs, sregs);
    EXPECT_EQ(regs.rip, 0x10000cu);
    EXPECT_EQ(regs.rax, 0x2badb002u);
    EXPECT_EQ(regs.rbx, 0x9000u);
    EXPECT_EQ(regs.rflags, 2u);
    EXPECT_EQ(sregs.cs.selector, accel::kBootCodeSelector32);
    EXPECT_EQ(sregs.cs.db, 1);
    EXPECT_EQ(sregs.cs.l, 0);
    EXPECT_EQ(sregs.cs.limit, 0xffffffffu);
    EXPECT_EQ(sregs.ss.selector, accel::kBootDataSelector);
    EXPECT_TRUE(sregs.cr0 & kvm::kCr0Pe);
    EXPECT_FALSE(sregs.cr0 & kvm::kCr0Pg);
    EXPECT_EQ(sregs.efer, 0u);
    EXPECT_EQ(sregs.gdt.base, 0x1000u);
}

TEST(EntryState, Long64EnablesPagingPaeAndLongMode) {
    accel::X86EntryState st;
    st.mode = accel::X86EntryMode::Long64;
    st.rip = 0x200000;
    st.page_table_base = 0x2000;
    kvm_regs regs{};
    kvm_sregs sregs{};
    kvm::apply_entry_state(st, regs, sregs);
    EXPECT_EQ(sregs.cs.selector, accel::kBootCodeSelector64);
    EXPECT_EQ(sregs.cs.l, 1);
    EXPECT_EQ(sregs.cs.db, 0);
    EXPECT_TRUE(sregs.cr0 & kvm::kCr0Pg);
    EXPECT_TRUE(sregs.cr4 & kvm::kCr4Pae);
    EXPECT_EQ(sregs.cr3, 0x2000u);
    EXPECT_EQ(sregs.efer & (kvm::kEferLme | kvm::kEferLma), kvm::kEferLme | kvm::kEferLma);
}

TEST(EntryState, Long64TakesTheProtocolsSelectors) {
    // The Linux 64-bit boot protocol: CS = __BOOT_CS 0x10, DS/ES/SS = __BOOT_DS 0x18.
    accel::X86EntryState st;
    st.mode = accel::X86EntryMode::Long64;
    st.code_selector = 0x10;
    st.data_selector = 0x18;
    kvm_regs regs{};
    kvm_sregs sregs{};
    kvm::apply_entry_state(st, regs, sregs);
    EXPECT_EQ(sregs.cs.selector, 0x10);
    EXPECT_EQ(sregs.cs.l, 1);
    EXPECT_EQ(sregs.ds.selector, 0x18);
    EXPECT_EQ(sregs.es.selector, 0x18);
    EXPECT_EQ(sregs.ss.selector, 0x18);
    EXPECT_EQ(sregs.ss.db, 1);
    EXPECT_EQ(regs.rflags & 0x200, 0u); // interrupts off
}

TEST(EntryState, Real16SetsCsBaseFromSelector) {
    accel::X86EntryState st;
    st.mode = accel::X86EntryMode::Real16;
    st.real_mode_cs = 0x0800;
    st.rip = 0;
    kvm_regs regs{};
    kvm_sregs sregs{};
    sregs.cr0 = 0x60000010; // reset value, left alone in real mode
    kvm::apply_entry_state(st, regs, sregs);
    EXPECT_EQ(sregs.cs.selector, 0x0800);
    EXPECT_EQ(sregs.cs.base, 0x8000u);
    EXPECT_EQ(sregs.cr0, 0x60000010u);
}
