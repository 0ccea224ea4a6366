#pragma once

// The two IoEngine backends, built by IoEngine::create. Internal to kite_block.

#include "block/io_engine.h"

namespace kite::block::detail {

// Fails when io_uring cannot be set up or lacks an operation the engine needs.
Result<std::unique_ptr<IoEngine>> make_uring_engine(IoThread& io, int fd, u32 depth);
std::unique_ptr<IoEngine> make_sync_engine(IoThread& io, int fd);

} // namespace kite::block::detail
