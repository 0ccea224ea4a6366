#pragma once

#include "accel/x86_entry_state.h"
#include "base/error.h"

namespace kite::accel {

// What an x86 vCPU offers beyond accel::Vcpu (reached by Vcpu::as_x86()).
class X86Vcpu {
public:
    // Loads the boot protocol's entry registers and segments (X86EntryState).
    virtual Result<void> set_entry_state(const X86EntryState& state) = 0;

protected:
    ~X86Vcpu() = default;
};

} // namespace kite::accel
