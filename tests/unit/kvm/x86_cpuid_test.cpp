#include "accel/kvm/x86_cpuid.h"

#include <gtest/gtest.h>

using namespace kite;

namespace {

kvm_cpuid_entry2 entry(u32 function, u32 index, u32 eax = 0, u32 ebx = 0, u32 ecx = 0, u32 edx = 0) {
    kvm_cpuid_entry2 e{};
    e.function = function;
    e.index = index;
    e.eax = eax;
    e.ebx = ebx;
    e.ecx = ecx;
    e.edx = edx;
    return e;
}

const kvm_cpuid_entry2* find(const std::vector<kvm_cpuid_entry2>& v, u32 function, u32 index) {
    for (const auto& e : v)
        if (e.function == function && e.index == index)
            return &e;
    return nullptr;
}

} // namespace

TEST(Cpuid, Leaf1CarriesApicIdCountAndHypervisorBit) {
    std::vector<kvm_cpuid_entry2> v = {entry(1, 0, 0x606a6, 0x00ff0800, 0, 0)};
    kvm::apply_topology(v, 3, 4);
    EXPECT_EQ(v[0].ebx >> 24, 3u);
    EXPECT_EQ((v[0].ebx >> 16) & 0xff, 4u);
    EXPECT_EQ(v[0].ebx & 0xffff, 0x0800u); // brand index and clflush size kept
    EXPECT_TRUE(v[0].ecx & (1u << 31));
    EXPECT_TRUE(v[0].edx & (1u << 28));

    kvm::apply_topology(v, 0, 1);
    EXPECT_FALSE(v[0].edx & (1u << 28));
}

TEST(Cpuid, Leaf0BDescribesThreadAndCoreLevels) {
    std::vector<kvm_cpuid_entry2> v = {entry(0xb, 0)};
    kvm::apply_topology(v, 5, 6);
    auto* smt = find(v, 0xb, 0);
    auto* core = find(v, 0xb, 1);
    ASSERT_TRUE(smt && core);
    EXPECT_EQ(smt->edx, 5u);
    EXPECT_EQ((smt->ecx >> 8) & 0xff, 1u);
    EXPECT_EQ(smt->ebx, 1u);
    EXPECT_EQ(core->edx, 5u);
    EXPECT_EQ((core->ecx >> 8) & 0xff, 2u);
    EXPECT_EQ(core->eax, 3u); // 6 cores need 3 bits
    EXPECT_EQ(core->ebx, 6u);
}

TEST(Cpuid, Leaf4CoresPerPackage) {
    // L1 data cache (type 1, level 1) and L3 unified (type 3, level 3).
    std::vector<kvm_cpuid_entry2> v = {entry(4, 0, 0x04000121), entry(4, 3, 0x04004163), entry(4, 4, 0)};
    kvm::apply_topology(v, 0, 4);
    EXPECT_EQ(v[0].eax >> 26, 3u);
    EXPECT_EQ((v[0].eax >> 14) & 0xfff, 0u);
    EXPECT_EQ((v[1].eax >> 14) & 0xfff, 3u);
    EXPECT_EQ(v[0].eax & 0x3fff, 0x121u);
    EXPECT_EQ(v[2].eax, 0u); // the terminating null entry stays null
}
