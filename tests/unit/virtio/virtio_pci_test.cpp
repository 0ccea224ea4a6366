#include "base/le_bytes.h"
#include "bus/irq_line.h"
#include "mock_driver.h"
#include "pci/bar_window.h"
#include "pci/ecam_host.h"
#include "pci/intx.h"
#include "pci/msix.h"
#include "pci/pci_bus.h"
#include "pci/pci_regs.h"
#include "virtio/pci/virtio_pci.h"
#include "virtio/rng/virtio_rng.h"

#include <algorithm>
#include <array>
#include <gtest/gtest.h>
#include <map>
#include <memory>
#include <vector>

namespace kite::virtio {
namespace {

using testing::kRamBase;
using testing::make_memory;
using testing::MockDriver;
using testing::must;
using P = VirtioPci;

constexpr u64 kData = kRamBase + 1 * MiB;
constexpr u64 kMmioBase = 0x2000'0000;             // the board's PCI memory window (identity-mapped)
constexpr u64 kBarAddress = kMmioBase + 0x10'0000; // where the "guest" puts BAR0

// A guest's view of a virtio-pci device: config cycles through ECAM, the BAR
// through the board's memory window, with the access widths Linux uses.
class VirtioPciTest : public ::testing::Test {
protected:
    class RecordingMsiSink final : public pci::MsiSink {
    public:
        void send_msi(u64 address, u32 data) override { messages.emplace_back(address, data); }
        std::vector<std::pair<u64, u32>> messages;
    };

    virtual bool with_msix() const { return false; }

    struct Cap {
        u8 at;
        u8 bar;
        u32 offset;
        u32 length;
    };

    void SetUp() override {
        for (auto& line : host_lines)
            line = std::make_shared<RecordingIrqLine>();
        router = std::make_shared<pci::IntxRouter>(std::array<std::shared_ptr<IrqLine>, 4>{
            host_lines[0], host_lines[1], host_lines[2], host_lines[3]});
        bus = std::make_shared<pci::PciBus>([r = router](u8 slot, u8 pin) { return r->line_for(slot, pin); });
        transport = std::make_shared<VirtioPci>(rng, with_msix() ? msi : nullptr);
        slot = must(bus->add_device(transport));
        ASSERT_EQ(slot, 1);
        ecam = std::make_unique<pci::EcamHost>(bus);
        mmio = std::make_unique<pci::PciBarWindow>(bus, pci::PciSpace::Memory, kMmioBase);
    }

    // Config space, through ECAM.
    u32 cfg_read(u16 reg, std::size_t size) {
        std::array<u8, 4> b{};
        ecam->read(u64{slot} << 15 | reg, std::span(b).first(size));
        return static_cast<u32>(load_le(std::span(b).first(size)));
    }
    void cfg_write(u16 reg, u32 value, std::size_t size) {
        std::array<u8, 4> b{};
        store_le(b, value);
        ecam->write(u64{slot} << 15 | reg, std::span(b).first(size));
    }
    u8 cfg8(u16 reg) { return static_cast<u8>(cfg_read(reg, 1)); }
    u16 cfg16(u16 reg) { return static_cast<u16>(cfg_read(reg, 2)); }
    u32 cfg32(u16 reg) { return cfg_read(reg, 4); }

    // Walks the capability list for the virtio structures (the first of each type).
    void find_caps() {
        ASSERT_TRUE(cfg16(pci::reg::kStatus) & pci::status::kCapabilitiesList);
        unsigned hops = 0;
        for (u8 at = cfg8(pci::reg::kCapabilitiesPointer) & 0xFC; at != 0; at = cfg8(at + 1) & 0xFC) {
            ASSERT_LT(++hops, 48u) << "capability list loops";
            if (cfg8(at) != pci::cap_id::kVendorSpecific)
                continue;
            const u8 type = cfg8(at + P::kCapCfgType);
            if (caps.contains(type))
                continue;
            caps[type] = Cap{at, cfg8(at + P::kCapBar), cfg32(at + P::kCapOffset), cfg32(at + P::kCapLength)};
            if (type == P::kCapNotifyCfg)
                notify_multiplier = cfg32(at + P::kCapNotifyOffMultiplier);
        }
    }

