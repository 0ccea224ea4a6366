#include "machine/common/host_files.h"

#include "base/unique_fd.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace kite::machine {

Result<std::vector<u8>> read_file(const std::string& path, u64 max_size, std::string_view what) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd)
        return errno_error(fmt::format("{} '{}'", what, path));
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0)
        return errno_error(fmt::format("{} '{}'", what, path));
    if (!S_ISREG(st.st_mode))
        return error("{} '{}' is not a regular file", what, path);
    u64 size = static_cast<u64>(st.st_size);
    if (size > max_size)
        return error("{} '{}' ({} bytes) does not fit in guest RAM ({} bytes)", what, path, size, max_size);
    std::vector<u8> data(size);
    u64 done = 0;
    while (done < size) {
        ssize_t n = ::read(fd.get(), data.data() + done, size - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno_error(fmt::format("read {} '{}'", what, path));
        if (n == 0)
            return error("{} '{}' shrank while being read", what, path);
        done += static_cast<u64>(n);
    }
    return data;
}

} // namespace kite::machine
