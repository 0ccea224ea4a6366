#pragma once

#include "base/error.h"
#include "base/types.h"
#include "base/unique_fd.h"

#include <string>

namespace kite::block {

// A raw disk image: a regular file (or a host block device) whose bytes are the
// disk's sectors. Opened close-on-exec, read-write or read-only, and locked
// with an open file description lock (a write lock for read-write, a read lock
// for read-only) so two Kite processes cannot write one image, nor one read
// while another writes. The lock lives as long as the fd.
class DiskImage {
public:
    static constexpr u64 kSectorSize = 512;

    // Errors for a missing or unreadable file, a directory or other
    // non-disk file, an empty image, a size that is not a multiple of 512
    // bytes, and an image another process holds a conflicting lock on.
    static Result<DiskImage> open(const std::string& path, bool readonly);

    DiskImage(DiskImage&&) = default;
    DiskImage& operator=(DiskImage&&) = default;

    int fd() const { return m_fd.get(); }
    const std::string& path() const { return m_path; }
    u64 size_bytes() const { return m_size; }
    u64 sectors() const { return m_size / kSectorSize; }
    bool readonly() const { return m_readonly; }

private:
    DiskImage(UniqueFd fd, std::string path, u64 size, bool readonly)
        : m_fd(std::move(fd)), m_path(std::move(path)), m_size(size), m_readonly(readonly) {}

    UniqueFd m_fd;
    std::string m_path;
    u64 m_size{0};
    bool m_readonly{false};
};

} // namespace kite::block