    // Sizes BAR0, places it at kBarAddress and enables memory decoding and bus mastering.
    void program_bar() {
        cfg_write(pci::reg::kBar0, 0xFFFF'FFFF, 4);
        const u32 mask = cfg32(pci::reg::kBar0);
        EXPECT_EQ(mask & 0xF, 0u); // 32-bit, non-prefetchable memory
        bar_size = ~(mask & ~0xFu) + 1;
        cfg_write(pci::reg::kBar0, static_cast<u32>(kBarAddress), 4);
        cfg_write(pci::reg::kCommand, pci::command::kMemorySpace | pci::command::kBusMaster, 2);
    }

    // BAR accesses through the memory window.
    u64 bar_read(u32 structure, u64 offset, std::size_t size) {
        std::array<u8, 8> b{};
        mmio->read(kBarAddress - kMmioBase + caps.at(structure).offset + offset, std::span(b).first(size));
        return load_le(std::span(b).first(size));
    }
    void bar_write(u32 structure, u64 offset, u64 value, std::size_t size) {
        std::array<u8, 8> b{};
        store_le(b, value);
        mmio->write(kBarAddress - kMmioBase + caps.at(structure).offset + offset, std::span(b).first(size));
    }
    u8 c8(u64 field) { return static_cast<u8>(bar_read(P::kCapCommonCfg, field, 1)); }
    u16 c16(u64 field) { return static_cast<u16>(bar_read(P::kCapCommonCfg, field, 2)); }
    u32 c32(u64 field) { return static_cast<u32>(bar_read(P::kCapCommonCfg, field, 4)); }
    void w8(u64 field, u8 v) { bar_write(P::kCapCommonCfg, field, v, 1); }
    void w16(u64 field, u16 v) { bar_write(P::kCapCommonCfg, field, v, 2); }
    void w32(u64 field, u32 v) { bar_write(P::kCapCommonCfg, field, v, 4); }
    void w64(u64 field, u64 v) {
        w32(field, static_cast<u32>(v));
        w32(field + 4, static_cast<u32>(v >> 32));
    }
    u8 read_isr() { return static_cast<u8>(bar_read(P::kCapIsrCfg, 0, 1)); }
    // An available-buffer notification at the queue's notify address (4.1.4.4).
    void kick(u16 queue) {
        w16(P::kQueueSelect, queue);
        const u16 notify_off = c16(P::kQueueNotifyOff);
        bar_write(P::kCapNotifyCfg, u64{notify_off} * notify_multiplier, queue, 2);
    }

    // The virtio initialisation sequence (3.1.1) with the PCI layout (4.1.5.1).
    void init_driver() {
        ASSERT_NO_FATAL_FAILURE(find_caps());
        ASSERT_NO_FATAL_FAILURE(program_bar());
        w8(P::kDeviceStatus, 0);
        ASSERT_EQ(c8(P::kDeviceStatus), 0);
        w8(P::kDeviceStatus, status::kAcknowledge);
        w8(P::kDeviceStatus, status::kAcknowledge | status::kDriver);
        w32(P::kDeviceFeatureSelect, 0);
        u64 offered = c32(P::kDeviceFeature);
        w32(P::kDeviceFeatureSelect, 1);
        offered |= u64{c32(P::kDeviceFeature)} << 32;
        ASSERT_TRUE(offered & feature::kVersion1);
        const u64 features = offered & (feature::kVersion1 | feature::kRingEventIdx);
        w32(P::kDriverFeatureSelect, 0);
        w32(P::kDriverFeature, static_cast<u32>(features));
        w32(P::kDriverFeatureSelect, 1);
        w32(P::kDriverFeature, static_cast<u32>(features >> 32));
        w8(P::kDeviceStatus, status::kAcknowledge | status::kDriver | status::kFeaturesOk);
        ASSERT_TRUE(c8(P::kDeviceStatus) & status::kFeaturesOk);

        ASSERT_EQ(c16(P::kNumQueues), 1);
        w16(P::kQueueSelect, 0);
        ASSERT_EQ(c16(P::kQueueSize), VirtioRng::kQueueSize);
        ASSERT_EQ(c16(P::kQueueEnable), 0);
        w16(P::kQueueSize, driver.size());
        w64(P::kQueueDesc, driver.desc_addr().value);
        w64(P::kQueueDriver, driver.avail_addr().value);
        w64(P::kQueueDevice, driver.used_addr().value);
        w16(P::kQueueEnable, 1);
        ASSERT_EQ(c16(P::kQueueEnable), 1);
        w8(P::kDeviceStatus,
           status::kAcknowledge | status::kDriver | status::kFeaturesOk | status::kDriverOk);
        ASSERT_EQ(c8(P::kDeviceStatus),
                  status::kAcknowledge | status::kDriver | status::kFeaturesOk | status::kDriverOk);
    }

    // The PCI configuration access capability, as a driver without BAR access would use it.
    u32 cfg_window_read(u32 offset, u32 length) {
        const u8 at = caps.at(P::kCapPciCfg).at;
        cfg_write(at + P::kCapBar, P::kBar, 1);
        cfg_write(at + P::kCapOffset, offset, 4);
        cfg_write(at + P::kCapLength, length, 4);
        return cfg_read(at + P::kCapPciCfgData, 4) & static_cast<u32>((u64{1} << (8 * length)) - 1);
    }
    void cfg_window_write(u32 offset, u32 length, u32 value) {
        const u8 at = caps.at(P::kCapPciCfg).at;
        cfg_write(at + P::kCapBar, P::kBar, 1);
        cfg_write(at + P::kCapOffset, offset, 4);
        cfg_write(at + P::kCapLength, length, 4);
        cfg_write(at + P::kCapPciCfgData, value, 4);
    }

    // INTA of slot 1 lands on host line 1.
    bool irq() const { return host_lines[1]->level(); }

    GuestMemory memory = make_memory();
    MockDriver driver = MockDriver::at(memory, 16);
    std::shared_ptr<VirtioRng> rng =
        std::make_shared<VirtioRng>(memory, [](std::span<u8> out) -> Result<void> {
            std::ranges::fill(out, u8{0x5A});
            return {};
        });
    std::shared_ptr<RecordingMsiSink> msi = std::make_shared<RecordingMsiSink>();
    std::array<std::shared_ptr<RecordingIrqLine>, 4> host_lines;
    std::shared_ptr<pci::IntxRouter> router;
    std::shared_ptr<pci::PciBus> bus;
    std::shared_ptr<VirtioPci> transport;
    std::unique_ptr<pci::EcamHost> ecam;
    std::unique_ptr<pci::PciBarWindow> mmio;
    u8 slot = 0;
    std::map<u8, Cap> caps;
    u32 notify_multiplier = 0;
    u64 bar_size = 0;
};

TEST_F(VirtioPciTest, IdentifiesAsAModernVirtioDevice) {
    EXPECT_EQ(cfg16(pci::reg::kVendorId), 0x1AF4);
    EXPECT_EQ(cfg16(pci::reg::kDeviceId), 0x1044); // 0x1040 + entropy (4)
    EXPECT_EQ(cfg8(pci::reg::kRevisionId), 1);
    EXPECT_EQ(cfg32(pci::reg::kRevisionId) >> 8, 0xFF'00'00u);
    EXPECT_EQ(cfg16(pci::reg::kSubsystemVendorId), 0x1AF4);
    EXPECT_GE(cfg16(pci::reg::kSubsystemId), 0x40);
    EXPECT_EQ(cfg8(pci::reg::kInterruptPin), pci::kPinIntA);
    EXPECT_EQ(cfg8(pci::reg::kHeaderType), 0);
    EXPECT_EQ(VirtioPci::class_code_for(DeviceId::Block), 0x01'80'00u);
    EXPECT_EQ(VirtioPci::class_code_for(DeviceId::Net), 0x02'00'00u);
    EXPECT_EQ(VirtioPci::class_code_for(DeviceId::Console), 0x07'80'00u);
}

TEST_F(VirtioPciTest, CapabilitiesDescribeTheBarLayout) {
    ASSERT_NO_FATAL_FAILURE(find_caps());
    ASSERT_EQ(caps.size(), 5u);
    for (const auto& [type, cap] : caps) {
        EXPECT_EQ(cap.bar, 0) << "type " << int{type};
        EXPECT_EQ(cap.at % 4, 0) << "type " << int{type};
        EXPECT_GE(cfg8(cap.at + P::kCapLen), type == P::kCapNotifyCfg || type == P::kCapPciCfg ? 20 : 16);
    }
    EXPECT_EQ(caps[P::kCapCommonCfg].offset, P::kCommonCfgOffset);
    EXPECT_GE(caps[P::kCapCommonCfg].length, 0x38u);
    EXPECT_EQ(caps[P::kCapNotifyCfg].offset, P::kNotifyOffset);
    EXPECT_GE(caps[P::kCapNotifyCfg].length, 2u);
    EXPECT_EQ(notify_multiplier, 4u);
    EXPECT_EQ(caps[P::kCapIsrCfg].offset, P::kIsrOffset);
    EXPECT_GE(caps[P::kCapIsrCfg].length, 1u);
    EXPECT_EQ(caps[P::kCapDeviceCfg].offset, P::kDeviceCfgOffset);
    ASSERT_NO_FATAL_FAILURE(program_bar());
    EXPECT_EQ(bar_size, P::kBarSize);
    for (const auto& [type, cap] : caps) {
        if (type != P::kCapPciCfg) {
            EXPECT_LE(u64{cap.offset} + cap.length, bar_size) << "type " << int{type};
        }
    }
}

TEST_F(VirtioPciTest, RandomBytesArriveAndTheIsrAcknowledgesTheInterrupt) {
    ASSERT_NO_FATAL_FAILURE(init_driver());
    must(memory.fill(GuestAddress(kData), 0, 0x100));
    const u16 head = driver.add_chain({}, {{kData, 32}});
    driver.publish(head);
    EXPECT_FALSE(irq());
    kick(0);

    auto used = driver.take_used();
    ASSERT_TRUE(used);
    EXPECT_EQ(used->id, head);
    EXPECT_EQ(used->len, 32u);
    std::array<u8, 33> got{};
    must(memory.read(GuestAddress(kData), got));
    EXPECT_TRUE(std::all_of(got.begin(), got.begin() + 32, [](u8 b) { return b == 0x5A; }));
    EXPECT_EQ(got[32], 0);

    EXPECT_TRUE(irq());
    EXPECT_TRUE(cfg16(pci::reg::kStatus) & pci::status::kInterruptStatus);
    EXPECT_EQ(read_isr(), P::kIsrQueue);
    EXPECT_FALSE(irq());
    EXPECT_FALSE(cfg16(pci::reg::kStatus) & pci::status::kInterruptStatus);
    EXPECT_EQ(read_isr(), 0);

    // Again, to see the line rise a second time (EVENT_IDX: ask for the next one).
    driver.set_used_event(driver.used_idx());
    driver.publish(driver.add_chain({}, {{kData + 0x40, 8}}));
    kick(0);
    ASSERT_TRUE(driver.take_used());
    EXPECT_TRUE(irq());
    EXPECT_EQ(host_lines[1]->rising_edges(), 2u);
    EXPECT_EQ(read_isr(), P::kIsrQueue);
    EXPECT_EQ(transport->ignored_access_count(), 0u);
}

TEST_F(VirtioPciTest, IntxDisableMasksTheLine) {
    ASSERT_NO_FATAL_FAILURE(init_driver());
    const u16 cmd = cfg16(pci::reg::kCommand);
    cfg_write(pci::reg::kCommand, cmd | pci::command::kIntxDisable, 2);
    driver.publish(driver.add_chain({}, {{kData, 8}}));
    kick(0);
    ASSERT_TRUE(driver.take_used());
    EXPECT_FALSE(irq());
    EXPECT_TRUE(cfg16(pci::reg::kStatus) & pci::status::kInterruptStatus);
    cfg_write(pci::reg::kCommand, cmd, 2);
    EXPECT_TRUE(irq());
    EXPECT_EQ(read_isr(), P::kIsrQueue);
    EXPECT_FALSE(irq());
}

TEST_F(VirtioPciTest, UnprogrammedOrDisabledBarIsNotReachable) {
    ASSERT_NO_FATAL_FAILURE(find_caps());
    EXPECT_EQ(bar_read(P::kCapCommonCfg, P::kNumQueues, 2), 0xFFFFu);
    ASSERT_NO_FATAL_FAILURE(program_bar());
    EXPECT_EQ(bar_read(P::kCapCommonCfg, P::kNumQueues, 2), 1u);
    cfg_write(pci::reg::kCommand, 0, 2);
    EXPECT_EQ(bar_read(P::kCapCommonCfg, P::kNumQueues, 2), 0xFFFFu);
}

TEST_F(VirtioPciTest, CommonConfigFieldsAndWidths) {
    ASSERT_NO_FATAL_FAILURE(find_caps());
    ASSERT_NO_FATAL_FAILURE(program_bar());
    EXPECT_EQ(c16(P::kConfigMsixVector), P::kNoVector);
    w16(P::kConfigMsixVector, 0);
    EXPECT_EQ(c16(P::kConfigMsixVector), P::kNoVector); // mapping refused: there is no MSI-X
    EXPECT_EQ(c16(P::kQueueMsixVector), P::kNoVector);
    w32(P::kDeviceFeatureSelect, 2);
    EXPECT_EQ(c32(P::kDeviceFeature), 0u);
    w32(P::kDeviceFeatureSelect, 1);
    EXPECT_EQ(c32(P::kDeviceFeatureSelect), 1u);
    EXPECT_TRUE(c32(P::kDeviceFeature) & 1); // VERSION_1 is bit 32
    w16(P::kQueueSelect, 1);
    EXPECT_EQ(c16(P::kQueueSize), 0); // no such queue
    EXPECT_EQ(c16(P::kQueueEnable), 0);
    w16(P::kQueueSelect, 0);
    EXPECT_EQ(c16(P::kQueueNotifyOff), 0);

    // 64-bit fields: 32-bit halves, read back whole or in halves.
    w32(P::kQueueDesc, 0x1234'5000);
    w32(P::kQueueDesc + 4, 0x1);
    EXPECT_EQ(bar_read(P::kCapCommonCfg, P::kQueueDesc, 8), 0x1'1234'5000u);
    EXPECT_EQ(c32(P::kQueueDesc + 4), 0x1u);

    // Writes that match no field's width, or hit read-only fields, are dropped and counted.
    const u64 before = transport->ignored_access_count();
    w8(P::kQueueSelect + 1, 1);
    w32(P::kQueueSelect, 0x0001'0000);
    w16(P::kNumQueues, 7);
    w8(P::kConfigGeneration, 9);
    bar_write(P::kCapCommonCfg, P::kQueueDesc + 2, 0, 4);
    EXPECT_EQ(transport->ignored_access_count(), before + 5);
    EXPECT_EQ(c16(P::kQueueSelect), 0);
    EXPECT_EQ(c16(P::kNumQueues), 1);
    // A 32-bit read across fields returns each field's bytes.
    EXPECT_EQ(c32(P::kNumQueues), 1u | u32{rng->status()} << 16 | (rng->config_generation() & 0xFF) << 24);
}

TEST_F(VirtioPciTest, ResetClearsTheTransport) {
    ASSERT_NO_FATAL_FAILURE(init_driver());
    driver.publish(driver.add_chain({}, {{kData, 8}}));
    kick(0);
    ASSERT_TRUE(irq());
    w8(P::kDeviceStatus, 0);
    EXPECT_EQ(c8(P::kDeviceStatus), 0);
    EXPECT_FALSE(irq());
    EXPECT_EQ(transport->isr_status(), 0);
    EXPECT_EQ(c16(P::kQueueEnable), 0);
    EXPECT_EQ(c16(P::kQueueSize), VirtioRng::kQueueSize);
    EXPECT_EQ(c32(P::kQueueDesc), 0u);
}

TEST_F(VirtioPciTest, DeviceErrorRaisesAConfigInterrupt) {
    ASSERT_NO_FATAL_FAILURE(init_driver());
    driver.publish(driver.add_chain({}, {{kRamBase + testing::kRamSize, 16}}));
    kick(0);
    EXPECT_TRUE(c8(P::kDeviceStatus) & status::kNeedsReset);
    EXPECT_TRUE(irq());
    EXPECT_EQ(read_isr(), P::kIsrConfig);
    EXPECT_FALSE(irq());
}

TEST_F(VirtioPciTest, PciConfigAccessCapabilityReachesTheBar) {
    ASSERT_NO_FATAL_FAILURE(find_caps());
    // No BAR programming or memory decoding needed: the window works through config space.
    EXPECT_EQ(cfg_window_read(P::kCommonCfgOffset + P::kNumQueues, 2), 1u);
    EXPECT_EQ(cfg_window_read(P::kCommonCfgOffset + P::kQueueSize, 2), VirtioRng::kQueueSize);
    cfg_window_write(P::kCommonCfgOffset + P::kDeviceStatus, 1, status::kAcknowledge);
    EXPECT_EQ(rng->status(), status::kAcknowledge);
    EXPECT_EQ(cfg_window_read(P::kCommonCfgOffset + P::kDeviceStatus, 1), status::kAcknowledge);
    // The fields read back what the driver wrote.
    const u8 at = caps.at(P::kCapPciCfg).at;
    EXPECT_EQ(cfg8(at + P::kCapBar), 0);
    EXPECT_EQ(cfg32(at + P::kCapOffset), P::kCommonCfgOffset + P::kDeviceStatus);
    EXPECT_EQ(cfg32(at + P::kCapLength), 1u);
    // A bad length or misaligned offset does nothing but count.
    const u64 before = transport->ignored_access_count();
    cfg_window_read(P::kCommonCfgOffset + P::kNumQueues, 3);
    cfg_window_read(P::kCommonCfgOffset + P::kNumQueues + 1, 2);
    EXPECT_EQ(transport->ignored_access_count(), before + 2);
    // Other capabilities stay read-only.
    const u8 common = caps.at(P::kCapCommonCfg).at;
    cfg_write(common + P::kCapOffset, 0x1234, 4);
    EXPECT_EQ(cfg32(common + P::kCapOffset), P::kCommonCfgOffset);
}

TEST_F(VirtioPciTest, WithoutAnMsiSinkThereIsNoMsixCapabilityOrBar1) {
    for (u8 at = cfg8(pci::reg::kCapabilitiesPointer) & 0xFC; at != 0; at = cfg8(at + 1) & 0xFC)
        EXPECT_NE(cfg8(at), pci::MsixTable::kCapabilityId);
    cfg_write(pci::reg::kBar0 + 4, 0xFFFF'FFFF, 4);
    EXPECT_EQ(cfg32(pci::reg::kBar0 + 4), 0u);
}

// The same device on a board with an MSI controller.
class VirtioPciMsixTest : public VirtioPciTest {
protected:
    static constexpr u64 kMsixAddress = kBarAddress + P::kBarSize; // where the "guest" puts BAR1

    bool with_msix() const override { return true; }

    u8 find_msix_cap() {
        for (u8 at = cfg8(pci::reg::kCapabilitiesPointer) & 0xFC; at != 0; at = cfg8(at + 1) & 0xFC)
            if (cfg8(at) == pci::MsixTable::kCapabilityId)
                return at;
        return 0;
    }
    void program_msix_bar() {
        cfg_write(pci::reg::kBar0 + 4 * P::kMsixBar, static_cast<u32>(kMsixAddress), 4);
    }
    void table_write(u16 vector, u64 field, u32 value) {
        std::array<u8, 4> b{};
        store_le(b, value);
        mmio->write(kMsixAddress - kMmioBase + P::kMsixTableOffset + vector * 16 + field, b);
    }
    void program_vector(u16 vector, u32 data) {
        table_write(vector, pci::MsixTable::kAddressLow, 0xFEE0'0000);
        table_write(vector, pci::MsixTable::kData, data);
        table_write(vector, pci::MsixTable::kVectorControl, 0);
    }
    void enable_msix(u16 extra = 0) {
        const u8 cap = find_msix_cap();
        cfg_write(cap + pci::MsixTable::kMessageControl, pci::MsixTable::kEnable | extra, 2);
    }
};

TEST_F(VirtioPciMsixTest, CapabilityPointsAtBar1) {
    const u8 cap = find_msix_cap();
    ASSERT_NE(cap, 0);
    EXPECT_EQ(cfg16(cap + pci::MsixTable::kMessageControl), 1u); // two vectors: config and the queue
    EXPECT_EQ(cfg32(cap + pci::MsixTable::kTableOffsetBir), P::kMsixTableOffset | P::kMsixBar);
    EXPECT_EQ(cfg32(cap + pci::MsixTable::kPbaOffsetBir), P::kMsixPbaOffset | P::kMsixBar);
    cfg_write(pci::reg::kBar0 + 4, 0xFFFF'FFFF, 4);
    EXPECT_EQ(cfg32(pci::reg::kBar0 + 4), static_cast<u32>(~(P::kMsixBarSize - 1)));
}

TEST_F(VirtioPciMsixTest, QueueInterruptsGoToTheirVectorNotIntx) {
    ASSERT_NO_FATAL_FAILURE(init_driver());
    program_msix_bar();
    program_vector(0, 0x41); // config
    program_vector(1, 0x42); // queue 0
    enable_msix();
    EXPECT_TRUE(transport->msix_enabled());
    w16(P::kConfigMsixVector, 0);
    EXPECT_EQ(c16(P::kConfigMsixVector), 0);
    w16(P::kQueueSelect, 0);
    w16(P::kQueueMsixVector, 1);
    EXPECT_EQ(c16(P::kQueueMsixVector), 1);

    driver.publish(driver.add_chain({}, {{kData, 8}}));
    kick(0);
    ASSERT_TRUE(driver.take_used());
    ASSERT_EQ(msi->messages.size(), 1u);
    EXPECT_EQ(msi->messages[0], std::make_pair(u64{0xFEE0'0000}, u32{0x42}));
    EXPECT_FALSE(irq());
    EXPECT_EQ(transport->isr_status(), 0);
}

TEST_F(VirtioPciMsixTest, ConfigChangeSetsTheIsrAndSendsTheConfigVector) {
    ASSERT_NO_FATAL_FAILURE(init_driver());
    program_msix_bar();
    program_vector(0, 0x41);
    enable_msix();
    w16(P::kConfigMsixVector, 0);
    driver.publish(driver.add_chain({}, {{kRamBase + testing::kRamSize, 16}}));
    kick(0); // a bad buffer: NEEDS_RESET and a configuration change
    ASSERT_EQ(msi->messages.size(), 1u);
    EXPECT_EQ(msi->messages[0].second, 0x41u);
    EXPECT_FALSE(irq());
    EXPECT_EQ(read_isr(), P::kIsrConfig);
}

TEST_F(VirtioPciMsixTest, VectorsOutsideTheTableFailToMapAndNoVectorIsSilent) {
    ASSERT_NO_FATAL_FAILURE(init_driver());
    program_msix_bar();
    enable_msix();
    w16(P::kQueueSelect, 0);
    w16(P::kQueueMsixVector, 2);
    EXPECT_EQ(c16(P::kQueueMsixVector), P::kNoVector);
    driver.publish(driver.add_chain({}, {{kData, 8}}));
    kick(0);
    ASSERT_TRUE(driver.take_used());
    EXPECT_TRUE(msi->messages.empty());
    EXPECT_FALSE(irq());
}

TEST_F(VirtioPciMsixTest, FunctionMaskPendsAndDisablingFallsBackToIntx) {
    ASSERT_NO_FATAL_FAILURE(init_driver());
    program_msix_bar();
    program_vector(1, 0x42);
    enable_msix(pci::MsixTable::kFunctionMask);
    w16(P::kQueueSelect, 0);
    w16(P::kQueueMsixVector, 1);
    driver.publish(driver.add_chain({}, {{kData, 8}}));
    kick(0);
    ASSERT_TRUE(driver.take_used());
    EXPECT_TRUE(msi->messages.empty());
    enable_msix(); // clearing the function mask sends the pending vector
    ASSERT_EQ(msi->messages.size(), 1u);
    EXPECT_EQ(msi->messages[0].second, 0x42u);

    cfg_write(find_msix_cap() + pci::MsixTable::kMessageControl, 0, 2);
    EXPECT_FALSE(transport->msix_enabled());
    driver.set_used_event(driver.used_idx());
    driver.publish(driver.add_chain({}, {{kData, 8}}));
    kick(0);
    ASSERT_TRUE(driver.take_used());
    EXPECT_TRUE(irq());
    EXPECT_EQ(read_isr(), P::kIsrQueue);
    EXPECT_EQ(msi->messages.size(), 1u);
}

TEST_F(VirtioPciMsixTest, ResetUnmapsTheVectors) {
    ASSERT_NO_FATAL_FAILURE(init_driver());
    w16(P::kConfigMsixVector, 1);
    EXPECT_EQ(c16(P::kConfigMsixVector), 1);
    w8(P::kDeviceStatus, 0);
    EXPECT_EQ(c16(P::kConfigMsixVector), P::kNoVector);
    EXPECT_EQ(c16(P::kQueueMsixVector), P::kNoVector);
}

} // namespace
} // namespace kite::virtio
