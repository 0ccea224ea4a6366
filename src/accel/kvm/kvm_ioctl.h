#pragma once

#include "base/error.h"

#include <cerrno>
#include <sys/ioctl.h>

namespace kite::kvm {

// The one place Kite calls ioctl(2) on KVM fds: retries EINTR where the
// request allows it and turns failures into an Error naming the request.
template <typename Arg>
Result<int> checked_ioctl(int fd, unsigned long request, Arg arg, const char* name) {
    int r;
    do {
        r = ::ioctl(fd, request, arg);
    } while (r < 0 && errno == EINTR);
    if (r < 0)
        return errno_error(name);
    return r;
}

} // namespace kite::kvm
