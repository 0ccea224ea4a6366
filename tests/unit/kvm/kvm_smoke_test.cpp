#include "accel/kvm/kvm_system.h"
#include "accel/riscv_vcpu.h"
#include "accel/x86_vcpu.h"

#include <cerrno>
#include <gtest/gtest.h>
#include <unistd.h>

using namespace kite;

// Exercises the ioctl wrappers against the host's KVM: create a VM with
// memory, irqchip and two vCPUs. Skips with the reason when KVM is unusable.
TEST(KvmSmoke, CreatesVmMemoryAndVcpus) {
    if (::access("/dev/kvm", R_OK | W_OK) != 0)
        GTEST_SKIP() << "/dev/kvm is missing or not accessible";
    auto kvm = kvm::KvmSystem::open();
    if (!kvm)
        GTEST_SKIP() << "KVM unusable: " << kvm.error().error.message();
    EXPECT_FALSE((*kvm)->capabilities().supported_cpuid.empty());
    auto vm = (*kvm)->create_vm({.vcpu_count = 2});
    ASSERT_TRUE(vm) << vm.error().message();
    GuestMemory memory;
    ASSERT_TRUE(memory.add_region(GuestAddress(0), 2 * MiB));
    ASSERT_TRUE((*vm)->map_memory(memory));
    ASSERT_TRUE((*vm)->irq_line(4));
    EXPECT_FALSE((*vm)->irq_line(24));
    auto vcpu0 = (*vm)->create_vcpu(0);
    ASSERT_TRUE(vcpu0) << vcpu0.error().message();
    auto vcpu1 = (*vm)->create_vcpu(1);
    ASSERT_TRUE(vcpu1) << vcpu1.error().message();
    EXPECT_FALSE((*vm)->create_vcpu(2));
    accel::X86EntryState st;
    st.mode = accel::X86EntryMode::Protected32;
    st.rip = 0x1000;
    ASSERT_NE((*vcpu0)->as_x86(), nullptr);
    EXPECT_EQ((*vcpu0)->as_riscv(), nullptr);
    EXPECT_TRUE((*vcpu0)->as_x86()->set_entry_state(st));
    EXPECT_NE((*vcpu0)->describe_state().find("rip=0000000000001000"), std::string::npos);
}

TEST(KvmSmoke, MissingDeviceIsUnavailable) {
    auto kvm = kvm::KvmSystem::open("/nonexistent/kvm");
    ASSERT_FALSE(kvm);
    EXPECT_TRUE(kvm.error().unavailable);
    EXPECT_NE(kvm.error().error.message().find("/nonexistent/kvm"), std::string::npos);
}

// A node that opens but answers no KVM ioctl: a KVM call failed after the
// open, which is a failure, never "unavailable" (a test would skip on that).
TEST(KvmSmoke, DeviceThatIsNotKvmIsAFailure) {
    auto kvm = kvm::KvmSystem::open("/dev/null");
    ASSERT_FALSE(kvm);
    EXPECT_FALSE(kvm.error().unavailable);
    EXPECT_NE(kvm.error().error.message().find("KVM_GET_API_VERSION"), std::string::npos)
        << kvm.error().error.message();
}

TEST(KvmSmoke, OnlyHostReasonsToFailTheOpenMeanUnavailable) {
    for (int err : {ENOENT, ENODEV, ENXIO, EACCES, EPERM})
        EXPECT_TRUE(kvm::open_errno_means_unavailable(err)) << err;
    for (int err : {EMFILE, ENFILE, ENOMEM, EINTR, EIO, EBUSY, 0})
        EXPECT_FALSE(kvm::open_errno_means_unavailable(err)) << err;
}
