#include "base/file_io.h"

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace kite {

Result<OpenedFile> open_without_blocking(const std::string& path, int flags, std::string_view what,
                                         mode_t mode) {
    OpenedFile file;
    file.fd = UniqueFd(::open(path.c_str(), flags | O_NONBLOCK | O_CLOEXEC, mode));
    if (!file.fd) {
        int saved = errno;
        struct stat st {};
        if (saved == ENXIO && ::stat(path.c_str(), &st) == 0 && S_ISFIFO(st.st_mode))
            return error("{} '{}' is a FIFO that nothing reads", what, path);
        return std::unexpected(Error::from_errno(fmt::format("{} '{}'", what, path), saved));
    }
    if (::fstat(file.fd.get(), &file.status) != 0)
        return errno_error(fmt::format("{} '{}'", what, path));
    int status_flags = ::fcntl(file.fd.get(), F_GETFL);
    if (status_flags < 0 || ::fcntl(file.fd.get(), F_SETFL, status_flags & ~O_NONBLOCK) != 0)
        return errno_error(fmt::format("{} '{}'", what, path));
    return file;
}

Result<std::size_t> read_fully(int fd, std::span<u8> buffer) {
    std::size_t done = 0;
    while (done < buffer.size()) {
        ssize_t n = ::read(fd, buffer.data() + done, buffer.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno_error("read");
        if (n == 0)
            break;
        done += static_cast<std::size_t>(n);
    }
    return done;
}

Result<void> write_file(const std::string& path, std::span<const u8> bytes, std::string_view what) {
    OpenedFile file = TRY(open_without_blocking(path, O_WRONLY | O_CREAT | O_TRUNC, what));
    int fd = file.fd.get();
    std::size_t done = 0;
    while (done < bytes.size()) {
        ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return errno_error(fmt::format("write {} '{}'", what, path));
        done += static_cast<std::size_t>(n);
    }
    return {};
}

} // namespace kite
