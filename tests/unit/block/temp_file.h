#pragma once

// A scratch file for block tests, removed on destruction.

#include "base/types.h"

#include <cstdlib>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <span>
#include <string>
#include <unistd.h>
#include <vector>

namespace kite::block::testing {

class TempFile {
public:
    // A file of `size` bytes in `dir` (TMPDIR or /tmp by default), filled with `fill`.
    explicit TempFile(u64 size, u8 fill = 0, std::string dir = {}) {
        if (dir.empty()) {
            const char* tmp = std::getenv("TMPDIR");
            dir = tmp && *tmp ? tmp : "/tmp";
        }
        m_path = dir + "/kite-block-test-XXXXXX";
        int fd = ::mkstemp(m_path.data());
        EXPECT_GE(fd, 0);
        if (fd < 0)
            return;
        std::vector<u8> bytes(size, fill);
        EXPECT_EQ(::pwrite(fd, bytes.data(), bytes.size(), 0), static_cast<ssize_t>(bytes.size()));
        ::close(fd);
    }
    ~TempFile() { ::unlink(m_path.c_str()); }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;

    const std::string& path() const { return m_path; }

    std::vector<u8> contents(u64 offset, u64 len) const {
        std::vector<u8> out(len);
        int fd = ::open(m_path.c_str(), O_RDONLY | O_CLOEXEC);
        EXPECT_GE(fd, 0);
        EXPECT_EQ(::pread(fd, out.data(), len, static_cast<off_t>(offset)), static_cast<ssize_t>(len));
        ::close(fd);
        return out;
    }

    void write(u64 offset, std::span<const u8> bytes) const {
        int fd = ::open(m_path.c_str(), O_WRONLY | O_CLOEXEC);
        EXPECT_GE(fd, 0);
        EXPECT_EQ(::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(offset)),
                  static_cast<ssize_t>(bytes.size()));
        ::close(fd);
    }

private:
    std::string m_path;
};

} // namespace kite::block::testing
