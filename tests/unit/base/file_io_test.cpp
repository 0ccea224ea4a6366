#include "base/file_io.h"

#include <array>
#include <cstdlib>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

using namespace kite;

namespace {

// A fresh directory under TMPDIR, removed with what is in it.
class FileIoTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::string pattern =
            (std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp") + std::string("/kite-fio-XXXXXX");
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        m_dir = pattern;
    }
    void TearDown() override {
        for (const char* name : {"fifo", "file"})
            ::unlink(path(name).c_str());
        ::rmdir(m_dir.c_str());
    }
    std::string path(const char* name) const { return m_dir + "/" + name; }

private:
    std::string m_dir;
};

} // namespace

TEST_F(FileIoTest, AFifoOpenedForReadingDoesNotBlockAndIsNotRegular) {
    ASSERT_EQ(::mkfifo(path("fifo").c_str(), 0600), 0);
    auto file = open_without_blocking(path("fifo"), O_RDONLY, "kernel");
    ASSERT_TRUE(file) << file.error().message();
    EXPECT_FALSE(file->is_regular());
    EXPECT_TRUE(S_ISFIFO(file->status.st_mode));
}

TEST_F(FileIoTest, AFifoWithoutReaderIsAnErrorForWriting) {
    ASSERT_EQ(::mkfifo(path("fifo").c_str(), 0600), 0);
    auto file = open_without_blocking(path("fifo"), O_WRONLY | O_CREAT | O_TRUNC, "serial output");
    ASSERT_FALSE(file);
    EXPECT_EQ(file.error().message(), "serial output '" + path("fifo") + "' is a FIFO that nothing reads");
}

TEST_F(FileIoTest, ARegularFileIsLeftBlockingAndReadsFully) {
    std::array<u8, 5> bytes{1, 2, 3, 4, 5};
    ASSERT_TRUE(write_file(path("file"), bytes, "test file"));
    auto file = open_without_blocking(path("file"), O_RDONLY, "kernel");
    ASSERT_TRUE(file) << file.error().message();
    EXPECT_TRUE(file->is_regular());
    EXPECT_EQ(::fcntl(file->fd.get(), F_GETFL) & O_NONBLOCK, 0);
    EXPECT_NE(::fcntl(file->fd.get(), F_GETFD) & FD_CLOEXEC, 0);
    std::array<u8, 8> buffer{};
    auto got = read_fully(file->fd.get(), buffer);
    ASSERT_TRUE(got);
    EXPECT_EQ(*got, bytes.size());
    EXPECT_EQ(buffer[4], 5);
}

TEST_F(FileIoTest, AMissingFileNamesWhatAndWhy) {
    auto file = open_without_blocking(path("missing"), O_RDONLY, "initrd");
    ASSERT_FALSE(file);
    EXPECT_EQ(file.error().message(), "initrd '" + path("missing") + "': No such file or directory");
}
