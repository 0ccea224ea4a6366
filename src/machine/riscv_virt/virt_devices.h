#pragma once

#include "base/error.h"
#include "bus/bus.h"
#include "machine/common/virtio_attacher.h"

namespace kite::devices {
class Plic;
}

namespace kite::machine {

// Where the `virt` board puts virtio devices: eight virtio-mmio slots
// (described in the device tree) raising PLIC sources 1-8, and the generic
// PCIe host (enumerated by the guest), whose ECAM, memory and I/O windows go
// on `mmio` with INTx routed to the PLIC.
Result<VirtioPlacement> attach_virt_virtio_host(Bus& mmio, devices::Plic& plic);

} // namespace kite::machine
