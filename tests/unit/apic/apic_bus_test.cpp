#include "apic_test_util.h"
#include "devices/apic/apic_bus.h"
#include "devices/apic/local_apic.h"

#include <gtest/gtest.h>

#include <memory>

namespace kite::devices {
namespace {

using test::CpuRecord;
using test::enable;
using test::FakeClock;
using test::fixed_to;

// Four software-enabled xAPICs with IDs 0..3 on one bus.
class ApicBusTest : public ::testing::Test {
protected:
    void SetUp() override {
        for (u32 id = 0; id < 4; ++id) {
            apics.push_back(std::make_unique<LocalApic>(
                LocalApicConfig{.apic_id = id, .bootstrap = id == 0, .now_ns = clock.fn()},
                test::record_into(cpus[id])));
            bus.attach(*apics.back());
            enable(*apics.back());
        }
    }

    // Which APICs have `vector` pending in IRR.
    std::vector<u32> holders(u8 vector) {
        std::vector<u32> out;
        for (u32 id = 0; id < apics.size(); ++id) {
            u32 irr = apics[id]->read_register(LocalApic::kIrr + 0x10 * (vector / 32));
            if ((irr >> (vector % 32)) & 1)
                out.push_back(id);
        }
        return out;
    }

    void send_ipi(u32 from, u32 destination, u32 icr_low) {
        apics[from]->write_register(LocalApic::kIcrHigh, destination << 24);
        apics[from]->write_register(LocalApic::kIcrLow, icr_low);
    }

