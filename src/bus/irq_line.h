#pragma once

#include "base/types.h"

#include <atomic>

namespace kite {

// One interrupt input of an interrupt controller, as a device core sees it.
// Implemented by an accelerator (KVM_IRQ_LINE) or a software interrupt controller.
class IrqLine {
public:
    virtual ~IrqLine() = default;
    virtual void set_level(bool asserted) = 0;
};

// The line a device holds for input `input` of an interrupt controller (a
// PLIC source, an IOAPIC pin): set_level calls (owner->*Set)(input, level)
// until the owner, going away, detaches it; later calls do nothing. The
// owner must not be destroyed while another thread may set the line.
template <typename Owner, void (Owner::*Set)(u32, bool)>
class ControllerInputLine final : public IrqLine {
public:
    ControllerInputLine(Owner* owner, u32 input) : m_owner(owner), m_input(input) {}

    void set_level(bool asserted) override {
        if (Owner* owner = m_owner.load(std::memory_order_acquire))
            (owner->*Set)(m_input, asserted);
    }
    void detach() { m_owner.store(nullptr, std::memory_order_release); }

private:
    std::atomic<Owner*> m_owner;
    u32 m_input;
};

// An IrqLine that records its level; for unit tests and unwired devices.
class RecordingIrqLine final : public IrqLine {
public:
    void set_level(bool asserted) override {
        if (asserted && !m_level)
            ++m_rising_edges;
        m_level = asserted;
    }
    bool level() const { return m_level; }
    unsigned rising_edges() const { return m_rising_edges; }

private:
    bool m_level{false};
    unsigned m_rising_edges{0};
};

} // namespace kite
