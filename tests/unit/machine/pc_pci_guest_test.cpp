// The kvm.pci_virtio guest, run here on Unicorn's x86 CPU instead of KVM, with
// Kite's pc PCI host and a virtio-blk disk attached the way the pc board
// attaches them: so the guest's path through 0xCF8/0xCFC, the capabilities and
// the BAR window is exercised on hosts without /dev/kvm.

#include "base/le_bytes.h"
#include "boot/x86_loader.h"
#include "bus/bus.h"
#include "devices/debug_exit/debug_exit.h"
#include "devices/uart16550/uart16550_device.h"
#include "event/io_thread.h"
#include "machine/common/virtio_attacher.h"
#include "machine/x86_pc/pc_acpi.h"
#include "machine/x86_pc/pc_board.h"
#include "machine/x86_pc/pc_pci.h"
#include "unicorn_pc.h"

#include <array>
#include <fstream>
#include <gtest/gtest.h>
#include <iterator>
#include <string>
#include <unistd.h>
#include <vector>

using namespace kite;
using namespace kite::machine;

namespace {

constexpr u64 kRamSize = 32 * MiB;
constexpr u64 kDiskSize = 1 * MiB;

std::vector<u8> read_guest(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(PcPciGuest, EnumeratesPciAndReadsTheVirtioBlkConfig) {
    const std::vector<u8> kernel = read_guest(KITE_X86_GUEST_DIR "/pci_virtio.elf");
    ASSERT_FALSE(kernel.empty()) << "guest not built: " KITE_X86_GUEST_DIR "/pci_virtio.elf";

    GuestMemory memory;
    ASSERT_TRUE(memory.add_region(GuestAddress(0), kRamSize));
    auto loaded = boot::load_x86_kernel(memory, kernel, boot::X86BootConfig{});
    ASSERT_TRUE(loaded) << loaded.error().message();
    ASSERT_EQ(loaded->entry.mode, accel::X86EntryMode::Protected32);

    std::string disk_path = ::testing::TempDir() + "kite_pc_pci_guest_disk.img";
    { std::ofstream(disk_path, std::ios::binary | std::ios::trunc).seekp(kDiskSize - 1).put('\0'); }

    // The I/O thread outlives the buses, whose disk uses it until it is destroyed.
    auto io = IoThread::start();
    ASSERT_TRUE(io);
    Bus pio{"pio"};
    Bus mmio{"mmio"};
    UnicornPc cpu(pio, mmio);
    std::string serial;
    int exit_status = -1;
    ASSERT_TRUE(
        pio.insert(pc::kCom1Port, devices::Uart16550Device::kPortCount,
                   std::make_shared<devices::Uart16550Device>(std::make_shared<RecordingIrqLine>(),
                                                              [&serial](u8 byte) { serial += char(byte); }),
                   "com1"));
    ASSERT_TRUE(pio.insert(pc::kDebugExitPort, devices::DebugExit::kLength,
                           std::make_shared<devices::DebugExit>([&](int status) {
                               exit_status = status;
                               cpu.stop();
                           }),
                           "isa-debug-exit"));
    std::array<std::shared_ptr<IrqLine>, 4> intx;
    for (auto& line : intx)
        line = std::make_shared<RecordingIrqLine>();
    auto pci = attach_pc_pci_host(pio, mmio, intx, nullptr);
    ASSERT_TRUE(pci) << pci.error().message();
    {
        VirtioAttacher virtio(mmio, memory, **io, pc_virtio_placement(*pci, nullptr));
        std::vector<DiskConfig> disks{{.path = disk_path, .transport = VirtioTransport::Pci}};
        std::vector<NetConfig> nets;
        ConsoleConfig console;
        auto attached = virtio.attach_configured({disks, nets, console});
        ASSERT_TRUE(attached) << attached.error().message();
        ASSERT_TRUE(assign_pc_pci_bars(**pci));

        auto ram = memory.slice(GuestAddress(0), kRamSize);
        ASSERT_TRUE(ram);
        std::string failure = cpu.open(*ram, pc_acpi::kPciMmio32Base, pc_acpi::kPciMmio32Size);
        ASSERT_EQ(failure, "");
        failure = cpu.run(loaded->entry);
        EXPECT_EQ(failure, "") << serial;
        (*io)->stop();
    }
    ::unlink(disk_path.c_str());

    EXPECT_EQ(exit_status, 33) << serial; // (0x10 << 1) | 1: the guest passed
    EXPECT_NE(serial.find("pci: 00:00.0 1b36:0008"), std::string::npos) << serial;
    EXPECT_NE(serial.find("pci: 00:02.0 1af4:1042"), std::string::npos) << serial;
    EXPECT_NE(serial.find("pci_virtio: virtio-blk at 00:02.0"), std::string::npos) << serial;
    EXPECT_NE(serial.find("pci_virtio: capacity 2048 sectors"), std::string::npos) << serial;
    EXPECT_NE(serial.find("pci_virtio: passed"), std::string::npos) << serial;
}

} // namespace
