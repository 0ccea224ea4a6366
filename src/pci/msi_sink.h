#pragma once

#include "base/types.h"

namespace kite::pci {

// Where a device's message-signalled interrupts go: the address/data pair of
// an MSI or MSI-X vector, written as if by the device's bus-master write (on
// x86, an address in 0xFEExxxxx names the local APICs). Implemented by an
// accelerator (KVM_SIGNAL_MSI) or a software interrupt controller's bus.
// Called from any thread, possibly several at once.
class MsiSink {
public:
    virtual ~MsiSink() = default;
    virtual void send_msi(u64 address, u32 data) = 0;
};

} // namespace kite::pci
