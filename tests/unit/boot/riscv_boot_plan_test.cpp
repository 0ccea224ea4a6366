#include "boot/riscv_boot_plan.h"
#include "test_images.h"

#include <gtest/gtest.h>

namespace kite::boot {
namespace {

using namespace test;

RiscvImageHeader kernel(u64 size, u64 text_offset = 0) {
    RiscvImageHeader h;
    h.text_offset = text_offset;
    h.image_size = size;
    h.load_size = size;
    return h;
}

RiscvBootRequest request(u64 ram_size = 256 * MiB) {
    RiscvBootRequest r;
    r.ram_size = ram_size;
    r.firmware_size = 260 * KiB;
    r.kernel = kernel(20 * MiB);
    r.initrd_size = 3 * MiB + 123;
    r.dtb_max_size = 64 * KiB;
    return r;
}

TEST(RiscvBootPlan, PlacesEverythingLikeQemuVirt) {
    auto layout = plan_riscv_boot(request());
    ASSERT_TRUE(layout) << layout.error().message();
    EXPECT_EQ(layout->firmware.addr, 0x80000000u);
    EXPECT_EQ(layout->firmware.size, 260 * KiB);
    ASSERT_TRUE(layout->kernel);
    EXPECT_EQ(layout->kernel->addr, 0x80200000u);
    EXPECT_EQ(layout->kernel->size, 20 * MiB);
    // DTB: align_down(0x90000000 - 64 KiB, 2 MiB).
    EXPECT_EQ(layout->dtb.addr, 0x8fe00000u);
    EXPECT_EQ(layout->dtb.size, 64 * KiB);
    // Initrd right below the DTB, 4 KiB aligned.
    ASSERT_TRUE(layout->initrd);
    EXPECT_EQ(layout->initrd->addr, (0x8fe00000u - (3 * MiB + 123)) & ~u64{0xfff});
    EXPECT_LE(layout->initrd->end(), layout->dtb.addr);
    EXPECT_EQ(layout->initrd->size, 3 * MiB + 123);
}

TEST(RiscvBootPlan, UsesTheHeaderTextOffset) {
    auto r = request();
    r.kernel = kernel(4 * MiB, 4 * MiB);
    auto layout = plan_riscv_boot(r);
    ASSERT_TRUE(layout) << layout.error().message();
    EXPECT_EQ(layout->kernel->addr, 0x80400000u);
}

TEST(RiscvBootPlan, KeepsTheDtbBelow3GiB) {
    auto layout = plan_riscv_boot(request(4 * GiB));
    ASSERT_TRUE(layout) << layout.error().message();
    EXPECT_EQ(layout->dtb.addr, 3 * GiB - 2 * MiB);
    // RAM starting above 3 GiB puts it at the top of RAM.
    auto r = request();
    r.ram_base = 0x100000000;
    layout = plan_riscv_boot(r);
    ASSERT_TRUE(layout) << layout.error().message();
    EXPECT_EQ(layout->dtb.addr, 0x100000000 + 256 * MiB - 2 * MiB);
}

TEST(RiscvBootPlan, FirmwareOnlyAndNoInitrd) {
    auto r = request(16 * MiB);
    r.kernel.reset();
    r.initrd_size = 0;
    auto layout = plan_riscv_boot(r);
    ASSERT_TRUE(layout) << layout.error().message();
    EXPECT_FALSE(layout->kernel);
    EXPECT_FALSE(layout->initrd);
    EXPECT_EQ(layout->dtb.addr, 0x80e00000u);
}

TEST(RiscvBootPlan, TightFitSucceeds) {
    // 32 MiB: kernel [2, 20) MiB, DTB at 30 MiB, initrd just fits in [20, 30) MiB.
    auto r = request(32 * MiB);
    r.kernel = kernel(18 * MiB);
    r.initrd_size = 10 * MiB;
    auto layout = plan_riscv_boot(r);
    ASSERT_TRUE(layout) << layout.error().message();
    EXPECT_EQ(layout->initrd->addr, 0x80000000u + 20 * MiB);
    r.initrd_size = 10 * MiB + 1;
    EXPECT_TRUE(fails_with(plan_riscv_boot(r), "initrd"));
}

TEST(RiscvBootPlan, RejectsAKernelTooLargeForRam) {
    auto r = request(64 * MiB);
    r.kernel = kernel(100 * MiB);
    EXPECT_TRUE(fails_with(plan_riscv_boot(r),
                           "kernel (100 MiB) does not fit in guest RAM (64 MiB) after the firmware"));
    // Fits in RAM but runs into the DTB at the top.
    r.kernel = kernel(61 * MiB);
    EXPECT_TRUE(fails_with(plan_riscv_boot(r),
                           "kernel (61 MiB) at 0x80200000 overlaps the device tree at 0x83e00000"));
    // Wrapping sizes are caught, not computed.
    r.kernel = kernel(~u64{0} - 4096);
    EXPECT_TRUE(fails_with(plan_riscv_boot(r), "does not fit in guest RAM"));
    r.kernel = kernel(MiB, ~u64{0} & ~u64{0xfff});
    EXPECT_TRUE(fails_with(plan_riscv_boot(r), "beyond guest RAM"));
    r.kernel = kernel(0);
    EXPECT_TRUE(fails_with(plan_riscv_boot(r), "kernel is empty"));
}

TEST(RiscvBootPlan, RejectsFirmwareOverlappingTheKernel) {
    auto r = request();
    r.firmware_size = 2 * MiB + 1;
    EXPECT_TRUE(
        fails_with(plan_riscv_boot(r), "firmware (2.0 MiB) overlaps the kernel load address 0x80200000"));
    r.firmware_size = 2 * MiB; // exactly up to the kernel is fine
    EXPECT_TRUE(plan_riscv_boot(r));
    r.firmware_size = 0;
    EXPECT_TRUE(fails_with(plan_riscv_boot(r), "firmware is empty"));
    r.firmware_size = 512 * MiB;
    EXPECT_TRUE(fails_with(plan_riscv_boot(r), "firmware (512 MiB) does not fit in guest RAM (256 MiB)"));
}

TEST(RiscvBootPlan, RejectsAnInitrdThatDoesNotFit) {
    auto r = request(64 * MiB);
    r.initrd_size = 50 * MiB;
    EXPECT_TRUE(fails_with(plan_riscv_boot(r),
                           "initrd (50 MiB) does not fit in guest RAM (64 MiB) between the "
                           "kernel end at 0x81600000 and the device tree at 0x83e00000"));
    r.initrd_size = ~u64{0};
    EXPECT_TRUE(fails_with(plan_riscv_boot(r), "initrd"));
    r.kernel.reset();
    r.initrd_size = 70 * MiB;
    EXPECT_TRUE(fails_with(plan_riscv_boot(r), "between the firmware end"));
}

TEST(RiscvBootPlan, RejectsADtbThatDoesNotFit) {
    auto r = request(4 * MiB);
    r.kernel.reset();
    r.initrd_size = 0;
    r.dtb_max_size = 8 * MiB;
    EXPECT_TRUE(fails_with(plan_riscv_boot(r), "device tree (8 MiB) does not fit in guest RAM (4 MiB)"));
    // 2 MiB of RAM: the 2 MiB-aligned DTB slot would be at the firmware.
    r.ram_size = 2 * MiB;
    r.dtb_max_size = 64 * KiB;
    EXPECT_TRUE(fails_with(plan_riscv_boot(r), "device tree (64 KiB) does not fit"));
    r.dtb_max_size = 0;
    EXPECT_TRUE(fails_with(plan_riscv_boot(r), "device tree size is 0"));
}

TEST(RiscvBootPlan, RejectsBadRam) {
    auto r = request();
    r.ram_size = 0;
    EXPECT_TRUE(fails_with(plan_riscv_boot(r), "guest RAM is empty"));
    r = request();
    r.ram_base = 0x80001000;
    EXPECT_TRUE(fails_with(plan_riscv_boot(r), "not 2 MiB aligned"));
    r = request();
    r.ram_base = ~u64{0} & ~(2 * MiB - 1);
    EXPECT_TRUE(fails_with(plan_riscv_boot(r), "wraps the address space"));
}

} // namespace
} // namespace kite::boot
