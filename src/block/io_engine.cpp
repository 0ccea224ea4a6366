#include "block/io_engine.h"

#include "base/log.h"
#include "block/engines.h"

namespace kite::block {

Result<std::unique_ptr<IoEngine>> IoEngine::create(IoThread& io, int fd, Backend backend, u32 depth) {
    switch (backend) {
    case Backend::Sync:
        return detail::make_sync_engine(io, fd);
    case Backend::Uring:
        return detail::make_uring_engine(io, fd, depth);
    case Backend::Auto: {
        auto uring = detail::make_uring_engine(io, fd, depth);
        if (uring)
            return uring;
        // Sandboxes and hardened hosts disable io_uring (EPERM, ENOSYS): the
        // IoThread then runs each request itself, so vCPUs still never wait.
        log::info("block: io_uring unavailable ({}); disk I/O runs synchronously on the I/O thread",
                  uring.error().message());
        return detail::make_sync_engine(io, fd);
    }
    }
    return error("unknown I/O engine backend");
}

std::string_view backend_name(IoEngine::Backend backend) {
    switch (backend) {
    case IoEngine::Backend::Auto:
        return "auto";
    case IoEngine::Backend::Uring:
        return "io_uring";
    case IoEngine::Backend::Sync:
        return "sync";
    }
    return "?";
}

} // namespace kite::block
