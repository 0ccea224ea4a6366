#include "base/error.h"

#include <gtest/gtest.h>

using namespace kite;

namespace {

Result<int> half(int v) {
    if (v % 2)
        return error("{} is odd", v);
    return v / 2;
}

Result<int> quarter(int v) {
    int h = TRY(half(v));
    return TRY_CONTEXT(half(h), "second half");
}

} // namespace

TEST(Error, MessageWithoutErrnoIsTheContext) {
    auto e = Error::format("bad thing {}", 42);
    EXPECT_EQ(e.code(), 0);
    EXPECT_EQ(e.message(), "bad thing 42");
}

TEST(Error, MessageWithErrnoAppendsStrerror) {
    auto e = Error::from_errno("open /x", ENOENT);
    EXPECT_EQ(e.code(), ENOENT);
    EXPECT_EQ(e.message(), "open /x: No such file or directory");
}

TEST(Error, TryPropagatesAndTryContextPrefixes) {
    EXPECT_EQ(quarter(8).value(), 2);
    EXPECT_EQ(quarter(3).error().message(), "3 is odd");
    EXPECT_EQ(quarter(6).error().message(), "second half: 3 is odd");
}
