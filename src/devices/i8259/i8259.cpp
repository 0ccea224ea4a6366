#include "devices/i8259/i8259.h"

#include "bus/register_device.h"

namespace kite::devices {

namespace {

// ICW1 (A0 = 0, bit 4 set).
constexpr u8 kIcw1 = 0x10;
constexpr u8 kIcw1Icw4 = 0x01;
constexpr u8 kIcw1Single = 0x02;
constexpr u8 kIcw1Ltim = 0x08;
// ICW4.
constexpr u8 kIcw4AutoEoi = 0x02;
constexpr u8 kIcw4Sfnm = 0x10;
// OCW3 (A0 = 0, bits 4:3 = 01).
constexpr u8 kOcw3 = 0x08;
constexpr u8 kOcw3ReadIsr = 0x01;
constexpr u8 kOcw3ReadRegister = 0x02;
constexpr u8 kOcw3Poll = 0x04;
constexpr u8 kOcw3SpecialMask = 0x20;
constexpr u8 kOcw3SetSpecialMask = 0x40;
constexpr u8 kPollRequest = 0x80;

// OCW2 commands (bits 7:5: R, SL, EOI).
enum Ocw2 : u8 {
    kClearRotateAutoEoi = 0,
    kNonSpecificEoi = 1,
    kNop = 2,
    kSpecificEoi = 3,
    kSetRotateAutoEoi = 4,
    kRotateNonSpecificEoi = 5,
    kSetPriority = 6,
    kRotateSpecificEoi = 7,
};

u8 bit(unsigned pin) {
    return static_cast<u8>(1u << pin);
}

} // namespace

bool I8259::level_mode(unsigned pin) const {
    return (m_ltim || (m_elcr & bit(pin))) && static_cast<int>(pin) != m_cascade_pin;
}

void I8259::set_input(unsigned pin, bool level) {
    u8 b = bit(pin);
    bool was = (m_lines & b) != 0;
    m_lines = static_cast<u8>(level ? (m_lines | b) : (m_lines & ~b));
    if (static_cast<int>(pin) == m_cascade_pin) {
        // The slave's INT output latches a request while it is high, and the
        // request stays latched if the slave's goes away before INTA (then
        // the slave answers with its spurious IRQ 15). Latching on the level
        // rather than only on an edge loses nothing when the slave, in
        // auto-EOI mode, keeps INT high across an acknowledge.
        if (level)
            m_irr |= b;
    } else if (level_mode(pin))
        m_irr = static_cast<u8>(level ? (m_irr | b) : (m_irr & ~b));
    else if (level && !was)
        m_irr |= b; // a rising edge latches a request until INTA
}

unsigned I8259::priority(u8 mask) const {
    for (unsigned rank = 0; rank < 8; ++rank)
        if (mask & bit((m_lowest + 1 + rank) & 7))
            return rank;
    return 8;
}

int I8259::pending_irq() const {
    unsigned request = priority(static_cast<u8>(m_irr & ~m_imr));
    if (request == 8)
        return -1;
    u8 serving = m_isr;
    // Special mask mode: a masked level in service does not hold off others.
    if (m_special_mask)
        serving &= static_cast<u8>(~m_imr);
    // Special fully nested: the slave may interrupt again while its cascade
    // input is in service, for a higher priority within the slave.
    if (m_special_fully_nested && m_cascade_pin >= 0)
        serving &= static_cast<u8>(~bit(static_cast<unsigned>(m_cascade_pin)));
    if (request >= priority(serving))
        return -1;
    return static_cast<int>((m_lowest + 1 + request) & 7);
}

void I8259::acknowledge(unsigned irq) {
    if (!level_mode(irq))
        m_irr &= static_cast<u8>(~bit(irq));
    if (!m_auto_eoi)
        m_isr |= bit(irq);
    else if (m_rotate_on_auto_eoi)
        m_lowest = irq;
}

void I8259::end_of_interrupt(unsigned irq, bool rotate) {
    m_isr &= static_cast<u8>(~bit(irq));
    if (rotate)
        m_lowest = irq;
}

u8 I8259::poll() {
    int irq = pending_irq();
    if (irq < 0)
        return 0;
    acknowledge(static_cast<unsigned>(irq));
    return static_cast<u8>(kPollRequest | irq);
}

u8 I8259::read(bool a0) {
    if (a0)
        return m_imr;
    if (m_poll) {
        m_poll = false;
        return poll();
    }
    return m_read_isr ? m_isr : m_irr;
}

void I8259::write(bool a0, u8 value) {
    if (!a0) {
        if (value & kIcw1)
            write_icw1(value);
        else if (value & kOcw3)
            write_ocw3(value);
        else
            write_ocw2(value);
        return;
    }
    switch (m_init_step) {
    case 2:
        m_vector_base = value & 0xF8;
        m_init_step = m_single ? (m_icw4_needed ? 4 : 0) : 3;
        break;
    case 3:
        m_icw3 = value;
        m_init_step = m_icw4_needed ? 4 : 0;
        break;
    case 4:
        m_auto_eoi = (value & kIcw4AutoEoi) != 0;
        m_special_fully_nested = (value & kIcw4Sfnm) != 0;
        m_init_step = 0;
        break;
    default:
        m_imr = value; // OCW1
        break;
    }
}

void I8259::write_icw1(u8 value) {
    m_icw4_needed = (value & kIcw1Icw4) != 0;
    m_single = (value & kIcw1Single) != 0;
    m_ltim = (value & kIcw1Ltim) != 0;
    m_init_step = 2;
    m_imr = 0;
    m_isr = 0;
    m_lowest = 7;
    m_auto_eoi = false;
    m_rotate_on_auto_eoi = false;
    m_special_fully_nested = false;
    m_special_mask = false;
    m_read_isr = false;
    m_poll = false;
    // The edge sense latches are reset: an edge-triggered input needs a new
    // rising edge; a level-triggered one requests while it is high.
    m_irr = 0;
    for (unsigned pin = 0; pin < 8; ++pin)
        if (level_mode(pin) && (m_lines & bit(pin)))
            m_irr |= bit(pin);
}

void I8259::write_ocw2(u8 value) {
    unsigned level = value & 7;
    auto highest_in_service = [this]() -> int {
        unsigned rank = priority(m_isr);
        return rank == 8 ? -1 : static_cast<int>((m_lowest + 1 + rank) & 7);
    };
    switch (static_cast<Ocw2>(value >> 5)) {
    case kClearRotateAutoEoi:
        m_rotate_on_auto_eoi = false;
        break;
    case kSetRotateAutoEoi:
        m_rotate_on_auto_eoi = true;
        break;
    case kNonSpecificEoi:
    case kRotateNonSpecificEoi:
        if (int irq = highest_in_service(); irq >= 0)
            end_of_interrupt(static_cast<unsigned>(irq), (value >> 5) == kRotateNonSpecificEoi);
        break;
    case kSpecificEoi:
        end_of_interrupt(level, false);
        break;
    case kRotateSpecificEoi:
        end_of_interrupt(level, true);
        break;
    case kSetPriority:
        m_lowest = level;
        break;
    case kNop:
        break;
    }
}

void I8259::write_ocw3(u8 value) {
    if (value & kOcw3Poll)
        m_poll = true;
    if (value & kOcw3ReadRegister)
        m_read_isr = (value & kOcw3ReadIsr) != 0;
    if (value & kOcw3SetSpecialMask)
        m_special_mask = (value & kOcw3SpecialMask) != 0;
}

void I8259::set_level_triggered(u8 mask) {
    m_elcr = mask;
    for (unsigned pin = 0; pin < 8; ++pin)
        if (level_mode(pin))
            m_irr = static_cast<u8>((m_irr & ~bit(pin)) | (m_lines & bit(pin)));
}

namespace {

class PicLine final : public IrqLine {
public:
    PicLine(std::shared_ptr<Pic8259Pair> pic, unsigned irq) : m_pic(std::move(pic)), m_irq(irq) {}
    void set_level(bool asserted) override { m_pic->set_irq(m_irq, asserted); }

private:
    std::shared_ptr<Pic8259Pair> m_pic;
    unsigned m_irq;
};

} // namespace

Pic8259Pair::Pic8259Pair(std::shared_ptr<IrqLine> intr) : m_intr(std::move(intr)) {
    m_chips[0].set_cascade_pin(kCascadeIrq);
}

std::shared_ptr<IrqLine> Pic8259Pair::line(std::shared_ptr<Pic8259Pair> pic, unsigned irq) {
    return std::make_shared<PicLine>(std::move(pic), irq);
}

void Pic8259Pair::set_irq(unsigned irq, bool level) {
    if (irq >= kIrqCount)
        return;
    std::lock_guard lock(m_mutex);
    m_chips[irq / 8].set_input(irq % 8, level);
    update_locked();
}

void Pic8259Pair::update_locked() {
    m_chips[0].set_input(kCascadeIrq, m_chips[1].int_output());
    bool level = m_chips[0].int_output();
    if (level == m_intr_level)
        return;
    m_intr_level = level;
    if (m_intr)
        m_intr->set_level(level);
}

u8 Pic8259Pair::acknowledge() {
    std::lock_guard lock(m_mutex);
    I8259& master = m_chips[0];
    I8259& slave = m_chips[1];
    u8 vector = 0;
    int irq = master.pending_irq();
    if (irq < 0) {
        vector = master.vector_base() | 7; // the request went away: spurious IRQ 7
    } else if (irq == static_cast<int>(kCascadeIrq)) {
        master.acknowledge(kCascadeIrq);
        int slave_irq = slave.pending_irq();
        if (slave_irq < 0) {
            vector = slave.vector_base() | 7; // spurious IRQ 15; the master's cascade bit stays in service
        } else {
            slave.acknowledge(static_cast<unsigned>(slave_irq));
            vector = static_cast<u8>(slave.vector_base() + slave_irq);
        }
    } else {
        master.acknowledge(static_cast<unsigned>(irq));
        vector = static_cast<u8>(master.vector_base() + irq);
    }
    update_locked();
    return vector;
}

bool Pic8259Pair::intr_level() const {
    std::lock_guard lock(m_mutex);
    return m_intr_level;
}

u8 Pic8259Pair::read(unsigned chip, bool a0) {
    std::lock_guard lock(m_mutex);
    u8 value = m_chips[chip & 1].read(a0);
    update_locked(); // a poll acknowledges
    return value;
}

void Pic8259Pair::write(unsigned chip, bool a0, u8 value) {
    std::lock_guard lock(m_mutex);
    m_chips[chip & 1].write(a0, value);
    update_locked();
}

u8 Pic8259Pair::read_elcr(unsigned index) {
    std::lock_guard lock(m_mutex);
    return m_chips[index & 1].level_triggered();
}

void Pic8259Pair::write_elcr(unsigned index, u8 value) {
    std::lock_guard lock(m_mutex);
    m_chips[index & 1].set_level_triggered(value & ((index & 1) ? kElcrSlaveMask : kElcrMasterMask));
    update_locked();
}

I8259 Pic8259Pair::chip(unsigned index) const {
    std::lock_guard lock(m_mutex);
    return m_chips[index & 1];
}

Result<void> Pic8259Pair::attach(Bus& pio, std::shared_ptr<Pic8259Pair> pic) {
    for (unsigned chip = 0; chip < 2; ++chip) {
        auto regs = std::make_shared<RegisterDevice>(
            RegisterDevice::Layout{.name = chip ? "i8259 slave" : "i8259 master", .length = 2},
            [pic, chip](u64 offset, unsigned) -> u64 { return pic->read(chip, offset != 0); },
            [pic, chip](u64 offset, unsigned, u64 value) {
                pic->write(chip, offset != 0, static_cast<u8>(value));
            });
        TRY(pio.insert(chip ? kSlavePort : kMasterPort, 2, std::move(regs),
                       chip ? "i8259 slave" : "i8259 master"));
    }
    auto elcr = std::make_shared<RegisterDevice>(
        RegisterDevice::Layout{.name = "elcr", .length = 2},
        [pic](u64 offset, unsigned) -> u64 { return pic->read_elcr(static_cast<unsigned>(offset)); },
        [pic](u64 offset, unsigned, u64 value) {
            pic->write_elcr(static_cast<unsigned>(offset), static_cast<u8>(value));
        });
    return pio.insert(kElcrPort, 2, std::move(elcr), "elcr");
}

} // namespace kite::devices
