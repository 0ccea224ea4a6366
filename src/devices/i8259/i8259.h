#pragma once

#include "base/error.h"
#include "bus/bus.h"
#include "bus/irq_line.h"

#include <array>
#include <memory>
#include <mutex>

namespace kite::devices {

// One Intel 8259A programmable interrupt controller: the register state and
// logic of a single chip, with no locking and no wiring (Pic8259Pair cascades
// two). Inputs are levels; edge or level sensing is per pin, from ICW1's LTIM
// bit or the board's ELCR.
class I8259 {
public:
    // Sets input pin `pin` (0–7) to `level`.
    void set_input(unsigned pin, bool level);
    // The chip's INT output: an unmasked request of higher priority than
    // everything in service.
    bool int_output() const { return pending_irq() >= 0; }
    // The pin an INTA cycle would acknowledge now, or -1.
    int pending_irq() const;
    // The INTA cycle on this chip for `irq` (from pending_irq()): sets its ISR bit
    // (or, with auto-EOI, rotates if asked), clears an edge-triggered request.
    void acknowledge(unsigned irq);

    // A0 = 0 (command / IRR / ISR / poll) and A0 = 1 (data / IMR) ports.
    u8 read(bool a0);
    void write(bool a0, u8 value);

    void set_level_triggered(u8 mask);
    u8 level_triggered() const { return m_elcr; }
    u8 vector_base() const { return m_vector_base; }
    u8 irr() const { return m_irr; }
    u8 isr() const { return m_isr; }
    u8 imr() const { return m_imr; }
    // The pin whose requests come from a slave (ICW3 on a master); the pair sets it.
    void set_cascade_pin(int pin) { m_cascade_pin = pin; }

private:
    bool level_mode(unsigned pin) const;
    // Priority rank of `mask`'s highest-priority bit (0 = highest), 8 if empty.
    unsigned priority(u8 mask) const;
    void write_icw1(u8 value);
    void write_ocw2(u8 value);
    void write_ocw3(u8 value);
    void end_of_interrupt(unsigned irq, bool rotate);
    u8 poll();

    u8 m_irr{0};
    u8 m_isr{0};
    u8 m_imr{0};
    u8 m_lines{0}; // current input levels
    u8 m_elcr{0};
    u8 m_vector_base{0};
    u8 m_icw3{0};
    unsigned m_lowest{7};    // the pin with the lowest priority; the next one is the highest
    unsigned m_init_step{0}; // 0 ready; 2, 3, 4: expecting that ICW on the data port
    int m_cascade_pin{-1};
    bool m_icw4_needed{false};
    bool m_single{false};
    bool m_ltim{false};
    bool m_auto_eoi{false};
    bool m_rotate_on_auto_eoi{false};
    bool m_special_fully_nested{false};
    bool m_special_mask{false};
    bool m_read_isr{false};
    bool m_poll{false};
};

// The PC's two 8259As: the master at ports 0x20/0x21 (IRQ 0–7), the slave at
// 0xA0/0xA1 (IRQ 8–15) cascaded on the master's IRQ 2, and the edge/level
// control registers (ELCR) at 0x4D0/0x4D1. Inputs come from set_irq() or the
// IrqLines from line(); the master's INT output drives `intr` (a CPU's INTR
// pin or a local APIC's LINT0), and whoever takes the interrupt runs the INTA
// cycle with acknowledge(), which returns the vector. A request that went
// away before INTA gives the spurious vector of IRQ 7 (IRQ 15 if it was the
// slave's: the master's cascade input holds the request it latched).
// Thread-safe; `intr` is set with the lock held and must not call back in.
class Pic8259Pair {
public:
    static constexpr u64 kMasterPort = 0x20;
    static constexpr u64 kSlavePort = 0xA0;
    static constexpr u64 kElcrPort = 0x4D0;
    static constexpr unsigned kCascadeIrq = 2;
    static constexpr unsigned kIrqCount = 16;
    // ELCR bits that can be set: IRQ 0, 1, 2, 8 and 13 are always edge-triggered.
    static constexpr u8 kElcrMasterMask = 0xF8;
    static constexpr u8 kElcrSlaveMask = 0xDE;

    explicit Pic8259Pair(std::shared_ptr<IrqLine> intr);

    // Sets the level of IRQ `irq` (0–15); others are ignored.
    void set_irq(unsigned irq, bool level);
    // An IrqLine that drives IRQ `irq` of `pic`.
    static std::shared_ptr<IrqLine> line(std::shared_ptr<Pic8259Pair> pic, unsigned irq);

    // The INTA cycle: acknowledges the highest-priority request and returns its vector.
    u8 acknowledge();
    bool intr_level() const;

    // Register access: `chip` 0 master, 1 slave; `a0` the port's low bit.
    u8 read(unsigned chip, bool a0);
    void write(unsigned chip, bool a0, u8 value);
    u8 read_elcr(unsigned index);
    void write_elcr(unsigned index, u8 value);

    // A snapshot of one chip, for tests and debugging.
    I8259 chip(unsigned index) const;

    // Registers the master, slave and ELCR ports on the port I/O bus.
    static Result<void> attach(Bus& pio, std::shared_ptr<Pic8259Pair> pic);

private:
    void update_locked();

    std::shared_ptr<IrqLine> m_intr;
    mutable std::mutex m_mutex;
    std::array<I8259, 2> m_chips;
    bool m_intr_level{false};
};

} // namespace kite::devices
