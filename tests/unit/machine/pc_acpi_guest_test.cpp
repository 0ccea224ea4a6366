// The kvm.acpi_madt guest, run here on Unicorn's x86 CPU instead of KVM: Kite's
// loader puts it in guest RAM, the pc board writes its ACPI tables at 0xE0000
// as it does for a guest, and the guest's port I/O reaches Kite's UART and
// isa-debug-exit. It must find the RSDP, walk the XSDT to the MADT and count
// one local APIC per --cpus.

#include "boot/x86_loader.h"
#include "devices/debug_exit/debug_exit.h"
#include "devices/uart16550/uart16550_device.h"
#include "machine/common/host_files.h"
#include "machine/x86_pc/pc_acpi.h"
#include "machine/x86_pc/pc_board.h"
#include "unicorn_pc.h"

#include <gtest/gtest.h>

using namespace kite;
using namespace kite::machine;

namespace {

constexpr u64 kRamSize = 4 * MiB;

struct GuestRun {
    std::string serial;
    int status{-1};
    std::string error;
};

GuestRun run_guest(u32 cpus) {
    GuestRun run;
    auto kernel = read_file(KITE_X86_GUEST_DIR "/acpi_madt.elf", 16 * MiB, "acpi_madt");
    if (!kernel)
        return {.error = kernel.error().message()};
    GuestMemory memory;
    if (!memory.add_region(GuestAddress(0), kRamSize))
        return {.error = "guest memory"};
    PcConfig config;
    config.cpus = cpus;
    config.memory = kRamSize;
    auto tables = build_pc_acpi(config);
    if (!tables)
        return {.error = tables.error().message()};
    boot::X86BootConfig boot_config;
    auto range = write_pc_acpi(memory, *tables);
    if (!range)
        return {.error = range.error().message()};
    boot_config.extra_memory.push_back(*range);
    auto loaded = boot::load_x86_kernel(memory, *kernel, boot_config);
    if (!loaded)
        return {.error = loaded.error().message()};

    Bus pio{"pio"};
    Bus mmio{"mmio"};
    UnicornPc cpu(pio, mmio);
    bool ok =
        pio.insert(pc::kCom1Port, devices::Uart16550Device::kPortCount,
                   std::make_shared<devices::Uart16550Device>(std::make_shared<RecordingIrqLine>(),
                                                              [&run](u8 byte) { run.serial += char(byte); }),
                   "com1") &&
        pio.insert(pc::kDebugExitPort, devices::DebugExit::kLength,
                   std::make_shared<devices::DebugExit>([&](int status) {
                       run.status = status;
                       cpu.stop();
                   }),
                   "isa-debug-exit");
    if (!ok)
        return {.error = "port bus"};
    auto ram = memory.slice(GuestAddress(0), kRamSize);
    if (!ram)
        return {.error = ram.error().message()};
    if (auto err = cpu.open(*ram, pc::kTestDevMmio, 0x1000); !err.empty())
        return {.error = err};
    run.error = cpu.run(loaded->entry);
    return run;
}

TEST(PcAcpiGuest, CountsOneLocalApicPerCpuInTheBoardsTables) {
    for (u32 cpus : {1u, 3u, 8u}) {
        SCOPED_TRACE(cpus);
        GuestRun run = run_guest(cpus);
        ASSERT_EQ(run.error, "") << run.serial;
        EXPECT_EQ(run.status, devices::DebugExit::status_for(0x10)) << run.serial;
        EXPECT_NE(run.serial.find("acpi_madt: RSDP at 0xe0000\r\n"), std::string::npos) << run.serial;
        EXPECT_NE(run.serial.find("acpi_madt: XSDT\r\n"), std::string::npos) << run.serial;
        EXPECT_NE(run.serial.find(fmt::format("acpi_madt: {} local APICs\r\n", cpus)), std::string::npos)
            << run.serial;
        EXPECT_EQ(run.serial.find("FAIL"), std::string::npos) << run.serial;
    }
}

} // namespace
