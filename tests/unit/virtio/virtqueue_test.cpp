#include "mock_driver.h"
#include "virtio/queue/virtqueue.h"

#include <array>
#include <gtest/gtest.h>
#include <numeric>

namespace kite::virtio {
namespace {

using testing::Buffer;
using testing::kRamBase;
using testing::kRamSize;
using testing::make_memory;
using testing::MockDriver;
using testing::must;

constexpr u64 kData = kRamBase + 1 * MiB;  // buffers live here
constexpr u64 kTable = kRamBase + 3 * MiB; // indirect tables live here
constexpr u64 kAllFeatures = feature::kVersion1 | feature::kIndirectDesc | feature::kRingEventIdx;

class VirtqueueTest : public ::testing::Test {
protected:
    void SetUp() override { configure(queue, driver); }

    static void configure(Virtqueue& q, const MockDriver& d) {
        q.set_size(d.size());
        q.set_desc_addr(d.desc_addr());
        q.set_driver_addr(d.avail_addr());
        q.set_device_addr(d.used_addr());
    }

    DescriptorChain pop_ok() {
        auto r = queue.pop();
        EXPECT_TRUE(r.has_value()) << r.error().message();
        EXPECT_TRUE(r.has_value() && r->has_value());
        return r && *r ? std::move(**r) : DescriptorChain();
    }

    // Pops and expects a malformed-chain error that breaks the queue.
    void expect_pop_error(std::string_view fragment) {
        auto r = queue.pop();
        ASSERT_FALSE(r.has_value()) << "pop succeeded";
        EXPECT_NE(r.error().message().find(fragment), std::string::npos) << r.error().message();
        EXPECT_TRUE(queue.broken());
        auto again = queue.pop();
        ASSERT_TRUE(again.has_value());
        EXPECT_FALSE(again->has_value());
        EXPECT_FALSE(queue.push_used(0, 0).has_value());
    }

