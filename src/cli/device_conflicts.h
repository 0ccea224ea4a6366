#pragma once

#include "base/error.h"
#include "machine/riscv_virt/virt_board.h"

namespace kite::cli {

// Refuses devices that each parse but cannot go together: one image file given
// to two --disk options, or two NICs with the same MAC (an explicit one
// included, against the defaults the board gives the others).
Result<void> check_device_conflicts(const machine::VirtConfig& config);

} // namespace kite::cli
