#pragma once

#include "base/error.h"
#include "machine/common/virtio_config.h"

#include <vector>

namespace kite::cli {

// Refuses devices that each parse but cannot go together: one image file given
// to two --disk options, or two NICs with the same MAC (an explicit one
// included, against the defaults the board gives the others).
Result<void> check_device_conflicts(const std::vector<machine::DiskConfig>& disks,
                                    const std::vector<machine::NetConfig>& nets);

} // namespace kite::cli
