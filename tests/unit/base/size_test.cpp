#include "base/size.h"

#include <gtest/gtest.h>

using namespace kite;

TEST(ParseSize, UnitsAndDefaultMiB) {
    EXPECT_EQ(parse_size("512").value(), 512 * MiB);
    EXPECT_EQ(parse_size("512M").value(), 512 * MiB);
    EXPECT_EQ(parse_size("2G").value(), 2 * GiB);
    EXPECT_EQ(parse_size("64K").value(), 64 * KiB);
    EXPECT_EQ(parse_size("1T").value(), 1024 * GiB);
    EXPECT_EQ(parse_size("4096B").value(), 4096u);
}

TEST(ParseSize, RejectsGarbageAndOverflow) {
    EXPECT_FALSE(parse_size(""));
    EXPECT_FALSE(parse_size("lots"));
    EXPECT_FALSE(parse_size("12Q"));
    EXPECT_FALSE(parse_size("-1"));
    EXPECT_FALSE(parse_size("99999999999999999999"));
    EXPECT_FALSE(parse_size("17179869184T"));
}