    FakeClock clock;
    std::array<CpuRecord, 4> cpus;
    ApicBus bus;
    std::vector<std::unique_ptr<LocalApic>> apics;
};

TEST_F(ApicBusTest, PhysicalAndBroadcastDestinations) {
    EXPECT_EQ(bus.send(fixed_to(2, 0x40)), 1u);
    EXPECT_EQ(holders(0x40), std::vector<u32>{2});
    EXPECT_EQ(bus.send(fixed_to(7, 0x41)), 0u) << "nobody has ID 7";
    EXPECT_EQ(bus.send(fixed_to(0xFF, 0x42)), 4u);
    EXPECT_EQ(holders(0x42), (std::vector<u32>{0, 1, 2, 3}));
}

TEST_F(ApicBusTest, FlatLogicalDestinations) {
    for (u32 id = 0; id < 4; ++id)
        apics[id]->write_register(LocalApic::kLdr, (1u << id) << 24);
    ApicMessage message = fixed_to(0b1010, 0x50);
    message.logical = true;
    EXPECT_EQ(bus.send(message), 2u);
    EXPECT_EQ(holders(0x50), (std::vector<u32>{1, 3}));
}

TEST_F(ApicBusTest, ClusterLogicalDestinations) {
    // Cluster 1 holds APICs 0 and 1 (members 1 and 2), cluster 2 holds 2 and 3.
    const u32 ldr[] = {0x11, 0x12, 0x21, 0x22};
    for (u32 id = 0; id < 4; ++id) {
        apics[id]->write_register(LocalApic::kDfr, 0x0FFF'FFFF);
        apics[id]->write_register(LocalApic::kLdr, ldr[id] << 24);
    }
    ApicMessage message = fixed_to(0x23, 0x50);
    message.logical = true;
    EXPECT_EQ(bus.send(message), 2u);
    EXPECT_EQ(holders(0x50), (std::vector<u32>{2, 3}));
    message = fixed_to(0x12, 0x51);
    message.logical = true;
    EXPECT_EQ(bus.send(message), 1u);
    EXPECT_EQ(holders(0x51), std::vector<u32>{1});
}

TEST_F(ApicBusTest, LowestPriorityPicksTheLowestArbitrationPriority) {
    for (u32 id = 0; id < 4; ++id)
        apics[id]->write_register(LocalApic::kTpr, id == 2 ? 0x10 : 0x80);
    ApicMessage message = fixed_to(0xFF, 0x60);
    message.delivery = DeliveryMode::lowest_priority;
    EXPECT_EQ(bus.send(message), 1u);
    EXPECT_EQ(holders(0x60), std::vector<u32>{2});
    // A software-disabled APIC takes no part.
    apics[2]->write_register(LocalApic::kSvr, 0xFF);
    apics[1]->write_register(LocalApic::kTpr, 0x20);
    message.vector = 0x61;
    bus.send(message);
    EXPECT_EQ(holders(0x61), std::vector<u32>{1});
}

TEST_F(ApicBusTest, FixedIpisWithShorthands) {
    send_ipi(0, 3, 0x70); // fixed, physical, no shorthand
    EXPECT_EQ(holders(0x70), std::vector<u32>{3});
    EXPECT_EQ(cpus[3].wakes, 1u);
    send_ipi(1, 0, 0x71 | (1u << 18)); // self
    EXPECT_EQ(holders(0x71), std::vector<u32>{1});
    send_ipi(1, 0, 0x72 | (2u << 18)); // all including self
    EXPECT_EQ(holders(0x72), (std::vector<u32>{0, 1, 2, 3}));
    send_ipi(1, 0, 0x73 | (3u << 18)); // all excluding self
    EXPECT_EQ(holders(0x73), (std::vector<u32>{0, 2, 3}));
    send_ipi(0, 0xFF, 0x74); // physical broadcast
    EXPECT_EQ(holders(0x74), (std::vector<u32>{0, 1, 2, 3}));
    EXPECT_EQ(apics[0]->read_register(LocalApic::kIcrLow), 0x74u) << "delivery status reads idle";
}

TEST_F(ApicBusTest, IllegalIpiVectorIsASendError) {
    send_ipi(0, 1, 0x05);
    EXPECT_TRUE(holders(0x05).empty());
    apics[0]->write_register(LocalApic::kEsr, 0);
    EXPECT_EQ(apics[0]->read_register(LocalApic::kEsr), LocalApic::kEsrSendIllegalVector);
}

TEST_F(ApicBusTest, NmiInitAndStartupIpis) {
    send_ipi(0, 2, 0x400); // NMI
    EXPECT_TRUE(apics[2]->take_nmi());
    EXPECT_FALSE(apics[1]->take_nmi());
    // The usual AP start-up: INIT assert, INIT de-assert, SIPI, SIPI to all but self.
    send_ipi(0, 0, 0xC4500); // INIT, level assert, all excluding self
    send_ipi(0, 0, 0xC8500); // INIT de-assert (level-triggered, level 0): not delivered
    send_ipi(0, 0, 0xC469A); // SIPI, vector 0x9A
    for (u32 id = 1; id < 4; ++id) {
        EXPECT_EQ(cpus[id].inits, 1u) << id;
        EXPECT_EQ(cpus[id].startups, std::vector<u8>{0x9A}) << id;
    }
    EXPECT_EQ(cpus[0].inits, 0u);
}

TEST_F(ApicBusTest, LevelTriggeredIpiEoiIsBroadcast) {
    std::vector<u8> eois;
    bus.add_eoi_listener([&](u8 vector) { eois.push_back(vector); });
    send_ipi(0, 1, 0x75 | (1u << 15) | (1u << 14));
    EXPECT_EQ(apics[1]->acknowledge(), 0x75);
    apics[1]->eoi();
    EXPECT_EQ(eois, std::vector<u8>{0x75});
}

TEST(MsiTest, DecodesAddressAndData) {
    auto message = decode_msi(0xFEE0'3000 | (1u << 3) | (1u << 2), 0xC000 | 0x100 | 0x45);
    ASSERT_TRUE(message);
    EXPECT_EQ(message->destination, 3u);
    EXPECT_TRUE(message->redirection_hint);
    EXPECT_TRUE(message->logical);
    EXPECT_EQ(message->vector, 0x45);
    EXPECT_EQ(message->delivery, DeliveryMode::lowest_priority);
    EXPECT_TRUE(message->assert_level);
    EXPECT_TRUE(message->level_triggered);
    message = decode_msi(0xFEEF'F000, 0x31);
    ASSERT_TRUE(message);
    EXPECT_EQ(message->destination, 0xFFu);
    EXPECT_FALSE(message->logical);
    EXPECT_FALSE(message->level_triggered);
    EXPECT_EQ(message->delivery, DeliveryMode::fixed);
    EXPECT_FALSE(decode_msi(0xFED0'0000, 0x31)) << "outside the window";
    EXPECT_FALSE(decode_msi(0x1'FEE0'0000, 0x31)) << "above 4 GiB";
    EXPECT_FALSE(decode_msi(0xFEE0'0000, 0x631)) << "startup";
    EXPECT_FALSE(decode_msi(0xFEE0'0000, 0x331)) << "reserved delivery mode";
}

TEST_F(ApicBusTest, MsiWritesAreDelivered) {
    EXPECT_TRUE(bus.send_msi(0xFEE0'1000, 0x44));
    EXPECT_EQ(holders(0x44), std::vector<u32>{1});
    EXPECT_TRUE(bus.send_msi(0xFEE0'2000, 0x400)); // NMI
    EXPECT_TRUE(apics[2]->take_nmi());
    EXPECT_FALSE(bus.send_msi(0xFEF0'0000, 0x44));
    EXPECT_EQ(bus.invalid_msi_count(), 1u);
}

TEST_F(ApicBusTest, X2apicDestinations) {
    // APIC 3 switches to x2APIC: physical ID 3, logical cluster 0, member bit 3.
    ASSERT_TRUE(apics[3]->set_apic_base(LocalApic::kDefaultBase | LocalApic::kBaseEnable | LocalApic::kBaseX2apic));
    enable(*apics[3]);
    ApicMessage message = fixed_to(3, 0x40);
    message.x2apic_destination = true;
    EXPECT_EQ(bus.send(message), 1u);
    EXPECT_EQ(holders(0x40), std::vector<u32>{3});
    message = fixed_to(0x0000'0008, 0x41);
    message.x2apic_destination = true;
    message.logical = true;
    EXPECT_EQ(bus.send(message), 1u);
    EXPECT_EQ(holders(0x41), std::vector<u32>{3});
    message = fixed_to(0xFFFF'FFFF, 0x42);
    message.x2apic_destination = true;
    EXPECT_EQ(bus.send(message), 4u);
}

TEST_F(ApicBusTest, X2apicClusterIpi) {
    // All four in x2APIC mode: cluster 0, member bits 0..3.
    for (auto& apic : apics) {
        ASSERT_TRUE(apic->write_msr(LocalApic::kMsrApicBase,
                                    LocalApic::kDefaultBase | LocalApic::kBaseEnable | LocalApic::kBaseX2apic));
        enable(*apic);
    }
    // Logical (bit 11), cluster 0, members 1 and 2.
    ASSERT_TRUE(apics[0]->write_msr(0x830, (0x0000'0006ull << 32) | (1u << 11) | 0x77));
    EXPECT_EQ(holders(0x77), (std::vector<u32>{1, 2}));
}

} // namespace
} // namespace kite::devices
