#include "base/file_io.h"

#include "base/unique_fd.h"

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace kite {

Result<void> write_file(const std::string& path, std::span<const u8> bytes, std::string_view what) {
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!fd)
        return errno_error(fmt::format("{} '{}'", what, path));
    std::size_t done = 0;
    while (done < bytes.size()) {
        ssize_t n = ::write(fd.get(), bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return errno_error(fmt::format("write {} '{}'", what, path));
        done += static_cast<std::size_t>(n);
    }
    return {};
}

} // namespace kite
