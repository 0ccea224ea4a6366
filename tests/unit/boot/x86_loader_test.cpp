#include "boot/x86_layout.h"
#include "boot/x86_loader.h"
#include "test_images.h"

#include <gtest/gtest.h>
#include <random>

namespace kite::boot {
namespace {

using namespace test;

Result<LoadedKernel> load(const GuestMemory& memory, const std::vector<u8>& image,
                          const X86BootConfig& config = {}) {
    return load_x86_kernel(memory, image, config);
}

void expect_boot_gdt(const GuestMemory& memory, const accel::X86EntryState& entry) {
    EXPECT_EQ(entry.gdt_base, 0x1000u);
    EXPECT_EQ(entry.gdt_limit, 31);
    EXPECT_EQ(read64(memory, 0x1008), 0x00cf9b000000ffffu);
    EXPECT_EQ(read64(memory, 0x1018), 0x00af9b000000ffffu);
}

TEST(X86Loader, LoadsElf32InProtectedMode) {
    auto memory = make_memory();
    const auto spec = simple_elf32();
    auto loaded = load(memory, build_elf(spec));
    ASSERT_TRUE(loaded) << loaded.error().message();
    EXPECT_EQ(loaded->format, "elf32");
    EXPECT_EQ(loaded->kernel_end, 0x202000u);
    const auto& e = loaded->entry;
    EXPECT_EQ(e.mode, accel::X86EntryMode::Protected32);
    EXPECT_EQ(e.rip, 0x100010u);
    EXPECT_EQ(e.rsp, 0x80000u);
    EXPECT_EQ(e.page_table_base, 0u);
    expect_boot_gdt(memory, e);
    EXPECT_EQ(read_guest(memory, 0x100000, 0x300), spec.segments[0].bytes);
    EXPECT_EQ(read_guest(memory, 0x200080, 0x1f80), std::vector<u8>(0x1f80, 0));
    // No page tables for a 32-bit entry.
    EXPECT_EQ(read64(memory, 0x2000), 0u);
}

TEST(X86Loader, LoadsElf64InLongModeWithIdentityPageTables) {
    auto memory = make_memory();
    auto spec = simple_elf64();
    spec.segments[0].vaddr = 0xffffffff80100000;
    spec.entry = 0xffffffff80100020;
    auto loaded = load(memory, build_elf(spec));
    ASSERT_TRUE(loaded) << loaded.error().message();
    EXPECT_EQ(loaded->format, "elf64");
    const auto& e = loaded->entry;
    EXPECT_EQ(e.mode, accel::X86EntryMode::Long64);
    EXPECT_EQ(e.rip, 0x100020u);
    EXPECT_EQ(e.rsp, 0x80000u);
    EXPECT_EQ(e.page_table_base, 0x2000u);
    expect_boot_gdt(memory, e);
    EXPECT_EQ(read64(memory, 0x2000), 0x3003u);
    EXPECT_EQ(read64(memory, 0x4000), 0x83u);
    EXPECT_EQ(read_guest(memory, 0x100000, 0x300), spec.segments[0].bytes);
}

TEST(X86Loader, RejectsElf64EntryAboveTheIdentityMap) {
    GuestMemory memory;
    ASSERT_TRUE(memory.add_region(GuestAddress(0), 4 * MiB));
    ASSERT_TRUE(memory.add_region(GuestAddress(4 * GiB), 4 * MiB));
    ElfSpec spec;
    spec.is64 = true;
    spec.entry = 4 * GiB + 0x10;
    spec.segments.push_back({4 * GiB, pattern(0x100, 1)});
    EXPECT_TRUE(fails_with(load(memory, build_elf(spec)), "identity-mapped"));
}

TEST(X86Loader, PlainElfRejectsCmdlineAndModules) {
    auto memory = make_memory();
    EXPECT_TRUE(fails_with(load(memory, build_elf(simple_elf32()), {"quiet", {}}),
                           "--cmdline/--initrd need a Multiboot, PVH or Linux kernel"));
    X86BootConfig config;
    config.modules.push_back({"initrd", {1, 2, 3}});
    EXPECT_TRUE(fails_with(load(memory, build_elf(simple_elf64()), config),
                           "--cmdline/--initrd need a Multiboot, PVH or Linux kernel"));
    // Nothing was loaded.
    EXPECT_EQ(read_guest(memory, 0x100000, 4), std::vector<u8>(4, 0));
}

TEST(X86Loader, LoadsMultibootElf) {
    auto memory = make_memory();
    X86BootConfig config;
    config.cmdline = "console=ttyS0";
    config.modules.push_back({"initrd.img", pattern(0x1234, 3)});
    auto loaded = load(memory, multiboot_elf(), config);
    ASSERT_TRUE(loaded) << loaded.error().message();
    EXPECT_EQ(loaded->format, "multiboot");
    EXPECT_EQ(loaded->kernel_end, 0x202000u);
    const auto& e = loaded->entry;
    EXPECT_EQ(e.mode, accel::X86EntryMode::Protected32);
    EXPECT_EQ(e.rax, 0x2badb002u);
    EXPECT_EQ(e.rbx, 0x9000u);
    EXPECT_EQ(e.rip, 0x100010u);
    EXPECT_EQ(e.rsp, 0x80000u);
    expect_boot_gdt(memory, e);

    EXPECT_EQ(read32(memory, 0x9000), 0x24du);
    EXPECT_EQ(read32(memory, 0x9004), 639u);
    EXPECT_EQ(read32(memory, 0x9008), 64512u);
    EXPECT_EQ(read_cstring(memory, read32(memory, 0x9010)), "console=ttyS0");
    EXPECT_EQ(read_cstring(memory, read32(memory, 0x9040)), "kite");
    ASSERT_EQ(read32(memory, 0x9014), 1u);
    const u64 mod = read32(memory, 0x9018);
    EXPECT_EQ(read32(memory, mod), 0x202000u);
    EXPECT_EQ(read32(memory, mod + 4), 0x202000u + 0x1234);
    EXPECT_EQ(read_cstring(memory, read32(memory, mod + 8)), "initrd.img");
    EXPECT_EQ(read_guest(memory, 0x202000, 0x1234), config.modules[0].data);
    // The kernel itself is there too.
    EXPECT_EQ(read_guest(memory, 0x100000, 0x300), simple_elf32().segments[0].bytes);
}

TEST(X86Loader, LoadsMultibootAoutKludge) {
    auto memory = make_memory();
    ASSERT_TRUE(memory.fill(GuestAddress(kAoutLoad), 0xcc, 0x4000));
    const auto image = aout_image();
    auto loaded = load(memory, image, {"root=/dev/ram0", {}});
    ASSERT_TRUE(loaded) << loaded.error().message();
    EXPECT_EQ(loaded->format, "multiboot-aout");
    EXPECT_EQ(loaded->kernel_end, kAoutLoad + 0x3000u);
    EXPECT_EQ(loaded->entry.rip, kAoutLoad + 0x100u);
    EXPECT_EQ(loaded->entry.rax, 0x2badb002u);
    EXPECT_EQ(loaded->entry.rbx, 0x9000u);
    EXPECT_EQ(read_guest(memory, kAoutLoad, kAoutFileSize), image);
    EXPECT_EQ(read_guest(memory, kAoutLoad + kAoutFileSize, 0x3000 - kAoutFileSize),
              std::vector<u8>(0x3000 - kAoutFileSize, 0));
    EXPECT_EQ(read_guest(memory, kAoutLoad + 0x3000, 1), std::vector<u8>{0xcc});
    EXPECT_EQ(read_cstring(memory, read32(memory, 0x9010)), "root=/dev/ram0");
    EXPECT_EQ(read32(memory, 0x9014), 0u);
}

TEST(X86Loader, LowMultibootKludgeMovesTheBootArea) {
    // Like kvm-unit-tests' realmode.flat: loaded at 0x8000, where the boot
    // area would be by default.
    auto memory = make_memory();
    const u32 load = 0x8000;
    auto image = aout_image({load + 0x40, load, 0, load + 0x4000, load + 0x100});
    auto loaded = load_x86_kernel(memory, image, {"quiet", {}});
    ASSERT_TRUE(loaded) << loaded.error().message();
    EXPECT_EQ(loaded->format, "multiboot-aout");
    EXPECT_EQ(loaded->kernel_end, 0xc000u);
    // The boot area is the first free one above the kernel; the stack stays.
    EXPECT_EQ(loaded->boot_area, 0xc000u);
    const auto& e = loaded->entry;
    EXPECT_EQ(e.rip, 0x8100u);
    EXPECT_EQ(e.rsp, 0x80000u);
    EXPECT_EQ(e.gdt_base, 0xc000u);
    EXPECT_EQ(e.rbx, 0x14000u);
    EXPECT_EQ(read64(memory, 0xc008), 0x00cf9b000000ffffu);
    EXPECT_EQ(read_cstring(memory, read32(memory, 0x14010)), "quiet");
    // The whole image is there, untouched by boot structures.
    EXPECT_EQ(read_guest(memory, load, kAoutFileSize), image);
    EXPECT_EQ(read_guest(memory, load + kAoutFileSize, 0x4000 - kAoutFileSize),
              std::vector<u8>(0x4000 - kAoutFileSize, 0));
}

TEST(X86Loader, Elf64OverTheDefaultStackMovesIt) {
    auto memory = make_memory();
    ElfSpec spec;
    spec.is64 = true;
    spec.entry = 0x10000;
    spec.segments.push_back({0x10000, pattern(0x100, 1), 0x70000}); // up to 0x80000
    auto loaded = load(memory, build_elf(spec));
    ASSERT_TRUE(loaded) << loaded.error().message();
    EXPECT_EQ(loaded->boot_area, 0x1000u);
    EXPECT_EQ(loaded->entry.rsp, 0x90000u); // the first free 64 KiB: right above the kernel
    EXPECT_EQ(loaded->entry.page_table_base, 0x2000u);
}

TEST(X86Loader, KernelFillingLowMemoryLeavesNoRoomForTheBootArea) {
    auto memory = make_memory();
    const auto image = aout_image({0x1000 + 0x40, 0x1000, 0, 0x9f000, 0x1100});
    EXPECT_TRUE(fails_with(load_x86_kernel(memory, image, {}), "no room for the boot structures"));
}

TEST(X86Loader, MultibootModuleTooBigFailsBeforeWritingTheKernel) {
    auto memory = make_memory(4 * MiB);
    X86BootConfig config;
    config.modules.push_back({"huge.img", std::vector<u8>(4 * MiB, 1)});
    EXPECT_TRUE(
        fails_with(load(memory, multiboot_elf(), config), "module huge.img does not fit in guest RAM"));
    EXPECT_EQ(read_guest(memory, 0x100000, 4), std::vector<u8>(4, 0));
}

TEST(X86Loader, MultibootCmdlineTooLongFails) {
    auto memory = make_memory();
    EXPECT_TRUE(fails_with(load(memory, multiboot_elf(), {std::string(5000, 'a'), {}}), "too long"));
}

TEST(X86Loader, MultibootBadChecksumFails) {
    auto memory = make_memory();
    auto image = build_elf(simple_elf32());
    put_bytes(image, 0x200, multiboot_header(0x3, std::nullopt, true));
    EXPECT_TRUE(fails_with(load(memory, image), "multiboot header checksum mismatch"));
}

TEST(X86Loader, MultibootElf64Fails) {
    auto memory = make_memory();
    auto image = build_elf(simple_elf64());
    put_bytes(image, 0x200, multiboot_header(0x3));
    EXPECT_TRUE(fails_with(load(memory, image), "ELF32"));
}

TEST(X86Loader, RejectsEmptyImage) {
    auto memory = make_memory();
    EXPECT_TRUE(fails_with(load(memory, {}), "empty"));
}

TEST(X86Loader, RejectsTruncatedElf) {
    auto memory = make_memory();
    EXPECT_TRUE(fails_with(load(memory, {0x7f, 'E', 'L', 'F', 1}), "truncated"));
    auto image = build_elf(simple_elf32());
    image.resize(0x1100); // cuts the first segment's bytes
    EXPECT_TRUE(fails_with(load(memory, image), "outside the file"));
}

TEST(X86Loader, RejectsGarbage) {
    auto memory = make_memory();
    EXPECT_TRUE(fails_with(load(memory, pattern(0x3000, 42)),
                           "unrecognized kernel format (expected an ELF, Multiboot or Linux bzImage image)"));
    EXPECT_TRUE(fails_with(load(memory, {0}), "unrecognized kernel format"));
}

TEST(X86Loader, RejectsKernelsThatDoNotFitInRam) {
    auto memory = make_memory(1 * MiB);
    EXPECT_TRUE(fails_with(load(memory, build_elf(simple_elf32())), "outside guest RAM"));
    EXPECT_TRUE(fails_with(load(memory, multiboot_elf()), "outside guest RAM"));
}

// Mutated valid images must load or fail cleanly, never crash (more so under
// the sanitizer build).
TEST(X86Loader, SurvivesRandomMutations) {
    auto memory = make_memory(4 * MiB);
    std::mt19937 rng(1234);
    BzSpec small_bz;
    small_bz.pref_address = 0x100000;
    small_bz.init_size = 0x100000;
    ElfSpec pvh;
    pvh.is64 = true;
    pvh.entry = 0x100000;
    pvh.segments.push_back({0x100000, pattern(0x100, 1)});
    pvh.segments.push_back(note_segment("Xen", 18, le_bytes(0x100010, 8)));
    const std::vector<std::vector<u8>> seeds = {build_elf(simple_elf32()), build_elf(simple_elf64()),
                                                multiboot_elf(),           aout_image(),
                                                build_bzimage(small_bz),   build_elf(pvh)};
    const std::size_t important[] = {4,     5,     6,     16,    18,    24,    28,    32,    42,    44,
                                     52,    54,    56,    0x40,  0x44,  0x48,  0x1f1, 0x1f4, 0x201, 0x206,
                                     0x211, 0x22c, 0x230, 0x234, 0x236, 0x238, 0x258, 0x260, 0x1000};
    int ok = 0;
    for (int iter = 0; iter < 4000; ++iter) {
        auto image = seeds[iter % seeds.size()];
        const int flips = 1 + static_cast<int>(rng() % 4);
        for (int f = 0; f < flips; ++f) {
            // Bias mutations toward header fields and program headers.
            std::size_t pos =
                (rng() % 2) ? important[rng() % std::size(important)] + rng() % 8 : rng() % 0x300;
            if (pos < image.size())
                image[pos] = static_cast<u8>(rng());
        }
        if (rng() % 8 == 0)
            image.resize(rng() % image.size());
        X86BootConfig config;
        if (rng() % 2)
            config.modules.push_back({"m", pattern(rng() % 0x2000, 1)});
        auto loaded = load_x86_kernel(memory, image, config);
        if (loaded) {
            ++ok;
            EXPECT_FALSE(loaded->format.empty());
        } else {
            EXPECT_FALSE(loaded.error().message().empty());
        }
    }
    EXPECT_GT(ok, 0);
}

} // namespace
} // namespace kite::boot
