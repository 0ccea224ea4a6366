#include "boot/bzimage.h"
#include "boot/x86_loader.h"
#include "test_images.h"

#include <gtest/gtest.h>

namespace kite::boot {
namespace {

using namespace test;

// --- The setup header ---

TEST(BzImage, ParsesTheSetupHeader) {
    const auto image = build_bzimage();
    auto bz = parse_bzimage(image);
    ASSERT_TRUE(bz) << bz.error().message();
    EXPECT_EQ(bz->version, 0x020f);
    EXPECT_EQ(bz->pref_address, 0x1000000u);
    EXPECT_EQ(bz->init_size, 0x800000u);
    EXPECT_EQ(bz->cmdline_size, 2047u);
    EXPECT_EQ(bz->initrd_addr_max, 0x7fffffffu);
    EXPECT_TRUE(bz->relocatable);
    // Setup: the boot sector and 4 setup sectors; the header runs to 0x202 + jump.
    EXPECT_EQ(bz->kernel.data(), image.data() + 5 * 512);
    EXPECT_EQ(bz->kernel.size(), 0x4000u);
    EXPECT_EQ(bz->setup_header.data(), image.data() + 0x1f1);
    EXPECT_EQ(bz->setup_header.size(), 0x26cu - 0x1f1);
}

TEST(BzImage, SetupSectsZeroMeansFour) {
    BzSpec spec;
    spec.setup_sects = 0;
    const auto image = build_bzimage(spec);
    auto bz = parse_bzimage(image);
    ASSERT_TRUE(bz) << bz.error().message();
    EXPECT_EQ(bz->kernel.size(), image.size() - 5 * 512);
}

TEST(BzImage, RejectsAProtocolOlderThan2_12) {
    BzSpec spec;
    spec.version = 0x020b;
    EXPECT_TRUE(fails_with(parse_bzimage(build_bzimage(spec)), "Linux boot protocol 2.11 is too old"));
    EXPECT_TRUE(fails_with(parse_bzimage(build_bzimage(spec)), "2.12"));
}

TEST(BzImage, RejectsATruncatedSetupHeader) {
    auto image = build_bzimage();
    image.resize(0x240);
    EXPECT_TRUE(fails_with(parse_bzimage(image), "setup header is truncated"));
    image.resize(0x207);
    EXPECT_TRUE(fails_with(parse_bzimage(image), "setup header is truncated"));
    BzSpec spec;
    spec.jump = 0x50; // the header would end at 0x252, before init_size
    EXPECT_TRUE(fails_with(parse_bzimage(build_bzimage(spec)), "setup header is truncated"));
}

TEST(BzImage, RejectsATruncatedKernel) {
    auto image = build_bzimage();
    image.resize(image.size() - 16); // syssize says 0x4000 bytes
    EXPECT_TRUE(fails_with(parse_bzimage(image), "truncated"));
    image.resize(5 * 512);
    EXPECT_TRUE(fails_with(parse_bzimage(image), "the setup code alone"));
}

TEST(BzImage, RejectsKernelsKiteCannotEnter) {
    BzSpec spec;
    spec.xloadflags = 0x2;
    EXPECT_TRUE(fails_with(parse_bzimage(build_bzimage(spec)), "XLF_KERNEL_64"));
    spec = {};
    spec.loadflags = 0;
    EXPECT_TRUE(fails_with(parse_bzimage(build_bzimage(spec)), "LOADED_HIGH"));
    spec = {};
    spec.kernel_alignment = 0x300000;
    EXPECT_TRUE(fails_with(parse_bzimage(build_bzimage(spec)), "not a power of two"));
}

// --- Placement ---

TEST(BzImagePlacement, KernelAtPrefAddressInitrdAtTheTopOfRam) {
    auto memory = make_memory(64 * MiB);
    const auto image = build_bzimage();
    auto bz = parse_bzimage(image);
    ASSERT_TRUE(bz);
    auto p = place_bzimage(memory, *bz, 0x12345, {});
    ASSERT_TRUE(p) << p.error().message();
    EXPECT_EQ(p->kernel, 16 * MiB);
    EXPECT_EQ(p->kernel_end, 24 * MiB);
    ASSERT_TRUE(p->initrd);
    EXPECT_EQ(*p->initrd, (64 * MiB - 0x12345) & ~u64{0xfff});
}

TEST(BzImagePlacement, InitrdStaysBelowInitrdAddrMaxAndReservedRanges) {
    auto memory = make_memory(256 * MiB);
    BzSpec spec;
    spec.initrd_addr_max = 100 * MiB - 1;
    const auto image = build_bzimage(spec);
    auto bz = parse_bzimage(image);
    ASSERT_TRUE(bz);
    auto p = place_bzimage(memory, *bz, 2 * MiB, {});
    ASSERT_TRUE(p) << p.error().message();
    EXPECT_EQ(*p->initrd, 98 * MiB); // its last byte is initrd_addr_max
    const std::vector<MemoryMapEntry> reserved = {{99 * MiB, 64 * KiB, kMemoryAcpi}};
    p = place_bzimage(memory, *bz, 2 * MiB, reserved);
    ASSERT_TRUE(p) << p.error().message();
    EXPECT_EQ(*p->initrd, 97 * MiB);
}

TEST(BzImagePlacement, RelocatableKernelIsAlignedNonRelocatableIsNot) {
    auto memory = make_memory(64 * MiB);
    BzSpec spec;
    spec.pref_address = 0x1100000;
    auto image = build_bzimage(spec);
    auto p = place_bzimage(memory, *parse_bzimage(image), std::nullopt, {});
    ASSERT_TRUE(p) << p.error().message();
    EXPECT_EQ(p->kernel, 0x1200000u);
    EXPECT_FALSE(p->initrd);
    spec.relocatable = 0;
    image = build_bzimage(spec);
    p = place_bzimage(memory, *parse_bzimage(image), std::nullopt, {});
    ASSERT_TRUE(p) << p.error().message();
    EXPECT_EQ(p->kernel, 0x1100000u);
}

TEST(BzImagePlacement, KernelMustFitInRamWithItsInitSize) {
    auto memory = make_memory(20 * MiB);
    const auto image = build_bzimage(); // 16 MiB + 8 MiB of init_size
    EXPECT_TRUE(fails_with(place_bzimage(memory, *parse_bzimage(image), std::nullopt, {}),
                           "Linux kernel does not fit in guest RAM"));
    BzSpec spec;
    spec.pref_address = 0xfff00000;
    const auto high = build_bzimage(spec);
    EXPECT_TRUE(fails_with(place_bzimage(memory, *parse_bzimage(high), std::nullopt, {}), "past 4 GiB"));
}

TEST(BzImagePlacement, InitrdMustFitAboveTheKernel) {
    auto memory = make_memory(32 * MiB);
    const auto image = build_bzimage();
    EXPECT_TRUE(fails_with(place_bzimage(memory, *parse_bzimage(image), 9 * MiB, {}),
                           "initrd (9437184 bytes) does not fit"));
    BzSpec spec;
    spec.initrd_addr_max = 0x37ffffff;
    auto big = make_memory(1 * GiB);
    const auto low_max = build_bzimage(spec);
    EXPECT_TRUE(
        fails_with(place_bzimage(big, *parse_bzimage(low_max), 900 * MiB, {}), "initrd_addr_max 0x37ffffff"));
}

// --- The zero page ---

TEST(ZeroPage, CopiesTheHeaderAndFillsTheLoaderFields) {
    const auto image = build_bzimage();
    auto bz = parse_bzimage(image);
    ASSERT_TRUE(bz);
    const BzImagePlacement placement{.kernel = 0x1000000, .kernel_end = 0x1800000, .initrd = 0x3000000};
    const std::vector<MemoryMapEntry> map = {
        {0, 0x9fc00, 1}, {0x9fc00, 0x60400, 2}, {0x100000, 0x3f00000, 1}};
    auto page = build_zero_page(*bz, placement,
                                {.cmdline = 0xa000,
                                 .initrd = 0x3000000,
                                 .initrd_size = 0x1234,
                                 .memory_map = map,
                                 .acpi_rsdp = 0xf0000});
    ASSERT_TRUE(page) << page.error().message();
    std::vector<u8> z(page->begin(), page->end());
    auto get16 = [&](std::size_t at) { return static_cast<u16>(z[at] | z[at + 1] << 8); };
    auto get32 = [&](std::size_t at) { return static_cast<u32>(get16(at) | get16(at + 2) << 16); };
    auto get64 = [&](std::size_t at) { return get32(at) | u64{get32(at + 4)} << 32; };
    // Outside the header it starts zeroed (the sentinel at 0x1ef included).
    EXPECT_EQ(z[0x1ef], 0);
    EXPECT_EQ(z[0], 0);
    // The header, as in the image.
    EXPECT_EQ(get32(0x202), 0x53726448u); // "HdrS"
    EXPECT_EQ(get16(0x206), 0x020f);
    EXPECT_EQ(get32(0x260), 0x800000u);
    EXPECT_EQ(get64(0x258), 0x1000000u);
    // The loader's fields.
    EXPECT_EQ(z[0x210], 0xff);           // type_of_loader
    EXPECT_EQ(z[0x211], 0x81);           // LOADED_HIGH | CAN_USE_HEAP
    EXPECT_EQ(get16(0x224), 0xfe00);     // heap_end_ptr
    EXPECT_EQ(get32(0x214), 0x1000000u); // code32_start
    EXPECT_EQ(get32(0x228), 0xa000u);    // cmd_line_ptr
    EXPECT_EQ(get32(0xc8), 0u);          // ext_cmd_line_ptr
    EXPECT_EQ(get32(0x218), 0x3000000u); // ramdisk_image
    EXPECT_EQ(get32(0x21c), 0x1234u);    // ramdisk_size
    EXPECT_EQ(get32(0xc0), 0u);          // ext_ramdisk_image
    EXPECT_EQ(get64(0x70), 0xf0000u);    // acpi_rsdp_addr (2.14+)
    ASSERT_EQ(z[0x1e8], 3);              // e820_entries
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(get64(0x2d0 + i * 20), map[i].base) << i;
        EXPECT_EQ(get64(0x2d0 + i * 20 + 8), map[i].length) << i;
        EXPECT_EQ(get32(0x2d0 + i * 20 + 16), map[i].type) << i;
    }
    EXPECT_EQ(get64(0x2d0 + 3 * 20), 0u);
}

TEST(ZeroPage, NoAcpiRsdpBeforeProtocol2_14) {
    BzSpec spec;
    spec.version = 0x020d;
    const auto image = build_bzimage(spec);
    auto page = build_zero_page(*parse_bzimage(image), {.kernel = 0x1000000, .kernel_end = 0x1800000},
                                {.cmdline = 0xa000, .acpi_rsdp = 0xf0000});
    ASSERT_TRUE(page);
    EXPECT_EQ((*page)[0x70], 0);
    EXPECT_EQ((*page)[0x218], 0); // no initrd
}

TEST(ZeroPage, RejectsMoreThan128MemoryMapEntries) {
    const auto image = build_bzimage();
    const std::vector<MemoryMapEntry> map(129, MemoryMapEntry{0, 4096, 1});
    EXPECT_TRUE(
        fails_with(build_zero_page(*parse_bzimage(image), {}, {.memory_map = map}), "too many entries"));
}

// --- Through load_x86_kernel ---

TEST(X86LoaderBzImage, LoadsKernelInitrdCmdlineAndZeroPage) {
    auto memory = make_memory(64 * MiB);
    const auto image = build_bzimage();
    X86BootConfig config;
    config.cmdline = "console=ttyS0 root=/dev/ram0";
    config.modules.push_back({"initrd.img", pattern(0x3000, 9)});
    auto loaded = load_x86_kernel(memory, image, config);
    ASSERT_TRUE(loaded) << loaded.error().message();
    EXPECT_EQ(loaded->format, "bzimage");
    EXPECT_EQ(loaded->kernel_end, 24 * MiB);
    EXPECT_EQ(loaded->boot_area, 0x1000u);
    ASSERT_TRUE(loaded->initrd);
    EXPECT_EQ(*loaded->initrd, 64 * MiB - 0x3000);

    const auto& e = loaded->entry;
    EXPECT_EQ(e.mode, accel::X86EntryMode::Long64);
    EXPECT_EQ(e.rip, 16 * MiB + 0x200);
    EXPECT_EQ(e.rsi, 0x9000u);
    EXPECT_EQ(e.page_table_base, 0x2000u);
    EXPECT_EQ(e.gdt_base, 0x1000u);
    EXPECT_EQ(e.code_selector, 0x10);
    EXPECT_EQ(e.data_selector, 0x18);
    EXPECT_EQ(read64(memory, 0x1010), 0x00af9b000000ffffu); // __BOOT_CS
    EXPECT_EQ(read64(memory, 0x1018), 0x00cf93000000ffffu); // __BOOT_DS
    EXPECT_EQ(read64(memory, 0x2000), 0x3003u);             // identity map

    EXPECT_EQ(read_guest(memory, 16 * MiB, 0x4000), std::vector<u8>(image.begin() + 5 * 512, image.end()));
    EXPECT_EQ(read_guest(memory, 64 * MiB - 0x3000, 0x3000), config.modules[0].data);
    EXPECT_EQ(read32(memory, 0x9000 + 0x218), 64 * MiB - 0x3000);
    EXPECT_EQ(read32(memory, 0x9000 + 0x21c), 0x3000u);
    EXPECT_EQ(read_cstring(memory, read32(memory, 0x9000 + 0x228)), config.cmdline);
    // e820: low RAM, the legacy hole, RAM from 1 MiB.
    ASSERT_EQ(read_guest(memory, 0x9000 + 0x1e8, 1)[0], 3);
    EXPECT_EQ(read64(memory, 0x9000 + 0x2d0 + 8), 0x9fc00u);
    EXPECT_EQ(read64(memory, 0x9000 + 0x2d0 + 20), 0x9fc00u);
    EXPECT_EQ(read32(memory, 0x9000 + 0x2d0 + 20 + 16), 2u);
    EXPECT_EQ(read64(memory, 0x9000 + 0x2d0 + 40), 1 * MiB);
    EXPECT_EQ(read64(memory, 0x9000 + 0x2d0 + 48), 63 * MiB);
}

TEST(X86LoaderBzImage, BoardRangesReachTheE820TableAndRsdp) {
    auto memory = make_memory(64 * MiB);
    const auto image = build_bzimage();
    X86BootConfig config;
    config.extra_memory.push_back({0xe0000, 0x20000, kMemoryReserved});
    config.extra_memory.push_back({64 * MiB - 64 * KiB, 64 * KiB, kMemoryAcpi});
    config.acpi_rsdp = 0xe0000;
    config.modules.push_back({"initrd", pattern(0x1000, 1)});
    auto loaded = load_x86_kernel(memory, image, config);
    ASSERT_TRUE(loaded) << loaded.error().message();
    EXPECT_EQ(*loaded->initrd, 64 * MiB - 64 * KiB - 0x1000); // below the ACPI tables
    EXPECT_EQ(read64(memory, 0x9000 + 0x70), 0xe0000u);
    ASSERT_EQ(read_guest(memory, 0x9000 + 0x1e8, 1)[0], 4);
    const u64 last = 0x9000 + 0x2d0 + 3 * 20;
    EXPECT_EQ(read64(memory, last), 64 * MiB - 64 * KiB);
    EXPECT_EQ(read32(memory, last + 16), 3u);
}

TEST(X86LoaderBzImage, RejectsBadInputBeforeWritingAnything) {
    auto memory = make_memory(64 * MiB);
    const auto image = build_bzimage();
    X86BootConfig two;
    two.modules = {{"a", {1}}, {"b", {2}}};
    EXPECT_TRUE(fails_with(load_x86_kernel(memory, image, two), "one initrd"));
    EXPECT_TRUE(fails_with(load_x86_kernel(memory, image, {std::string(2048, 'x'), {}, {}, {}}),
                           "kernel command line is too long (2048 bytes, at most 2047)"));
    X86BootConfig huge;
    huge.modules.push_back({"initrd", std::vector<u8>(48 * MiB, 1)});
    EXPECT_TRUE(fails_with(load_x86_kernel(memory, image, huge), "initrd"));
    EXPECT_EQ(read_guest(memory, 16 * MiB, 4), std::vector<u8>(4, 0));
    EXPECT_EQ(read64(memory, 0x1010), 0u);
}

} // namespace
} // namespace kite::boot
