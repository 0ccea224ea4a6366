#include "acpi/tables.h"

#include "base/le_bytes.h"
#include "sample.h"

#include <filesystem>
#include <gtest/gtest.h>
#include <numeric>
#include <unistd.h>

namespace kite::acpi {
namespace {

using testing::sample_description;

constexpr u64 kBase = 0xe0000;

AcpiTables build(const PlatformDescription& d = sample_description()) {
    auto tables = build_tables(d, kBase);
    EXPECT_TRUE(tables) << tables.error().message();
    return tables ? std::move(*tables) : AcpiTables{};
}

u8 sum(std::span<const u8> bytes) {
    return std::accumulate(bytes.begin(), bytes.end(), u8{0});
}

std::span<const u8> table(const AcpiTables& t, std::string_view sig) {
    const TableInfo* info = t.find(sig);
    EXPECT_NE(info, nullptr) << sig;
    return info ? t.table(*info) : std::span<const u8>{};
}

TEST(AcpiTables, EveryTableHasItsLengthAndChecksum) {
    AcpiTables t = build();
    for (const char* sig : {"DSDT", "FACP", "APIC", "MCFG", "XSDT", "RSDT"}) {
        auto bytes = table(t, sig);
        ASSERT_GE(bytes.size(), 36u) << sig;
        EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(bytes.data()), 4), sig);
        EXPECT_EQ(load_le<u32>(bytes, 4), bytes.size()) << sig;
        EXPECT_EQ(sum(bytes), 0) << sig;
        EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(bytes.data()) + 10, 6), "KITE  ") << sig;
        EXPECT_EQ(t.find(sig)->address % 8, 0u) << sig;
    }
    EXPECT_EQ(table(t, "FACP").size(), 276u);
    EXPECT_EQ(table(t, "FACP")[8], 6); // revision 6
    EXPECT_EQ(table(t, "FACP")[131], 3); // minor revision
    EXPECT_EQ(table(t, "DSDT")[8], 2);
    EXPECT_EQ(table(t, "MCFG").size(), 60u);
}

TEST(AcpiTables, RsdpHasBothChecksumsAndPointsAtTheRootTables) {
    AcpiTables t = build();
    EXPECT_EQ(t.rsdp_address, kBase);
    auto rsdp = table(t, "RSDP");
    ASSERT_EQ(rsdp.size(), 36u);
    EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(rsdp.data()), 8), "RSD PTR ");
    EXPECT_EQ(sum(rsdp.first(20)), 0);
    EXPECT_EQ(sum(rsdp), 0);
    EXPECT_EQ(rsdp[15], 2);
    EXPECT_EQ(load_le<u32>(rsdp, 16), t.find("RSDT")->address);
    EXPECT_EQ(load_le<u32>(rsdp, 20), 36u);
    EXPECT_EQ(load_le<u64>(rsdp, 24), t.find("XSDT")->address);
}

TEST(AcpiTables, RootTablesListFadtMadtMcfg) {
    AcpiTables t = build();
    auto xsdt = table(t, "XSDT");
    auto rsdt = table(t, "RSDT");
    ASSERT_EQ(xsdt.size(), 36u + 3 * 8);
    ASSERT_EQ(rsdt.size(), 36u + 3 * 4);
    const char* order[] = {"FACP", "APIC", "MCFG"};
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(load_le<u64>(xsdt, 36 + 8 * i), t.find(order[i])->address);
        EXPECT_EQ(load_le<u32>(rsdt, 36 + 4 * i), t.find(order[i])->address);
    }
}

TEST(AcpiTables, FadtPointsAtFacsAndDsdtAndDescribesThePmBlock) {
    AcpiTables t = build();
    auto fadt = table(t, "FACP");
    const TableInfo* facs = t.find("FACS");
    ASSERT_NE(facs, nullptr);
    EXPECT_EQ(facs->address % 64, 0u);
    EXPECT_EQ(facs->length, 64u);
    EXPECT_EQ(load_le<u32>(fadt, 36), facs->address);
    EXPECT_EQ(load_le<u32>(fadt, 40), t.find("DSDT")->address);
    EXPECT_EQ(load_le<u64>(fadt, 132), 0u); // X_FIRMWARE_CTRL: the 32-bit field is used
    EXPECT_EQ(load_le<u64>(fadt, 140), t.find("DSDT")->address);
    EXPECT_EQ(load_le<u16>(fadt, 46), 9u); // SCI_INT
    EXPECT_EQ(load_le<u32>(fadt, 56), 0x600u);
    EXPECT_EQ(load_le<u32>(fadt, 64), 0x604u);
    EXPECT_EQ(load_le<u32>(fadt, 76), 0x608u);
    EXPECT_EQ(fadt[88], 4); // PM1_EVT_LEN
    EXPECT_EQ(fadt[89], 2); // PM1_CNT_LEN
    EXPECT_EQ(fadt[91], 4); // PM_TMR_LEN
    // X_PM1a_CNT_BLK: system I/O, 16 bits, word access.
    EXPECT_EQ(fadt[172], 1);
    EXPECT_EQ(fadt[173], 16);
    EXPECT_EQ(load_le<u64>(fadt, 176), 0x604u);
    // Reset register: I/O port 0xCF9, value 6, and RESET_REG_SUP set.
    EXPECT_EQ(fadt[116], 1);
    EXPECT_EQ(load_le<u64>(fadt, 120), 0xcf9u);
    EXPECT_EQ(fadt[128], 6);
    EXPECT_NE(load_le<u32>(fadt, 112) & (1u << 10), 0u);
    // IA-PC boot flags: legacy devices and an 8042.
    EXPECT_EQ(load_le<u16>(fadt, 109) & 3u, 3u);
}

