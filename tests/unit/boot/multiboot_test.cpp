#include "boot/multiboot.h"
#include "boot/x86_layout.h"
#include "test_images.h"

#include <gtest/gtest.h>

namespace kite::boot {
namespace {

using namespace test;

// --- Header search ---

TEST(MultibootHeader, FindsAnAlignedHeaderInTheFirst8KiB) {
    std::vector<u8> image(0x3000, 0);
    put_bytes(image, 0x1ff0, multiboot_header(0x3));
    auto header = find_multiboot_header(image);
    ASSERT_TRUE(header) << header.error().message();
    ASSERT_TRUE(header->has_value());
    EXPECT_EQ((*header)->offset, 0x1ff0u);
    EXPECT_EQ((*header)->flags, 0x3u);
    EXPECT_FALSE((*header)->has_address_fields());
}

TEST(MultibootHeader, IgnoresMisalignedAndLateHeaders) {
    std::vector<u8> image(0x3000, 0);
    put_bytes(image, 0x102, multiboot_header(0x3));  // not 4-byte aligned
    put_bytes(image, 0x2000, multiboot_header(0x3)); // past the first 8 KiB
    auto header = find_multiboot_header(image);
    ASSERT_TRUE(header);
    EXPECT_FALSE(header->has_value());
    // A header must be entirely inside the first 8 KiB.
    std::vector<u8> straddling(0x3000, 0);
    put_bytes(straddling, 0x1ffc, multiboot_header(0x3));
    header = find_multiboot_header(straddling);
    ASSERT_TRUE(header);
    EXPECT_FALSE(header->has_value());
}

TEST(MultibootHeader, NoHeaderInATinyOrPlainImage) {
    const std::vector<u8> tiny = {0x02, 0xb0, 0xad, 0x1b}; // magic with no room for flags
    auto header = find_multiboot_header(tiny);
    ASSERT_TRUE(header);
    EXPECT_FALSE(header->has_value());
    header = find_multiboot_header(build_elf(simple_elf32()));
    ASSERT_TRUE(header);
    EXPECT_FALSE(header->has_value());
}

TEST(MultibootHeader, RejectsBadChecksum) {
    std::vector<u8> image(0x1000, 0);
    put_bytes(image, 0x100, multiboot_header(0x3, std::nullopt, true));
    EXPECT_TRUE(fails_with(find_multiboot_header(image), "multiboot header checksum mismatch"));
}

TEST(MultibootHeader, SkipsAStrayMagicBeforeTheRealHeader) {
    std::vector<u8> image(0x1000, 0);
    put_bytes(image, 0x100, multiboot_header(0x3, std::nullopt, true));
    put_bytes(image, 0x200, multiboot_header(0x1));
    auto header = find_multiboot_header(image);
    ASSERT_TRUE(header) << header.error().message();
    ASSERT_TRUE(header->has_value());
    EXPECT_EQ((*header)->offset, 0x200u);
}

TEST(MultibootHeader, AcceptsVideoModeRequestAndOptionalHighBits) {
    std::vector<u8> image(0x1000, 0);
    put_bytes(image, 0x0, multiboot_header(0x7 | 0x80000000));
    auto header = find_multiboot_header(image);
    ASSERT_TRUE(header) << header.error().message();
    EXPECT_TRUE(header->has_value());
}

TEST(MultibootHeader, RejectsUnsupportedRequiredFlags) {
    for (u32 bit = 3; bit < 16; ++bit) {
        std::vector<u8> image(0x1000, 0);
        put_bytes(image, 0x0, multiboot_header(0x3 | (1u << bit)));
        EXPECT_TRUE(fails_with(find_multiboot_header(image), "unsupported")) << bit;
    }
}

TEST(MultibootHeader, ReadsAddressFields) {
    const auto image = aout_image();
    auto header = find_multiboot_header(image);
    ASSERT_TRUE(header) << header.error().message();
    ASSERT_TRUE(header->has_value());
    const auto& h = **header;
    EXPECT_TRUE(h.has_address_fields());
    EXPECT_EQ(h.header_addr, kAoutLoad + 0x40);
    EXPECT_EQ(h.load_addr, kAoutLoad);
    EXPECT_EQ(h.load_end_addr, kAoutLoad + kAoutFileSize);
    EXPECT_EQ(h.bss_end_addr, kAoutLoad + 0x3000);
    EXPECT_EQ(h.entry_addr, kAoutLoad + 0x100);
}

TEST(MultibootHeader, RejectsTruncatedAddressFields) {
    auto image = multiboot_header(0x10003);
    image.resize(20);
    EXPECT_TRUE(fails_with(find_multiboot_header(image), "truncated"));
}

// --- Kernel parsing ---

Result<MultibootKernel> parse(std::span<const u8> image) {
    auto header = TRY(find_multiboot_header(image));
    if (!header)
        return error("no header");
    return parse_multiboot_kernel(image, *header);
}

TEST(MultibootKernel, ElfKernelUsesTheElfSegments) {
    const auto image = multiboot_elf();
    auto kernel = parse(image);
    ASSERT_TRUE(kernel) << kernel.error().message();
    EXPECT_FALSE(kernel->uses_address_fields);
    EXPECT_EQ(kernel->entry, 0x100010u);
    EXPECT_EQ(kernel->segments.size(), 2u);
}

TEST(MultibootKernel, RejectsElf64WithoutAddressFields) {
    auto image = build_elf(simple_elf64());
    put_bytes(image, 0x200, multiboot_header(0x3));
    EXPECT_TRUE(fails_with(parse(image), "ELF32"));
}

TEST(MultibootKernel, RejectsNonElfWithoutAddressFields) {
    std::vector<u8> image(0x1000, 0x90);
    put_bytes(image, 0x0, multiboot_header(0x3));
    EXPECT_TRUE(fails_with(parse(image), "not an ELF"));
}

TEST(MultibootKernel, AddressFieldsDescribeOneSegment) {
    const auto image = aout_image();
    auto kernel = parse(image);
    ASSERT_TRUE(kernel) << kernel.error().message();
    EXPECT_TRUE(kernel->uses_address_fields);
    EXPECT_EQ(kernel->entry, kAoutLoad + 0x100);
    ASSERT_EQ(kernel->segments.size(), 1u);
    EXPECT_EQ(kernel->segments[0].address, kAoutLoad);
    EXPECT_EQ(kernel->segments[0].data.data(), image.data());
    EXPECT_EQ(kernel->segments[0].data.size(), kAoutFileSize);
    EXPECT_EQ(kernel->segments[0].mem_size, 0x3000u);
}

TEST(MultibootKernel, AddressFieldsWinOverElfHeaders) {
    // An ELF whose Multiboot header asks for the kludge: the ELF headers are ignored.
    auto image = build_elf(simple_elf64());
    const u32 load = 0x200000;
    put_bytes(image, 0x200, multiboot_header(0x10003, AddressFields{load + 0x200, load, 0, 0, load + 0x240}));
    auto kernel = parse(image);
    ASSERT_TRUE(kernel) << kernel.error().message();
    EXPECT_TRUE(kernel->uses_address_fields);
    ASSERT_EQ(kernel->segments.size(), 1u);
    // load_end_addr == 0: the whole file from the load offset.
    EXPECT_EQ(kernel->segments[0].data.size(), image.size());
    EXPECT_EQ(kernel->segments[0].mem_size, image.size());
}

TEST(MultibootKernel, KludgeLoadOffsetFollowsTheHeaderPosition) {
    // Header at file offset 0x40 but header_addr only 0x20 past load_addr: loading starts at file offset
    // 0x20.
    auto fields = aout_fields();
    fields.header_addr = kAoutLoad + 0x20;
    fields.load_end_addr = kAoutLoad + 0x1000;
    const auto image = aout_image(fields);
    auto kernel = parse(image);
    ASSERT_TRUE(kernel) << kernel.error().message();
    EXPECT_EQ(kernel->segments[0].data.data(), image.data() + 0x20);
    EXPECT_EQ(kernel->segments[0].data.size(), 0x1000u);
}

TEST(MultibootKernel, KludgeRejectsLoadEndBelowLoadAddr) {
    auto fields = aout_fields();
    fields.load_end_addr = kAoutLoad - 0x1000;
    EXPECT_TRUE(fails_with(parse(aout_image(fields)), "load_end_addr"));
}

TEST(MultibootKernel, KludgeRejectsHeaderAddrBelowLoadAddr) {
    auto fields = aout_fields();
    fields.header_addr = kAoutLoad - 4;
    EXPECT_TRUE(fails_with(parse(aout_image(fields)), "header_addr"));
}

TEST(MultibootKernel, KludgeRejectsHeaderAddrInconsistentWithFileOffset) {
    // header_addr 0x100 past load_addr, but the header is only 0x40 into the file.
    auto fields = aout_fields();
    fields.header_addr = kAoutLoad + 0x100;
    EXPECT_TRUE(fails_with(parse(aout_image(fields)), "inconsistent"));
}

TEST(MultibootKernel, KludgeRejectsHeaderOutsideTheLoadedRange) {
    auto fields = aout_fields();
    fields.load_end_addr = kAoutLoad + 0x40; // stops right before the header
    fields.entry_addr = kAoutLoad;
    EXPECT_TRUE(fails_with(parse(aout_image(fields)), "inconsistent"));
}

TEST(MultibootKernel, KludgeRejectsLoadRangePastTheFile) {
    auto fields = aout_fields();
    fields.load_end_addr = kAoutLoad + kAoutFileSize + 1;
    EXPECT_TRUE(fails_with(parse(aout_image(fields)), "past the end of the file"));
}

TEST(MultibootKernel, KludgeRejectsBssEndBelowLoadEnd) {
    auto fields = aout_fields();
    fields.bss_end_addr = kAoutLoad + 0x1000;
    EXPECT_TRUE(fails_with(parse(aout_image(fields)), "bss_end_addr"));
}

TEST(MultibootKernel, KludgeRejectsEntryOutsideTheImage) {
    for (u32 entry : {kAoutLoad - 1, kAoutLoad + static_cast<u32>(kAoutFileSize), kAoutLoad + 0x2000u}) {
        auto fields = aout_fields();
        fields.entry_addr = entry;
        EXPECT_TRUE(fails_with(parse(aout_image(fields)), "entry_addr")) << entry;
    }
}

TEST(MultibootKernel, KludgeRejectsImagePast4GiB) {
    auto fields = aout_fields();
    const u32 load = 0xfffff000;
    fields = {load + 0x40, load, 0, 0, load + 0x100};
    EXPECT_TRUE(fails_with(parse(aout_image(fields)), "past 4 GiB"));
}

TEST(MultibootKernel, RejectsAHandMadeHeaderOutsideTheImage) {
    const auto image = aout_image();
    MultibootHeader header = {.offset = image.size() - 8, .flags = 0x10003};
    EXPECT_TRUE(fails_with(parse_multiboot_kernel(image, header), "outside the image"));
    header.offset = ~u64{0} - 3;
    EXPECT_TRUE(fails_with(parse_multiboot_kernel(image, header), "outside the image"));
}

// --- Information structure ---

std::vector<MultibootModule> no_modules() {
    return {};
}

TEST(MultibootInfo, DescribesMemoryCmdlineAndLoaderName) {
    auto memory = make_memory();
    auto info = write_multiboot_info(memory, BootArea{}, 0x200000, "console=ttyS0 quiet", no_modules());
    ASSERT_TRUE(info) << info.error().message();
    EXPECT_EQ(*info, 0x9000u);
    EXPECT_EQ(read32(memory, 0x9000), 0x24du); // MEM, CMDLINE, MODS, MMAP, BOOT_LOADER_NAME
    EXPECT_EQ(read32(memory, 0x9004), 639u);
    EXPECT_EQ(read32(memory, 0x9008), (64 * MiB - 1 * MiB) / KiB);
    EXPECT_EQ(read32(memory, 0x900c), 0u); // no boot device
    EXPECT_EQ(read_cstring(memory, read32(memory, 0x9010)), "console=ttyS0 quiet");
    EXPECT_EQ(read32(memory, 0x9014), 0u);
    EXPECT_EQ(read_cstring(memory, read32(memory, 0x9040)), "kite");

    // Memory map: usable low memory, the legacy hole, then RAM above 1 MiB.
    EXPECT_EQ(read32(memory, 0x902c), 3 * 24u);
    const u64 mmap = read32(memory, 0x9030);
    EXPECT_EQ(mmap, BootArea{}.mmap());
    const struct {
        u64 base, length;
        u32 type;
    } expected[] = {{0, 0x9fc00, 1}, {0x9fc00, 0x60400, 2}, {0x100000, 63 * MiB, 1}};
    for (std::size_t i = 0; i < 3; ++i) {
        const u64 e = mmap + i * 24;
        EXPECT_EQ(read32(memory, e), 20u) << i;
        EXPECT_EQ(read64(memory, e + 4), expected[i].base) << i;
        EXPECT_EQ(read64(memory, e + 12), expected[i].length) << i;
        EXPECT_EQ(read32(memory, e + 20), expected[i].type) << i;
    }
}

TEST(MultibootInfo, EmptyCmdlineIsAnEmptyString) {
    auto memory = make_memory();
    ASSERT_TRUE(memory.fill(GuestAddress(0x9000), 0xff, 0x7000));
    ASSERT_TRUE(write_multiboot_info(memory, BootArea{}, 0x200000, "", no_modules()));
    EXPECT_EQ(read_cstring(memory, read32(memory, 0x9010)), "");
    EXPECT_EQ(read32(memory, 0x9000) & 0x4, 0x4u);
}

TEST(MultibootInfo, PlacesModulesPageAlignedAfterTheKernel) {
    auto memory = make_memory();
    const auto initrd = pattern(0x2345, 5);
    const auto extra = pattern(0x10, 6);
    const std::vector<MultibootModule> modules = {{"initrd.img root=/dev/ram", initrd}, {"extra", extra}};
    ASSERT_TRUE(write_multiboot_info(memory, BootArea{}, 0x202001, "", modules));
    EXPECT_EQ(read32(memory, 0x9014), 2u);
    const u64 list = read32(memory, 0x9018);
    EXPECT_EQ(list, BootArea{}.modules());

    EXPECT_EQ(read32(memory, list + 0), 0x203000u);
    EXPECT_EQ(read32(memory, list + 4), 0x203000u + 0x2345);
    EXPECT_EQ(read_cstring(memory, read32(memory, list + 8)), "initrd.img root=/dev/ram");
    EXPECT_EQ(read32(memory, list + 12), 0u);
    EXPECT_EQ(read_guest(memory, 0x203000, initrd.size()), initrd);

    EXPECT_EQ(read32(memory, list + 16), 0x206000u);
    EXPECT_EQ(read32(memory, list + 20), 0x206010u);
    EXPECT_EQ(read_cstring(memory, read32(memory, list + 24)), "extra");
    EXPECT_EQ(read_guest(memory, 0x206000, extra.size()), extra);
}

TEST(MultibootInfo, ModulesOfALowKernelStartAt1MiB) {
    auto memory = make_memory();
    const auto data = pattern(0x100, 1);
    const std::vector<MultibootModule> modules = {{"m", data}};
    ASSERT_TRUE(write_multiboot_info(memory, BootArea{}, 0x20000, "", modules));
    EXPECT_EQ(read32(memory, BootArea{}.modules()), 0x100000u);
}

TEST(MultibootInfo, RejectsModuleTooBigForRam) {
    auto memory = make_memory(4 * MiB);
    const std::vector<u8> big(3 * MiB, 1);
    const std::vector<MultibootModule> modules = {{"big.img", big}};
    EXPECT_TRUE(fails_with(write_multiboot_info(memory, BootArea{}, 0x180000, "", modules),
                           "module big.img does not fit in guest RAM"));
    // Nothing was written.
    EXPECT_EQ(read32(memory, 0x9000), 0u);
}

TEST(MultibootInfo, RejectsModulePast4GiB) {
    auto memory = make_memory();
    const std::vector<u8> small(16, 1);
    const std::vector<MultibootModule> modules = {{"m", small}};
    EXPECT_TRUE(fails_with(write_multiboot_info(memory, BootArea{}, 0xfffffff8, "", modules), "4 GiB"));
    EXPECT_TRUE(fails_with(write_multiboot_info(memory, BootArea{}, ~u64{0} - 4, "", modules), "4 GiB"));
}

TEST(MultibootInfo, RejectsTooLongCmdline) {
    auto memory = make_memory();
    const std::string ok(4095, 'x');
    ASSERT_TRUE(write_multiboot_info(memory, BootArea{}, 0x200000, ok, no_modules()));
    EXPECT_EQ(read_cstring(memory, BootArea{}.cmdline()), ok);
    const std::string too_long(4096, 'x');
    EXPECT_TRUE(fails_with(write_multiboot_info(memory, BootArea{}, 0x200000, too_long, no_modules()),
                           "kernel command line is too long"));
}

TEST(MultibootInfo, RejectsNulInStrings) {
    auto memory = make_memory();
    EXPECT_TRUE(fails_with(
        write_multiboot_info(memory, BootArea{}, 0x200000, std::string("a\0b", 3), no_modules()), "NUL"));
    const std::vector<MultibootModule> modules = {{std::string_view("a\0b", 3), {}}};
    EXPECT_TRUE(fails_with(write_multiboot_info(memory, BootArea{}, 0x200000, "", modules), "NUL"));
}

TEST(MultibootInfo, RejectsTooManyModulesOrNames) {
    auto memory = make_memory();
    const std::vector<MultibootModule> many(129, MultibootModule{"m", {}});
    EXPECT_TRUE(fails_with(write_multiboot_info(memory, BootArea{}, 0x200000, "", many), "too many modules"));
    const std::string long_name(0x3000, 'n');
    const std::vector<MultibootModule> named(2, MultibootModule{long_name, {}});
    EXPECT_TRUE(fails_with(write_multiboot_info(memory, BootArea{}, 0x200000, "", named),
                           "module names are too long"));
}

TEST(MultibootInfo, RejectsRamThatDoesNotCoverTheInfoArea) {
    auto memory = make_memory(0xc000);
    EXPECT_TRUE(
        fails_with(write_multiboot_info(memory, BootArea{}, 0x200000, "", no_modules()), "info area"));
}

TEST(MultibootInfo, MemoryMapFollowsGuestRegions) {
    GuestMemory memory;
    ASSERT_TRUE(memory.add_region(GuestAddress(0), 2 * MiB));
    ASSERT_TRUE(memory.add_region(GuestAddress(2 * MiB), 6 * MiB)); // adjacent: merged
    ASSERT_TRUE(memory.add_region(GuestAddress(4 * GiB), 16 * MiB));
    ASSERT_TRUE(write_multiboot_info(memory, BootArea{}, 0x200000, "", no_modules()));
    EXPECT_EQ(read32(memory, 0x9004), 639u);
    EXPECT_EQ(read32(memory, 0x9008), 7 * MiB / KiB); // contiguous RAM from 1 MiB only
    ASSERT_EQ(read32(memory, 0x902c), 4 * 24u);
    const u64 e = read32(memory, 0x9030) + 3 * 24;
    EXPECT_EQ(read64(memory, e - 24 + 4), 0x100000u);
    EXPECT_EQ(read64(memory, e - 24 + 12), 7 * MiB);
    EXPECT_EQ(read64(memory, e + 4), 4 * GiB);
    EXPECT_EQ(read64(memory, e + 12), 16 * MiB);
    EXPECT_EQ(read32(memory, e + 20), 1u);
}

TEST(MultibootInfo, SmallLowRamShrinksMemLower) {
    auto memory = make_memory(0x40000); // 256 KiB, nothing above 1 MiB
    ASSERT_TRUE(write_multiboot_info(memory, BootArea{}, 0x20000, "", no_modules()));
    EXPECT_EQ(read32(memory, 0x9004), 256u);
    EXPECT_EQ(read32(memory, 0x9008), 0u);
    ASSERT_EQ(read32(memory, 0x902c), 2 * 24u);
    EXPECT_EQ(read64(memory, BootArea{}.mmap() + 12), 0x40000u);
}

} // namespace
} // namespace kite::boot
