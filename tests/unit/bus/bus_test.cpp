#include "bus/bus.h"
#include "bus/irq_line.h"

#include <array>
#include <gtest/gtest.h>
#include <vector>

using namespace kite;

namespace {

// Records accesses; reads return the low byte of the offset.
class RecordingDevice final : public BusDevice {
public:
    void read(u64 offset, std::span<u8> data) override {
        reads.push_back(offset);
        for (auto& b : data)
            b = static_cast<u8>(offset);
    }
    void write(u64 offset, std::span<const u8> data) override {
        writes.push_back(offset);
        last_write.assign(data.begin(), data.end());
    }
    std::vector<u64> reads, writes;
    std::vector<u8> last_write;
};

} // namespace

TEST(Bus, DispatchesWithOffsetFromBase) {
    Bus bus("test");
    auto dev = std::make_shared<RecordingDevice>();
    ASSERT_TRUE(bus.insert(0x3f8, 8, dev, "uart"));
    std::array<u8, 1> b{};
    EXPECT_TRUE(bus.read(0x3fd, b));
    EXPECT_EQ(b[0], 5);
    std::array<u8, 2> w{0x34, 0x12};
    EXPECT_TRUE(bus.write(0x3f9, w));
    EXPECT_EQ(dev->writes.back(), 1u);
    EXPECT_EQ(dev->last_write, (std::vector<u8>{0x34, 0x12}));
}

TEST(Bus, UnhandledReadsAllOnesAndIsCounted) {
    Bus bus("test");
    ASSERT_TRUE(bus.insert(0x1000, 0x100, std::make_shared<RecordingDevice>(), "dev"));
    std::array<u8, 4> d{};
    EXPECT_FALSE(bus.read(0x2000, d));
    EXPECT_EQ(d, (std::array<u8, 4>{0xff, 0xff, 0xff, 0xff}));
    EXPECT_FALSE(bus.write(0x0fff, d));
    // An access straddling the end of a range belongs to nobody.
    EXPECT_FALSE(bus.read(0x10fe, d));
    EXPECT_EQ(bus.unhandled_count(), 3u);
}

TEST(Bus, RejectsOverlapZeroLengthAndWrap) {
    Bus bus("test");
    auto dev = std::make_shared<RecordingDevice>();
    ASSERT_TRUE(bus.insert(0x100, 0x10, dev, "a"));
    EXPECT_FALSE(bus.insert(0x10f, 1, dev, "b"));
    EXPECT_FALSE(bus.insert(0xf8, 0x10, dev, "c"));
    EXPECT_FALSE(bus.insert(0x200, 0, dev, "d"));
    EXPECT_FALSE(bus.insert(~0ull - 1, 4, dev, "e"));
    EXPECT_FALSE(bus.insert(0x300, 1, nullptr, "f"));
    EXPECT_TRUE(bus.insert(0x110, 1, dev, "adjacent"));
    EXPECT_TRUE(bus.insert(0xff, 1, dev, "adjacent-below"));
    EXPECT_EQ(bus.ranges().size(), 3u);
}

TEST(IrqLine, RecordingLineCountsRisingEdges) {
    RecordingIrqLine line;
    line.set_level(true);
    line.set_level(true);
    line.set_level(false);
    line.set_level(true);
    EXPECT_TRUE(line.level());
    EXPECT_EQ(line.rising_edges(), 2u);
}
