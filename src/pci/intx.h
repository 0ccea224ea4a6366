#pragma once

#include "base/types.h"
#include "bus/irq_line.h"

#include <array>
#include <memory>

namespace kite::pci {

// The standard INTx swizzle for devices on the root bus (PCI-to-PCI Bridge
// Architecture 1.2, 9.1): pin INTA..INTD (1-4) of the device in `slot` lands
// on host interrupt line (slot + pin - 1) % 4, 0..3 for INTA..INTD. A board
// turns the result into an interrupt controller input (and describes the same
// mapping to the guest, e.g. in a device tree interrupt-map).
constexpr u8 intx_swizzle(u8 slot, u8 pin) {
    return static_cast<u8>((slot + pin - 1) % 4);
}

// A function's INTx output: drives its IrqLine when the level changes. The
// caller decides the level (interrupt pending and not INTx-disabled).
class IntxPin {
public:
    // Connects the line, bringing it to the current level.
    void connect(std::shared_ptr<IrqLine> line);
    void drive(bool level);
    bool level() const { return m_level; }

private:
    std::shared_ptr<IrqLine> m_line;
    bool m_level{false};
};

// The four host INTx lines a board wires to its interrupt controller. INTx is
// level-triggered and shared: a line is asserted while any device on it
// asserts its pin, so each device gets its own input and the router ORs them.
// Thread-safe; the host lines are called with the router's lock held. The
// inputs share the router's state, so they stay valid after it is gone.
class IntxRouter {
public:
    // Host lines 0-3 are INTA-INTD after the swizzle; a null one drops its interrupts.
    explicit IntxRouter(std::array<std::shared_ptr<IrqLine>, 4> host_lines);

    // The input for pin `pin` (1-4) of the device in `slot`; a new input per call.
    std::shared_ptr<IrqLine> line_for(u8 slot, u8 pin);
    // Whether host line `index` (0-3) is asserted.
    bool host_level(u8 index) const;

private:
    struct State;
    class Input;

    std::shared_ptr<State> m_state;
};

} // namespace kite::pci
