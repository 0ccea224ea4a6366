#include "cpu/riscv/hart.h"

#include "cpu/riscv/core.h"

namespace kite::riscv {

Hart::Hart(const GuestMemory& ram, Bus& mmio, HartConfig config)
    : m_core(std::make_unique<Core>(ram, mmio, std::move(config))) {}

Hart::~Hart() = default;

void Hart::reset(u64 pc) {
    m_core->reset(pc);
}
HartState& Hart::state() {
    return m_core->st;
}
const HartState& Hart::state() const {
    return m_core->st;
}
Hart::StopReason Hart::run(u64 max_instructions) {
    return m_core->run(max_instructions);
}
void Hart::set_interrupt(InterruptLine line, bool level) {
    m_core->set_interrupt(line, level);
}
bool Hart::has_pending_interrupt() const {
    return m_core->has_pending_interrupt();
}
void Hart::request_stop() {
    m_core->request_stop();
}
u64 Hart::instret() const {
    return m_core->st.minstret;
}
std::string Hart::describe_state() const {
    return m_core->describe_state();
}

} // namespace kite::riscv
