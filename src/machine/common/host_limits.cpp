#include "machine/common/host_limits.h"

#include <sys/sysinfo.h>

namespace kite::machine {

u64 host_memory_bytes() {
    struct sysinfo info {};
    if (::sysinfo(&info) != 0)
        return 0;
    return static_cast<u64>(info.totalram) * info.mem_unit;
}

MachineResult<void> check_resources(u32 cpus, u32 max_cpus, u64 memory, u64 min_memory) {
    if (cpus == 0 || cpus > max_cpus)
        return fail(ExitStatus::Usage, Error::format("--cpus {}: must be between 1 and {}", cpus, max_cpus));
    if (memory < min_memory)
        return fail(ExitStatus::Usage, Error::format("--memory: {} KiB is too small (at least {} MiB)",
                                                     memory / KiB, min_memory / MiB));
    u64 host = host_memory_bytes();
    if (host != 0 && memory > host)
        return fail(ExitStatus::Usage, Error::format("--memory: {} MiB is more than the host's {} MiB of RAM",
                                                     memory / MiB, host / MiB));
    return {};
}

} // namespace kite::machine
