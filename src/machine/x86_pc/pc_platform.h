#pragma once

#include "base/error.h"
#include "bus/bus.h"
#include "bus/irq_line.h"
#include "devices/apic/apic_bus.h"
#include "devices/apic/ioapic.h"
#include "devices/apic/local_apic.h"
#include "devices/i8254/i8254.h"
#include "devices/i8259/i8259.h"
#include "devices/mc146818/mc146818.h"
#include "devices/post_code/post_code.h"

#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace kite::machine {

struct PcPlatformConfig {
    u32 cpus{1};
    u64 memory{256 * MiB}; // guest RAM, laid out as pc::ram_layout(), for the CMOS size bytes
    // Monotonic host time in nanoseconds for every timer; CLOCK_MONOTONIC when empty.
    std::function<u64()> now_ns;
    // The RTC's UTC time at construction (ns since the epoch); the host's when empty.
    std::optional<u64> rtc_start_time_ns;
    u64 tsc_hz{0}; // for the local APICs' TSC-deadline mode; 0: not offered
    // The CPU side of vCPU n's local APIC (wake from HLT, INIT, SIPI).
    std::function<devices::LocalApicCallbacks(u32 cpu)> cpu_callbacks;
};

// The pc board's interrupt controllers and timers in user space, for an
// accelerator without an in-kernel irqchip (on KVM the kernel's serve): the
// 8259A pair with ELCR, the 8254 PIT with port 0x61, the MC146818 RTC with
// the CMOS memory-size bytes, a 24-pin IOAPIC, one local APIC per vCPU (APIC
// ID n for vCPU n, vCPU 0 the bootstrap processor) and the POST-code port.
//
// Wiring, as the board's MADT describes it: ISA IRQ n (0-15) drives PIC input
// n and IOAPIC pin n, except IRQ 0 (the PIT), which reaches IOAPIC pin 2;
// pins 16-23 are the IOAPIC's alone (PCI INTx). The PIC's INT output is LINT0
// of vCPU 0's local APIC (virtual-wire mode), which runs its INTA cycles. The
// IOAPIC sends through the APIC bus, which broadcasts level-triggered EOIs
// back to it.
//
// Nothing ticks: whoever runs the vCPUs calls update() when
// next_deadline_ns() comes. Devices may keep the lines irq_line() gives, but
// must not set them once the platform is gone.
class PcPlatform {
public:
    explicit PcPlatform(const PcPlatformConfig& config);
    ~PcPlatform();
    PcPlatform(const PcPlatform&) = delete;
    PcPlatform& operator=(const PcPlatform&) = delete;

    // Puts the PIC pair (0x20, 0xA0, ELCR 0x4D0), the PIT (0x40-0x43, 0x61),
    // the RTC (0x70-0x71) and port 0x80 on `pio`, and the IOAPIC at
    // 0xFEC0_0000 on `mmio`. The local APICs are not on a shared bus: each
    // vCPU sends its APIC page's accesses to its own local_apic(n).
    Result<void> attach(Bus& pio, Bus& mmio);

    // The interrupt line of ISA IRQ `irq` (0-15) or IOAPIC pin `irq` (16-23),
    // as accel::Vm::irq_line gives KVM's; nullptr for others.
    std::shared_ptr<IrqLine> irq_line(u32 irq);

    // Brings every timer (PIT, RTC, local APICs) up to date with the clock.
    void update();
    // The earliest time a timer needs update(); nullopt if none is armed.
    std::optional<u64> next_deadline_ns() const;

    devices::Pic8259Pair& pic() { return *m_pic; }
    devices::I8254& pit() { return *m_pit; }
    devices::Mc146818& rtc() { return *m_rtc; }
    devices::Ioapic& ioapic() { return *m_ioapic; }
    devices::ApicBus& apic_bus() { return m_apic_bus; }
    devices::LocalApic& local_apic(u32 cpu) { return *m_local_apics.at(cpu); }
    devices::PostCode& post_code() { return *m_post_code; }
    u32 cpu_count() const { return static_cast<u32>(m_local_apics.size()); }

private:
    class PicAcknowledge;
    using Lint0Line = ControllerInputLine<devices::LocalApic, &devices::LocalApic::set_lint>;

    devices::ApicBus m_apic_bus;
    std::vector<std::unique_ptr<devices::LocalApic>> m_local_apics;
    std::unique_ptr<PicAcknowledge> m_pic_acknowledge;
    std::shared_ptr<devices::Ioapic> m_ioapic;
    std::shared_ptr<Lint0Line> m_lint0; // the PIC's INT output to vCPU 0's LINT0
    std::shared_ptr<devices::Pic8259Pair> m_pic;
    std::vector<std::shared_ptr<IrqLine>> m_irq_lines; // by IRQ: ISA 0-15, then IOAPIC pins 16-23
    std::shared_ptr<devices::I8254> m_pit;
    std::shared_ptr<devices::Mc146818> m_rtc;
    std::shared_ptr<devices::PostCode> m_post_code;
};

} // namespace kite::machine
