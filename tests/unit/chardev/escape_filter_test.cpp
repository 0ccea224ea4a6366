#include "chardev/escape_filter.h"

#include <gtest/gtest.h>
#include <string_view>

namespace kite {
namespace {

std::vector<u8> bytes_of(std::string_view text) {
    return {text.begin(), text.end()};
}

TEST(EscapeFilter, PlainBytesPassThrough) {
    EscapeFilter filter;
    auto result = filter.process(bytes_of("ls -l\r"));
    EXPECT_EQ(result.to_guest, bytes_of("ls -l\r"));
    EXPECT_FALSE(result.quit);
    EXPECT_FALSE(result.help);
}

TEST(EscapeFilter, CtrlAXQuits) {
    EscapeFilter filter;
    auto result = filter.process(bytes_of("ab\x01xcd"));
    EXPECT_TRUE(result.quit);
    EXPECT_EQ(result.to_guest, bytes_of("ab")); // the rest is discarded
}

TEST(EscapeFilter, DoubleCtrlASendsOne) {
    EscapeFilter filter;
    auto result = filter.process(bytes_of("a\x01\x01"
                                          "b"));
    EXPECT_EQ(result.to_guest, bytes_of("a\x01"
                                        "b"));
    EXPECT_FALSE(result.quit);
    // Four in a row are two escaped Ctrl-As.
    EXPECT_EQ(filter.process(bytes_of("\x01\x01\x01\x01")).to_guest, bytes_of("\x01\x01"));
}

TEST(EscapeFilter, CtrlAHAsksForHelp) {
    EscapeFilter filter;
    auto result = filter.process(bytes_of("1\x01h2"));
    EXPECT_TRUE(result.help);
    EXPECT_FALSE(result.quit);
    EXPECT_EQ(result.to_guest, bytes_of("12"));
}

TEST(EscapeFilter, UnknownEscapeDropsBothBytes) {
    EscapeFilter filter;
    auto result = filter.process(bytes_of("a\x01zb\x01X"));
    EXPECT_EQ(result.to_guest, bytes_of("ab"));
    EXPECT_FALSE(result.quit); // only lowercase x quits
    EXPECT_FALSE(result.help);
}

TEST(EscapeFilter, EscapeSplitAcrossReads) {
    EscapeFilter filter;
    auto first = filter.process(bytes_of("abc\x01"));
    EXPECT_EQ(first.to_guest, bytes_of("abc"));
    EXPECT_TRUE(filter.escape_pending());
    auto second = filter.process(bytes_of("x"));
    EXPECT_TRUE(second.quit);
    EXPECT_TRUE(second.to_guest.empty());
}

TEST(EscapeFilter, SplitDoubleCtrlAAndHelp) {
    EscapeFilter filter;
    filter.process(bytes_of("\x01"));
    EXPECT_EQ(filter.process(bytes_of("\x01z")).to_guest, bytes_of("\x01z"));
    EXPECT_FALSE(filter.escape_pending());
    filter.process(bytes_of("\x01"));
    auto help = filter.process(bytes_of("h"));
    EXPECT_TRUE(help.help);
    EXPECT_TRUE(help.to_guest.empty());
    filter.process(bytes_of("\x01"));
    EXPECT_EQ(filter.process(bytes_of("qr")).to_guest, bytes_of("r"));
}

TEST(EscapeFilter, EmptyInputKeepsPendingEscape) {
    EscapeFilter filter;
    filter.process(bytes_of("\x01"));
    auto empty = filter.process({});
    EXPECT_TRUE(empty.to_guest.empty());
    EXPECT_TRUE(filter.escape_pending());
    EXPECT_TRUE(filter.process(bytes_of("x")).quit);
}

} // namespace
} // namespace kite
