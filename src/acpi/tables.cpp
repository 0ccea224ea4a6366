#include "acpi/tables.h"

#include "acpi/aml.h"
#include "acpi/dsdt.h"
#include "base/file_io.h"
#include "base/le_bytes.h"

#include <algorithm>
#include <numeric>
#include <set>
#include <sys/stat.h>

namespace kite::acpi {
namespace {

using Bytes = std::vector<u8>;

constexpr u64 k4GiB = u64{1} << 32;
constexpr std::string_view kOemId = "KITE  ";
constexpr std::string_view kCreatorId = "KITE";
constexpr std::size_t kHeaderSize = 36;

void append_text(Bytes& out, std::string_view text, std::size_t size) {
    for (std::size_t i = 0; i < size; ++i)
        out.push_back(i < text.size() ? static_cast<u8>(text[i]) : ' ');
}

// The common table header (ACPI 6.3, 5.2.6); finish() fills in the length and checksum.
Bytes header(std::string_view signature, u8 revision) {
    Bytes out;
    append_text(out, signature, 4);
    append_le(out, 0, 4); // length
    out.push_back(revision);
    out.push_back(0); // checksum
    append_text(out, kOemId, 6);
    append_text(out, fmt::format("KITE{}", signature), 8); // OEM table ID
    append_le(out, 1, 4);                                   // OEM revision
    append_text(out, kCreatorId, 4);
    append_le(out, 1, 4); // creator revision
    return out;
}

Bytes finish(Bytes table) {
    store_le<u32>(table, 4, static_cast<u32>(table.size()));
    table[9] = checksum(table);
    return table;
}

// Generic Address Structure (5.2.3.2): address space, bit width, bit offset, access size, address.
enum class Space : u8 { Memory = 0, Io = 1 };
void append_gas(Bytes& out, Space space, u8 bit_width, u8 access_size, u64 address) {
    out.push_back(static_cast<u8>(space));
    out.push_back(bit_width);
    out.push_back(0);
    out.push_back(access_size);
    append_le(out, address, 8);
}
void append_no_gas(Bytes& out) {
    out.insert(out.end(), 12, 0);
}
// An I/O register block as the FADT describes it: accessed `access` (1 byte .. 3 dword) at a time.
void append_io_gas(Bytes& out, u16 port, u8 length, u8 access) {
    if (port == 0)
        append_no_gas(out);
    else
        append_gas(out, Space::Io, static_cast<u8>(length * 8), access, port);
}

constexpr u8 kPm1EventLength = 4;
constexpr u8 kPm1ControlLength = 2;
constexpr u8 kPmTimerLength = 4;
constexpr u8 kRtcCenturyIndex = 0x32; // CMOS register holding the century

// FADT flags (5.2.9) and IA-PC boot architecture flags (5.2.9.3).
constexpr u32 kFadtWbinvd = 1u << 0;
constexpr u32 kFadtC1Supported = 1u << 2;
constexpr u32 kFadtPowerButtonIsDevice = 1u << 4;
constexpr u32 kFadtSleepButtonIsDevice = 1u << 5;
constexpr u32 kFadt32BitTimer = 1u << 8;
constexpr u32 kFadtResetRegister = 1u << 10;
constexpr u16 kBootLegacyDevices = 1u << 0;
constexpr u16 kBoot8042 = 1u << 1;
constexpr u16 kBootNoVga = 1u << 2;
constexpr u16 kBootNoCmosRtc = 1u << 5;

// FADT revision 6, minor 3 (ACPI 6.3): 276 bytes. Not hardware-reduced: the
// board is PC-like (8259s, ISA devices, an SCI on IRQ 9), and the fixed PM1
// registers give the guest the classic SLP_TYP|SLP_EN power-off and the PM
// timer; hardware-reduced ACPI would need GPIO or GED devices instead.
Bytes build_fadt(const PlatformDescription& d, u32 facs, u64 dsdt) {
    Bytes t = header("FACP", 6);
    append_le(t, facs, 4);  // FIRMWARE_CTRL (X_FIRMWARE_CTRL stays zero, as the spec wants)
    append_le(t, dsdt, 4);  // DSDT
    t.push_back(0);         // reserved (ACPI 1.0 interrupt model)
    t.push_back(0);         // preferred PM profile: unspecified
    append_le(t, d.pm.sci_irq, 2);
    append_le(t, 0, 4);     // SMI_CMD: none, the hardware is always in ACPI mode
    t.insert(t.end(), 4, 0); // ACPI_ENABLE, ACPI_DISABLE, S4BIOS_REQ, PSTATE_CNT
    append_le(t, d.pm.pm1a_event, 4);
    append_le(t, 0, 4); // PM1b_EVT_BLK
    append_le(t, d.pm.pm1a_control, 4);
    append_le(t, 0, 4); // PM1b_CNT_BLK
    append_le(t, 0, 4); // PM2_CNT_BLK
    append_le(t, d.pm.pm_timer, 4);
    append_le(t, 0, 4); // GPE0_BLK
    append_le(t, 0, 4); // GPE1_BLK
    t.push_back(kPm1EventLength);
    t.push_back(kPm1ControlLength);
    t.push_back(0); // PM2_CNT_LEN
    t.push_back(d.pm.pm_timer ? kPmTimerLength : 0);
    t.insert(t.end(), 4, 0); // GPE0_BLK_LEN, GPE1_BLK_LEN, GPE1_BASE, CST_CNT
    append_le(t, 101, 2);    // P_LVL2_LAT > 100: no C2
    append_le(t, 1001, 2);   // P_LVL3_LAT > 1000: no C3
    append_le(t, 0, 2);      // FLUSH_SIZE
    append_le(t, 0, 2);      // FLUSH_STRIDE
    t.insert(t.end(), 4, 0); // DUTY_OFFSET, DUTY_WIDTH, DAY_ALRM, MON_ALRM
    t.push_back(d.rtc ? kRtcCenturyIndex : 0);
    u16 boot = kBootNoVga;
    if (!d.serial_ports.empty() || !d.parallel_ports.empty() || d.rtc || d.i8042)
        boot |= kBootLegacyDevices;
    if (d.i8042)
        boot |= kBoot8042;
    if (!d.rtc)
        boot |= kBootNoCmosRtc;
    append_le(t, boot, 2);
    t.push_back(0); // reserved
    u32 flags = kFadtWbinvd | kFadtC1Supported | kFadtPowerButtonIsDevice | kFadtSleepButtonIsDevice |
                kFadtResetRegister;
    if (d.pm.pm_timer)
        flags |= kFadt32BitTimer;
    append_le(t, flags, 4);
    append_gas(t, d.reset.io ? Space::Io : Space::Memory, 8, 1, d.reset.address);
    t.push_back(d.reset.value);
    append_le(t, 0, 2); // ARM_BOOT_ARCH
    t.push_back(3);     // FADT minor version
    append_le(t, 0, 8); // X_FIRMWARE_CTRL
    append_le(t, dsdt, 8);
    append_io_gas(t, d.pm.pm1a_event, kPm1EventLength, 2);
    append_no_gas(t); // X_PM1b_EVT_BLK
    append_io_gas(t, d.pm.pm1a_control, kPm1ControlLength, 2);
    append_no_gas(t); // X_PM1b_CNT_BLK
    append_no_gas(t); // X_PM2_CNT_BLK
    append_io_gas(t, d.pm.pm_timer, kPmTimerLength, 3);
    append_no_gas(t); // X_GPE0_BLK
    append_no_gas(t); // X_GPE1_BLK
    append_no_gas(t); // SLEEP_CONTROL_REG (hardware-reduced only)
    append_no_gas(t); // SLEEP_STATUS_REG
    append_text(t, "KITE", 8); // hypervisor vendor identity
    return finish(std::move(t));
}

// FACS (5.2.10): required outside hardware-reduced mode; no checksum.
Bytes build_facs() {
    Bytes t;
    append_text(t, "FACS", 4);
    append_le(t, 64, 4); // length
    append_le(t, 0, 4);  // hardware signature
    append_le(t, 0, 4);  // firmware waking vector
    append_le(t, 0, 4);  // global lock
    append_le(t, 0, 4);  // flags: no S4BIOS, no 64-bit wake
    append_le(t, 0, 8);  // X firmware waking vector
    t.push_back(2);      // version
    t.resize(64, 0);     // reserved, OSPM flags, reserved
    return t;
}

// MADT (5.2.12), revision 5.
Bytes build_madt(const PlatformDescription& d) {
    Bytes t = header("APIC", 5);
    append_le(t, d.local_apic_address, 4);
    append_le(t, 1, 4); // PCAT_COMPAT: dual 8259s are present too
    for (std::size_t uid = 0; uid < d.cpu_apic_ids.size(); ++uid) {
        // Processor Local APIC: type 0, length 8, UID, APIC ID, enabled.
        t.insert(t.end(), {0, 8, static_cast<u8>(uid), d.cpu_apic_ids[uid]});
        append_le(t, 1, 4);
    }
    // I/O APIC: type 1, length 12.
    t.insert(t.end(), {1, 12, d.ioapic.id, 0});
    append_le(t, d.ioapic.address, 4);
    append_le(t, d.ioapic.gsi_base, 4);
    for (const auto& o : d.overrides) {
        // Interrupt Source Override: type 2, length 10, bus 0 (ISA), source, GSI, flags.
        t.insert(t.end(), {2, 10, 0, o.irq});
        append_le(t, o.gsi, 4);
        append_le(t, static_cast<u16>(static_cast<u8>(o.polarity) | static_cast<u8>(o.trigger) << 2), 2);
    }
    // Local APIC NMI: type 4, length 6, every processor (0xFF), conforming flags, LINTn.
    t.insert(t.end(), {4, 6, 0xff, 0, 0, d.nmi_lint});
    return finish(std::move(t));
}

// MCFG (PCI Firmware Specification 3.2, 4.1.2): one ECAM allocation.
Bytes build_mcfg(const PciHost& pci) {
    Bytes t = header("MCFG", 1);
    append_le(t, 0, 8); // reserved
    append_le(t, pci.ecam_base, 8);
    append_le(t, pci.segment, 2);
    t.push_back(pci.bus_start);
    t.push_back(pci.bus_end);
    append_le(t, 0, 4); // reserved
    return finish(std::move(t));
}

Bytes build_root_table(std::string_view signature, std::span<const u64> entries, std::size_t width) {
    Bytes t = header(signature, 1);
    for (u64 address : entries)
        append_le(t, address, width);
    return finish(std::move(t));
}

// RSDP (5.2.5.3), revision 2: the first 20 bytes have their own checksum.
Bytes build_rsdp(u32 rsdt, u64 xsdt) {
    Bytes t;
    append_text(t, "RSD PTR ", 8);
    t.push_back(0); // checksum of bytes 0-19
    append_text(t, kOemId, 6);
    t.push_back(2); // revision
    append_le(t, rsdt, 4);
    append_le(t, 36, 4); // length
    append_le(t, xsdt, 8);
    t.push_back(0); // extended checksum
    t.insert(t.end(), 3, 0);
    t[8] = checksum(std::span<const u8>(t).first(20));
    t[32] = checksum(t);
    return t;
}

bool overlaps(const AddressRange& a, const AddressRange& b) {
    return a.size && b.size && a.base < b.end() && b.base < a.end();
}

Result<void> check_range(std::string_view what, const AddressRange& r, u64 limit) {
    if (r.size == 0 || r.base + r.size < r.base || r.end() > limit)
        return error("acpi: {} [{:#x}, +{:#x}) is empty or out of range", what, r.base, r.size);
    return {};
}

Result<void> check_pci(const PlatformDescription& d, const PciHost& pci) {
    if (pci.bus_start > pci.bus_end)
        return error("acpi: PCI bus range {}-{} is reversed", pci.bus_start, pci.bus_end);
    if (pci.ecam_base % (1 * MiB))
        return error("acpi: ECAM base {:#x} is not 1 MiB aligned", pci.ecam_base);
    AddressRange ecam{pci.ecam_base + (u64{pci.bus_start} << 20), (u64{pci.bus_end} - pci.bus_start + 1) << 20};
    std::vector<std::pair<std::string_view, AddressRange>> ranges = {{"ECAM", ecam}, {"mmio32 window", pci.mmio32}};
    TRY(check_range("ECAM", ecam, k4GiB));
    TRY(check_range("mmio32 window", pci.mmio32, k4GiB));
    if (pci.mmio64) {
        TRY(check_range("mmio64 window", *pci.mmio64, ~u64{0}));
        if (pci.mmio64->base < k4GiB)
            return error("acpi: mmio64 window {:#x} starts below 4 GiB", pci.mmio64->base);
        ranges.emplace_back("mmio64 window", *pci.mmio64);
    }
    TRY(check_range("PCI I/O window", pci.io, 0x10000));
    for (std::size_t i = 0; i < ranges.size(); ++i) {
        for (std::size_t j = i + 1; j < ranges.size(); ++j)
            if (overlaps(ranges[i].second, ranges[j].second))
                return error("acpi: {} overlaps {}", ranges[i].first, ranges[j].first);
        for (const auto& ram : d.ram)
            if (overlaps(ranges[i].second, ram))
                return error("acpi: {} overlaps RAM at {:#x}", ranges[i].first, ram.base);
    }
    std::set<std::pair<u8, u8>> seen;
    for (const auto& r : pci.irq_routes) {
        if (r.slot >= 32 || r.pin >= 4)
            return error("acpi: PCI interrupt route for slot {} pin {} is out of range", r.slot, r.pin);
        if (!seen.insert({r.slot, r.pin}).second)
            return error("acpi: PCI slot {} pin {} is routed twice", r.slot, r.pin);
    }
    return {};
}

Result<void> check(const PlatformDescription& d) {
    if (d.cpu_apic_ids.empty() || d.cpu_apic_ids.size() > 255)
        return error("acpi: {} CPUs (expected 1-255)", d.cpu_apic_ids.size());
    std::set<u8> ids;
    for (u8 id : d.cpu_apic_ids) {
        if (id == 0xff)
            return error("acpi: APIC ID 0xff is the broadcast ID");
        if (!ids.insert(id).second)
            return error("acpi: APIC ID {} is used twice", id);
    }
    for (const auto& o : d.overrides)
        if (o.irq >= 16)
            return error("acpi: interrupt override of IRQ {} (ISA IRQs are 0-15)", o.irq);
    if (d.pm.pm1a_event == 0 || d.pm.pm1a_control == 0)
        return error("acpi: the PM1a event and control blocks are required");
    if (d.pm.sci_irq >= 16)
        return error("acpi: SCI IRQ {} (ISA IRQs are 0-15)", d.pm.sci_irq);
    for (const auto* ports : {&d.serial_ports, &d.parallel_ports})
        for (const auto& port : *ports)
            if (port.irq >= 16 || port.length == 0)
                return error("acpi: ISA port {:#x} has IRQ {} or length {}", port.base, port.irq, port.length);
    if (d.serial_ports.size() > 4 || d.parallel_ports.size() > 3)
        return error("acpi: at most 4 serial and 3 parallel ports");
    if (d.pci)
        TRY(check_pci(d, *d.pci));
    return {};
}

u64 align_up(u64 value, u64 align) {
    return (value + align - 1) & ~(align - 1);
}

} // namespace

u8 checksum(std::span<const u8> bytes) {
    u8 sum = std::accumulate(bytes.begin(), bytes.end(), u8{0});
    return static_cast<u8>(-sum);
}

const TableInfo* AcpiTables::find(std::string_view signature) const {
    for (const auto& t : tables)
        if (t.signature == signature)
            return &t;
    return nullptr;
}

Result<AcpiTables> build_tables(const PlatformDescription& d, u64 base) {
    TRY(check(d));
    if (base % 16)
        return error("acpi: base {:#x} is not 16-byte aligned", base);

    AcpiTables out;
    out.base = base;
    // Appends a table at the next `align`-byte boundary and returns its guest address.
    auto place = [&](std::string_view signature, Bytes table, u64 align) {
        std::size_t offset = align_up(out.bytes.size(), align);
        out.bytes.resize(offset, 0);
        out.bytes.insert(out.bytes.end(), table.begin(), table.end());
        out.tables.push_back({std::string(signature), base + offset, offset, table.size()});
        return base + offset;
    };

    // The RSDP first, filled in last, once the root tables have addresses.
    place("RSDP", Bytes(36, 0), 16);
    u64 facs = place("FACS", build_facs(), 64);
    Bytes dsdt_table = header("DSDT", 2); // revision 2: 64-bit AML integers
    aml::Term body = dsdt_aml(d);
    dsdt_table.insert(dsdt_table.end(), body.begin(), body.end());
    u64 dsdt = place("DSDT", finish(std::move(dsdt_table)), 8);
    std::vector<u64> entries;
    entries.push_back(place("FACP", build_fadt(d, static_cast<u32>(facs), dsdt), 8));
    entries.push_back(place("APIC", build_madt(d), 8));
    if (d.pci)
        entries.push_back(place("MCFG", build_mcfg(*d.pci), 8));
    u64 xsdt = place("XSDT", build_root_table("XSDT", entries, 8), 8);
    u64 rsdt = place("RSDT", build_root_table("RSDT", entries, 4), 8);
    if (base + out.bytes.size() > k4GiB)
        return error("acpi: tables at {:#x} ({} bytes) do not fit below 4 GiB", base, out.bytes.size());

    Bytes rsdp = build_rsdp(static_cast<u32>(rsdt), xsdt);
    std::copy(rsdp.begin(), rsdp.end(), out.bytes.begin());
    out.rsdp_address = base;
    return out;
}

Result<void> write_tables(const AcpiTables& tables, const std::string& dir) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0)
        return errno_error(fmt::format("ACPI table directory '{}'", dir));
    if (!S_ISDIR(st.st_mode))
        return error("ACPI table directory '{}' is not a directory", dir);
    for (const auto& info : tables.tables)
        TRY(write_file(fmt::format("{}/{}.dat", dir, info.signature), tables.table(info), "ACPI table"));
    return {};
}

} // namespace kite::acpi
