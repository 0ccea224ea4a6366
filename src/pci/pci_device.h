#pragma once

#include "base/types.h"
#include "bus/irq_line.h"
#include "pci/bar.h"

#include <memory>
#include <span>
#include <vector>

namespace kite::pci {

// A PCI function (function 0 of a device) as the bus sees it: configuration
// accesses, accesses to the ranges its BARs claim, and the BARs themselves so
// that the bus can decode addresses the guest programmed.
//
// Called from vCPU threads, possibly several at once; a device whose state
// other threads touch (an I/O thread raising interrupts) protects it itself.
// The bus calls config_* and bars() with its own lock held, so a device must
// not call back into the bus from them.
class PciDevice {
public:
    virtual ~PciDevice() = default;

    // `offset` is below kExtendedConfigSpaceSize; the access 1, 2 or 4 bytes, naturally aligned.
    virtual void config_read(u16 offset, std::span<u8> data) = 0;
    virtual void config_write(u16 offset, std::span<const u8> data) = 0;

    // An access inside BAR `bar` (its index as bars() reports it) at `offset` from its base.
    virtual void bar_read(u8 bar, u64 offset, std::span<u8> data) = 0;
    virtual void bar_write(u8 bar, u64 offset, std::span<const u8> data) = 0;

    // The implemented BARs with their current address and whether decoding is on.
    virtual std::vector<BarInfo> bars() const = 0;

    // The line the function's INTx pin drives (from the board's routing).
    virtual void connect_intx(std::shared_ptr<IrqLine> line) = 0;
};

} // namespace kite::pci
