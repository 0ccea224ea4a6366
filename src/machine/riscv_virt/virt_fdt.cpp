#include "machine/riscv_virt/virt_fdt.h"

#include "boot/fdt/fdt_writer.h"
#include "cpu/riscv/hart.h"
#include "machine/riscv_virt/virt_layout.h"

namespace kite::machine {
namespace {

using fdt::FdtWriter;

constexpr u32 hi(u64 v) {
    return static_cast<u32>(v >> 32);
}
constexpr u32 lo(u64 v) {
    return static_cast<u32>(v);
}

// Interrupt numbers of the per-hart local interrupt controller (mcause codes).
constexpr u32 kMachineSoftware = 3;
constexpr u32 kMachineTimer = 7;
constexpr u32 kSupervisorExternal = 9;
constexpr u32 kMachineExternal = 11;

std::string node_name(std::string_view base, u64 address) {
    return fmt::format("{}@{:x}", base, address);
}

// A `reg` property of one (address, size) pair with two cells each.
Result<void> reg(FdtWriter& fdt, u64 base, u64 size) {
    return fdt.property_cells("reg", {hi(base), lo(base), hi(size), lo(size)});
}

// The generic ECAM host bridge. `ranges` maps PCI I/O and 32-bit memory space
// 1:1 onto the board's windows; `interrupt-map` gives, for each slot (modulo
// 4, per the mask) and pin, the PLIC source after the standard swizzle.
Result<void> pci_host_node(FdtWriter& fdt, u32 plic_phandle) {
    using namespace virt;
    TRY(fdt.begin_node(node_name("pci", kPciEcamBase)));
    TRY(fdt.property_string("compatible", "pci-host-ecam-generic"));
    TRY(fdt.property_string("device_type", "pci"));
    TRY(fdt.property_u32("#address-cells", 3));
    TRY(fdt.property_u32("#size-cells", 2));
    TRY(fdt.property_u32("#interrupt-cells", 1));
    TRY(fdt.property_u32("linux,pci-domain", 0));
    TRY(fdt.property_cells("bus-range", {0, static_cast<u32>(kPciEcamSize / (1u << 20)) - 1}));
    TRY(fdt.property_empty("dma-coherent"));
    TRY(reg(fdt, kPciEcamBase, kPciEcamSize));
    constexpr u32 kSpaceIo = 0x0100'0000;
    constexpr u32 kSpaceMem32 = 0x0200'0000;
    TRY(fdt.property_cells("ranges", {
                                         kSpaceIo, 0, 0, hi(kPciIoBase), lo(kPciIoBase), hi(kPciIoSize),
                                         lo(kPciIoSize), kSpaceMem32, hi(kPciMmioBase), lo(kPciMmioBase),
                                         hi(kPciMmioBase), lo(kPciMmioBase), hi(kPciMmioSize), lo(kPciMmioSize),
                                     }));
    std::vector<u32> map;
    for (u32 slot = 0; slot < kPciIntxLines; ++slot) {
        for (u32 pin = 1; pin <= kPciIntxLines; ++pin) {
            u32 line = (slot + pin - 1) % kPciIntxLines;
            map.insert(map.end(), {slot << 11, 0, 0, pin, plic_phandle, kPciFirstIrq + line});
        }
    }
    TRY(fdt.property_u32_list("interrupt-map", map));
    TRY(fdt.property_cells("interrupt-map-mask", {0x1800, 0, 0, 7}));
    return fdt.end_node();
}

} // namespace

Result<std::vector<u8>> build_virt_fdt(const VirtFdtParams& p) {
    using namespace virt;
    auto fdt = TRY(FdtWriter::create());
    std::vector<u32> intc_phandles;
    for (u32 i = 0; i < p.cpus; ++i)
        intc_phandles.push_back(fdt.allocate_phandle());
    u32 plic_phandle = fdt.allocate_phandle();
    u32 test_phandle = fdt.allocate_phandle();

    TRY(fdt.begin_node(""));
    TRY(fdt.property_u32("#address-cells", 2));
    TRY(fdt.property_u32("#size-cells", 2));
    TRY(fdt.property_string("compatible", "riscv-virtio"));
    TRY(fdt.property_string("model", "kite,virt"));

    TRY(fdt.begin_node("chosen"));
    TRY(fdt.property_string("bootargs", p.bootargs));
    TRY(fdt.property_string("stdout-path", node_name("/soc/serial", kUartBase)));
    if (p.initrd) {
        TRY(fdt.property_u64("linux,initrd-start", p.initrd->first));
        TRY(fdt.property_u64("linux,initrd-end", p.initrd->second));
    }
    TRY(fdt.end_node());

    TRY(fdt.begin_node(node_name("memory", kRamBase)));
    TRY(fdt.property_string("device_type", "memory"));
    TRY(reg(fdt, kRamBase, p.ram_size));
    TRY(fdt.end_node());

    TRY(fdt.begin_node("cpus"));
    TRY(fdt.property_u32("#address-cells", 1));
    TRY(fdt.property_u32("#size-cells", 0));
    TRY(fdt.property_u32("timebase-frequency", static_cast<u32>(kTimebaseHz)));
    for (u32 i = 0; i < p.cpus; ++i) {
        TRY(fdt.begin_node(fmt::format("cpu@{}", i)));
        TRY(fdt.property_string("device_type", "cpu"));
        TRY(fdt.property_u32("reg", i));
        TRY(fdt.property_string("status", "okay"));
        TRY(fdt.property_string("compatible", "riscv"));
        TRY(fdt.property_string("riscv,isa", riscv::kIsaString));
        TRY(fdt.property_string("mmu-type", "riscv,sv48"));
        TRY(fdt.begin_node("interrupt-controller"));
        TRY(fdt.property_u32("#interrupt-cells", 1));
        TRY(fdt.property_empty("interrupt-controller"));
        TRY(fdt.property_string("compatible", "riscv,cpu-intc"));
        TRY(fdt.property_u32("phandle", intc_phandles[i]));
        TRY(fdt.end_node());
        TRY(fdt.end_node());
    }
    TRY(fdt.end_node()); // cpus

    TRY(fdt.begin_node("soc"));
    TRY(fdt.property_u32("#address-cells", 2));
    TRY(fdt.property_u32("#size-cells", 2));
    TRY(fdt.property_string("compatible", "simple-bus"));
    TRY(fdt.property_empty("ranges"));

    std::vector<u32> clint_irqs, plic_irqs;
    for (u32 phandle : intc_phandles) {
        clint_irqs.insert(clint_irqs.end(), {phandle, kMachineSoftware, phandle, kMachineTimer});
        plic_irqs.insert(plic_irqs.end(), {phandle, kMachineExternal, phandle, kSupervisorExternal});
    }

    TRY(fdt.begin_node(node_name("clint", kClintBase)));
    TRY(fdt.property_strings("compatible", {"sifive,clint0", "riscv,clint0"}));
    TRY(reg(fdt, kClintBase, kClintSize));
    TRY(fdt.property_u32_list("interrupts-extended", clint_irqs));
    TRY(fdt.end_node());

    TRY(fdt.begin_node(node_name("plic", kPlicBase)));
    TRY(fdt.property_strings("compatible", {"sifive,plic-1.0.0", "riscv,plic0"}));
    TRY(reg(fdt, kPlicBase, kPlicSize));
    TRY(fdt.property_u32("#address-cells", 0));
    TRY(fdt.property_u32("#interrupt-cells", 1));
    TRY(fdt.property_empty("interrupt-controller"));
    TRY(fdt.property_u32("riscv,ndev", kPlicSources));
    TRY(fdt.property_u32_list("interrupts-extended", plic_irqs));
    TRY(fdt.property_u32("phandle", plic_phandle));
    TRY(fdt.end_node());

    TRY(fdt.begin_node(node_name("serial", kUartBase)));
    TRY(fdt.property_string("compatible", "ns16550a"));
    TRY(reg(fdt, kUartBase, kUartSize));
    TRY(fdt.property_u32("clock-frequency", 3'686'400));
    TRY(fdt.property_u32("interrupt-parent", plic_phandle));
    TRY(fdt.property_u32("interrupts", kUartIrq));
    TRY(fdt.end_node());

    TRY(fdt.begin_node(node_name("rtc", kRtcBase)));
    TRY(fdt.property_string("compatible", "google,goldfish-rtc"));
    TRY(reg(fdt, kRtcBase, kRtcSize));
    TRY(fdt.property_u32("interrupt-parent", plic_phandle));
    TRY(fdt.property_u32("interrupts", kRtcIrq));
    TRY(fdt.end_node());

    TRY(pci_host_node(fdt, plic_phandle));

    for (u32 slot : p.virtio_slots) {
        u64 base = kVirtioBase + slot * kVirtioStride;
        TRY(fdt.begin_node(node_name("virtio_mmio", base)));
        TRY(fdt.property_string("compatible", "virtio,mmio"));
        TRY(reg(fdt, base, kVirtioStride));
        TRY(fdt.property_u32("interrupt-parent", plic_phandle));
        TRY(fdt.property_u32("interrupts", kVirtioFirstIrq + slot));
        TRY(fdt.end_node());
    }

    TRY(fdt.begin_node(node_name("test", kTestBase)));
    TRY(fdt.property_strings("compatible", {"sifive,test1", "sifive,test0", "syscon"}));
    TRY(reg(fdt, kTestBase, kTestSize));
    TRY(fdt.property_u32("phandle", test_phandle));
    TRY(fdt.end_node());
    TRY(fdt.end_node()); // soc

    TRY(fdt.begin_node("poweroff"));
    TRY(fdt.property_string("compatible", "syscon-poweroff"));
    TRY(fdt.property_u32("regmap", test_phandle));
    TRY(fdt.property_u32("offset", 0));
    TRY(fdt.property_u32("value", 0x5555));
    TRY(fdt.end_node());

    TRY(fdt.begin_node("reboot"));
    TRY(fdt.property_string("compatible", "syscon-reboot"));
    TRY(fdt.property_u32("regmap", test_phandle));
    TRY(fdt.property_u32("offset", 0));
    TRY(fdt.property_u32("value", 0x7777));
    TRY(fdt.end_node());

    TRY(fdt.end_node()); // root
    return fdt.finish();
}

} // namespace kite::machine
