// Sv39/Sv48 translation: page walks built in RAM by the test, permissions,
// A/D updates, superpages, fault causes with tval, and TLB maintenance.
#include "hart_fixture.h"

namespace kite::riscv::test {
namespace {

using namespace enc;

namespace pte {
constexpr u64 V = 1, R = 2, W = 4, X = 8, U = 16, A = 64, D = 128;
constexpr u64 RWX = R | W | X;
} // namespace pte

constexpr u64 kSv39 = 8;
constexpr u64 kSv48 = 9;

class MmuTest : public HartTest {
protected:
    static constexpr u64 kTables = kRamBase + 0x200000; // page-table pool
    static constexpr u64 kCodeVa = 0x1000;
    static constexpr u64 kDataVa = 0x400000;
    static constexpr u64 kDataPa = kRamBase + 0x300000;

    // Maps va -> pa with a leaf at `level` (0: 4 KiB, 1: 2 MiB, 2: 1 GiB...).
    void map(u64 va, u64 pa, u64 flags, int level = 0) {
        const int levels = m_mode == kSv39 ? 3 : 4;
        u64 table = kTables;
        for (int l = levels - 1; l > level; --l) {
            const u64 slot = table + ((va >> (12 + 9 * l)) & 0x1ff) * 8;
            u64 entry = get64(slot);
            if (!(entry & pte::V)) {
                m_next_table += 0x1000;
                entry = ((m_next_table >> 12) << 10) | pte::V;
                put64(slot, entry);
            }
            table = ((entry >> 10) & ((u64{1} << 44) - 1)) << 12;
        }
        put64(leaf_slot(va, level), ((pa >> 12) << 10) | flags | pte::V);
    }

    u64 leaf_slot(u64 va, int level) {
        const int levels = m_mode == kSv39 ? 3 : 4;
        u64 table = kTables;
        for (int l = levels - 1; l > level; --l) {
            const u64 entry = get64(table + ((va >> (12 + 9 * l)) & 0x1ff) * 8);
            table = ((entry >> 10) & ((u64{1} << 44) - 1)) << 12;
        }
        return table + ((va >> (12 + 9 * level)) & 0x1ff) * 8;
    }

    // Starts in `priv` at kCodeVa (mapped to kCode) with paging on.
    void start(Privilege priv, u64 mode = kSv39, u64 code_flags = pte::R | pte::X | pte::A) {
        m_mode = mode;
        m_next_table = kTables;
        for (u64 a = kTables; a < kTables + 0x10000; a += 8)
            put64(a, 0);
        map(kCodeVa, kCode, code_flags | (priv == Privilege::User ? pte::U : 0));
        hart->reset(kCodeVa);
        st().mtvec = kTrapHandler;
        st().stvec = kSTrapHandler;
        st().satp = (mode << 60) | (kTables >> 12);
        st().priv = priv;
    }

    void expect_fault(u64 cause, u64 tval) {
        EXPECT_EQ(st().pc, kTrapHandler);
        EXPECT_EQ(st().mcause, cause);
        EXPECT_EQ(st().mtval, tval);
    }

