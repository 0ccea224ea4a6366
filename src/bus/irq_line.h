#pragma once

namespace kite {

// One interrupt input of an interrupt controller, as a device core sees it.
// Implemented by an accelerator (KVM_IRQ_LINE) or a software interrupt controller.
class IrqLine {
public:
    virtual ~IrqLine() = default;
    virtual void set_level(bool asserted) = 0;
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
