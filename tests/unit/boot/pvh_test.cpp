#include "boot/elf.h"
#include "boot/pvh.h"
#include "boot/x86_loader.h"
#include "test_images.h"

#include <gtest/gtest.h>

namespace kite::boot {
namespace {

using namespace test;

// An ELF64 kernel at 16 MiB with a XEN_ELFNOTE_PHYS32_ENTRY note, like a
// Linux vmlinux built with CONFIG_PVH (whose note holds an 8-byte address).
ElfSpec pvh_elf(std::vector<u8> desc = le_bytes(0x1000040, 8)) {
    ElfSpec spec;
    spec.is64 = true;
    spec.entry = 0xffffffff81000000;
    spec.segments.push_back({0x1000000, pattern(0x400, 3), 0x3000, 0xffffffff81000000});
    spec.segments.push_back(note_segment("Xen", 18, desc));
    return spec;
}

TEST(Pvh, FindsTheEntryNote) {
    const auto file = build_elf(pvh_elf());
    auto elf = parse_elf(file);
    ASSERT_TRUE(elf) << elf.error().message();
    auto entry = find_pvh_entry(*elf);
    ASSERT_TRUE(entry) << entry.error().message();
    EXPECT_EQ(*entry, 0x1000040u);
    // A 4-byte address works too (a 32-bit kernel's note).
    const auto file32 = build_elf(pvh_elf(le_bytes(0x1000080, 4)));
    entry = find_pvh_entry(*parse_elf(file32));
    ASSERT_TRUE(entry);
    EXPECT_EQ(*entry, 0x1000080u);
}

TEST(Pvh, IgnoresOtherNotes) {
    auto spec = pvh_elf();
    spec.segments.back() = note_segment("Xen", 17, le_bytes(0x1000040, 8));
    spec.segments.push_back(note_segment("GNU", 18, le_bytes(0x1000040, 8)));
    const auto file = build_elf(spec);
    auto entry = find_pvh_entry(*parse_elf(file));
    ASSERT_TRUE(entry);
    EXPECT_FALSE(*entry);
}

TEST(Pvh, RejectsABadNote) {
    const auto short_desc = build_elf(pvh_elf({1, 2}));
    EXPECT_TRUE(fails_with(find_pvh_entry(*parse_elf(short_desc)), "bad PVH note"));
    const auto outside = build_elf(pvh_elf(le_bytes(0x2000000, 8)));
    EXPECT_TRUE(fails_with(find_pvh_entry(*parse_elf(outside)), "bad PVH note: entry point 0x2000000"));
    const auto wide = build_elf(pvh_elf(le_bytes(0x100001000, 8)));
    EXPECT_TRUE(fails_with(find_pvh_entry(*parse_elf(wide)), "not a 32-bit address"));
    // A descriptor size that runs past the note segment.
    auto spec = pvh_elf();
    put32(spec.segments.back().bytes, 4, 0x1000);
    const auto runs_past = build_elf(spec);
    EXPECT_TRUE(fails_with(find_pvh_entry(*parse_elf(runs_past)), "runs past"));
    // And through the loader, as the CLI sees it.
    auto memory = make_memory();
    EXPECT_TRUE(fails_with(load_x86_kernel(memory, short_desc, {}), "bad PVH note"));
}

TEST(Pvh, LoaderEntersAtTheNoteWithAStartInfo) {
    auto memory = make_memory(64 * MiB);
    const auto file = build_elf(pvh_elf());
    X86BootConfig config;
    config.cmdline = "console=ttyS0";
    config.modules.push_back({"initrd.img", pattern(0x2100, 4)});
    config.acpi_rsdp = 0xf0000;
    auto loaded = load_x86_kernel(memory, file, config);
    ASSERT_TRUE(loaded) << loaded.error().message();
    EXPECT_EQ(loaded->format, "pvh");
    const auto& e = loaded->entry;
    EXPECT_EQ(e.mode, accel::X86EntryMode::Protected32);
    EXPECT_EQ(e.rip, 0x1000040u);
    EXPECT_EQ(e.rbx, 0x9000u);
    EXPECT_EQ(e.gdt_base, 0x1000u);
    EXPECT_EQ(e.page_table_base, 0u);
    EXPECT_EQ(read_guest(memory, 0x1000000, 0x400), pvh_elf().segments[0].bytes);

    // struct hvm_start_info, version 1.
    EXPECT_EQ(read32(memory, 0x9000), 0x336ec578u);
    EXPECT_EQ(read32(memory, 0x9004), 1u);
    EXPECT_EQ(read32(memory, 0x900c), 1u); // nr_modules
    EXPECT_EQ(read_cstring(memory, read64(memory, 0x9018)), "console=ttyS0");
    EXPECT_EQ(read64(memory, 0x9020), 0xf0000u); // rsdp_paddr
    // The memory map: low RAM, the hole, RAM from 1 MiB.
    ASSERT_EQ(read32(memory, 0x9030), 3u);
    const u64 map = read64(memory, 0x9028);
    EXPECT_EQ(read64(memory, map + 24), 0x9fc00u);
    EXPECT_EQ(read32(memory, map + 24 + 16), 2u);
    EXPECT_EQ(read64(memory, map + 48 + 8), 63 * MiB);
    // The initrd, page-aligned at the top of RAM.
    const u64 mod = read64(memory, 0x9010);
    EXPECT_EQ(read64(memory, mod), 64 * MiB - 0x3000);
    EXPECT_EQ(read64(memory, mod + 8), 0x2100u);
    EXPECT_EQ(read_cstring(memory, read64(memory, mod + 16)), "initrd.img");
    EXPECT_EQ(read_guest(memory, 64 * MiB - 0x3000, 0x2100), config.modules[0].data);
    ASSERT_TRUE(loaded->initrd);
    EXPECT_EQ(*loaded->initrd, 64 * MiB - 0x3000);
}

TEST(Pvh, WithoutModulesTheListIsEmpty) {
    auto memory = make_memory(64 * MiB);
    const auto file = build_elf(pvh_elf());
    auto loaded = load_x86_kernel(memory, file, {});
    ASSERT_TRUE(loaded) << loaded.error().message();
    EXPECT_EQ(read32(memory, 0x900c), 0u);
    EXPECT_EQ(read64(memory, 0x9010), 0u);
    EXPECT_EQ(read64(memory, 0x9020), 0u); // no RSDP
    EXPECT_FALSE(loaded->initrd);
}

TEST(Pvh, InitrdThatDoesNotFitFails) {
    auto memory = make_memory(20 * MiB);
    const auto file = build_elf(pvh_elf());
    X86BootConfig config;
    config.modules.push_back({"initrd", std::vector<u8>(8 * MiB, 1)});
    EXPECT_TRUE(fails_with(load_x86_kernel(memory, file, config), "initrd (8388608 bytes) does not fit"));
    config.modules.push_back({"second", {1}});
    EXPECT_TRUE(fails_with(load_x86_kernel(memory, file, config), "one initrd"));
}

} // namespace
} // namespace kite::boot
