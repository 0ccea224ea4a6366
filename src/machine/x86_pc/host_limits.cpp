#include "machine/x86_pc/host_limits.h"

#include <sys/sysinfo.h>

namespace kite::machine {

u64 host_memory_bytes() {
    struct sysinfo info {};
    if (::sysinfo(&info) != 0)
        return 0;
    return static_cast<u64>(info.totalram) * info.mem_unit;
}

} // namespace kite::machine
