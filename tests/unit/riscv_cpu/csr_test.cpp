// CSR access rules, WARL behaviour and the views (sstatus, sie, sip, fcsr).
#include "hart_fixture.h"

namespace kite::riscv::test {
namespace {

using namespace enc;

class CsrTest : public HartTest {
protected:
    // Runs one instruction at the given privilege; true if it trapped.
    bool run_one(u32 insn, Privilege priv = Privilege::Machine) {
        hart->reset(kCode);
        st().mtvec = kTrapHandler;
        st().priv = priv;
        program({insn});
        step();
        return st().pc == kTrapHandler;
    }
};

TEST_F(CsrTest, MisaReportsRv64ImafdcsuAndIgnoresWrites) {
    program({csrrs(a0, csr::Misa, zero), csrrw(zero, csr::Misa, zero), csrrs(a1, csr::Misa, zero)});
    step(3);
    const u64 expected = (u64{2} << 62) | (1 << 0) | (1 << 2) | (1 << 3) | (1 << 5) | (1 << 8) | (1 << 12) |
                         (1 << 18) | (1 << 20);
    EXPECT_EQ(x(a0), expected);
    EXPECT_EQ(x(a1), expected);
}

TEST_F(CsrTest, IdentificationRegisters) {
    program(
        {csrrs(a0, csr::Mhartid, zero), csrrs(a1, csr::Mvendorid, zero), csrrs(a2, csr::Mconfigptr, zero)});
    step(3);
    EXPECT_EQ(x(a0), 0u);
    EXPECT_EQ(x(a1), 0u);
    EXPECT_EQ(x(a2), 0u);
}

TEST_F(CsrTest, WritingAReadOnlyCsrIsIllegal) {
    EXPECT_TRUE(run_one(csrrw(zero, csr::Mhartid, a0)));
    EXPECT_EQ(st().mcause, 2u);
    EXPECT_EQ(st().mtval, csrrw(zero, csr::Mhartid, a0)); // the instruction bits
    // csrrs with rs1 = x0 does not write, so it is fine.
    EXPECT_FALSE(run_one(csrrs(a0, csr::Mhartid, zero)));
    // ... but csrrsi with a nonzero immediate does.
    EXPECT_TRUE(run_one(csrrsi(a0, csr::Cycle, 1)));
}

TEST_F(CsrTest, PrivilegeComesFromCsrBits9To8) {
    EXPECT_TRUE(run_one(csrrs(a0, csr::Mstatus, zero), Privilege::Supervisor));
    EXPECT_FALSE(run_one(csrrs(a0, csr::Sstatus, zero), Privilege::Supervisor));
    EXPECT_TRUE(run_one(csrrs(a0, csr::Sstatus, zero), Privilege::User));
    EXPECT_TRUE(run_one(csrrs(a0, csr::Sscratch, zero), Privilege::User));
}

// No triggers (debug spec): tselect legalises every index to 0, where tdata1
// shows type 0, and writes change nothing. rv64mi-p-breakpoint relies on this.
TEST_F(CsrTest, TriggerCsrsShowNoTriggers) {
    set_x(a1, ~u64{0});
    program({csrrw(zero, csr::Tselect, a1), csrrs(a0, csr::Tselect, zero), csrrw(zero, csr::Tdata1, a1),
             csrrs(a2, csr::Tdata1, zero), csrrw(zero, csr::Tdata2, a1), csrrs(a3, csr::Tdata2, zero),
             csrrw(zero, csr::Tdata3, a1), csrrs(a4, csr::Tdata3, zero), csrrw(zero, csr::Tinfo, a1),
             csrrs(a5, csr::Tinfo, zero)});
    step(10);
    EXPECT_EQ(st().pc, kCode + 40); // nothing trapped
    EXPECT_EQ(x(a0), 0u);
    EXPECT_EQ(x(a2) >> 60, 0u); // tdata1.type: no trigger
    EXPECT_EQ(x(a2), 0u);
    EXPECT_EQ(x(a3), 0u);
    EXPECT_EQ(x(a4), 0u);
    EXPECT_EQ(x(a5), 1u); // tinfo: only type 0
}

TEST_F(CsrTest, TriggerCsrsAreMachineLevel) {
    EXPECT_TRUE(run_one(csrrs(a0, csr::Tselect, zero), Privilege::Supervisor));
    EXPECT_TRUE(run_one(csrrw(zero, csr::Tdata1, a0), Privilege::User));
    EXPECT_FALSE(run_one(csrrs(a0, csr::Tinfo, zero)));
}

TEST_F(CsrTest, UnknownCsrsAreIllegal) {
    EXPECT_TRUE(run_one(csrrs(a0, 0x7c0, zero)));
    EXPECT_TRUE(run_one(csrrw(zero, 0x5c0, a0)));
    EXPECT_TRUE(run_one(csrrs(a0, csr::Pmpcfg0 + 1, zero))); // odd pmpcfg on RV64
}

TEST_F(CsrTest, MstatusWarlFields) {
    program({csrrw(zero, csr::Mstatus, a1), csrrs(a0, csr::Mstatus, zero)});
    set_x(a1, ~u64{0});
    step(2);
    const u64 v = x(a0);
    EXPECT_EQ((v >> 32) & 3, 2u); // UXL = 64
    EXPECT_EQ((v >> 34) & 3, 2u); // SXL = 64
    EXPECT_EQ((v >> mstatus::MPP_SHIFT) & 3, 3u);
    EXPECT_TRUE(v & mstatus::SD);     // FS = dirty
    EXPECT_FALSE(v & (u64{3} << 9));  // VS = 0
    EXPECT_FALSE(v & (u64{3} << 15)); // XS = 0
    EXPECT_FALSE(v & (u64{1} << 6));  // UBE
    EXPECT_FALSE(v & (u64{3} << 36)); // SBE, MBE
}

TEST_F(CsrTest, MppKeepsItsValueOnAReservedWrite) {
    program({csrrw(zero, csr::Mstatus, a1), csrrs(a0, csr::Mstatus, zero)});
    set_x(a1, u64{2} << mstatus::MPP_SHIFT);
    st().mstatus |= u64{1} << mstatus::MPP_SHIFT; // S
    step(2);
    EXPECT_EQ((x(a0) >> mstatus::MPP_SHIFT) & 3, 1u);
}

TEST_F(CsrTest, SstatusIsARestrictedViewOfMstatus) {
    program({csrrw(zero, csr::Sstatus, a1), csrrs(a0, csr::Sstatus, zero), csrrs(a2, csr::Mstatus, zero)});
    set_x(a1, ~u64{0});
    step(3);
    const u64 mask = mstatus::SIE | mstatus::SPIE | mstatus::SPP | mstatus::FS | mstatus::SUM | mstatus::MXR |
                     mstatus::UXL_64 | mstatus::SD;
    EXPECT_EQ(x(a0), mask);
    EXPECT_FALSE(x(a2) & mstatus::MIE);
    EXPECT_FALSE(x(a2) & mstatus::MPP);
    EXPECT_FALSE(x(a2) & mstatus::TVM);
}

TEST_F(CsrTest, DelegationAndInterruptEnableMasks) {
    program({csrrw(zero, csr::Mideleg, a1), csrrw(zero, csr::Medeleg, a1), csrrw(zero, csr::Mie, a1),
             csrrs(a2, csr::Mideleg, zero), csrrs(a3, csr::Medeleg, zero), csrrs(a4, csr::Mie, zero),
             csrrs(a5, csr::Sie, zero)});
    set_x(a1, ~u64{0});
    step(7);
    EXPECT_EQ(x(a2), 0x222u);  // SSIP, STIP, SEIP
    EXPECT_EQ(x(a3), 0xb3ffu); // not ecall-from-M, not reserved codes
    EXPECT_EQ(x(a4), 0xaaau);
    EXPECT_EQ(x(a5), 0x222u); // sie shows only delegated bits
}

TEST_F(CsrTest, SieAndSipOnlyReachDelegatedBits) {
    st().mideleg = 0x002; // only SSIP delegated
    program({csrrw(zero, csr::Sie, a1), csrrw(zero, csr::Sip, a1), csrrs(a2, csr::Mie, zero),
             csrrs(a3, csr::Mip, zero), csrrs(a4, csr::Sip, zero)});
    set_x(a1, ~u64{0});
    step(5);
    EXPECT_EQ(x(a2), 0x002u);
    EXPECT_EQ(x(a3), 0x002u); // only SSIP is writable through sip
    EXPECT_EQ(x(a4), 0x002u);
}

TEST_F(CsrTest, MipSoftwareBitsAndDeviceLines) {
    program({csrrw(zero, csr::Mip, a1), csrrs(a0, csr::Mip, zero)});
    set_x(a1, ~u64{0});
    hart->set_interrupt(InterruptLine::MachineTimer, true);
    step(2);
    EXPECT_EQ(x(a0), 0x222u | 0x080u); // written SSIP/STIP/SEIP plus the MTIP line
}

TEST_F(CsrTest, MipSeipRmwUsesTheSoftwareBit) {
    // With the SEIP line high, csrrs mip (setting SSIP) must not latch SEIP in software.
    hart->set_interrupt(InterruptLine::SupervisorExternal, true);
    program({csrrsi(a0, csr::Mip, 2), csrrs(a1, csr::Mip, zero)});
    step(2);
    EXPECT_EQ(x(a0), 0x200u);
    EXPECT_EQ(x(a1), 0x202u);
    hart->set_interrupt(InterruptLine::SupervisorExternal, false);
    EXPECT_EQ(st().mip, 0x002u);
}

TEST_F(CsrTest, EpcClearsBitZeroAndTvecRejectsReservedModes) {
    program({csrrw(zero, csr::Mepc, a1), csrrs(a0, csr::Mepc, zero), csrrw(zero, csr::Mtvec, a2),
             csrrs(a3, csr::Mtvec, zero), csrrw(zero, csr::Sepc, a1), csrrs(a4, csr::Sepc, zero)});
    set_x(a1, 0x80001003);
    set_x(a2, 0x80002003); // mode 3 is reserved
    step(6);
    EXPECT_EQ(x(a0), 0x80001002u);
    EXPECT_EQ(x(a3) & 3, 1u);
    EXPECT_EQ(x(a4), 0x80001002u);
}

TEST_F(CsrTest, SatpIgnoresUnsupportedModesAndHasNoAsid) {
    program({csrrw(zero, csr::Satp, a1), csrrs(a0, csr::Satp, zero), csrrw(zero, csr::Satp, a2),
             csrrs(a3, csr::Satp, zero)});
    set_x(a1, (u64{8} << 60) | (u64{0xffff} << 44) | 0x80010);
    set_x(a2, (u64{10} << 60) | 0x123); // Sv57: not supported, whole write ignored
    step(4);
    EXPECT_EQ(x(a0), (u64{8} << 60) | 0x80010);
    EXPECT_EQ(x(a3), x(a0));
}

TEST_F(CsrTest, TvmTrapsSatpAndSfenceInSupervisorMode) {
    hart->reset(kCode);
    st().mtvec = kTrapHandler;
    st().mstatus |= mstatus::TVM;
    st().priv = Privilege::Supervisor;
    program({csrrs(a0, csr::Satp, zero)});
    step();
    EXPECT_EQ(st().mcause, 2u);

    hart->reset(kCode);
    st().mtvec = kTrapHandler;
    st().mstatus |= mstatus::TVM;
    st().priv = Privilege::Supervisor;
    program({sfence_vma()});
    step();
    EXPECT_EQ(st().mcause, 2u);
    EXPECT_EQ(st().pc, kTrapHandler);
}

TEST_F(CsrTest, CountersAreGatedByCounterenRegisters) {
    // M-mode always reads them.
    EXPECT_FALSE(run_one(csrrs(a0, csr::Cycle, zero)));
    // S-mode needs mcounteren.
    EXPECT_TRUE(run_one(csrrs(a0, csr::Instret, zero), Privilege::Supervisor));
    hart->reset(kCode);
    st().mtvec = kTrapHandler;
    st().mcounteren = 0x7;
    st().priv = Privilege::Supervisor;
    program({csrrs(a0, csr::Time, zero)});
    time_value = 12345;
    step();
    EXPECT_EQ(st().pc, kCode + 4);
    EXPECT_EQ(x(a0), 12345u);
    // U-mode needs both.
    hart->reset(kCode);
    st().mtvec = kTrapHandler;
    st().mcounteren = 0x7;
    st().priv = Privilege::User;
    program({csrrs(a0, csr::Cycle, zero)});
    step();
    EXPECT_EQ(st().pc, kTrapHandler);
    hart->reset(kCode);
    st().mcounteren = 0x7;
    st().scounteren = 0x1;
    st().priv = Privilege::User;
    program({csrrs(a0, csr::Cycle, zero)});
    step();
    EXPECT_EQ(st().pc, kCode + 4);
}

TEST_F(CsrTest, InstretAndCycleCountAndAreWritable) {
    program({nop(), nop(), csrrs(a0, csr::Instret, zero), csrrw(zero, csr::Minstret, a1),
             csrrs(a2, csr::Minstret, zero), csrrs(a3, csr::Mcycle, zero)});
    set_x(a1, 1000);
    step(6);
    EXPECT_EQ(x(a0), 2u);    // instructions retired before the read
    EXPECT_EQ(x(a2), 1000u); // the written value, seen by the next instruction
    EXPECT_EQ(x(a3), 5u);
}

TEST_F(CsrTest, McountinhibitStopsCounting) {
    program({csrrwi(zero, csr::Mcountinhibit, 5), nop(), nop(), csrrs(a0, csr::Minstret, zero),
             csrrs(a1, csr::Mcycle, zero), csrrs(a2, csr::Mcountinhibit, zero)});
    step(6);
    EXPECT_EQ(x(a0), 0u);
    EXPECT_EQ(x(a1), 0u);
    EXPECT_EQ(x(a2), 5u);
}

TEST_F(CsrTest, HpmCountersReadAsZeroAndIgnoreWrites) {
    program({csrrw(zero, csr::Mhpmcounter3, a1), csrrs(a0, csr::Mhpmcounter3, zero),
             csrrw(zero, csr::Mhpmevent3 + 5, a1), csrrs(a2, csr::Mhpmevent3 + 5, zero),
             csrrs(a3, csr::Hpmcounter3 + 1, zero)});
    set_x(a1, 77);
    step(5);
    EXPECT_EQ(st().pc, kCode + 20);
    EXPECT_EQ(x(a0), 0u);
    EXPECT_EQ(x(a2), 0u);
    EXPECT_EQ(x(a3), 0u);
}

TEST_F(CsrTest, PmpRegistersAreStored) {
    program({csrrw(zero, csr::Pmpaddr0 + 63, a1), csrrs(a0, csr::Pmpaddr0 + 63, zero),
             csrrw(zero, csr::Pmpcfg0 + 14, a2), csrrs(a3, csr::Pmpcfg0 + 14, zero)});
    set_x(a1, ~u64{0});
    set_x(a2, 0x1f);
    step(4);
    EXPECT_EQ(x(a0), (u64{1} << 54) - 1);
    EXPECT_EQ(x(a3), 0x1fu);
}

TEST_F(CsrTest, FpCsrsNeedFsOnAndDirtyIt) {
    EXPECT_TRUE(run_one(csrrs(a0, csr::Fcsr, zero))); // FS = Off after reset
    hart->reset(kCode);
    st().mstatus |= u64{1} << mstatus::FS_SHIFT; // Initial
    program({csrrwi(zero, csr::Frm, 3), csrrwi(zero, csr::Fflags, 0x15), csrrs(a0, csr::Fcsr, zero),
             csrrw(zero, csr::Fcsr, a1), csrrs(a2, csr::Frm, zero), csrrs(a3, csr::Fflags, zero)});
    set_x(a1, 0xff);
    step(6);
    EXPECT_EQ(x(a0), (3u << 5) | 0x15u);
    EXPECT_EQ(x(a2), 7u);
    EXPECT_EQ(x(a3), 0x1fu);
    EXPECT_EQ(st().mstatus & mstatus::FS, mstatus::FS_DIRTY);
}

TEST_F(CsrTest, EnvcfgRegistersKeepOnlyImplementedFields) {
    program({csrrw(zero, csr::Menvcfg, a1), csrrs(a0, csr::Menvcfg, zero), csrrw(zero, csr::Senvcfg, a1),
             csrrs(a2, csr::Senvcfg, zero)});
    set_x(a1, ~u64{0});
    step(4);
    EXPECT_EQ(x(a0), 1u);
    EXPECT_EQ(x(a2), 1u);
}

} // namespace
} // namespace kite::riscv::test
