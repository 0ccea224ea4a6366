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

#include <array>
#include <fstream>
#include <gtest/gtest.h>
#include <iterator>
#include <string>
#include <unicorn/unicorn.h>
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

// Unicorn as the vCPU: port I/O and the PCI MMIO window go to Kite's buses.
class UnicornPc {
public:
    UnicornPc(Bus& pio, Bus& mmio) : m_pio(pio), m_mmio(mmio) {}
    ~UnicornPc() {
        if (m_uc)
            uc_close(m_uc);
    }

    std::string open(std::span<u8> ram, u64 mmio_base, u64 mmio_size) {
        m_mmio_base = mmio_base;
        if (uc_err err = uc_open(UC_ARCH_X86, UC_MODE_32, &m_uc); err != UC_ERR_OK)
            return uc_strerror(err);
        if (uc_err err = uc_mem_map_ptr(m_uc, 0, ram.size(), UC_PROT_ALL, ram.data()); err != UC_ERR_OK)
            return uc_strerror(err);
        if (uc_err err = uc_mmio_map(m_uc, mmio_base, mmio_size, &UnicornPc::mmio_read, this,
                                     &UnicornPc::mmio_write, this);
            err != UC_ERR_OK)
            return uc_strerror(err);
        uc_hook in_hook{};
        uc_hook out_hook{};
        if (uc_hook_add(m_uc, &in_hook, UC_HOOK_INSN, reinterpret_cast<void*>(&UnicornPc::port_in), this, 1,
                        0, UC_X86_INS_IN) != UC_ERR_OK ||
            uc_hook_add(m_uc, &out_hook, UC_HOOK_INSN, reinterpret_cast<void*>(&UnicornPc::port_out), this, 1,
                        0, UC_X86_INS_OUT) != UC_ERR_OK)
            return "uc_hook_add failed";
        return {};
    }

    // Runs from the Multiboot entry until stop() or the time limit.
    std::string run(const accel::X86EntryState& entry) {
        u32 eax = static_cast<u32>(entry.rax);
        u32 ebx = static_cast<u32>(entry.rbx);
        u32 esp = static_cast<u32>(entry.rsp);
        uc_x86_mmr gdtr{0, entry.gdt_base, entry.gdt_limit, 0};
        uc_reg_write(m_uc, UC_X86_REG_EAX, &eax);
        uc_reg_write(m_uc, UC_X86_REG_EBX, &ebx);
        uc_reg_write(m_uc, UC_X86_REG_ESP, &esp);
        uc_reg_write(m_uc, UC_X86_REG_GDTR, &gdtr);
        uc_err err = uc_emu_start(m_uc, entry.rip, 0, 20'000'000 /* us */, 0);
        return err == UC_ERR_OK ? std::string() : uc_strerror(err);
    }
    void stop() { uc_emu_stop(m_uc); }

private:
    static u64 mmio_read(uc_engine*, u64 offset, unsigned size, void* self) {
        auto* pc = static_cast<UnicornPc*>(self);
        std::array<u8, 8> b{};
        pc->m_mmio.read(pc->m_mmio_base + offset, std::span(b).first(size));
        return load_le(std::span(b).first(size));
    }
    static void mmio_write(uc_engine*, u64 offset, unsigned size, u64 value, void* self) {
        auto* pc = static_cast<UnicornPc*>(self);
        std::array<u8, 8> b{};
        store_le(b, value);
        pc->m_mmio.write(pc->m_mmio_base + offset, std::span(b).first(size));
    }
    static u32 port_in(uc_engine*, u32 port, int size, void* self) {
        std::array<u8, 4> b{};
        static_cast<UnicornPc*>(self)->m_pio.read(port, std::span(b).first(static_cast<std::size_t>(size)));
        return static_cast<u32>(load_le(std::span(b).first(static_cast<std::size_t>(size))));
    }
    static void port_out(uc_engine*, u32 port, int size, u32 value, void* self) {
        std::array<u8, 4> b{};
        store_le(b, value);
        static_cast<UnicornPc*>(self)->m_pio.write(port, std::span(b).first(static_cast<std::size_t>(size)));
    }

    Bus& m_pio;
    Bus& m_mmio;
    u64 m_mmio_base{0};
    uc_engine* m_uc{nullptr};
};

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
