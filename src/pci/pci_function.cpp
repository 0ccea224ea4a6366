#include "pci/pci_function.h"

namespace kite::pci {

void PciFunction::config_read(u16 offset, std::span<u8> data) {
    m_config.read(offset, data);
}

void PciFunction::config_write(u16 offset, std::span<const u8> data) {
    m_config.write(offset, data);
    update_intx(); // the command register's INTx Disable may have changed
}

std::vector<BarInfo> PciFunction::bars() const {
    return m_config.bars();
}

void PciFunction::connect_intx(std::shared_ptr<IrqLine> line) {
    m_intx.connect(std::move(line));
}

void PciFunction::set_intx_pending(bool pending) {
    m_config.set_interrupt_status(pending);
    update_intx();
}

void PciFunction::update_intx() {
    m_intx.drive(m_config.interrupt_status() && !m_config.intx_disabled());
}

} // namespace kite::pci