    GuestMemory memory = make_memory();
    MockDriver driver = MockDriver::at(memory, 16);
    Virtqueue queue{memory, 256};
};

TEST_F(VirtqueueTest, EmptyQueuePopsNothing) {
    ASSERT_TRUE(queue.activate(feature::kVersion1));
    auto r = queue.pop();
    ASSERT_TRUE(r.has_value());
    EXPECT_FALSE(r->has_value());
}

TEST_F(VirtqueueTest, NotReadyQueuePopsNothing) {
    u16 head = driver.add_chain({{kData, 8}}, {});
    driver.publish(head);
    auto r = queue.pop();
    ASSERT_TRUE(r.has_value());
    EXPECT_FALSE(r->has_value());
    EXPECT_FALSE(queue.push_used(0, 0).has_value());
}

TEST_F(VirtqueueTest, SimpleChainSplitsReadableAndWritable) {
    ASSERT_TRUE(queue.activate(feature::kVersion1));
    u16 head = driver.add_chain({{kData, 16}, {kData + 0x100, 32}}, {{kData + 0x200, 64}});
    driver.publish(head);
    DescriptorChain chain = pop_ok();
    EXPECT_EQ(chain.head(), head);
    ASSERT_EQ(chain.readable().size(), 2u);
    ASSERT_EQ(chain.writable().size(), 1u);
    EXPECT_EQ(chain.readable()[0], (Segment{GuestAddress(kData), 16}));
    EXPECT_EQ(chain.readable()[1], (Segment{GuestAddress(kData + 0x100), 32}));
    EXPECT_EQ(chain.writable()[0], (Segment{GuestAddress(kData + 0x200), 64}));
    EXPECT_EQ(chain.readable_len(), 48u);
    EXPECT_EQ(chain.writable_len(), 64u);
    EXPECT_EQ(chain.descriptor_count(), 3u);

    ASSERT_TRUE(queue.push_used(chain.head(), 10));
    EXPECT_EQ(driver.used_idx(), 1);
    auto used = driver.take_used();
    ASSERT_TRUE(used);
    EXPECT_EQ(used->id, head);
    EXPECT_EQ(used->len, 10u);

    auto r = queue.pop();
    ASSERT_TRUE(r.has_value());
    EXPECT_FALSE(r->has_value());
}

TEST_F(VirtqueueTest, BatchIsPublishedWithOneIndexStore) {
    ASSERT_TRUE(queue.activate(feature::kVersion1));
    u16 a = driver.add_chain({}, {{kData, 8}});
    u16 b = driver.add_chain({}, {{kData + 8, 8}});
    driver.publish(a);
    driver.publish(b);
    DescriptorChain ca = pop_ok();
    DescriptorChain cb = pop_ok();
    const std::array<VirtqUsedElem, 2> batch{{{ca.head(), 8}, {cb.head(), 3}}};
    ASSERT_TRUE(queue.push_used_batch(batch));
    EXPECT_EQ(driver.used_idx(), 2);
    EXPECT_EQ(queue.next_used(), 2);
    auto first = driver.take_used();
    auto second = driver.take_used();
    ASSERT_TRUE(first && second);
    EXPECT_EQ(first->id, a);
    EXPECT_EQ(second->id, b);
    EXPECT_EQ(second->len, 3u);

    // A bad element rejects the whole batch: nothing is written or published.
    const std::array<VirtqUsedElem, 2> bad{{{a, 1}, {999, 1}}};
    EXPECT_FALSE(queue.push_used_batch(bad).has_value());
    EXPECT_EQ(driver.used_idx(), 2);
    EXPECT_EQ(queue.next_used(), 2);
}

TEST_F(VirtqueueTest, ChainsComeOutInAvailableOrder) {
    ASSERT_TRUE(queue.activate(feature::kVersion1));
    u16 a = driver.add_chain({{kData, 1}}, {});
    u16 b = driver.add_chain({}, {{kData + 8, 2}});
    u16 c = driver.add_chain({{kData + 16, 3}}, {{kData + 24, 4}});
    driver.publish(b);
    driver.publish(a);
    driver.publish(c);
    EXPECT_EQ(pop_ok().head(), b);
    EXPECT_EQ(pop_ok().head(), a);
    EXPECT_EQ(pop_ok().head(), c);
    EXPECT_EQ(queue.next_avail(), 3);
}

TEST_F(VirtqueueTest, ReaderAndWriterCrossSegments) {
    ASSERT_TRUE(queue.activate(feature::kVersion1));
    std::array<u8, 10> src{};
    std::iota(src.begin(), src.end(), u8{1});
    must(memory.write(GuestAddress(kData), std::span<const u8>(src).first(3)));
    must(memory.write(GuestAddress(kData + 0x40), std::span<const u8>(src).subspan(3, 7)));
    u16 head = driver.add_chain({{kData, 3}, {kData + 0x40, 7}}, {{kData + 0x80, 4}, {kData + 0xC0, 4}});
    driver.publish(head);
    DescriptorChain chain = pop_ok();

    ChainReader reader(memory, chain);
    auto first = reader.read_obj<u16>();
    ASSERT_TRUE(first);
    EXPECT_EQ(*first, 0x0201);
    std::array<u8, 8> rest{};
    ASSERT_TRUE(reader.read(rest));
    EXPECT_EQ(rest[0], 3);
    EXPECT_EQ(rest[7], 10);
    EXPECT_EQ(reader.remaining(), 0u);
    std::array<u8, 1> extra{};
    EXPECT_FALSE(reader.read(extra));

    ChainWriter writer(memory, chain);
    ASSERT_TRUE(writer.write_obj<u32>(0xAABBCCDD));
    ASSERT_TRUE(writer.write_obj<u16>(0x1122));
    EXPECT_EQ(writer.written(), 6u);
    EXPECT_FALSE(writer.write_obj<u32>(0)); // only 2 bytes of room left
    EXPECT_EQ(writer.written(), 6u);
    EXPECT_EQ(must(memory.read_obj<u32>(GuestAddress(kData + 0x80))), 0xAABBCCDDu);
    EXPECT_EQ(must(memory.read_obj<u16>(GuestAddress(kData + 0xC0))), 0x1122);

    std::array<u8, 4> tail{};
    auto got = chain.read_at(memory, 8, tail);
    ASSERT_TRUE(got);
    EXPECT_EQ(*got, 2u); // only two readable bytes after offset 8
}

TEST_F(VirtqueueTest, IndirectChain) {
    ASSERT_TRUE(queue.activate(kAllFeatures));
    u16 head = driver.add_indirect_chain(GuestAddress(kTable), {{kData, 12}},
                                         {{kData + 0x100, 100}, {kData + 0x200, 1}});
    driver.publish(head);
    DescriptorChain chain = pop_ok();
    EXPECT_EQ(chain.head(), head);
    EXPECT_EQ(chain.readable_len(), 12u);
    EXPECT_EQ(chain.writable_len(), 101u);
    ASSERT_EQ(chain.writable().size(), 2u);
    EXPECT_EQ(chain.writable()[1].addr, GuestAddress(kData + 0x200));
}

TEST_F(VirtqueueTest, DirectDescriptorsThenIndirectTable) {
    ASSERT_TRUE(queue.activate(kAllFeatures));
    driver.write_desc(GuestAddress(kTable), 0, kData + 0x100, 8, kDescFWrite, 0);
    driver.set_desc(0, kData, 4, kDescFNext, 1);
    driver.set_desc(1, kTable, 16, kDescFIndirect | kDescFWrite, 0); // WRITE on the table is ignored
    driver.publish(0);
    DescriptorChain chain = pop_ok();
    EXPECT_EQ(chain.readable_len(), 4u);
    EXPECT_EQ(chain.writable_len(), 8u);
    EXPECT_EQ(chain.descriptor_count(), 3u);
}

TEST_F(VirtqueueTest, ChainAsLongAsTheQueueIsAccepted) {
    ASSERT_TRUE(queue.activate(feature::kVersion1));
    for (u16 i = 0; i < 16; ++i)
        driver.set_desc(i, kData + i, 1, i == 15 ? 0 : kDescFNext, static_cast<u16>(i + 1));
    driver.publish(0);
    EXPECT_EQ(pop_ok().descriptor_count(), 16u);
}

TEST_F(VirtqueueTest, IndicesWrapAround) {
    driver.set_start_index(65534);
    ASSERT_TRUE(queue.activate(feature::kVersion1));
    queue.set_indices(65534, 65534);
    std::vector<u16> heads;
    for (int i = 0; i < 5; ++i) {
        heads.push_back(driver.add_chain({}, {{kData + 0x10 * i, 4}}));
        driver.publish(heads.back());
    }
    EXPECT_EQ(driver.avail_idx(), 3);
    for (int i = 0; i < 5; ++i) {
        DescriptorChain chain = pop_ok();
        EXPECT_EQ(chain.head(), heads[i]);
        ASSERT_TRUE(queue.push_used(chain.head(), static_cast<u32>(i)));
    }
    EXPECT_EQ(queue.next_avail(), 3);
    EXPECT_EQ(driver.used_idx(), 3);
    for (int i = 0; i < 5; ++i) {
        auto used = driver.take_used();
        ASSERT_TRUE(used);
        EXPECT_EQ(used->id, heads[i]);
        EXPECT_EQ(used->len, static_cast<u32>(i));
    }
    auto r = queue.pop();
    ASSERT_TRUE(r.has_value());
    EXPECT_FALSE(r->has_value());
}

TEST(VirtqueueEventIdx, NeedEventMath) {
    // Moving from old to new crosses event when old <= event < new (mod 2^16).
    EXPECT_TRUE(need_event(0, 1, 0));
    EXPECT_FALSE(need_event(1, 1, 0));
    EXPECT_TRUE(need_event(4, 5, 0));
    EXPECT_TRUE(need_event(0, 5, 0));
    EXPECT_FALSE(need_event(5, 5, 0));
    EXPECT_FALSE(need_event(10, 5, 3));
    EXPECT_FALSE(need_event(2, 5, 3)); // already passed before old
    EXPECT_TRUE(need_event(3, 5, 3));
    EXPECT_TRUE(need_event(65535, 1, 65534)); // wraps
    EXPECT_TRUE(need_event(0, 1, 65535));
    EXPECT_FALSE(need_event(1, 1, 65535));
    EXPECT_FALSE(need_event(7, 7, 7)); // nothing moved
}

TEST_F(VirtqueueTest, EventIdxUsedEventSuppressesNotifications) {
    ASSERT_TRUE(queue.activate(kAllFeatures));
    auto push_one = [&] {
        u16 head = driver.add_chain({}, {{kData, 4}});
        driver.publish(head);
        DescriptorChain chain = pop_ok();
        ASSERT_TRUE(queue.push_used(chain.head(), 4));
    };
    driver.set_used_event(0);
    push_one(); // used 0 -> 1 crosses used_event 0
    EXPECT_TRUE(must(queue.needs_notification()));
    EXPECT_FALSE(must(queue.needs_notification())); // nothing new

    driver.set_used_event(3);
    push_one(); // 1 -> 2
    EXPECT_FALSE(must(queue.needs_notification()));
    push_one(); // 2 -> 3
    EXPECT_FALSE(must(queue.needs_notification()));
    push_one(); // 3 -> 4 crosses 3
    EXPECT_TRUE(must(queue.needs_notification()));

    driver.set_used_event(5);
    push_one();
    push_one(); // 4 -> 6 in one batch crosses 5
    EXPECT_TRUE(must(queue.needs_notification()));

    // NO_INTERRUPT is not consulted with EVENT_IDX.
    driver.set_avail_flags(kAvailFNoInterrupt);
    driver.set_used_event(6);
    push_one();
    EXPECT_TRUE(must(queue.needs_notification()));
}

TEST_F(VirtqueueTest, EventIdxEmptyPopPublishesAvailEvent) {
    ASSERT_TRUE(queue.activate(kAllFeatures));
    for (int i = 0; i < 3; ++i)
        driver.publish(driver.add_chain({{kData, 1}}, {}));
    for (int i = 0; i < 3; ++i)
        pop_ok();
    auto r = queue.pop();
    ASSERT_TRUE(r.has_value());
    EXPECT_FALSE(r->has_value());
    EXPECT_EQ(driver.avail_event(), 3);
}

TEST_F(VirtqueueTest, NoInterruptFlagWithoutEventIdx) {
    ASSERT_TRUE(queue.activate(feature::kVersion1));
    driver.publish(driver.add_chain({{kData, 1}}, {}));
    driver.publish(driver.add_chain({{kData, 1}}, {}));
    ASSERT_TRUE(queue.push_used(pop_ok().head(), 0));
    EXPECT_TRUE(must(queue.needs_notification()));
    driver.set_avail_flags(kAvailFNoInterrupt);
    ASSERT_TRUE(queue.push_used(pop_ok().head(), 0));
    EXPECT_FALSE(must(queue.needs_notification()));
}

// Malformed rings and chains.

TEST_F(VirtqueueTest, LoopInChainIsAnError) {
    ASSERT_TRUE(queue.activate(feature::kVersion1));
    driver.set_desc(0, kData, 1, kDescFNext, 1);
    driver.set_desc(1, kData, 1, kDescFNext, 0);
    driver.publish(0);
    expect_pop_error("longer than the queue size");
}

TEST_F(VirtqueueTest, SelfLoopIsAnError) {
    ASSERT_TRUE(queue.activate(feature::kVersion1));
    driver.set_desc(5, kData, 1, kDescFNext, 5);
    driver.publish(5);
    expect_pop_error("longer than the queue size");
}

TEST_F(VirtqueueTest, NextIndexOutsideQueueIsAnError) {
    ASSERT_TRUE(queue.activate(feature::kVersion1));
    driver.set_desc(0, kData, 1, kDescFNext, 16);
    driver.publish(0);
    expect_pop_error("next index 16");
}

TEST_F(VirtqueueTest, HeadIndexOutsideQueueIsAnError) {
    ASSERT_TRUE(queue.activate(feature::kVersion1));
    driver.publish(16);
    expect_pop_error("names descriptor 16");
}

TEST_F(VirtqueueTest, AvailIndexTooFarAheadIsAnError) {
    ASSERT_TRUE(queue.activate(feature::kVersion1));
    driver.set_avail_idx(17);
    expect_pop_error("ahead");
}

TEST_F(VirtqueueTest, BufferOutsideRamIsAnError) {
    ASSERT_TRUE(queue.activate(feature::kVersion1));
    driver.publish(driver.add_chain({{kRamBase + kRamSize - 4, 8}}, {}));
    expect_pop_error("outside guest RAM");
}

TEST_F(VirtqueueTest, BufferBelowRamIsAnError) {
    ASSERT_TRUE(queue.activate(feature::kVersion1));
    driver.publish(driver.add_chain({}, {{0x1000, 8}}));
    expect_pop_error("outside guest RAM");
}

TEST_F(VirtqueueTest, BufferWrappingTheAddressSpaceIsAnError) {
    ASSERT_TRUE(queue.activate(feature::kVersion1));
    driver.publish(driver.add_chain({{~u64{0} - 7, 16}}, {}));
    expect_pop_error("outside guest RAM");
}

TEST_F(VirtqueueTest, ReadableAfterWritableIsAnError) {
    ASSERT_TRUE(queue.activate(feature::kVersion1));
    driver.set_desc(0, kData, 4, kDescFNext | kDescFWrite, 1);
    driver.set_desc(1, kData + 4, 4, 0, 0);
    driver.publish(0);
    expect_pop_error("readable buffer after a device-writable");
}

TEST_F(VirtqueueTest, ReadableInIndirectAfterDirectWritableIsAnError) {
    ASSERT_TRUE(queue.activate(kAllFeatures));
    driver.write_desc(GuestAddress(kTable), 0, kData, 8, 0, 0);
    driver.set_desc(0, kData, 4, kDescFNext | kDescFWrite, 1);
    driver.set_desc(1, kTable, 16, kDescFIndirect, 0);
    driver.publish(0);
    expect_pop_error("readable buffer after a device-writable");
}

TEST_F(VirtqueueTest, TotalLengthOverflowIsAnError) {
    // Four 1 GiB descriptors over the same (untouched, MAP_NORESERVE) GiB: 4 GiB > 2^32 - 1.
    GuestMemory big = make_memory(kRamBase, 1 * GiB);
    MockDriver d = MockDriver::at(big, 8);
    Virtqueue q(big, 8);
    configure(q, d);
    ASSERT_TRUE(q.activate(feature::kVersion1));
    for (u16 i = 0; i < 4; ++i)
        d.set_desc(i, kRamBase, 0x4000'0000, static_cast<u16>(kDescFWrite | (i < 3 ? kDescFNext : 0)),
                   static_cast<u16>(i + 1));
    d.publish(0);
    auto r = q.pop();
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().message().find("exceeds 4 GiB"), std::string::npos) << r.error().message();

