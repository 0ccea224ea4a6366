#include "pci/intx.h"

#include "base/assert.h"
#include "pci/pci_regs.h"

#include <mutex>

namespace kite::pci {

void IntxPin::connect(std::shared_ptr<IrqLine> line) {
    if (m_line && m_level)
        m_line->set_level(false);
    m_line = std::move(line);
    if (m_line && m_level)
        m_line->set_level(true);
}

void IntxPin::drive(bool level) {
    if (level == m_level)
        return;
    m_level = level;
    if (m_line)
        m_line->set_level(level);
}

struct IntxRouter::State {
    std::mutex mutex;
    std::array<std::shared_ptr<IrqLine>, 4> host_lines;
    std::array<unsigned, 4> asserted{}; // inputs currently asserted, per host line

    void set_input(u8 host_line, bool level) {
        std::lock_guard lock(mutex);
        unsigned& count = asserted[host_line];
        const bool was = count != 0;
        count = level ? count + 1 : count - 1;
        const bool now = count != 0;
        if (was != now && host_lines[host_line])
            host_lines[host_line]->set_level(now);
    }
};

// One device pin's contribution to a shared host line.
class IntxRouter::Input final : public IrqLine {
public:
    Input(std::shared_ptr<State> state, u8 host_line) : m_state(std::move(state)), m_host_line(host_line) {}
    ~Input() override { set_level(false); }

    void set_level(bool asserted) override {
        std::lock_guard lock(m_mutex);
        if (asserted == m_level)
            return;
        m_level = asserted;
        m_state->set_input(m_host_line, asserted);
    }

private:
    std::shared_ptr<State> m_state;
    u8 m_host_line;
    std::mutex m_mutex;
    bool m_level{false};
};

IntxRouter::IntxRouter(std::array<std::shared_ptr<IrqLine>, 4> host_lines)
    : m_state(std::make_shared<State>()) {
    m_state->host_lines = std::move(host_lines);
}

std::shared_ptr<IrqLine> IntxRouter::line_for(u8 slot, u8 pin) {
    KITE_ASSERT(pin >= kPinIntA && pin <= kPinIntD, "INTx pin must be 1-4");
    return std::make_shared<Input>(m_state, intx_swizzle(slot, pin));
}

bool IntxRouter::host_level(u8 index) const {
    KITE_ASSERT(index < 4, "host INTx line must be 0-3");
    std::lock_guard lock(m_state->mutex);
    return m_state->asserted[index] != 0;
}

} // namespace kite::pci
