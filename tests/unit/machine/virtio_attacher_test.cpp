#include "base/le_bytes.h"
#include "machine/common/virtio_attacher.h"
#include "virtio/rng/virtio_rng.h"

#include <gtest/gtest.h>

namespace kite::machine {
namespace {

constexpr u64 kSlotBase = 0x1000'0000;
constexpr u64 kSlotStride = 0x1000;
constexpr u32 kVirtioMagic = 0x7472'6976; // "virt"

class VirtioAttacherTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(memory.add_region(GuestAddress(0x8000'0000), 1 * MiB));
        auto started = IoThread::start("test-io");
        ASSERT_TRUE(started);
        io = std::move(*started);
    }
    void TearDown() override { io->stop(); }

    VirtioPlacement two_slots(std::shared_ptr<pci::PciBus> pci = nullptr) {
        return {.mmio_base = kSlotBase,
                .mmio_stride = kSlotStride,
                .mmio_slots = 2,
                .mmio_irq =
                    [this](u32 slot) {
                        irq_slots.push_back(slot);
                        return std::make_shared<RecordingIrqLine>();
                    },
                .pci = std::move(pci)};
    }
    std::shared_ptr<virtio::VirtioRng> rng() { return std::make_shared<virtio::VirtioRng>(memory); }
    u32 read32(u64 address) {
        std::array<u8, 4> bytes{};
        EXPECT_TRUE(mmio.read(address, bytes));
        return static_cast<u32>(load_le(bytes));
    }

    GuestMemory memory;
    std::unique_ptr<IoThread> io;
    Bus mmio{"MMIO"};
    std::vector<u32> irq_slots;
    std::vector<DiskConfig> no_disks;
    std::vector<NetConfig> no_nets;
    ConsoleConfig no_console;
};

TEST_F(VirtioAttacherTest, MmioDevicesFillTheSlotsInOrderWithTheirOwnInterrupts) {
    VirtioAttacher attacher(mmio, memory, *io, two_slots());
    ASSERT_TRUE(attacher.attach(rng(), VirtioTransport::Mmio));
    ASSERT_TRUE(attacher.attach(rng(), VirtioTransport::Mmio));
    EXPECT_EQ(attacher.mmio_slots(), (std::vector<u32>{0, 1}));
    EXPECT_EQ(irq_slots, (std::vector<u32>{0, 1}));
    EXPECT_EQ(read32(kSlotBase), kVirtioMagic);
    EXPECT_EQ(read32(kSlotBase + kSlotStride), kVirtioMagic);

    auto full = attacher.attach(rng(), VirtioTransport::Mmio);
    ASSERT_FALSE(full);
    EXPECT_NE(full.error().message().find("no free virtio-mmio slot"), std::string::npos);
}

TEST_F(VirtioAttacherTest, PciNeedsABoardWithAPciBus) {
    VirtioAttacher without(mmio, memory, *io, two_slots());
    auto refused = without.attach(rng(), VirtioTransport::Pci);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message().find("no PCI bus"), std::string::npos);

    auto pci = std::make_shared<pci::PciBus>();
    Bus other{"MMIO"};
    VirtioAttacher with(other, memory, *io, two_slots(pci));
    ASSERT_TRUE(with.attach(rng(), VirtioTransport::Pci));
    EXPECT_NE(pci->device(1), nullptr);
    EXPECT_TRUE(with.mmio_slots().empty());
}

TEST_F(VirtioAttacherTest, TheRngTakesTheFirstSlotOrPciOnABoardWithoutSlots) {
    VirtioAttacher with_slots(mmio, memory, *io, two_slots());
    ASSERT_TRUE(with_slots.attach_configured({no_disks, no_nets, no_console}));
    EXPECT_EQ(with_slots.mmio_slots(), (std::vector<u32>{0}));
    EXPECT_EQ(with_slots.console(), nullptr);

    auto pci = std::make_shared<pci::PciBus>();
    Bus other{"MMIO"};
    VirtioAttacher pci_only(other, memory, *io, {.pci = pci});
    ASSERT_TRUE(pci_only.attach_configured({no_disks, no_nets, no_console}));
    EXPECT_NE(pci->device(1), nullptr);
    auto refused = pci_only.attach(rng(), VirtioTransport::Mmio);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message().find("no virtio-mmio slots"), std::string::npos);
}

TEST_F(VirtioAttacherTest, AMissingDiskNamesTheOption) {
    VirtioAttacher attacher(mmio, memory, *io, two_slots());
    std::vector<DiskConfig> disks{{.path = "/nonexistent/kite-disk.img"}};
    auto failed = attacher.attach_configured({disks, no_nets, no_console});
    ASSERT_FALSE(failed);
    EXPECT_NE(failed.error().message().find("--disk '/nonexistent/kite-disk.img'"), std::string::npos);
}

} // namespace
} // namespace kite::machine
