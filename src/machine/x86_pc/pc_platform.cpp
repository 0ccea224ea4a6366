#include "machine/x86_pc/pc_platform.h"

#include "machine/x86_pc/pc_board.h"

#include <algorithm>

namespace kite::machine {

namespace {

constexpr u32 kIsaIrqs = 16;
constexpr u32 kPitIoapicPin = 2; // the MADT's interrupt source override for IRQ 0

// An ISA IRQ: the same level on a PIC input and an IOAPIC pin.
class IsaIrqLine final : public IrqLine {
public:
    IsaIrqLine(std::shared_ptr<IrqLine> pic_input, std::shared_ptr<IrqLine> ioapic_pin)
        : m_pic_input(std::move(pic_input)), m_ioapic_pin(std::move(ioapic_pin)) {}

    void set_level(bool asserted) override {
        m_pic_input->set_level(asserted);
        m_ioapic_pin->set_level(asserted);
    }

private:
    std::shared_ptr<IrqLine> m_pic_input;
    std::shared_ptr<IrqLine> m_ioapic_pin;
};

} // namespace

// vCPU 0's local APIC runs the PIC's INTA cycle for an ExtINT interrupt.
class PcPlatform::PicAcknowledge final : public devices::ExtIntController {
public:
    explicit PicAcknowledge(devices::Pic8259Pair& pic) : m_pic(pic) {}
    u8 acknowledge_interrupt() override { return m_pic.acknowledge(); }

private:
    devices::Pic8259Pair& m_pic;
};

PcPlatform::PcPlatform(const PcPlatformConfig& config) {
    for (u32 cpu = 0; cpu < config.cpus; ++cpu) {
        devices::LocalApicConfig apic{
            .apic_id = cpu, .bootstrap = cpu == 0, .tsc_hz = config.tsc_hz, .now_ns = config.now_ns};
        auto callbacks = config.cpu_callbacks ? config.cpu_callbacks(cpu) : devices::LocalApicCallbacks{};
        m_local_apics.push_back(std::make_unique<devices::LocalApic>(apic, std::move(callbacks)));
        m_apic_bus.attach(*m_local_apics.back());
    }
    m_ioapic = std::make_shared<devices::Ioapic>(m_apic_bus);
    m_apic_bus.add_eoi_listener([ioapic = m_ioapic.get()](u8 vector) { ioapic->end_of_interrupt(vector); });

    m_lint0 = std::make_shared<Lint0Line>(m_local_apics.at(0).get(), 0);
    m_pic = std::make_shared<devices::Pic8259Pair>(m_lint0);
    m_pic_acknowledge = std::make_unique<PicAcknowledge>(*m_pic);
    m_local_apics.at(0)->set_extint_controller(m_pic_acknowledge.get());

    for (u32 irq = 0; irq < kIsaIrqs; ++irq)
        m_irq_lines.push_back(std::make_shared<IsaIrqLine>(
            devices::Pic8259Pair::line(m_pic, irq), m_ioapic->irq_line(irq == 0 ? kPitIoapicPin : irq)));
    for (u32 pin = kIsaIrqs; pin < devices::Ioapic::kPins; ++pin)
        m_irq_lines.push_back(m_ioapic->irq_line(pin));

    m_pit = std::make_shared<devices::I8254>(m_irq_lines[0], config.now_ns);
    m_rtc = std::make_shared<devices::Mc146818>(m_irq_lines[devices::Mc146818::kIrq], config.now_ns,
                                                config.rtc_start_time_ns);
    auto ram = pc::ram_layout(config.memory);
    m_rtc->set_memory_size(ram.low, ram.high);
    m_post_code = std::make_shared<devices::PostCode>();
}

PcPlatform::~PcPlatform() {
    // The PIC may outlive the platform in a device's IRQ line; its output must not reach a freed APIC.
    m_lint0->detach();
}

Result<void> PcPlatform::attach(Bus& pio, Bus& mmio) {
    TRY(devices::Pic8259Pair::attach(pio, m_pic));
    TRY(devices::I8254::attach(pio, m_pit));
    TRY(devices::Mc146818::attach(pio, m_rtc));
    TRY(devices::PostCode::attach(pio, m_post_code));
    TRY(mmio.insert(devices::Ioapic::kDefaultBase, devices::Ioapic::kLength, m_ioapic, "ioapic"));
    return {};
}

std::shared_ptr<IrqLine> PcPlatform::irq_line(u32 irq) {
    return irq < m_irq_lines.size() ? m_irq_lines[irq] : nullptr;
}

void PcPlatform::update() {
    m_pit->update();
    m_rtc->update();
    for (auto& apic : m_local_apics)
        apic->update();
}

std::optional<u64> PcPlatform::next_deadline_ns() const {
    std::optional<u64> earliest;
    auto consider = [&earliest](std::optional<u64> t) {
        if (t && (!earliest || *t < *earliest))
            earliest = t;
    };
    consider(m_pit->next_deadline_ns());
    consider(m_rtc->next_deadline_ns());
    for (const auto& apic : m_local_apics)
        consider(apic->next_deadline_ns());
    return earliest;
}

} // namespace kite::machine
