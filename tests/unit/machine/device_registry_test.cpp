#include "machine/common/device_registry.h"

#include <gtest/gtest.h>

namespace kite::machine {
namespace {

// A device whose whole state is one u32.
class Register final : public DeviceState {
public:
    explicit Register(u32 value) : value(value) {}
    void save_state(StateWriter& out) const override { out.put_u32(value); }
    Result<void> restore_state(StateReader& in) override {
        u32 v = TRY(in.get_u32());
        TRY(in.expect_end());
        value = v;
        return {};
    }
    u32 value;
};

class DeviceRegistryTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(registry.add("a", a));
        ASSERT_TRUE(registry.add("b", b));
    }
    DeviceRegistry registry;
    std::shared_ptr<Register> a = std::make_shared<Register>(1);
    std::shared_ptr<Register> b = std::make_shared<Register>(2);
};

TEST_F(DeviceRegistryTest, SavesInOrderAndRestoresByName) {
    EXPECT_FALSE(registry.add("a", b)) << "names are unique";
    EXPECT_EQ(registry.size(), 2u);

    auto saved = registry.save_all();
    ASSERT_EQ(saved.size(), 2u);
    EXPECT_EQ(saved[0].name, "a");
    EXPECT_EQ(saved[1].name, "b");
    a->value = 10;
    b->value = 20;
    std::swap(saved[0], saved[1]); // order does not matter on restore
    ASSERT_TRUE(registry.restore_all(saved));
    EXPECT_EQ(a->value, 1u);
    EXPECT_EQ(b->value, 2u);
}

TEST_F(DeviceRegistryTest, AMismatchedSnapshotChangesNothing) {
    auto saved = registry.save_all();
    a->value = 10;

    auto missing = saved;
    missing.pop_back();
    EXPECT_FALSE(registry.restore_all(missing));
    auto unknown = saved;
    unknown.push_back({"c", saved[0].state});
    EXPECT_FALSE(registry.restore_all(unknown));
    auto twice = saved;
    twice.push_back(saved[0]);
    EXPECT_FALSE(registry.restore_all(twice));
    EXPECT_EQ(a->value, 10u);

    auto bad = saved;
    bad[1].state.pop_back();
    auto refused = registry.restore_all(bad);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message().find("b: "), std::string::npos) << refused.error().message();
}

} // namespace
} // namespace kite::machine