TEST(AcpiTables, MadtHasEveryCpuTheIoApicOverridesAndNmi) {
    AcpiTables t = build();
    auto madt = table(t, "APIC");
    EXPECT_EQ(load_le<u32>(madt, 36), 0xfee0'0000u);
    EXPECT_EQ(load_le<u32>(madt, 40), 1u); // PCAT_COMPAT
    // 4 local APICs (8) + IOAPIC (12) + 2 overrides (10) + NMI (6).
    ASSERT_EQ(madt.size(), 44u + 4 * 8 + 12 + 2 * 10 + 6);
    std::size_t at = 44;
    for (u8 i = 0; i < 4; ++i, at += 8) {
        EXPECT_EQ(madt[at], 0);
        EXPECT_EQ(madt[at + 2], i); // UID
        EXPECT_EQ(madt[at + 3], i); // APIC ID
        EXPECT_EQ(load_le<u32>(madt, at + 4), 1u);
    }
    EXPECT_EQ(madt[at], 1);
    EXPECT_EQ(madt[at + 2], 4);
    EXPECT_EQ(load_le<u32>(madt, at + 4), 0xfec0'0000u);
    at += 12;
    EXPECT_EQ(madt[at], 2);
    EXPECT_EQ(madt[at + 3], 0);
    EXPECT_EQ(load_le<u32>(madt, at + 4), 2u);
    EXPECT_EQ(load_le<u16>(madt, at + 8), 0u);
    at += 10;
    EXPECT_EQ(madt[at + 3], 9);
    EXPECT_EQ(load_le<u16>(madt, at + 8), 0x0du); // level, active-high
    at += 10;
    EXPECT_EQ(madt[at], 4);
    EXPECT_EQ(madt[at + 2], 0xff);
    EXPECT_EQ(madt[at + 5], 1); // LINT1
}

TEST(AcpiTables, McfgDescribesTheEcam) {
    AcpiTables t = build();
    auto mcfg = table(t, "MCFG");
    EXPECT_EQ(load_le<u64>(mcfg, 44), 0xb000'0000u);
    EXPECT_EQ(load_le<u16>(mcfg, 52), 0u);
    EXPECT_EQ(mcfg[54], 0);
    EXPECT_EQ(mcfg[55], 255);
}

TEST(AcpiTables, WithoutPciThereIsNoMcfg) {
    auto d = sample_description();
    d.pci.reset();
    AcpiTables t = build(d);
    EXPECT_EQ(t.find("MCFG"), nullptr);
    EXPECT_EQ(table(t, "XSDT").size(), 36u + 2 * 8);
}

TEST(AcpiTables, ManyCpusStillFit) {
    auto d = sample_description();
    d.cpu_apic_ids.clear();
    for (u32 i = 0; i < 254; ++i)
        d.cpu_apic_ids.push_back(static_cast<u8>(i));
    d.ioapic.id = 0; // IOAPIC IDs are a separate name space
    AcpiTables t = build(d);
    EXPECT_LE(t.bytes.size(), 0x20000u); // fits in the BIOS area from 0xE0000
    EXPECT_EQ(sum(table(t, "DSDT")), 0);
}

TEST(AcpiTables, BadDescriptionsAreErrors) {
    auto expect_error = [](PlatformDescription d, std::string_view text, u64 base = kBase) {
        auto t = build_tables(d, base);
        ASSERT_FALSE(t) << text;
        EXPECT_NE(t.error().message().find(text), std::string::npos) << t.error().message();
    };
    auto d = sample_description();
    expect_error(d, "not 16-byte aligned", kBase + 8);
    expect_error(d, "below 4 GiB", 0xffff'fff0);
    d.cpu_apic_ids = {0, 1, 1};
    expect_error(d, "APIC ID 1 is used twice");
    d = sample_description();
    d.cpu_apic_ids = {};
    expect_error(d, "0 CPUs");
    d = sample_description();
    d.pci->mmio32 = {0x3000'0000, 0x1000'0000};
    expect_error(d, "mmio32 window overlaps RAM");
    d = sample_description();
    d.pci->mmio32 = {0xb800'0000, 0x1000'0000};
    expect_error(d, "ECAM overlaps mmio32 window");
    d = sample_description();
    d.pci->io = {0xf000, 0x2000};
    expect_error(d, "PCI I/O window");
    d = sample_description();
    d.pci->irq_routes.push_back({1, 0, 20});
    expect_error(d, "slot 1 pin 0 is routed twice");
    d = sample_description();
    d.pci->bus_start = 2;
    d.pci->bus_end = 1;
    expect_error(d, "reversed");
    d = sample_description();
    d.pm.pm1a_control = 0;
    expect_error(d, "PM1a");
}

TEST(AcpiTables, WriteTablesWritesOneFilePerTable) {
    AcpiTables t = build();
    auto dir = std::filesystem::temp_directory_path() / ("kite-acpi-write-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    auto written = write_tables(t, dir.string());
    ASSERT_TRUE(written) << written.error().message();
    for (const auto& info : t.tables)
        EXPECT_EQ(std::filesystem::file_size(dir / (info.signature + ".dat")), info.length) << info.signature;
    std::filesystem::remove_all(dir);

    auto missing = write_tables(t, (dir / "no-such-dir").string());
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message().find("No such file or directory"), std::string::npos)
        << missing.error().message();
}

} // namespace
} // namespace kite::acpi
