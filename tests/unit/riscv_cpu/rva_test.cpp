// A: LR/SC reservations and every AMO, plus their alignment and device rules.
#include "hart_fixture.h"

namespace kite::riscv::test {
namespace {

using namespace enc;

class RvaTest : public HartTest {};

TEST_F(RvaTest, LrScSucceedsOnAnUntouchedReservation) {
    put64(kData, 41);
    program({lr_d(a0, a1), addi(a0, a0, 1), sc_d(a2, a1, a0)});
    set_x(a1, kData);
    step(3);
    EXPECT_EQ(x(a2), 0u); // success
    EXPECT_EQ(get64(kData), 42u);
}

TEST_F(RvaTest, ScWithoutReservationFailsAndDoesNotStore) {
    put64(kData, 7);
    program({sc_d(a2, a1, a0), sc_w(a3, a1, a0)});
    set_x(a1, kData);
    set_x(a0, 99);
    step(2);
    EXPECT_EQ(x(a2), 1u);
    EXPECT_EQ(x(a3), 1u);
    EXPECT_EQ(get64(kData), 7u);
}

TEST_F(RvaTest, ScClearsTheReservation) {
    program({lr_w(a0, a1), sc_w(a2, a1, a0), sc_w(a3, a1, a0)});
    set_x(a1, kData);
    step(3);
    EXPECT_EQ(x(a2), 0u);
    EXPECT_EQ(x(a3), 1u);
}

TEST_F(RvaTest, ScToAnotherAddressFails) {
    program({lr_w(a0, a1), sc_w(a2, a4, a0)});
    set_x(a1, kData);
    set_x(a4, kData + 8);
    step(2);
    EXPECT_EQ(x(a2), 1u);
}

TEST_F(RvaTest, ATrapClearsTheReservation) {
    // lr; ecall (trap to the handler, which mrets back); sc must fail.
    program({lr_w(a0, a1), ecall(), sc_w(a2, a1, a0)});
    put32(kTrapHandler, csrrs(t0, csr::Mepc, zero));
    put32(kTrapHandler + 4, addi(t0, t0, 4));
    put32(kTrapHandler + 8, csrrw(zero, csr::Mepc, t0));
    put32(kTrapHandler + 12, mret());
    set_x(a1, kData);
    step(7);
    EXPECT_EQ(st().pc, kCode + 12);
    EXPECT_EQ(x(a2), 1u);
}

TEST_F(RvaTest, LrWSignExtends) {
    put32(kData, 0x80000000);
    program({lr_w(a0, a1)});
    set_x(a1, kData);
    step();
    EXPECT_EQ(x(a0), 0xffffffff80000000);
}

TEST_F(RvaTest, AmoOperationsReturnTheOldValue) {
    struct Case {
        u32 funct5;
        bool dword;
        u64 memory, operand, expected_memory;
    };
    const Case cases[] = {
        {amo5::Swap, true, 1, 2, 2},
        {amo5::Add, true, 1, 2, 3},
        {amo5::Xor, true, 0b1100, 0b1010, 0b0110},
        {amo5::And, true, 0b1100, 0b1010, 0b1000},
        {amo5::Or, true, 0b1100, 0b1010, 0b1110},
        {amo5::Min, true, static_cast<u64>(-5), 3, static_cast<u64>(-5)},
        {amo5::Max, true, static_cast<u64>(-5), 3, 3},
        {amo5::Minu, true, static_cast<u64>(-5), 3, 3},
        {amo5::Maxu, true, static_cast<u64>(-5), 3, static_cast<u64>(-5)},
        {amo5::Add, false, 0xffffffff, 1, 0},
        {amo5::Min, false, 0x80000000, 1, 0x80000000},
        {amo5::Max, false, 0x80000000, 1, 1},
        {amo5::Minu, false, 0x80000000, 1, 1},
        {amo5::Maxu, false, 0x80000000, 1, 0x80000000},
        {amo5::Swap, false, 0x11111111, 0xffffffff22222222, 0x22222222},
        {amo5::Add, false, 0x7fffffff, 0xffffffff00000001, 0x80000000},
    };
    for (const Case& c : cases) {
        hart->reset(kCode);
        put64(kData, 0xaaaaaaaaaaaaaaaa);
        if (c.dword)
            put64(kData, c.memory);
        else
            put32(kData, static_cast<u32>(c.memory));
        program({amo(c.funct5, c.dword, a0, a1, a2)});
        set_x(a1, kData);
        set_x(a2, c.operand);
        step();
        const u64 old = c.dword ? c.memory : static_cast<u64>(static_cast<i64>(static_cast<i32>(c.memory)));
        EXPECT_EQ(x(a0), old) << "funct5 " << c.funct5;
        if (c.dword) {
            EXPECT_EQ(get64(kData), c.expected_memory) << "funct5 " << c.funct5;
        } else {
            EXPECT_EQ(get32(kData), static_cast<u32>(c.expected_memory)) << "funct5 " << c.funct5;
            EXPECT_EQ(get32(kData + 4), 0xaaaaaaaau); // the neighbour is untouched
        }
    }
}

// 32-bit AMOs compare the low 32 bits of rs2 with the memory word (signed
// for min/max, unsigned for minu/maxu) and ignore rs2's upper half; rd gets
// the old word sign-extended. Each case gives a different answer when the
// comparison is made on 64 bits (memory word zero- or sign-extended, rs2 whole).
TEST_F(RvaTest, WordMinMaxCompareOnlyTheLow32Bits) {
    struct Case {
        u32 funct5;
        u32 memory;
        u64 operand;
        u32 expected_memory;
    };
    const Case cases[] = {
        // rs2 = 0x80000000 with a clear upper half: INT32_MIN as a word.
        {amo5::Min, 0x1775e020, 0x0000000080008318, 0x80008318},
        {amo5::Max, 0x1fc2a8fb, 0x0000000080000000, 0x1fc2a8fb},
        // rs2 negative as 64 bits, positive as a word.
        {amo5::Min, 3, 0xffffffff00000005, 3},
        {amo5::Max, 3, 0xffffffff00000005, 5},
        // rs2 positive as 64 bits, negative as a word.
        {amo5::Max, 0xffffffff, 0x00000001fffffffe, 0xffffffff},
        {amo5::Min, 0xffffffff, 0x00000001fffffffe, 0xfffffffe},
        // Memory negative as a word: signed it is the smaller one.
        {amo5::Min, 0x80000000, 0x0000000000000001, 0x80000000},
        {amo5::Max, 0x80000000, 0xffffffffffffffff, 0xffffffff},
        // Unsigned: the upper half of rs2 must not make it larger.
        {amo5::Minu, 0xa49f5026, 0x36b0eae73dc2f475, 0x3dc2f475},
        {amo5::Minu, 7, 0x0000000100000000, 0},
        {amo5::Maxu, 0xe534492d, 0x8000000000000000, 0xe534492d},
        {amo5::Maxu, 0x80000000, 0xffffffff00000001, 0x80000000},
        {amo5::Maxu, 0x7fffffff, 0x0000000080000000, 0x80000000},
        {amo5::Minu, 0x80000000, 0xffffffff7fffffff, 0x7fffffff},
    };
    for (const Case& c : cases) {
        hart->reset(kCode);
        put64(kData, 0xaaaaaaaaaaaaaaaa);
        put32(kData, c.memory);
        program({amo(c.funct5, false, a0, a1, a2)});
        set_x(a1, kData);
        set_x(a2, c.operand);
        step();
        SCOPED_TRACE(::testing::Message() << std::hex << "funct5 0x" << c.funct5 << " memory 0x" << c.memory
                                          << " rs2 0x" << c.operand);
        EXPECT_EQ(x(a0), static_cast<u64>(static_cast<i64>(static_cast<i32>(c.memory))));
        EXPECT_EQ(get32(kData), c.expected_memory);
        EXPECT_EQ(get32(kData + 4), 0xaaaaaaaau);
        EXPECT_EQ(x(a2), c.operand); // rs2 itself is not changed
    }
}

TEST_F(RvaTest, MisalignedAtomicsRaiseMisalignedExceptions) {
    struct Case {
        u32 insn;
        u64 cause;
    };
    const Case cases[] = {
        {lr_w(a0, a1), 4},     // load address misaligned
        {sc_w(a0, a1, a2), 6}, // store/AMO address misaligned
        {amo(amo5::Add, true, a0, a1, a2), 6},
    };
    for (const Case& c : cases) {
        hart->reset(kCode);
        st().mtvec = kTrapHandler;
        program({c.insn});
        set_x(a1, kData + 2);
        step();
        EXPECT_EQ(st().mcause, c.cause);
        EXPECT_EQ(st().mtval, kData + 2);
        EXPECT_EQ(st().pc, kTrapHandler);
    }
}

TEST_F(RvaTest, AtomicsOnDevicesRaiseAccessFaults) {
    program({amo(amo5::Swap, false, a0, a1, a2)});
    set_x(a1, kMmioBase);
    step();
    EXPECT_EQ(st().mcause, 7u); // store/AMO access fault
    EXPECT_EQ(st().mtval, kMmioBase);
    EXPECT_EQ(device->accesses, 0);

    hart->reset(kCode);
    st().mtvec = kTrapHandler;
    program({lr_d(a0, a1)});
    set_x(a1, kMmioBase);
    step();
    EXPECT_EQ(st().mcause, 5u); // load access fault
}

} // namespace
} // namespace kite::riscv::test
