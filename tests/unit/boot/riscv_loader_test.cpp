#include "boot/elf.h"
#include "boot/riscv_loader.h"
#include "test_images.h"

#include <gtest/gtest.h>

namespace kite::boot {
namespace {

using namespace test;

constexpr u64 kRamBase = 0x80000000;

GuestMemory riscv_memory(u64 size = 64 * MiB) {
    GuestMemory memory;
    auto r = memory.add_region(GuestAddress(kRamBase), size);
    EXPECT_TRUE(r.has_value());
    return memory;
}

// --- ELF ---

TEST(RiscvElf, ParseAcceptsRiscvOnlyWhenAsked) {
    const auto file = build_elf(simple_riscv_elf());
    auto image = parse_elf(file, ElfMachine::Riscv64);
    ASSERT_TRUE(image) << image.error().message();
    EXPECT_EQ(image->elf_class, ElfClass::Elf64);
    EXPECT_EQ(image->physical_entry, 0x80000000u);
    ASSERT_EQ(image->segment_vaddrs.size(), 2u);
    EXPECT_EQ(image->to_physical(0x80001040), 0x80001040u);
    EXPECT_EQ(image->to_physical(0x90000000), std::nullopt);
    // The x86 default still rejects it, with the same message as before.
    EXPECT_TRUE(fails_with(parse_elf(file), "ELF machine 243 is not EM_X86_64 for this class"));
}

TEST(RiscvElf, ParseRejectsX86AndElf32) {
    EXPECT_TRUE(fails_with(parse_elf(build_elf(simple_elf64()), ElfMachine::Riscv64), "is not EM_RISCV"));
    auto spec = simple_elf32();
    spec.machine = kEmRiscv;
    EXPECT_TRUE(fails_with(parse_elf(build_elf(spec), ElfMachine::Riscv64), "ELF32"));
}

TEST(RiscvElf, ParseAcceptsEtDynForRiscvButNotForX86) {
    auto spec = simple_riscv_elf();
    spec.type = 3; // ET_DYN, like OpenSBI's position-independent fw_dynamic.elf
    EXPECT_TRUE(parse_elf(build_elf(spec), ElfMachine::Riscv64));
    spec = simple_elf64();
    spec.type = 3;
    EXPECT_TRUE(fails_with(parse_elf(build_elf(spec)), "ET_EXEC"));
    spec = simple_riscv_elf();
    spec.type = 1; // ET_REL
    EXPECT_TRUE(fails_with(parse_elf(build_elf(spec), ElfMachine::Riscv64), "ET_EXEC or ET_DYN"));
}

TEST(RiscvElf, LoadsSegmentsAndFindsHtifMailboxes) {
    auto memory = riscv_memory();
    ASSERT_TRUE(memory.fill(GuestAddress(kRamBase), 0xaa, 0x4000));
    const auto spec = simple_riscv_elf();
    auto loaded = load_riscv_elf(memory, build_elf(spec)); // the file need not outlive the call
    ASSERT_TRUE(loaded) << loaded.error().message();
    EXPECT_EQ(loaded->entry, 0x80000000u);
    EXPECT_EQ(loaded->start, 0x80000000u);
    EXPECT_EQ(loaded->end, 0x80002000u);
    EXPECT_EQ(loaded->tohost, 0x80001000u);
    EXPECT_EQ(loaded->fromhost, 0x80001040u);
    EXPECT_EQ(read_guest(memory, 0x80000000, 0x400), spec.segments[0].bytes);
    EXPECT_EQ(read_guest(memory, 0x80001000, 0x40), spec.segments[1].bytes);
    EXPECT_EQ(read_guest(memory, 0x80001040, 0xfc0), std::vector<u8>(0xfc0, 0));
    EXPECT_EQ(read_guest(memory, 0x80002000, 1), std::vector<u8>{0xaa});
}

TEST(RiscvElf, TranslatesVirtualSymbolsAndEntry) {
    auto memory = riscv_memory();
    auto spec = simple_riscv_elf();
    spec.segments[0].vaddr = 0xffffffff80000000;
    spec.segments[1].vaddr = 0xffffffff80001000;
    spec.entry = 0xffffffff80000010;
    spec.symbols = {{"tohost", 0xffffffff80001008}, {"fromhost", 0x12345678}}; // the latter in no segment
    auto loaded = load_riscv_elf(memory, build_elf(spec));
    ASSERT_TRUE(loaded) << loaded.error().message();
    EXPECT_EQ(loaded->entry, 0x80000010u);
    EXPECT_EQ(loaded->tohost, 0x80001008u);
    EXPECT_EQ(loaded->fromhost, 0x12345678u);
}

TEST(RiscvElf, NoSymbolTableMeansNoMailboxes) {
    auto memory = riscv_memory();
    auto spec = simple_riscv_elf();
    spec.symbols.clear();
    auto loaded = load_riscv_elf(memory, build_elf(spec));
    ASSERT_TRUE(loaded) << loaded.error().message();
    EXPECT_EQ(loaded->tohost, std::nullopt);
    EXPECT_EQ(loaded->fromhost, std::nullopt);
}

TEST(RiscvElf, RejectsSegmentsOutsideRamAndWritesNothing) {
    auto memory = riscv_memory();
    auto spec = simple_riscv_elf();
    spec.segments[1].paddr = kRamBase + 64 * MiB - 0x800; // straddles the end
    spec.symbols.clear();
    auto loaded = load_riscv_elf(memory, build_elf(spec));
    EXPECT_TRUE(fails_with(loaded, "segment at 0x83fff800"));
    EXPECT_TRUE(fails_with(loaded, "outside guest RAM"));
    EXPECT_EQ(read_guest(memory, kRamBase, 16), std::vector<u8>(16, 0));
    spec.segments[1].paddr = 0x1000; // below RAM
    EXPECT_TRUE(fails_with(load_riscv_elf(memory, build_elf(spec)), "segment at 0x1000"));
}

TEST(RiscvElf, HasNoX86BootAreaRestriction) {
    GuestMemory memory;
    ASSERT_TRUE(memory.add_region(GuestAddress(0), 16 * MiB));
    auto spec = simple_riscv_elf();
    spec.entry = 0x2000;
    spec.segments[0].paddr = 0x2000; // inside the x86 boot area [0x1000, 0x10000)
    spec.segments[1].paddr = 0x8000;
    spec.symbols.clear();
    auto loaded = load_riscv_elf(memory, build_elf(spec));
    ASSERT_TRUE(loaded) << loaded.error().message();
    EXPECT_EQ(loaded->start, 0x2000u);
    EXPECT_EQ(loaded->end, 0x9000u);
}

TEST(RiscvElf, MalformedSymbolTableFailsTheLoad) {
    auto memory = riscv_memory();
    auto f = build_elf(simple_riscv_elf());
    const auto o = section_offsets(true);
    put32(f, section_header_at(f, true, 1) + o.sh_link, 7);
    EXPECT_TRUE(fails_with(load_riscv_elf(memory, f), "does not exist"));
    EXPECT_EQ(read_guest(memory, kRamBase, 16), std::vector<u8>(16, 0));
}

// --- Linux Image ---

std::vector<u8> riscv_image(std::size_t file_size = 0x3000, u64 image_size = 0x5000,
                            u64 text_offset = 0x200000) {
    auto f = pattern(file_size, 3);
    put32(f, 0, 0x0000006f); // code0: j 0 (any code)
    put32(f, 4, 0);
    put64(f, 8, text_offset);
    put64(f, 16, image_size);
    put64(f, 24, 0);          // flags: little-endian
    put32(f, 32, 0x00000002); // version 0.2
    put32(f, 36, 0);
    put64(f, 40, 0);
    put64(f, 48, 0x5643534952); // "RISCV\0\0\0"
    put32(f, 56, 0x05435352);   // "RSC\x05"
    put32(f, 60, 0);
    return f;
}

TEST(RiscvImage, ParsesTheHeader) {
    const auto f = riscv_image();
    auto header = parse_riscv_image_header(f);
    ASSERT_TRUE(header) << header.error().message();
    EXPECT_EQ(header->text_offset, 0x200000u);
    EXPECT_EQ(header->image_size, 0x5000u);
    EXPECT_EQ(header->flags, 0u);
    EXPECT_EQ(header->version, 2u);
    EXPECT_EQ(header->load_size, 0x5000u);
    // The magic bytes are the documented strings.
    EXPECT_EQ(std::string(f.begin() + 48, f.begin() + 53), "RISCV");
    EXPECT_EQ(std::string(f.begin() + 56, f.begin() + 60), "RSC\x05");
}

TEST(RiscvImage, LoadSizeIsTheLargerOfImageSizeAndFileSize) {
    auto header = parse_riscv_image_header(riscv_image(0x3000, 0x1000));
    ASSERT_TRUE(header);
    EXPECT_EQ(header->load_size, 0x3000u);
    header = parse_riscv_image_header(riscv_image(0x3000, 0));
    ASSERT_TRUE(header);
    EXPECT_EQ(header->load_size, 0x3000u);
}

TEST(RiscvImage, AcceptsEitherMagic) {
    auto f = riscv_image();
    put64(f, 48, 0); // only magic2
    EXPECT_TRUE(parse_riscv_image_header(f));
    f = riscv_image();
    put32(f, 56, 0); // only the deprecated magic
    EXPECT_TRUE(parse_riscv_image_header(f));
    put64(f, 48, 0);
    EXPECT_TRUE(fails_with(parse_riscv_image_header(f), "not a RISC-V Linux Image"));
}

TEST(RiscvImage, RejectsBadHeaders) {
    EXPECT_TRUE(fails_with(parse_riscv_image_header({}), "truncated"));
    auto f = riscv_image();
    f.resize(63);
    EXPECT_TRUE(fails_with(parse_riscv_image_header(f), "truncated (63 bytes"));
    f = riscv_image();
    put64(f, 24, 1);
    EXPECT_TRUE(fails_with(parse_riscv_image_header(f), "big-endian"));
    f = riscv_image();
    put64(f, 8, 0x200800);
    EXPECT_TRUE(fails_with(parse_riscv_image_header(f), "text_offset 0x200800 is not 4 KiB aligned"));
    f = riscv_image();
    f[0] = 0x1f;
    f[1] = 0x8b;
    EXPECT_TRUE(fails_with(parse_riscv_image_header(f), "gzip"));
    EXPECT_TRUE(
        fails_with(parse_riscv_image_header(build_elf(simple_riscv_elf())), "not a RISC-V Linux Image"));
}

TEST(RiscvImage, LoadRawImageCopiesAndZeroesTheReservedTail) {
    auto memory = riscv_memory();
    ASSERT_TRUE(memory.fill(GuestAddress(kRamBase + 0x200000), 0xaa, 0x10000));
    const auto f = riscv_image();
    auto end = load_raw_image(memory, kRamBase + 0x200000, f, 0x5000);
    ASSERT_TRUE(end) << end.error().message();
    EXPECT_EQ(*end, kRamBase + 0x205000);
    EXPECT_EQ(read_guest(memory, kRamBase + 0x200000, f.size()), f);
    EXPECT_EQ(read_guest(memory, kRamBase + 0x203000, 0x2000), std::vector<u8>(0x2000, 0));
    EXPECT_EQ(read_guest(memory, kRamBase + 0x205000, 1), std::vector<u8>{0xaa});
    // A reserve smaller than the file still covers the file.
    end = load_raw_image(memory, kRamBase, f, 0x10);
    ASSERT_TRUE(end);
    EXPECT_EQ(*end, kRamBase + f.size());
}

TEST(RiscvImage, LoadRawImageChecksTheWholeReservedRange) {
    auto memory = riscv_memory();
    const auto f = riscv_image();
    const u64 addr = kRamBase + 64 * MiB - 0x4000; // file fits, bss does not
    EXPECT_TRUE(fails_with(load_raw_image(memory, addr, f, 0x5000), "outside guest RAM"));
    EXPECT_EQ(read_guest(memory, addr, 16), std::vector<u8>(16, 0));
    EXPECT_TRUE(fails_with(load_raw_image(memory, ~u64{0} - 0x10, f, 0), "wraps"));
    EXPECT_TRUE(fails_with(load_raw_image(memory, kRamBase, {}, 0), "empty"));
}

} // namespace
} // namespace kite::boot
