#include "base/mmap_region.h"
#include "base/unique_fd.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

using namespace kite;

namespace {
bool is_open(int fd) {
    return ::fcntl(fd, F_GETFD) != -1;
}
} // namespace

TEST(UniqueFd, ClosesOnDestructionAndMoves) {
    int raw;
    {
        UniqueFd fd(::open("/dev/null", O_RDONLY));
        raw = fd.get();
        ASSERT_TRUE(is_open(raw));
        UniqueFd moved = std::move(fd);
        EXPECT_FALSE(fd.valid());
        EXPECT_EQ(moved.get(), raw);
    }
    EXPECT_FALSE(is_open(raw));
}

TEST(UniqueFd, ReleaseGivesUpOwnership) {
    UniqueFd fd(::open("/dev/null", O_RDONLY));
    int raw = fd.release();
    EXPECT_FALSE(fd.valid());
    EXPECT_TRUE(is_open(raw));
    ::close(raw);
}

TEST(MmapRegion, AnonymousIsZeroedAndMovable) {
    auto region = MmapRegion::anonymous(64 * KiB);
    ASSERT_TRUE(region);
    EXPECT_EQ(region->size(), 64 * KiB);
    EXPECT_EQ(region->data()[100], 0);
    region->data()[100] = 7;
    MmapRegion moved = std::move(*region);
    EXPECT_FALSE(region->valid());
    EXPECT_EQ(moved.data()[100], 7);
}

TEST(MmapRegion, ZeroSizeIsAnError) {
    EXPECT_FALSE(MmapRegion::anonymous(0));
}
