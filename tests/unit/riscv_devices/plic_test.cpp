#include "devices/plic/plic.h"
#include "mmio.h"

#include <array>
#include <atomic>
#include <gtest/gtest.h>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

namespace kite::devices {
namespace {

using test::read32;
using test::write32;

constexpr u64 priority(u32 source) {
    return Plic::kPriorityBase + 4 * source;
}
constexpr u64 pending_word(u32 word) {
    return Plic::kPendingBase + 4 * word;
}
constexpr u64 enable_word(u32 context, u32 word) {
    return Plic::kEnableBase + Plic::kEnableStride * context + 4 * word;
}
constexpr u64 threshold(u32 context) {
    return Plic::kContextBase + Plic::kContextStride * context + Plic::kThresholdOffset;
}
constexpr u64 claim(u32 context) {
    return Plic::kContextBase + Plic::kContextStride * context + Plic::kClaimOffset;
}

using Event = std::pair<u32, bool>;

class PlicTest : public ::testing::Test {
protected:
    std::vector<Event> events;
    Plic plic{2, [this](u32 context, bool level) { events.emplace_back(context, level); }};

    void enable(u32 context, u32 source) {
        u64 offset = enable_word(context, source / 32);
        write32(plic, offset, read32(plic, offset) | (u32{1} << (source % 32)));
    }
    void raise(u32 source) { plic.irq_line(source)->set_level(true); }
    void lower(u32 source) { plic.irq_line(source)->set_level(false); }
    u32 do_claim(u32 context) { return read32(plic, claim(context)); }
    void complete(u32 context, u32 source) { write32(plic, claim(context), source); }
};

TEST_F(PlicTest, ResetState) {
    EXPECT_EQ(plic.context_count(), 4u);
    for (u32 source = 0; source < Plic::kSourceCount; ++source)
        EXPECT_EQ(read32(plic, priority(source)), 0u);
    for (u32 word = 0; word < 3; ++word)
        EXPECT_EQ(read32(plic, pending_word(word)), 0u);
    for (u32 context = 0; context < 4; ++context) {
        EXPECT_EQ(read32(plic, enable_word(context, 0)), 0u);
        EXPECT_EQ(read32(plic, threshold(context)), 0u);
        EXPECT_EQ(do_claim(context), 0u);
        EXPECT_FALSE(plic.output_level(context));
    }
    EXPECT_TRUE(events.empty());
    EXPECT_EQ(plic.ignored_access_count(), 0u);
}

TEST_F(PlicTest, RegistersAreWarl) {
    write32(plic, priority(10), 0xFFFF'FFFF);
    EXPECT_EQ(read32(plic, priority(10)), 7u);
    write32(plic, priority(95), 0x0000'000B);
    EXPECT_EQ(read32(plic, priority(95)), 3u);

    write32(plic, threshold(1), 0x1F);
    EXPECT_EQ(read32(plic, threshold(1)), 7u);

    // Source 0 does not exist: its priority and enable bit are hardwired to 0.
    write32(plic, priority(0), 5);
    EXPECT_EQ(read32(plic, priority(0)), 0u);
    write32(plic, enable_word(0, 0), 0xFFFF'FFFF);
    EXPECT_EQ(read32(plic, enable_word(0, 0)), 0xFFFF'FFFEu);
    write32(plic, enable_word(0, 2), 0xFFFF'FFFF);
    EXPECT_EQ(read32(plic, enable_word(0, 2)), 0xFFFF'FFFFu); // sources 64..95
    EXPECT_EQ(read32(plic, enable_word(1, 0)), 0u);           // other contexts untouched
}

TEST_F(PlicTest, SourceZeroAndOutOfRangeIgnored) {
    EXPECT_EQ(plic.irq_line(0), nullptr);
    EXPECT_EQ(plic.irq_line(Plic::kSourceCount), nullptr);
    EXPECT_NE(plic.irq_line(1), nullptr);

    plic.set_source_level(0, true);
    plic.set_source_level(Plic::kSourceCount, true);
    plic.set_source_level(1000, true);
    EXPECT_EQ(read32(plic, pending_word(0)), 0u);
    EXPECT_EQ(read32(plic, pending_word(3)), 0u);

    // Registers of sources 96.. and contexts 4.. read 0 and ignore writes.
    write32(plic, priority(96), 7);
    EXPECT_EQ(read32(plic, priority(96)), 0u);
    write32(plic, enable_word(0, 3), 0xFFFF'FFFF);
    EXPECT_EQ(read32(plic, enable_word(0, 3)), 0u);
    write32(plic, enable_word(4, 0), 0xFFFF'FFFF);
    EXPECT_EQ(read32(plic, enable_word(4, 0)), 0u);
    write32(plic, threshold(4), 3);
    EXPECT_EQ(read32(plic, threshold(4)), 0u);
    EXPECT_EQ(do_claim(4), 0u);
    EXPECT_EQ(read32(plic, Plic::kContextBase + 8), 0u); // reserved in a context block
    EXPECT_EQ(read32(plic, Plic::kLength - 4), 0u);

    // Completing source 0 or a nonexistent source does nothing.
    complete(0, 0);
    complete(0, 200);
    EXPECT_TRUE(events.empty());
    EXPECT_EQ(plic.ignored_access_count(), 0u); // all well-formed accesses
}

TEST_F(PlicTest, EachLineDrivesItsOwnSource) {
    // Raising the line handed out for source s sets pending bit s and no other.
    std::array<u32, 3> expected{};
    for (u32 source = 1; source < Plic::kSourceCount; ++source) {
        const std::shared_ptr<IrqLine> line = plic.irq_line(source);
        ASSERT_NE(line, nullptr) << "source " << source;
        line->set_level(true);
        expected[source / 32] |= u32{1} << (source % 32);
        for (u32 word = 0; word < expected.size(); ++word)
            ASSERT_EQ(read32(plic, pending_word(word)), expected[word]) << "source " << source;
    }
}

TEST_F(PlicTest, PendingIsReadOnly) {
    raise(10);
    raise(33);
    raise(95);
    EXPECT_EQ(read32(plic, pending_word(0)), 1u << 10);
    EXPECT_EQ(read32(plic, pending_word(1)), 1u << 1);
    EXPECT_EQ(read32(plic, pending_word(2)), 1u << 31);
    write32(plic, pending_word(0), 0);
    EXPECT_EQ(read32(plic, pending_word(0)), 1u << 10);
    EXPECT_TRUE(plic.pending(10));
}

TEST_F(PlicTest, PriorityThresholdAndEnableMask) {
    raise(10);
    EXPECT_TRUE(plic.pending(10));
    EXPECT_FALSE(plic.output_level(0)); // priority 0 and disabled

    enable(0, 10);
    EXPECT_FALSE(plic.output_level(0)); // priority 0 never interrupts
    EXPECT_EQ(do_claim(0), 0u);

    write32(plic, priority(10), 1);
    EXPECT_TRUE(plic.output_level(0));
    EXPECT_EQ(events, (std::vector<Event>{{0, true}}));

    write32(plic, threshold(0), 1); // priority must exceed the threshold
    EXPECT_FALSE(plic.output_level(0));
    EXPECT_EQ(do_claim(0), 0u);
    EXPECT_TRUE(plic.pending(10)); // a failed claim leaves it pending
    write32(plic, priority(10), 2);
    EXPECT_TRUE(plic.output_level(0));
    write32(plic, threshold(0), 7);
    EXPECT_FALSE(plic.output_level(0));
    write32(plic, threshold(0), 0);
    EXPECT_TRUE(plic.output_level(0));

    write32(plic, enable_word(0, 0), 0);
    EXPECT_FALSE(plic.output_level(0));
    EXPECT_EQ(events,
              (std::vector<Event>{{0, true}, {0, false}, {0, true}, {0, false}, {0, true}, {0, false}}));
    // Nothing was ever enabled elsewhere.
    EXPECT_FALSE(plic.output_level(1));
    EXPECT_FALSE(plic.output_level(2));
    EXPECT_FALSE(plic.output_level(3));
}

TEST_F(PlicTest, ClaimOrderByPriorityThenId) {
    for (u32 source : {7u, 5u, 3u, 40u}) {
        enable(0, source);
        raise(source);
    }
    write32(plic, priority(3), 2);
    write32(plic, priority(5), 2);
    write32(plic, priority(7), 5);
    write32(plic, priority(40), 2);
    EXPECT_TRUE(plic.output_level(0));

    EXPECT_EQ(do_claim(0), 7u);
    EXPECT_FALSE(plic.pending(7)); // a claim clears the pending bit
    EXPECT_EQ(do_claim(0), 3u);
    EXPECT_EQ(do_claim(0), 5u);
    EXPECT_TRUE(plic.output_level(0));
    EXPECT_EQ(do_claim(0), 40u);
    EXPECT_FALSE(plic.output_level(0));
    EXPECT_EQ(do_claim(0), 0u);
    EXPECT_EQ(read32(plic, pending_word(0)), 0u);
    EXPECT_EQ(read32(plic, pending_word(1)), 0u);
    EXPECT_EQ(events, (std::vector<Event>{{0, true}, {0, false}}));
}

TEST_F(PlicTest, CompleteRearmsGateway) {
    write32(plic, priority(10), 1);
    enable(0, 10);
    raise(10);
    EXPECT_EQ(do_claim(0), 10u);
    EXPECT_FALSE(plic.output_level(0));

    // In flight: a still-high or re-raised level requests nothing yet.
    raise(10);
    EXPECT_FALSE(plic.pending(10));
    EXPECT_EQ(do_claim(0), 0u);

    // Completing with the level still high requests again.
    complete(0, 10);
    EXPECT_TRUE(plic.pending(10));
    EXPECT_TRUE(plic.output_level(0));
    EXPECT_EQ(do_claim(0), 10u);

    // Completing after the level dropped re-arms without a request.
    lower(10);
    complete(0, 10);
    EXPECT_FALSE(plic.pending(10));
    EXPECT_FALSE(plic.output_level(0));

    // Re-armed: the next rising level requests again.
    raise(10);
    EXPECT_TRUE(plic.pending(10));
    EXPECT_EQ(events, (std::vector<Event>{{0, true}, {0, false}, {0, true}, {0, false}, {0, true}}));
}

TEST_F(PlicTest, RequestLatchedUntilClaimed) {
    write32(plic, priority(4), 1);
    enable(0, 4);
    raise(4);
    lower(4);
    EXPECT_TRUE(plic.pending(4));
    EXPECT_TRUE(plic.output_level(0));
    EXPECT_EQ(do_claim(0), 4u);
    complete(0, 4);
    EXPECT_FALSE(plic.pending(4));
}

TEST_F(PlicTest, CompleteIgnoredWhenNotEnabledInContext) {
    write32(plic, priority(6), 1);
    enable(0, 6);
    raise(6);
    EXPECT_EQ(do_claim(0), 6u);
    complete(1, 6); // context 1 does not have source 6 enabled
    EXPECT_FALSE(plic.pending(6));
    complete(0, 7); // not in flight
    EXPECT_FALSE(plic.pending(6));
    complete(0, 6);
    EXPECT_TRUE(plic.pending(6));
}

TEST_F(PlicTest, MachineAndSupervisorContexts) {
    EXPECT_EQ(Plic::machine_context(1), 2u);
    EXPECT_EQ(Plic::supervisor_context(1), 3u);
    EXPECT_EQ(Plic::hart_of_context(3), 1u);
    EXPECT_TRUE(Plic::is_supervisor_context(1));
    EXPECT_FALSE(Plic::is_supervisor_context(2));

    write32(plic, priority(1), 1);
    write32(plic, priority(2), 1);
    enable(Plic::supervisor_context(0), 1);
    enable(Plic::machine_context(1), 2);

    raise(1);
    EXPECT_EQ(events, (std::vector<Event>{{1, true}}));
    raise(2);
    EXPECT_EQ(events, (std::vector<Event>{{1, true}, {2, true}}));
    EXPECT_FALSE(plic.output_level(0));
    EXPECT_FALSE(plic.output_level(3));

    // The claim only sees the context's own enabled sources.
    EXPECT_EQ(do_claim(Plic::machine_context(0)), 0u);
    EXPECT_EQ(do_claim(Plic::supervisor_context(0)), 1u);
    EXPECT_EQ(do_claim(Plic::machine_context(1)), 2u);
    EXPECT_EQ(events, (std::vector<Event>{{1, true}, {2, true}, {1, false}, {2, false}}));
}

TEST_F(PlicTest, ClaimBySharedContextsIsExclusive) {
    write32(plic, priority(8), 3);
    enable(1, 8);
    enable(3, 8);
    raise(8);
    EXPECT_TRUE(plic.output_level(1));
    EXPECT_TRUE(plic.output_level(3));
    EXPECT_EQ(do_claim(3), 8u);
    EXPECT_FALSE(plic.output_level(1));
    EXPECT_FALSE(plic.output_level(3));
    EXPECT_EQ(do_claim(1), 0u); // the other hart lost the race
    complete(1, 8);             // either context with the source enabled may complete
    EXPECT_TRUE(plic.output_level(1));
}

TEST_F(PlicTest, MisalignedAndWrongWidthIgnored) {
    test::write_n<1>(plic, priority(10), 5);
    test::write_n<2>(plic, priority(10), 5);
    test::write_n<8>(plic, priority(10), 5);
    write32(plic, priority(10) + 2, 5);
    write32(plic, Plic::kLength, 5);
    EXPECT_EQ(plic.ignored_access_count(), 5u);
    EXPECT_EQ(read32(plic, priority(10)), 0u);

    write32(plic, priority(10), 1);
    enable(0, 10);
    raise(10);
    // A misaligned or narrow read of claim must not claim.
    EXPECT_EQ(test::read_n<2>(plic, claim(0)), 0u);
    EXPECT_EQ(test::read_n<8>(plic, claim(0) - 4), 0u);
    EXPECT_EQ(test::read_n<4>(plic, claim(0) + 1), 0u);
    EXPECT_EQ(plic.ignored_access_count(), 8u);
    EXPECT_TRUE(plic.pending(10));
    EXPECT_EQ(do_claim(0), 10u);
}

TEST(PlicThreads, ConcurrentLinesAndClaimsSettle) {
    std::atomic<int> output_changes{0};
    Plic plic(1, [&](u32, bool) { output_changes.fetch_add(1, std::memory_order_relaxed); });
    for (u32 source = 1; source <= 4; ++source) {
        write32(plic, priority(source), source);
        write32(plic, enable_word(0, 0), read32(plic, enable_word(0, 0)) | (1u << source));
        write32(plic, enable_word(1, 0), read32(plic, enable_word(1, 0)) | (1u << source));
    }
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    // Two devices toggle their lines while both contexts of the hart claim and complete.
    for (u32 source : {1u, 4u}) {
        threads.emplace_back([&plic, source] {
            auto line = plic.irq_line(source);
            for (int i = 0; i < 20000; ++i)
                line->set_level(i % 2 == 0);
            line->set_level(false);
        });
    }
    for (u32 context : {0u, 1u}) {
        threads.emplace_back([&plic, &stop, context] {
            while (!stop.load()) {
                if (u32 source = read32(plic, claim(context)))
                    write32(plic, claim(context), source);
            }
        });
    }
    threads[0].join();
    threads[1].join();
    stop = true;
    threads[2].join();
    threads[3].join();
    // Lines are low now: whatever is still latched drains with one claim each.
    while (u32 source = read32(plic, claim(0)))
        write32(plic, claim(0), source);
    EXPECT_EQ(read32(plic, pending_word(0)), 0u);
    EXPECT_FALSE(plic.output_level(0));
    EXPECT_FALSE(plic.output_level(1));
    EXPECT_GT(output_changes.load(), 0);
}

TEST(PlicLifetime, LinesOutliveThePlic) {
    std::shared_ptr<IrqLine> line;
    {
        Plic plic(1, {});
        line = plic.irq_line(5);
        line->set_level(true);
        EXPECT_TRUE(plic.pending(5));
    }
    line->set_level(false); // detached: does nothing
    line->set_level(true);
}

TEST(PlicLimits, ContextCountFollowsHarts) {
    Plic plic(Plic::kMaxHarts, {});
    EXPECT_EQ(plic.context_count(), 2 * Plic::kMaxHarts);
    u32 last = plic.context_count() - 1;
    write32(plic, enable_word(last, 0), 1u << 3);
    write32(plic, priority(3), 1);
    plic.set_source_level(3, true);
    EXPECT_TRUE(plic.output_level(last));
    EXPECT_LT(claim(last), Plic::kLength);
    EXPECT_EQ(read32(plic, claim(last)), 3u);
}

} // namespace
} // namespace kite::devices
