#include "block/disk_image.h"
#include "temp_file.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

namespace kite::block {
namespace {

using testing::TempFile;

std::string message_of(const Result<DiskImage>& r) {
    return r ? std::string() : r.error().message();
}

TEST(DiskImage, OpensReadWriteWithSizeAndCloexec) {
    TempFile file(64 * KiB);
    auto image = DiskImage::open(file.path(), false);
    ASSERT_TRUE(image) << message_of(image);
    EXPECT_EQ(image->size_bytes(), 64 * KiB);
    EXPECT_EQ(image->sectors(), 128u);
    EXPECT_FALSE(image->readonly());
    EXPECT_EQ(image->path(), file.path());
    EXPECT_TRUE(::fcntl(image->fd(), F_GETFD) & FD_CLOEXEC);
    EXPECT_EQ(::fcntl(image->fd(), F_GETFL) & O_ACCMODE, O_RDWR);
}

TEST(DiskImage, ReadOnlyOpensReadOnly) {
    TempFile file(4 * KiB);
    auto image = DiskImage::open(file.path(), true);
    ASSERT_TRUE(image) << message_of(image);
    EXPECT_TRUE(image->readonly());
    EXPECT_EQ(::fcntl(image->fd(), F_GETFL) & O_ACCMODE, O_RDONLY);
}

TEST(DiskImage, MissingFileIsAnError) {
    auto image = DiskImage::open("/nonexistent/kite-disk.img", false);
    ASSERT_FALSE(image);
    EXPECT_NE(message_of(image).find("/nonexistent/kite-disk.img"), std::string::npos);
    EXPECT_EQ(image.error().code(), ENOENT);
}

TEST(DiskImage, DirectoryIsAnError) {
    for (bool readonly : {false, true}) {
        auto image = DiskImage::open("/tmp", readonly);
        ASSERT_FALSE(image);
        EXPECT_NE(message_of(image).find("directory"), std::string::npos) << message_of(image);
    }
}

TEST(DiskImage, EmptyFileIsAnError) {
    TempFile file(0);
    auto image = DiskImage::open(file.path(), false);
    ASSERT_FALSE(image);
    EXPECT_NE(message_of(image).find("empty"), std::string::npos) << message_of(image);
}

TEST(DiskImage, SizeMustBeWholeSectors) {
    TempFile file(1000);
    auto image = DiskImage::open(file.path(), true);
    ASSERT_FALSE(image);
    EXPECT_NE(message_of(image).find("not a multiple of the 512-byte sector size"), std::string::npos)
        << message_of(image);
}

TEST(DiskImage, TwoWritersConflict) {
    TempFile file(4 * KiB);
    auto first = DiskImage::open(file.path(), false);
    ASSERT_TRUE(first) << message_of(first);
    auto second = DiskImage::open(file.path(), false);
    ASSERT_FALSE(second);
    EXPECT_NE(message_of(second).find("image is in use by another process"), std::string::npos)
        << message_of(second);
}

TEST(DiskImage, ReadersShareButExcludeAWriter) {
    TempFile file(4 * KiB);
    auto a = DiskImage::open(file.path(), true);
    auto b = DiskImage::open(file.path(), true);
    ASSERT_TRUE(a) << message_of(a);
    ASSERT_TRUE(b) << message_of(b);
    auto writer = DiskImage::open(file.path(), false);
    ASSERT_FALSE(writer);
    EXPECT_NE(message_of(writer).find("in use"), std::string::npos);
}

TEST(DiskImage, AWriterExcludesReaders) {
    TempFile file(4 * KiB);
    auto writer = DiskImage::open(file.path(), false);
    ASSERT_TRUE(writer) << message_of(writer);
    EXPECT_FALSE(DiskImage::open(file.path(), true));
}

TEST(DiskImage, LockIsReleasedWithTheImage) {
    TempFile file(4 * KiB);
    {
        auto first = DiskImage::open(file.path(), false);
        ASSERT_TRUE(first);
        // Moving the image keeps the lock with the fd.
        DiskImage moved = std::move(*first);
        EXPECT_FALSE(DiskImage::open(file.path(), false));
    }
    EXPECT_TRUE(DiskImage::open(file.path(), false));
}

} // namespace
} // namespace kite::block