    u64 m_mode{kSv39};
    u64 m_next_table{kTables};
};

TEST_F(MmuTest, Sv39LoadStoreAndFetch) {
    start(Privilege::Supervisor);
    map(kDataVa, kDataPa, pte::R | pte::W | pte::A | pte::D);
    put64(kDataPa + 8, 0x1234);
    program({ld(a0, a1, 8), sd(a0, a1, 16)});
    set_x(a1, kDataVa);
    step(2);
    EXPECT_EQ(st().pc, kCodeVa + 8);
    EXPECT_EQ(x(a0), 0x1234u);
    EXPECT_EQ(get64(kDataPa + 16), 0x1234u);
}

TEST_F(MmuTest, Sv48FourLevelWalk) {
    start(Privilege::Supervisor, kSv48);
    const u64 va = 0x0000'7f12'3456'7000; // uses all four levels
    map(va, kDataPa, pte::R | pte::W | pte::A | pte::D);
    put64(kDataPa, 99);
    program({ld(a0, a1, 0)});
    set_x(a1, va);
    step();
    EXPECT_EQ(x(a0), 99u);
}

TEST_F(MmuTest, NegativeAddressesInSv39) {
    start(Privilege::Supervisor);
    const u64 va = 0xffff'ffc0'0000'0000; // sign-extended bit 38
    map(va, kDataPa, pte::R | pte::A);
    put64(kDataPa, 5);
    program({ld(a0, a1, 0)});
    set_x(a1, va);
    step();
    EXPECT_EQ(x(a0), 5u);
}

TEST_F(MmuTest, NonCanonicalAddressIsAPageFault) {
    start(Privilege::Supervisor);
    program({ld(a0, a1, 0)});
    set_x(a1, u64{1} << 39); // bit 39 set without the bits above
    step();
    expect_fault(13, u64{1} << 39);
}

TEST_F(MmuTest, AccessedAndDirtyBitsAreSetByHardware) {
    start(Privilege::Supervisor);
    map(kDataVa, kDataPa, pte::R | pte::W);
    program({ld(a0, a1, 0), sd(a0, a1, 0)});
    set_x(a1, kDataVa);
    const u64 slot = leaf_slot(kDataVa, 0);
    step();
    EXPECT_TRUE(get64(slot) & pte::A);
    EXPECT_FALSE(get64(slot) & pte::D);
    step();
    EXPECT_TRUE(get64(slot) & pte::D);
    // The fetch set A on the code page as well.
    EXPECT_TRUE(get64(leaf_slot(kCodeVa, 0)) & pte::A);
}

TEST_F(MmuTest, FaultCausesAndTval) {
    struct Case {
        u32 insn;
        u64 flags; // of the data page; 0 = unmapped
        u64 cause;
    };
    const Case cases[] = {
        {ld(a0, a1, 0), 0, 13}, // not mapped
        {sd(a0, a1, 0), 0, 15},
        {sd(a0, a1, 0), pte::R | pte::A, 15}, // read-only
        {ld(a0, a1, 0), pte::X | pte::A, 13}, // execute-only without MXR
        {ld(a0, a1, 0), pte::W | pte::A, 13}, // W without R is reserved
        {amo(amo5::Add, true, a0, a1, a2), pte::R | pte::A, 15},
        {lr_d(a0, a1), pte::W | pte::X, 13},
        {jalr(zero, a1, 0), pte::R | pte::W | pte::A, 12}, // fetch from a non-executable page
    };
    for (const Case& c : cases) {
        start(Privilege::Supervisor);
        if (c.flags != 0)
            map(kDataVa, kDataPa, c.flags);
        program({c.insn});
        set_x(a1, kDataVa);
        step(2);
        expect_fault(c.cause, kDataVa);
    }
}

TEST_F(MmuTest, ReservedPteBitsFault) {
    start(Privilege::Supervisor);
    map(kDataVa, kDataPa, pte::R | pte::A);
    put64(leaf_slot(kDataVa, 0), get64(leaf_slot(kDataVa, 0)) | (u64{1} << 61)); // PBMT: not implemented
    program({ld(a0, a1, 0)});
    set_x(a1, kDataVa);
    step();
    expect_fault(13, kDataVa);
}

TEST_F(MmuTest, SupervisorAccessToUserPagesNeedsSum) {
    start(Privilege::Supervisor);
    map(kDataVa, kDataPa, pte::R | pte::W | pte::U | pte::A | pte::D);
    program({ld(a0, a1, 0), csrrs(zero, csr::Sstatus, a2), ld(a0, a1, 0)});
    set_x(a1, kDataVa);
    set_x(a2, mstatus::SUM);
    step();
    expect_fault(13, kDataVa);

    start(Privilege::Supervisor);
    map(kDataVa, kDataPa, pte::R | pte::W | pte::U | pte::A | pte::D);
    put64(kDataPa, 3);
    program({csrrs(zero, csr::Sstatus, a2), ld(a0, a1, 0)});
    set_x(a1, kDataVa);
    set_x(a2, mstatus::SUM);
    step(2);
    EXPECT_EQ(st().pc, kCodeVa + 8);
    EXPECT_EQ(x(a0), 3u);
}

TEST_F(MmuTest, SumDoesNotAllowSupervisorToExecuteUserPages) {
    start(Privilege::Supervisor);
    map(kDataVa, kDataPa, pte::R | pte::X | pte::U | pte::A);
    st().mstatus |= mstatus::SUM;
    program({jalr(zero, a1, 0)});
    set_x(a1, kDataVa);
    step(2);
    expect_fault(12, kDataVa);
}

TEST_F(MmuTest, UserCannotTouchSupervisorPages) {
    start(Privilege::User);
    map(kDataVa, kDataPa, pte::R | pte::W | pte::A | pte::D);
    program({ld(a0, a1, 0)});
    set_x(a1, kDataVa);
    step();
    expect_fault(13, kDataVa);
    EXPECT_EQ((st().mstatus & mstatus::MPP) >> mstatus::MPP_SHIFT, 0u);
}

TEST_F(MmuTest, UserCodeOnSupervisorPageFaultsOnFetch) {
    start(Privilege::User, kSv39, pte::R | pte::X | pte::A);
    put64(leaf_slot(kCodeVa, 0), get64(leaf_slot(kCodeVa, 0)) & ~pte::U);
    step();
    expect_fault(12, kCodeVa);
}

TEST_F(MmuTest, MxrMakesExecutablePagesReadable) {
    start(Privilege::Supervisor);
    map(kDataVa, kDataPa, pte::X | pte::A);
    put64(kDataPa, 7);
    st().mstatus |= mstatus::MXR;
    program({ld(a0, a1, 0)});
    set_x(a1, kDataVa);
    step();
    EXPECT_EQ(x(a0), 7u);
}

TEST_F(MmuTest, MprvTranslatesMachineModeDataAccesses) {
    start(Privilege::Machine);
    map(kDataVa, kDataPa, pte::R | pte::W | pte::A | pte::D);
    put64(kDataPa, 11);
    hart->reset(kCode); // M-mode code runs untranslated
    st().mtvec = kTrapHandler;
    st().satp = (kSv39 << 60) | (kTables >> 12);
    st().mstatus |= mstatus::MPRV | (u64{1} << mstatus::MPP_SHIFT);
    program({ld(a0, a1, 0)});
    set_x(a1, kDataVa);
    step();
    EXPECT_EQ(x(a0), 11u);
    // With MPP = U the supervisor page is out of reach.
    hart->reset(kCode);
    st().mtvec = kTrapHandler;
    st().satp = (kSv39 << 60) | (kTables >> 12);
    st().mstatus |= mstatus::MPRV;
    program({ld(a0, a1, 0)});
    set_x(a1, kDataVa);
    step();
    expect_fault(13, kDataVa);
}

TEST_F(MmuTest, Superpages) {
    start(Privilege::Supervisor);
    const u64 mega_va = 0x4000'0000 + 0x20'0000; // a 2 MiB page
    map(mega_va, kRamBase + 0x40'0000, pte::R | pte::W | pte::A | pte::D, 1);
    put64(kRamBase + 0x40'0000 + 0x1'2348, 0xabc);
    program({ld(a0, a1, 0)});
    set_x(a1, mega_va + 0x1'2348);
    step();
    EXPECT_EQ(x(a0), 0xabcu);
}

TEST_F(MmuTest, GigapageInSv48) {
    start(Privilege::Supervisor, kSv48);
    const u64 giga_va = 0x80'0000'0000; // 1 GiB page at level 2
    map(giga_va, kRamBase, pte::R | pte::A, 2);
    put64(kRamBase + 0x10000, 0x55);
    program({ld(a0, a1, 0)});
    set_x(a1, giga_va + 0x10000);
    step();
    EXPECT_EQ(x(a0), 0x55u);
}

TEST_F(MmuTest, MisalignedSuperpageIsAPageFault) {
    start(Privilege::Supervisor);
    const u64 mega_va = 0x4000'0000;
    map(mega_va, kRamBase + 0x1000, pte::R | pte::A, 1); // PA not 2 MiB aligned
    program({ld(a0, a1, 0)});
    set_x(a1, mega_va);
    step();
    expect_fault(13, mega_va);
}

TEST_F(MmuTest, PointerAtTheLastLevelIsAPageFault) {
    start(Privilege::Supervisor);
    map(kDataVa, kDataPa, 0); // V only: a pointer where a leaf must be
    program({ld(a0, a1, 0)});
    set_x(a1, kDataVa);
    step();
    expect_fault(13, kDataVa);
}

TEST_F(MmuTest, PageTableOutsideRamIsAnAccessFault) {
    start(Privilege::Supervisor);
    // A root entry (not the code page's) whose next-level table is not RAM.
    const u64 va = 0x20'0000'0000;
    put64(kTables + ((va >> 30) & 0x1ff) * 8, ((0x40000000 >> 12) << 10) | pte::V);
    program({ld(a0, a1, 0)});
    set_x(a1, va);
    step();
    expect_fault(5, va);
}

TEST_F(MmuTest, SfenceVmaMakesNewMappingsVisible) {
    start(Privilege::Supervisor);
    map(kDataVa, kDataPa, pte::R | pte::A);
    put64(kDataPa, 1);
    put64(kDataPa + 0x1000, 2);
    program({ld(a0, a1, 0), sfence_vma(), ld(a2, a1, 0)});
    set_x(a1, kDataVa);
    step();
    map(kDataVa, kDataPa + 0x1000, pte::R | pte::A); // remap
    step(2);
    EXPECT_EQ(x(a0), 1u);
    EXPECT_EQ(x(a2), 2u);
}

TEST_F(MmuTest, SatpWriteSwitchesAddressSpaces) {
    start(Privilege::Supervisor);
    map(kDataVa, kDataPa, pte::R | pte::A);
    put64(kDataPa, 1);
    program({ld(a0, a1, 0), csrrw(zero, csr::Satp, a2), ld(a3, a1, 0)});
    set_x(a1, kDataVa);
    set_x(a2, 0); // Bare
    step(2);
    EXPECT_EQ(st().pc, kCodeVa + 8); // identity now: kCodeVa + 8 is not RAM
    step();
    expect_fault(1, kCodeVa + 8);
}

TEST_F(MmuTest, StoreCrossingIntoAnUnmappedPageWritesNothing) {
    start(Privilege::Supervisor);
    map(kDataVa, kDataPa, pte::R | pte::W | pte::A | pte::D);
    put64(kDataPa + 0xff8, 0);
    program({sd(a2, a1, 0)});
    set_x(a1, kDataVa + 0xffc);
    set_x(a2, ~u64{0});
    step();
    expect_fault(15, kDataVa + 0x1000);
    EXPECT_EQ(get64(kDataPa + 0xff8), 0u);
}

TEST_F(MmuTest, MisalignedLoadAcrossMappedPages) {
    start(Privilege::Supervisor);
    map(kDataVa, kDataPa + 0x1000, pte::R | pte::A); // deliberately swapped physical pages
    map(kDataVa + 0x1000, kDataPa, pte::R | pte::A);
    put32(kDataPa + 0x1ffc, 0x44332211);
    put32(kDataPa, 0x88776655);
    program({ld(a0, a1, 0)});
    set_x(a1, kDataVa + 0xffc);
    step();
    EXPECT_EQ(x(a0), 0x8877665544332211u);
}

TEST_F(MmuTest, FetchCrossingIntoAnUnmappedPageReportsItsAddress) {
    start(Privilege::Supervisor);
    // A 32-bit instruction in the last two bytes of the code page.
    put16(kCode + 0xffe, 0x0013);
    program({jalr(zero, a1, 0)});
    set_x(a1, kCodeVa + 0xffe);
    step(2);
    EXPECT_EQ(st().mepc, kCodeVa + 0xffe);
    expect_fault(12, kCodeVa + 0x1000);
}

TEST_F(MmuTest, DelegatedPageFaultsReachSupervisor) {
    start(Privilege::User);
    st().medeleg = (1 << 12) | (1 << 13) | (1 << 15);
    program({ld(a0, a1, 0)});
    set_x(a1, kDataVa);
    step();
    EXPECT_EQ(st().pc, kSTrapHandler);
    EXPECT_EQ(st().scause, 13u);
    EXPECT_EQ(st().stval, kDataVa);
    EXPECT_EQ(st().sepc, kCodeVa);
}

TEST_F(MmuTest, PrivilegeChangesDoNotReuseStaleTranslations) {
    // S reads a user page with SUM, then clears SUM: the cached translation
    // must not keep allowing the access.
    start(Privilege::Supervisor);
    map(kDataVa, kDataPa, pte::R | pte::U | pte::A);
    st().mstatus |= mstatus::SUM;
    program({ld(a0, a1, 0), csrrc(zero, csr::Sstatus, a2), ld(a0, a1, 0)});
    set_x(a1, kDataVa);
    set_x(a2, mstatus::SUM);
    step(3);
    expect_fault(13, kDataVa);
}

TEST_F(MmuTest, ManySfencesKeepTranslationsExact) {
    // More flushes than the TLB has generations: remap between two frames and
    // check every load sees the current mapping.
    start(Privilege::Supervisor);
    put64(kDataPa, 1);
    put64(kDataPa + 0x1000, 2);
    program({ld(a0, a1, 0), sfence_vma(), jal(zero, -8)});
    set_x(a1, kDataVa);
    for (int i = 0; i < 300; ++i) {
        const u64 frame = (i % 2) ? kDataPa + 0x1000 : kDataPa;
        map(kDataVa, frame, pte::R | pte::A);
        step(1); // the sfence of the previous round already ran
        ASSERT_EQ(x(a0), (i % 2) ? 2u : 1u) << "round " << i;
        step(2); // sfence.vma, jal back
    }
}

TEST_F(MmuTest, SatpEditedBetweenRunsIsHonoured) {
    // HartState is public: switching it to Bare between two runs must drop the
    // cached translations, so the next fetch (kCodeVa + 4, not RAM) faults.
    start(Privilege::Supervisor);
    program({nop(), nop()});
    step();
    EXPECT_EQ(st().pc, kCodeVa + 4);
    st().satp = 0;
    step();
    expect_fault(1, kCodeVa + 4);
}

TEST(RiscvHart, ResetState) {
    GuestMemory ram;
    ASSERT_TRUE(ram.add_region(GuestAddress(0x80000000), 1 * MiB).has_value());
    Bus mmio("mmio");
    Hart hart(ram, mmio, HartConfig{3, {}});
    hart.state().x[5] = 9;
    hart.state().priv = Privilege::User;
    hart.reset(0x80000000);
    EXPECT_EQ(hart.state().pc, 0x80000000u);
    EXPECT_EQ(hart.state().priv, Privilege::Machine);
    EXPECT_EQ(hart.state().x[5], 0u);
    EXPECT_EQ(hart.state().mstatus, mstatus::UXL_64 | mstatus::SXL_64); // FS off, MIE off
    EXPECT_EQ(hart.state().satp, 0u);
    EXPECT_EQ(hart.instret(), 0u);
    EXPECT_FALSE(hart.has_pending_interrupt());
    // mhartid comes from the config; time without a callback reads 0.
    ASSERT_TRUE(ram.write_obj(GuestAddress(0x80000000), enc::csrrs(a0, csr::Mhartid, zero)).has_value());
    ASSERT_TRUE(ram.write_obj(GuestAddress(0x80000004), enc::csrrs(a1, csr::Time, zero)).has_value());
    hart.state().x[11] = 55;
    hart.run(2);
    EXPECT_EQ(hart.state().x[10], 3u);
    EXPECT_EQ(hart.state().x[11], 0u);
}

TEST(RiscvHart, DescribeStateNamesTheEssentials) {
    GuestMemory ram;
    ASSERT_TRUE(ram.add_region(GuestAddress(0x80000000), 1 * MiB).has_value());
    Bus mmio("mmio");
    Hart hart(ram, mmio, HartConfig{});
    hart.reset(0x80000000);
    ASSERT_TRUE(ram.write_obj(GuestAddress(0x80000000), enc::addi(a0, zero, 7)).has_value());
    ASSERT_TRUE(ram.write_obj(GuestAddress(0x80000004), enc::addi(a1, zero, 8)).has_value());
    hart.run(1);
    hart.run(1);
    hart.state().pc = 0x80000004;
    const std::string text = hart.describe_state();
    EXPECT_NE(text.find("pc 0x0000000080000004"), std::string::npos) << text;
    EXPECT_NE(text.find("priv M"), std::string::npos);
    EXPECT_NE(text.find("a0 0000000000000007"), std::string::npos);
    EXPECT_NE(text.find("addi\tx11,x0,8"), std::string::npos) << text;
    EXPECT_NE(text.find("mstatus"), std::string::npos);
}

} // namespace
} // namespace kite::riscv::test
