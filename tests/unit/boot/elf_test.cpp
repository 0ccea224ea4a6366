#include "boot/elf.h"
#include "test_images.h"

#include <gtest/gtest.h>

namespace kite::boot {
namespace {

using namespace test;

TEST(Elf, ParsesElf32Segments) {
    const auto file = build_elf(simple_elf32());
    auto image = parse_elf(file);
    ASSERT_TRUE(image) << image.error().message();
    EXPECT_EQ(image->elf_class, ElfClass::Elf32);
    EXPECT_EQ(image->entry, 0x100010u);
    EXPECT_EQ(image->physical_entry, 0x100010u);
    ASSERT_EQ(image->segments.size(), 2u);
    EXPECT_EQ(image->segments[0].address, 0x100000u);
    EXPECT_EQ(image->segments[0].data.size(), 0x300u);
    EXPECT_EQ(image->segments[0].mem_size, 0x300u);
    EXPECT_EQ(image->segments[0].data.data(), file.data() + kElfDataOffset);
    EXPECT_EQ(image->segments[1].address, 0x200000u);
    EXPECT_EQ(image->segments[1].data.size(), 0x80u);
    EXPECT_EQ(image->segments[1].mem_size, 0x2000u);
}

TEST(Elf, ParsesElf64AndSkipsNonLoadAndEmptySegments) {
    auto spec = simple_elf64();
    spec.segments.push_back({0x300000, pattern(16, 3), 0, std::nullopt, kPtNote});
    spec.segments.push_back({0x400000, {}, 0});
    auto file = build_elf(spec);
    // A PT_LOAD with p_memsz == 0 contributes nothing.
    const auto o = elf_offsets(true);
    put64(file, o.phdrs + 3 * o.phdr_size + o.p_memsz, 0);
    auto image = parse_elf(file);
    ASSERT_TRUE(image) << image.error().message();
    EXPECT_EQ(image->elf_class, ElfClass::Elf64);
    EXPECT_EQ(image->segments.size(), 2u);
}

TEST(Elf, TranslatesAVirtualEntryToItsPhysicalAddress) {
    auto spec = simple_elf64();
    spec.segments[0].vaddr = 0xffffffff80100000;
    spec.entry = 0xffffffff80100040;
    const auto file = build_elf(spec);
    auto image = parse_elf(file);
    ASSERT_TRUE(image) << image.error().message();
    EXPECT_EQ(image->physical_entry, 0x100040u);
}

TEST(Elf, LoadCopiesBytesAndZeroesBss) {
    auto memory = make_memory();
    ASSERT_TRUE(memory.fill(GuestAddress(0x100000), 0xaa, 0x200000));
    const auto spec = simple_elf32();
    const auto file = build_elf(spec);
    auto image = parse_elf(file);
    ASSERT_TRUE(image);
    auto end = load_elf(memory, *image);
    ASSERT_TRUE(end) << end.error().message();
    EXPECT_EQ(*end, 0x202000u);
    EXPECT_EQ(read_guest(memory, 0x100000, 0x300), spec.segments[0].bytes);
    EXPECT_EQ(read_guest(memory, 0x200000, 0x80), spec.segments[1].bytes);
    EXPECT_EQ(read_guest(memory, 0x200080, 0x2000 - 0x80), std::vector<u8>(0x2000 - 0x80, 0));
    // Bytes past the segment are untouched.
    EXPECT_EQ(read_guest(memory, 0x100300, 1), std::vector<u8>{0xaa});
}

// --- Malformed files: each must fail cleanly ---

TEST(Elf, RejectsEmptyAndTruncatedIdent) {
    EXPECT_TRUE(fails_with(parse_elf({}), "truncated"));
    const std::vector<u8> ident = {0x7f, 'E', 'L', 'F', 1, 1};
    EXPECT_TRUE(fails_with(parse_elf(ident), "truncated"));
}

TEST(Elf, RejectsBadMagic) {
    auto file = build_elf(simple_elf32());
    file[1] = 'X';
    EXPECT_TRUE(fails_with(parse_elf(file), "bad magic"));
}

TEST(Elf, RejectsTruncatedHeader) {
    auto file = build_elf(simple_elf64());
    file.resize(40);
    EXPECT_TRUE(fails_with(parse_elf(file), "ELF header is truncated"));
}

TEST(Elf, RejectsBadClassDataAndVersion) {
    auto file = build_elf(simple_elf32());
    file[4] = 3;
    EXPECT_TRUE(fails_with(parse_elf(file), "unsupported ELF class 3"));
    file = build_elf(simple_elf32());
    file[5] = 2;
    EXPECT_TRUE(fails_with(parse_elf(file), "data encoding"));
    file = build_elf(simple_elf32());
    file[6] = 0;
    EXPECT_TRUE(fails_with(parse_elf(file), "version"));
    file = build_elf(simple_elf32());
    put32(file, 20, 2);
    EXPECT_TRUE(fails_with(parse_elf(file), "version"));
}

TEST(Elf, RejectsWrongMachineForClass) {
    auto spec = simple_elf32();
    spec.machine = 62; // x32-style EM_X86_64 in an ELF32
    EXPECT_TRUE(fails_with(parse_elf(build_elf(spec)), "EM_386"));
    spec = simple_elf64();
    spec.machine = 40; // ARM
    EXPECT_TRUE(fails_with(parse_elf(build_elf(spec)), "EM_X86_64"));
}

TEST(Elf, RejectsNonExecutables) {
    auto spec = simple_elf64();
    spec.type = 3; // ET_DYN
    EXPECT_TRUE(fails_with(parse_elf(build_elf(spec)), "ET_EXEC"));
}

TEST(Elf, RejectsBadProgramHeaderSizeAndCount) {
    auto file = build_elf(simple_elf32());
    const auto o = elf_offsets(false);
    put16(file, o.phentsize, 31);
    EXPECT_TRUE(fails_with(parse_elf(file), "program header size"));
    file = build_elf(simple_elf32());
    put16(file, o.phnum, 0);
    EXPECT_TRUE(fails_with(parse_elf(file), "no program headers"));
    file = build_elf(simple_elf32());
    put16(file, o.phnum, 0xffff);
    EXPECT_TRUE(fails_with(parse_elf(file), "extended"));
}

TEST(Elf, RejectsProgramHeadersBeyondTheFile) {
    auto file = build_elf(simple_elf32());
    const auto o = elf_offsets(false);
    put32(file, o.phoff, static_cast<u32>(file.size() - 16));
    EXPECT_TRUE(fails_with(parse_elf(file), "lies outside the file"));
    put32(file, o.phoff, 0xffffffff);
    EXPECT_TRUE(fails_with(parse_elf(file), "lies outside the file"));
    // Too many entries for the file.
    file = build_elf(simple_elf32());
    put16(file, o.phnum, 0x8000);
    EXPECT_TRUE(fails_with(parse_elf(file), "lies outside the file"));
}

TEST(Elf, RejectsProgramHeaderTableOffsetThatWraps) {
    // phoff + phnum * phentsize overflows 64 bits.
    auto file = build_elf(simple_elf64());
    const auto o = elf_offsets(true);
    put64(file, o.phoff, ~u64{0} - 16);
    EXPECT_TRUE(fails_with(parse_elf(file), "lies outside the file"));
}

TEST(Elf, RejectsSegmentBytesBeyondTheFile) {
    auto file = build_elf(simple_elf32());
    const auto o = elf_offsets(false);
    put32(file, o.phdrs + o.p_filesz, static_cast<u32>(file.size())); // offset + filesz > size
    put32(file, o.phdrs + o.p_memsz, static_cast<u32>(file.size()));
    EXPECT_TRUE(fails_with(parse_elf(file), "lie outside the file"));

    auto file64 = build_elf(simple_elf64());
    const auto o64 = elf_offsets(true);
    put64(file64, o64.phdrs + o64.p_offset, ~u64{0} - 8); // offset + filesz wraps
    EXPECT_TRUE(fails_with(parse_elf(file64), "lie outside the file"));
}

TEST(Elf, RejectsFileSizeLargerThanMemorySize) {
    auto file = build_elf(simple_elf32());
    const auto o = elf_offsets(false);
    put32(file, o.phdrs + o.p_memsz, 0x100);
    EXPECT_TRUE(fails_with(parse_elf(file), "exceeds memory size"));
}

TEST(Elf, RejectsSegmentWrappingTheAddressSpace) {
    auto spec = simple_elf64();
    spec.segments[1].paddr = 0xfffffffffffff000;
    spec.segments[1].memsz = 0x2000;
    EXPECT_TRUE(fails_with(parse_elf(build_elf(spec)), "wraps the address space"));
}

TEST(Elf, RejectsElf32SegmentPast4GiB) {
    auto spec = simple_elf32();
    spec.segments[1].paddr = 0xfffff000;
    spec.segments[1].memsz = 0x2000;
    EXPECT_TRUE(fails_with(parse_elf(build_elf(spec)), "past 4 GiB"));
}

TEST(Elf, RejectsOverlappingSegments) {
    auto spec = simple_elf32();
    spec.segments[1].paddr = 0x1002f0;
    spec.entry = 0x100000;
    EXPECT_TRUE(fails_with(parse_elf(build_elf(spec)), "overlap"));
}

TEST(Elf, TakesAPhysicalEntryAsItIs) {
    // Linux's vmlinux: segments linked high, e_entry the physical start.
    auto spec = simple_elf64();
    spec.segments[0].vaddr = 0xffffffff80100000;
    spec.entry = 0x100020;
    auto image = parse_elf(build_elf(spec));
    ASSERT_TRUE(image) << image.error().message();
    EXPECT_EQ(image->physical_entry, 0x100020u);
}

TEST(Elf, RejectsEntryOutsideEverySegment) {
    auto spec = simple_elf32();
    spec.entry = 0x500000;
    EXPECT_TRUE(fails_with(parse_elf(build_elf(spec)), "entry point 0x500000"));
}

TEST(Elf, RejectsImagesWithoutLoadableSegments) {
    ElfSpec spec;
    spec.segments.push_back({0x100000, pattern(16, 1), 0, std::nullopt, kPtNote});
    EXPECT_TRUE(fails_with(parse_elf(build_elf(spec)), "no loadable segments"));
}

TEST(Elf, LoadRejectsSegmentOutsideRamAndWritesNothing) {
    auto memory = make_memory();
    auto spec = simple_elf32();
    spec.segments[1].paddr = 0x8000000; // 128 MiB, past the 64 MiB of RAM
    const auto file = build_elf(spec);
    auto image = parse_elf(file);
    ASSERT_TRUE(image) << image.error().message();
    EXPECT_TRUE(fails_with(load_elf(memory, *image), "segment at 0x8000000"));
    EXPECT_TRUE(fails_with(load_elf(memory, *image), "outside guest RAM"));
    // The valid first segment was not written either.
    EXPECT_EQ(read_guest(memory, 0x100000, 16), std::vector<u8>(16, 0));
}

TEST(Elf, LoadRejectsSegmentStraddlingTheEndOfRam) {
    auto memory = make_memory();
    auto spec = simple_elf32();
    spec.segments[1].paddr = 64 * MiB - 0x1000;
    const auto file = build_elf(spec);
    auto image = parse_elf(file);
    ASSERT_TRUE(image);
    EXPECT_TRUE(fails_with(load_elf(memory, *image), "outside guest RAM"));
}

TEST(Elf, LoadPutsSegmentsAnywhereInRam) {
    // The x86 loader places its boot structures around the kernel, so low
    // segments are fine here.
    auto memory = make_memory();
    for (u64 paddr : {u64{0x8000}, u64{0xf00}, u64{0xff00}}) {
        auto spec = simple_elf32();
        spec.segments[1].paddr = paddr;
        spec.segments[1].memsz = 0x200;
        const auto file = build_elf(spec);
        auto image = parse_elf(file);
        ASSERT_TRUE(image) << image.error().message();
        EXPECT_TRUE(load_elf(memory, *image));
        EXPECT_EQ(read_guest(memory, paddr, 0x80), spec.segments[1].bytes);
    }
}

TEST(Elf, KeepsNoteSegmentsAndFindsNotes) {
    auto spec = simple_elf64();
    spec.segments.push_back(note_segment("GNU", 3, {1, 2, 3, 4, 5}));
    spec.segments.push_back(note_segment("Xen", 18, {9, 9, 9, 9}));
    const auto file = build_elf(spec);
    auto image = parse_elf(file);
    ASSERT_TRUE(image) << image.error().message();
    EXPECT_EQ(image->segments.size(), 2u);
    EXPECT_EQ(image->notes.size(), 2u);
    auto gnu = find_elf_note(*image, "GNU", 3);
    ASSERT_TRUE(gnu && *gnu);
    EXPECT_EQ(std::vector<u8>((*gnu)->begin(), (*gnu)->end()), (std::vector<u8>{1, 2, 3, 4, 5}));
    auto xen = find_elf_note(*image, "Xen", 18);
    ASSERT_TRUE(xen && *xen);
    EXPECT_EQ((*xen)->size(), 4u);
    auto none = find_elf_note(*image, "Xen", 3);
    ASSERT_TRUE(none);
    EXPECT_FALSE(*none);
    // A note segment outside the file is an error.
    auto bad = build_elf(spec);
    put64(bad, elf_offsets(true).phdrs + 2 * 56 + 8, 0x100000);
    EXPECT_TRUE(fails_with(parse_elf(bad), "note segment"));
}

} // namespace
} // namespace kite::boot
