// Synchronous traps: causes, tval, delegation, status stacking and xRET.
#include "hart_fixture.h"

namespace kite::riscv::test {
namespace {

using namespace enc;

class TrapTest : public HartTest {
protected:
    void start_in(Privilege priv, u64 pc = kCode) {
        hart->reset(pc);
        st().mtvec = kTrapHandler;
        st().stvec = kSTrapHandler;
        st().priv = priv;
    }
};

TEST_F(TrapTest, EcallFromMachineMode) {
    st().mstatus |= mstatus::MIE;
    program({nop(), ecall()});
    step(2);
    EXPECT_EQ(st().pc, kTrapHandler);
    EXPECT_EQ(st().mcause, 11u);
    EXPECT_EQ(st().mepc, kCode + 4);
    EXPECT_EQ(st().mtval, 0u);
    EXPECT_EQ(st().priv, Privilege::Machine);
    EXPECT_EQ((st().mstatus & mstatus::MPP) >> mstatus::MPP_SHIFT, 3u);
    EXPECT_TRUE(st().mstatus & mstatus::MPIE);
    EXPECT_FALSE(st().mstatus & mstatus::MIE);
    EXPECT_EQ(hart->instret(), 1u); // the ecall does not retire
}

TEST_F(TrapTest, EcallCausesDependOnMode) {
    start_in(Privilege::User);
    program({ecall()});
    step();
    EXPECT_EQ(st().mcause, 8u);
    EXPECT_EQ((st().mstatus & mstatus::MPP) >> mstatus::MPP_SHIFT, 0u);
    start_in(Privilege::Supervisor);
    program({ecall()});
    step();
    EXPECT_EQ(st().mcause, 9u);
    EXPECT_EQ((st().mstatus & mstatus::MPP) >> mstatus::MPP_SHIFT, 1u);
}

TEST_F(TrapTest, DelegatedExceptionsGoToSupervisor) {
    start_in(Privilege::User);
    st().medeleg = 1 << 8;
    st().mstatus |= mstatus::SIE;
    program({ecall()});
    step();
    EXPECT_EQ(st().pc, kSTrapHandler);
    EXPECT_EQ(st().priv, Privilege::Supervisor);
    EXPECT_EQ(st().scause, 8u);
    EXPECT_EQ(st().sepc, kCode);
    EXPECT_FALSE(st().mstatus & mstatus::SPP);
    EXPECT_TRUE(st().mstatus & mstatus::SPIE);
    EXPECT_FALSE(st().mstatus & mstatus::SIE);
    EXPECT_EQ(st().mcause, 0u); // M-mode registers untouched
}

TEST_F(TrapTest, DelegationNeverLowersTheTrapPrivilege) {
    start_in(Privilege::Machine);
    st().medeleg = 0xffff;
    program({ebreak()});
    step();
    EXPECT_EQ(st().pc, kTrapHandler);
    EXPECT_EQ(st().mcause, 3u);
    EXPECT_EQ(st().mtval, kCode); // ebreak reports its pc
}

TEST_F(TrapTest, SupervisorTrapsRecordSpp) {
    start_in(Privilege::Supervisor);
    st().medeleg = 1 << 2;
    program({0xffffffff});
    step();
    EXPECT_EQ(st().pc, kSTrapHandler);
    EXPECT_EQ(st().scause, 2u);
    EXPECT_EQ(st().stval, 0xffffffffu);
    EXPECT_TRUE(st().mstatus & mstatus::SPP);
}

TEST_F(TrapTest, IllegalCompressedInstructionReportsSixteenBits) {
    put16(kCode, 0x0000); // defined illegal
    put16(kCode + 2, 0x1234);
    step();
    EXPECT_EQ(st().mcause, 2u);
    EXPECT_EQ(st().mtval, 0u);
    put16(kCode, 0x6101); // c.addi16sp with zero immediate: reserved
    hart->reset(kCode);
    st().mtvec = kTrapHandler;
    step();
    EXPECT_EQ(st().mcause, 2u);
    EXPECT_EQ(st().mtval, 0x6101u);
}

TEST_F(TrapTest, CompressedEbreak) {
    put16(kCode, 0x9002);
    step();
    EXPECT_EQ(st().mcause, 3u);
    EXPECT_EQ(st().mtval, kCode);
}

TEST_F(TrapTest, MretRestoresStateAndClearsMprvWhenLeavingM) {
    st().mepc = kCode + 0x40;
    st().mstatus |= mstatus::MPIE | mstatus::MPRV | (u64{1} << mstatus::MPP_SHIFT);
    program({mret()});
    step();
    EXPECT_EQ(st().pc, kCode + 0x40);
    EXPECT_EQ(st().priv, Privilege::Supervisor);
    EXPECT_TRUE(st().mstatus & mstatus::MIE);
    EXPECT_TRUE(st().mstatus & mstatus::MPIE);
    EXPECT_FALSE(st().mstatus & mstatus::MPRV);
    EXPECT_EQ(st().mstatus & mstatus::MPP, 0u);
}

TEST_F(TrapTest, MretToMachineKeepsMprv) {
    st().mepc = kCode + 0x40;
    st().mstatus |= mstatus::MPRV | mstatus::MPP;
    program({mret()});
    step();
    EXPECT_EQ(st().priv, Privilege::Machine);
    EXPECT_TRUE(st().mstatus & mstatus::MPRV);
}

TEST_F(TrapTest, SretRestoresState) {
    start_in(Privilege::Supervisor);
    st().sepc = kCode + 0x80;
    st().mstatus |= mstatus::SPIE;
    program({sret()});
    step();
    EXPECT_EQ(st().pc, kCode + 0x80);
    EXPECT_EQ(st().priv, Privilege::User);
    EXPECT_TRUE(st().mstatus & mstatus::SIE);
    EXPECT_TRUE(st().mstatus & mstatus::SPIE);
}

TEST_F(TrapTest, XretPrivilegeRules) {
    start_in(Privilege::User);
    program({sret()});
    step();
    EXPECT_EQ(st().mcause, 2u);
    start_in(Privilege::Supervisor);
    program({mret()});
    step();
    EXPECT_EQ(st().mcause, 2u);
    EXPECT_EQ(st().mtval, mret());
    start_in(Privilege::Supervisor);
    st().mstatus |= mstatus::TSR;
    program({sret()});
    step();
    EXPECT_EQ(st().mcause, 2u);
    EXPECT_EQ(st().pc, kTrapHandler);
}

TEST_F(TrapTest, WfiRules) {
    start_in(Privilege::User);
    program({wfi()});
    step();
    EXPECT_EQ(st().pc, kTrapHandler);
    EXPECT_EQ(st().mcause, 2u);
    start_in(Privilege::Supervisor);
    st().mstatus |= mstatus::TW;
    program({wfi()});
    step();
    EXPECT_EQ(st().pc, kTrapHandler);
    start_in(Privilege::Machine);
    st().mstatus |= mstatus::TW; // TW does not apply to M
    program({wfi()});
    EXPECT_EQ(step(), Hart::StopReason::WaitingForInterrupt);
    EXPECT_EQ(st().pc, kCode + 4);
}

TEST_F(TrapTest, FetchFromUnmappedMemoryIsAnAccessFault) {
    start_in(Privilege::Machine, 0x40000000);
    step();
    EXPECT_EQ(st().mcause, 1u);
    EXPECT_EQ(st().mtval, 0x40000000u);
    EXPECT_EQ(st().mepc, 0x40000000u);
}

TEST_F(TrapTest, FetchFromDeviceMemoryIsAnAccessFault) {
    start_in(Privilege::Machine, kMmioBase);
    step();
    EXPECT_EQ(st().mcause, 1u);
    EXPECT_EQ(device->accesses, 0);
}

TEST_F(TrapTest, FetchCrossingIntoUnmappedMemoryReportsTheSecondHalf) {
    const u64 end = kRamBase + kRamSize;
    put16(end - 2, 0x0013); // low half of a 32-bit instruction
    start_in(Privilege::Machine, end - 2);
    step();
    EXPECT_EQ(st().mcause, 1u);
    EXPECT_EQ(st().mepc, end - 2);
    EXPECT_EQ(st().mtval, end);
}

TEST_F(TrapTest, InstructionsCrossingPagesExecute) {
    const u64 at = kCode + 0x1ffe;
    put16(at, static_cast<u16>(addi(a0, zero, 77)));
    put16(at + 2, static_cast<u16>(addi(a0, zero, 77) >> 16));
    start_in(Privilege::Machine, at);
    step();
    EXPECT_EQ(x(a0), 77u);
    EXPECT_EQ(st().pc, at + 4);
}

TEST_F(TrapTest, LoadAndStoreAccessFaults) {
    program({ld(a0, a1, 0)});
    set_x(a1, 0x40000008);
    step();
    EXPECT_EQ(st().mcause, 5u);
    EXPECT_EQ(st().mtval, 0x40000008u);
    start_in(Privilege::Machine);
    program({sw(a0, a1, 4)});
    set_x(a1, 0x40000000);
    step();
    EXPECT_EQ(st().mcause, 7u);
    EXPECT_EQ(st().mtval, 0x40000004u);
}

TEST_F(TrapTest, MisalignedDeviceAccessIsAnAccessFault) {
    program({lw(a0, a1, 2)});
    set_x(a1, kMmioBase);
    step();
    EXPECT_EQ(st().mcause, 5u);
    EXPECT_EQ(st().mtval, kMmioBase + 2);
    EXPECT_EQ(device->accesses, 0);
}

TEST_F(TrapTest, StoreCrossingIntoUnmappedMemoryWritesNothing) {
    const u64 end = kRamBase + kRamSize;
    put64(end - 8, 0);
    program({sd(a2, a1, 0)});
    set_x(a1, end - 4);
    set_x(a2, ~u64{0});
    step();
    EXPECT_EQ(st().mcause, 7u);
    EXPECT_EQ(st().mtval, end); // the part that faulted
    EXPECT_EQ(get64(end - 8), 0u);
}

TEST_F(TrapTest, VectoredModeOnlyAffectsInterrupts) {
    st().mtvec = kTrapHandler | 1;
    program({ecall()});
    step();
    EXPECT_EQ(st().pc, kTrapHandler);
}

TEST_F(TrapTest, ExceptionInAHandlerLoopStillHonoursTheBudget) {
    st().mtvec = 0x40000000; // the handler itself faults on fetch
    program({ecall()});
    EXPECT_EQ(step(1000), Hart::StopReason::BudgetExhausted);
    EXPECT_EQ(st().mcause, 1u);
}

} // namespace
} // namespace kite::riscv::test
