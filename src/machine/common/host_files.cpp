#include "machine/common/host_files.h"

#include <fcntl.h>

namespace kite::machine {

Result<std::vector<u8>> read_file(const std::string& path, u64 max_size, std::string_view what) {
    OpenedFile file = TRY(open_without_blocking(path, O_RDONLY, what));
    if (!file.is_regular())
        return error("{} '{}' is not a regular file", what, path);
    u64 size = static_cast<u64>(file.status.st_size);
    if (size > max_size)
        return error("{} '{}' ({} bytes) does not fit in guest RAM ({} bytes)", what, path, size, max_size);
    std::vector<u8> data(size);
    std::size_t done = TRY_CONTEXT(read_fully(file.fd.get(), data), fmt::format("{} '{}'", what, path));
    if (done < size)
        return error("{} '{}' shrank while being read", what, path);
    return data;
}

} // namespace kite::machine
