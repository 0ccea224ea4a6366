#include "base/le_bytes.h"
#include "boot/x86_memory_map.h"
#include "event/io_thread.h"
#include "machine/common/virtio_attacher.h"
#include "machine/x86_pc/pc_acpi.h"
#include "machine/x86_pc/pc_board.h"
#include "machine/x86_pc/pc_pci.h"
#include "pci/pci_regs.h"
#include "pci/pio_config_host.h"
#include "virtio/pci/virtio_pci.h"

#include <algorithm>
#include <array>
#include <gtest/gtest.h>

using namespace kite;
using namespace kite::machine;

namespace {

// Records what reaches the reset register through 0xCF9.
class ResetRegister final : public BusDevice {
public:
    void read(u64, std::span<u8> data) override { data[0] = 0; }
    void write(u64, std::span<const u8> data) override { written = data[0]; }
    int written{-1};
};

class PcPciTest : public ::testing::Test {
protected:
    void SetUp() override {
        for (auto& line : gsi)
            line = std::make_shared<RecordingIrqLine>();
        auto bus = attach_pc_pci_host(pio, mmio, {gsi[0], gsi[1], gsi[2], gsi[3]}, reset);
        ASSERT_TRUE(bus) << bus.error().message();
        pci = *bus;
        ASSERT_TRUE(memory.add_region(GuestAddress(0), 16 * MiB));
        auto thread = IoThread::start();
        ASSERT_TRUE(thread);
        io = std::move(*thread);
    }

    u32 pio_config_read(u8 slot, u8 reg, std::size_t size = 4) {
        std::array<u8, 4> b{};
        store_le(b, pci::PioConfigHost::address_of(0, slot, 0, reg));
        pio.write(0xcf8, b);
        pio.read(0xcfc + (reg & 3), std::span(b).first(size));
        return static_cast<u32>(load_le(std::span(b).first(size)));
    }
    u32 ecam_read(u8 slot, u16 reg) {
        std::array<u8, 4> b{};
        mmio.read(pc_acpi::kEcamBase + (u64{slot} << 15) + reg, b);
        return static_cast<u32>(load_le(b));
    }

    Bus pio{"pio"};
    Bus mmio{"mmio"};
    GuestMemory memory;
    std::unique_ptr<IoThread> io;
    std::array<std::shared_ptr<RecordingIrqLine>, 4> gsi;
    std::shared_ptr<ResetRegister> reset = std::make_shared<ResetRegister>();
    std::shared_ptr<pci::PciBus> pci;
};

TEST_F(PcPciTest, ConfigPortsAndEcamReachTheSameBus) {
    EXPECT_EQ(pio_config_read(0, pci::reg::kVendorId), ecam_read(0, pci::reg::kVendorId));
    EXPECT_EQ(pio_config_read(0, pci::reg::kVendorId) & 0xffff, 0x1B36u);
    EXPECT_EQ(pio_config_read(3, pci::reg::kVendorId), 0xffff'ffffu);
    EXPECT_EQ(ecam_read(3, pci::reg::kVendorId), 0xffff'ffffu);
}

TEST_F(PcPciTest, ResetRegisterSitsBehindTheConfigPorts) {
    const std::array<u8, 1> full_reset{pc_acpi::kResetValue};
    EXPECT_TRUE(pio.write(pc_acpi::kResetPort, full_reset));
    EXPECT_EQ(reset->written, pc_acpi::kResetValue);
}

TEST_F(PcPciTest, VirtioDevicesGoOnPciWithBarsInTheWindowAndIntxOnTheirGsi) {
    VirtioAttacher virtio(mmio, memory, *io, pc_virtio_placement(pci, nullptr));
    std::vector<DiskConfig> disks;
    std::vector<NetConfig> nets;
    ConsoleConfig console;
    ASSERT_TRUE(virtio.attach_configured({disks, nets, console})); // virtio-rng alone
    EXPECT_TRUE(virtio.mmio_slots().empty());
    ASSERT_TRUE(assign_pc_pci_bars(*pci));

    EXPECT_EQ(pio_config_read(1, pci::reg::kVendorId), 0x1044'1AF4u); // virtio-rng in slot 1
    const u32 bar0 = pio_config_read(1, pci::reg::kBar0);
    EXPECT_GE(bar0, pc_acpi::kPciMmio32Base);
    EXPECT_LT(bar0, pc_acpi::kPciMmio32Base + pc_acpi::kPciMmio32Size);
    EXPECT_TRUE(pio_config_read(1, pci::reg::kCommand, 2) & pci::command::kMemorySpace);
    std::array<u8, 2> num_queues{};
    ASSERT_TRUE(
        mmio.read(bar0 + virtio::VirtioPci::kCommonCfgOffset + virtio::VirtioPci::kNumQueues, num_queues));
    EXPECT_EQ(load_le(num_queues), 1u);

    // INTA of slot 1 is the GSI the DSDT's _PRT names for it.
    auto description = pc_acpi_description(PcConfig{});
    u32 prt_gsi = 0;
    for (const auto& route : description.pci->irq_routes)
        if (route.slot == 1 && route.pin == 0)
            prt_gsi = route.gsi;
    EXPECT_EQ(prt_gsi, pc_acpi::kPciFirstGsi + 1);
    auto device = std::dynamic_pointer_cast<virtio::VirtioPci>(pci->device(1));
    ASSERT_TRUE(device);
    EXPECT_EQ(pio_config_read(1, pci::reg::kInterruptPin, 1), pci::kPinIntA);
    io->stop();
}

// The guest's memory map and the ACPI tables tell the same story: the same
// RAM, the ECAM area reserved, the PCI windows free.
TEST(PcMemoryMap, AgreesWithTheAcpiDescription) {
    for (u64 size : {256 * MiB, 3 * GiB, 5 * GiB}) {
        PcConfig config;
        config.memory = size;
        auto description = pc_acpi_description(config);
        GuestMemory memory;
        auto ram = pc::ram_layout(size);
        ASSERT_TRUE(memory.add_region(GuestAddress(0), ram.low));
        if (ram.high) {
            ASSERT_TRUE(memory.add_region(GuestAddress(pc::kHighRamStart), ram.high));
        }
        const std::array extra{pc_pci_reserved_memory()};
        auto map = boot::build_x86_memory_map(memory, extra);

        u64 ram_total = 0;
        for (const auto& e : map)
            if (e.type == boot::kMemoryRam)
                ram_total += e.length;
        EXPECT_EQ(ram_total, size - (0x100000 - 0x9fc00)) << size; // all of it but the legacy hole
        EXPECT_EQ(description.ram.back().end(), ram.high ? pc::kHighRamStart + ram.high : ram.low) << size;

        auto overlaps = [&](u64 base, u64 length) {
            for (const auto& e : map)
                if (e.base < base + length && base < e.base + e.length)
                    return true;
            return false;
        };
        const auto& pci = *description.pci;
        EXPECT_FALSE(overlaps(pci.mmio32.base, pci.mmio32.size)) << size;
        ASSERT_TRUE(pci.mmio64);
        EXPECT_FALSE(overlaps(pci.mmio64->base, pci.mmio64->size)) << size;
        const u64 ecam_size = static_cast<u64>(pci.bus_end - pci.bus_start + 1) << 20;
        EXPECT_NE(
            std::ranges::find(map, boot::MemoryMapEntry{pci.ecam_base, ecam_size, boot::kMemoryReserved}),
            map.end())
            << size;
    }
}

} // namespace