    // Three of them (3 GiB) are fine.
    Virtqueue q2(big, 8);
    configure(q2, d);
    ASSERT_TRUE(q2.activate(feature::kVersion1));
    d.set_desc(2, kRamBase, 0x4000'0000, kDescFWrite, 0);
    auto ok = q2.pop();
    ASSERT_TRUE(ok.has_value());
    ASSERT_TRUE(ok->has_value());
    EXPECT_EQ((*ok)->writable_len(), 0xC000'0000u);
}

TEST_F(VirtqueueTest, IndirectWithoutFeatureIsAnError) {
    ASSERT_TRUE(queue.activate(feature::kVersion1));
    driver.publish(driver.add_indirect_chain(GuestAddress(kTable), {{kData, 4}}, {}));
    expect_pop_error("without VIRTIO_F_INDIRECT_DESC");
}

TEST_F(VirtqueueTest, NestedIndirectIsAnError) {
    ASSERT_TRUE(queue.activate(kAllFeatures));
    driver.write_desc(GuestAddress(kTable), 0, kData, 4, kDescFNext, 1);
    driver.write_desc(GuestAddress(kTable), 1, kTable + 0x100, 16, kDescFIndirect, 0);
    driver.set_desc(0, kTable, 32, kDescFIndirect, 0);
    driver.publish(0);
    expect_pop_error("nested indirect");
}

TEST_F(VirtqueueTest, IndirectWithNextIsAnError) {
    ASSERT_TRUE(queue.activate(kAllFeatures));
    driver.write_desc(GuestAddress(kTable), 0, kData, 4, 0, 0);
    driver.set_desc(0, kTable, 16, kDescFIndirect | kDescFNext, 1);
    driver.set_desc(1, kData, 4, 0, 0);
    driver.publish(0);
    expect_pop_error("also has NEXT");
}

TEST_F(VirtqueueTest, IndirectTableLengthNotMultipleOf16IsAnError) {
    ASSERT_TRUE(queue.activate(kAllFeatures));
    driver.write_desc(GuestAddress(kTable), 0, kData, 4, 0, 0);
    driver.set_desc(0, kTable, 24, kDescFIndirect, 0);
    driver.publish(0);
    expect_pop_error("multiple of 16");
}

TEST_F(VirtqueueTest, EmptyIndirectTableIsAnError) {
    ASSERT_TRUE(queue.activate(kAllFeatures));
    driver.set_desc(0, kTable, 0, kDescFIndirect, 0);
    driver.publish(0);
    expect_pop_error("multiple of 16");
}

TEST_F(VirtqueueTest, OversizedIndirectTableIsAnError) {
    ASSERT_TRUE(queue.activate(kAllFeatures));
    driver.set_desc(0, kRamBase, (Virtqueue::kMaxIndirectEntries + 1) * 16, kDescFIndirect, 0);
    driver.publish(0);
    expect_pop_error("exceeds");
}

TEST_F(VirtqueueTest, IndirectTableOutsideRamIsAnError) {
    ASSERT_TRUE(queue.activate(kAllFeatures));
    driver.set_desc(0, kRamBase + kRamSize - 16, 32, kDescFIndirect, 0);
    driver.publish(0);
    expect_pop_error("outside guest RAM");
}

TEST_F(VirtqueueTest, LoopInIndirectTableIsAnError) {
    ASSERT_TRUE(queue.activate(kAllFeatures));
    driver.write_desc(GuestAddress(kTable), 0, kData, 4, kDescFNext, 1);
    driver.write_desc(GuestAddress(kTable), 1, kData, 4, kDescFNext, 0);
    driver.set_desc(0, kTable, 32, kDescFIndirect, 0);
    driver.publish(0);
    expect_pop_error("longer than its table");
}

TEST_F(VirtqueueTest, IndirectNextOutsideTableIsAnError) {
    ASSERT_TRUE(queue.activate(kAllFeatures));
    driver.write_desc(GuestAddress(kTable), 0, kData, 4, kDescFNext, 2);
    driver.set_desc(0, kTable, 32, kDescFIndirect, 0);
    driver.publish(0);
    expect_pop_error("outside the table");
}

TEST_F(VirtqueueTest, ResetRecoversABrokenQueue) {
    ASSERT_TRUE(queue.activate(feature::kVersion1));
    driver.publish(16);
    ASSERT_FALSE(queue.pop().has_value());
    queue.reset();
    EXPECT_FALSE(queue.ready());
    EXPECT_FALSE(queue.broken());
    EXPECT_EQ(queue.size(), 256u);
    MockDriver fresh = MockDriver::at(memory, 16);
    configure(queue, fresh);
    ASSERT_TRUE(queue.activate(feature::kVersion1));
    fresh.publish(fresh.add_chain({{kData, 1}}, {}));
    EXPECT_EQ(pop_ok().readable_len(), 1u);
}

// Queue configuration.

TEST_F(VirtqueueTest, SizeMustBeAPowerOfTwo) {
    for (u32 size : {0u, 3u, 12u, 100u}) {
        queue.set_size(size);
        auto r = queue.activate(feature::kVersion1);
        EXPECT_FALSE(r.has_value()) << size;
        EXPECT_FALSE(queue.ready());
    }
}

TEST_F(VirtqueueTest, SizeMustNotExceedMax) {
    queue.set_size(512);
    EXPECT_FALSE(queue.activate(feature::kVersion1).has_value());
    queue.set_size(70000);
    EXPECT_FALSE(queue.activate(feature::kVersion1).has_value());
    queue.set_size(1);
    EXPECT_TRUE(queue.activate(feature::kVersion1).has_value());
}

TEST_F(VirtqueueTest, RingsOutsideRamAreRejected) {
    Virtqueue q(memory, 16);
    auto check = [&](GuestAddress desc, GuestAddress avail, GuestAddress used) {
        q.reset();
        q.set_size(16);
        q.set_desc_addr(desc);
        q.set_driver_addr(avail);
        q.set_device_addr(used);
        return q.activate(feature::kVersion1);
    };
    const GuestAddress d = driver.desc_addr(), a = driver.avail_addr(), u = driver.used_addr();
    EXPECT_TRUE(check(d, a, u));
    EXPECT_FALSE(check(GuestAddress(0), a, u));
    EXPECT_FALSE(check(GuestAddress(kRamBase + kRamSize - 128), a, u)); // table needs 256 bytes
    EXPECT_FALSE(check(d, GuestAddress(kRamBase + kRamSize - 8), u));
    EXPECT_FALSE(check(d, a, GuestAddress(kRamBase + kRamSize - 16)));
    EXPECT_FALSE(check(d, a, GuestAddress(~u64{0} - 3)));
}

TEST_F(VirtqueueTest, MisalignedOrOverlappingRingsAreRejected) {
    Virtqueue q(memory, 16);
    auto check = [&](GuestAddress desc, GuestAddress avail, GuestAddress used) {
        q.reset();
        q.set_size(16);
        q.set_desc_addr(desc);
        q.set_driver_addr(avail);
        q.set_device_addr(used);
        return q.activate(feature::kVersion1);
    };
    const GuestAddress d = driver.desc_addr(), a = driver.avail_addr(), u = driver.used_addr();
    EXPECT_FALSE(check(d + 8, a, u));
    EXPECT_FALSE(check(d, a + 1, u));
    EXPECT_FALSE(check(d, a, u + 2));
    EXPECT_FALSE(check(d, d + 128, u));
    EXPECT_FALSE(check(d, a, a + 4));
}

TEST_F(VirtqueueTest, ConfigurationIsFrozenWhileReady) {
    ASSERT_TRUE(queue.activate(feature::kVersion1));
    EXPECT_FALSE(queue.set_size(8));
    EXPECT_FALSE(queue.set_desc_addr(GuestAddress(0)));
    EXPECT_FALSE(queue.set_driver_addr(GuestAddress(0)));
    EXPECT_FALSE(queue.set_device_addr(GuestAddress(0)));
    EXPECT_EQ(queue.size(), 16u);
}

TEST_F(VirtqueueTest, PushUsedOfForeignHeadIsAnError) {
    ASSERT_TRUE(queue.activate(feature::kVersion1));
    EXPECT_FALSE(queue.push_used(16, 0).has_value());
    EXPECT_EQ(driver.used_idx(), 0);
}

TEST_F(VirtqueueTest, ChainIsACopyOfTheDescriptors) {
    ASSERT_TRUE(queue.activate(feature::kVersion1));
    u16 head = driver.add_chain({}, {{kData, 8}});
    driver.publish(head);
    DescriptorChain chain = pop_ok();
    driver.set_desc(head, 0, 0xFFFF'FFFF, kDescFWrite, 0); // the guest rewrites it afterwards
    EXPECT_EQ(chain.writable()[0], (Segment{GuestAddress(kData), 8}));
}

} // namespace
} // namespace kite::virtio
