#pragma once

#include "pci/config_space.h"
#include "pci/intx.h"
#include "pci/pci_device.h"

namespace kite::pci {

// A helper base for PciDevice implementations: a ConfigSpace that config
// accesses go to, and the INTx pin, asserted while the function has an
// interrupt pending (status Interrupt Status) and software has not set INTx
// Disable in the command register.
//
// No locking of its own: a device whose interrupts come from other threads
// overrides the virtual functions to take its lock and calls these.
class PciFunction : public PciDevice {
public:
    void config_read(u16 offset, std::span<u8> data) override;
    void config_write(u16 offset, std::span<const u8> data) override;
    std::vector<BarInfo> bars() const override;
    void connect_intx(std::shared_ptr<IrqLine> line) override;

    // Whether the INTx line is asserted now.
    bool intx_level() const { return m_intx.level(); }

protected:
    explicit PciFunction(const PciIdentity& identity) : m_config(identity) {}

    ConfigSpace& config_space() { return m_config; }
    const ConfigSpace& config_space() const { return m_config; }

    // The function's interrupt condition: sets Interrupt Status and drives the pin.
    void set_intx_pending(bool pending);

private:
    void update_intx();

    ConfigSpace m_config;
    IntxPin m_intx;
};

} // namespace kite::pci
