#include "cli/accel_detect.h"

#include <cerrno>
#include <gtest/gtest.h>

namespace kite::cli {
namespace {

HostAccelFacts usable_node() {
    return {.kvm_device = "/dev/kvm", .node_exists = true, .open_errno = 0};
}

TEST(AccelDetect, HardwareKvmThatOpensIsPicked) {
    auto intel = usable_node();
    intel.kvm_intel = true;
    auto choice = choose_x86_accel(intel);
    EXPECT_EQ(choice.kind, AccelKind::Kvm);
    EXPECT_EQ(choice.why, "kvm_intel is loaded and /dev/kvm opens read-write");

    auto amd = usable_node();
    amd.kvm_amd = true;
    EXPECT_EQ(choose_x86_accel(amd).kind, AccelKind::Kvm);
    EXPECT_EQ(choose_x86_accel(amd).why, "kvm_amd is loaded and /dev/kvm opens read-write");
}

TEST(AccelDetect, NoNodeMeansTheSoftwareCpu) {
    HostAccelFacts facts{.kvm_device = "/dev/kvm", .node_exists = false, .kvm_intel = true};
    auto choice = choose_x86_accel(facts);
    EXPECT_EQ(choice.kind, AccelKind::Tcg);
    EXPECT_EQ(choice.why, "/dev/kvm does not exist");
}

TEST(AccelDetect, NoPermissionMeansTheSoftwareCpu) {
    auto facts = usable_node();
    facts.kvm_intel = true;
    facts.open_errno = EACCES;
    auto choice = choose_x86_accel(facts);
    EXPECT_EQ(choice.kind, AccelKind::Tcg);
    EXPECT_EQ(choice.why, "no permission to open /dev/kvm read-write");

    facts.open_errno = ENXIO;
    choice = choose_x86_accel(facts);
    EXPECT_EQ(choice.kind, AccelKind::Tcg);
    EXPECT_NE(choice.why.find("cannot open /dev/kvm read-write: "), std::string::npos);
}

TEST(AccelDetect, SoftwareOnlyKvmPvmMeansTheSoftwareCpu) {
    auto facts = usable_node();
    facts.kvm_pvm = true;
    auto choice = choose_x86_accel(facts);
    EXPECT_EQ(choice.kind, AccelKind::Tcg);
    EXPECT_NE(choice.why.find("kvm_pvm"), std::string::npos);
}

TEST(AccelDetect, NoHardwareDriverMeansTheSoftwareCpu) {
    auto choice = choose_x86_accel(usable_node());
    EXPECT_EQ(choice.kind, AccelKind::Tcg);
    EXPECT_NE(choice.why.find("neither kvm_intel nor kvm_amd"), std::string::npos);
}

TEST(AccelDetect, ProbeNamesTheNodeAndSeesAMissingOne) {
    auto facts = probe_host_accel("/nonexistent/kite-kvm");
    EXPECT_EQ(facts.kvm_device, "/nonexistent/kite-kvm");
    EXPECT_FALSE(facts.node_exists);
    EXPECT_EQ(choose_x86_accel(facts).why, "/nonexistent/kite-kvm does not exist");
}

} // namespace
} // namespace kite::cli
