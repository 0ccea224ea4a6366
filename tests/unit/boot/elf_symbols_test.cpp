#include "boot/elf.h"
#include "test_images.h"

#include <gtest/gtest.h>

namespace kite::boot {
namespace {

using namespace test;

std::optional<u64> lookup(const std::vector<u8>& file, std::string_view name) {
    auto r = find_elf_symbol(file, name);
    EXPECT_TRUE(r) << r.error().message();
    return r.value_or(std::nullopt);
}

TEST(ElfSymbols, FindsSymbolsInElf64) {
    const auto file = build_elf(simple_riscv_elf());
    EXPECT_EQ(lookup(file, "tohost"), 0x80001000u);
    EXPECT_EQ(lookup(file, "fromhost"), 0x80001040u);
    EXPECT_EQ(lookup(file, "_start"), 0x80000000u);
    EXPECT_EQ(lookup(file, "missing"), std::nullopt);
    EXPECT_EQ(lookup(file, "tohos"), std::nullopt); // no prefix matches
    EXPECT_EQ(lookup(file, ""), std::nullopt);
}

TEST(ElfSymbols, FindsSymbolsInElf32) {
    auto spec = simple_elf32();
    spec.symbols = {{"tohost", 0x200000}, {"fromhost", 0x200040}};
    const auto file = build_elf(spec);
    EXPECT_EQ(lookup(file, "tohost"), 0x200000u);
    EXPECT_EQ(lookup(file, "fromhost"), 0x200040u);
}

TEST(ElfSymbols, NoSectionHeadersMeansNoSymbol) {
    const auto file = build_elf(simple_elf64());
    EXPECT_EQ(lookup(file, "tohost"), std::nullopt);
}

TEST(ElfSymbols, SkipsUndefinedAndPrefersGlobalOverLocal) {
    auto spec = simple_riscv_elf();
    spec.symbols = {{"tohost", 0x1111, kStbGlobal, 0}, // undefined: ignored
                    {"tohost", 0x2222, kStbLocal},
                    {"tohost", 0x3333, kStbWeak},
                    {"tohost", 0x4444, kStbGlobal}};
    EXPECT_EQ(lookup(build_elf(spec), "tohost"), 0x3333u);
    spec.symbols = {{"tohost", 0x1111, kStbGlobal, 0}, {"tohost", 0x2222, kStbLocal}};
    EXPECT_EQ(lookup(build_elf(spec), "tohost"), 0x2222u);
    spec.symbols = {{"tohost", 0x1111, kStbGlobal, 0}};
    EXPECT_EQ(lookup(build_elf(spec), "tohost"), std::nullopt);
}

// --- Malicious section and symbol tables ---

class ElfSymbolsMalformed : public ::testing::TestWithParam<bool> {
protected:
    bool is64() const { return GetParam(); }
    std::vector<u8> file() const {
        auto spec = is64() ? simple_riscv_elf() : simple_elf32();
        if (!is64())
            spec.symbols = {{"_start", 0x100000}, {"tohost", 0x200000}, {"fromhost", 0x200040}};
        return build_elf(spec);
    }
    SectionOffsets o() const { return section_offsets(is64()); }
    std::size_t shdr(const std::vector<u8>& f, std::size_t i) const {
        return section_header_at(f, is64(), i);
    }
    auto find(const std::vector<u8>& f) const { return find_elf_symbol(f, "tohost"); }
};

TEST_P(ElfSymbolsMalformed, RejectsTruncatedAndForeignFiles) {
    EXPECT_TRUE(fails_with(find_elf_symbol({}, "x"), "truncated"));
    auto f = file();
    f[0] = 0;
    EXPECT_TRUE(fails_with(find(f), "bad magic"));
    f = file();
    f[5] = 2;
    EXPECT_TRUE(fails_with(find(f), "little-endian"));
    f = file();
    f[4] = 9;
    EXPECT_TRUE(fails_with(find(f), "unsupported ELF class 9"));
    f = file();
    f.resize(40);
    EXPECT_TRUE(fails_with(find(f), "header is truncated"));
}

TEST_P(ElfSymbolsMalformed, RejectsSectionHeaderTableOutsideTheFile) {
    auto f = file();
    put_word(f, o().shoff, f.size() - 8, is64());
    EXPECT_TRUE(fails_with(find(f), "section header table"));
    put_word(f, o().shoff, is64() ? ~u64{0} - 8 : 0xfffffff8u, is64()); // wraps
    EXPECT_TRUE(fails_with(find(f), "section header table"));
    f = file();
    put16(f, o().shnum, 0xfff0);
    EXPECT_TRUE(fails_with(find(f), "section header table"));
    f = file();
    put16(f, o().shentsize, 12);
    EXPECT_TRUE(fails_with(find(f), "section header size 12"));
}

TEST_P(ElfSymbolsMalformed, RejectsHugeExtendedSectionCount) {
    auto f = file();
    put16(f, o().shnum, 0); // extended numbering: count in section 0's sh_size
    put_word(f, shdr(f, 0) + o().sh_size, is64() ? ~u64{0} : 0xffffffffu, is64());
    EXPECT_TRUE(fails_with(find(f), "section header table"));
    // A correct extended count works.
    put_word(f, shdr(f, 0) + o().sh_size, 4, is64());
    auto r = find(f);
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_TRUE(r->has_value());
}

TEST_P(ElfSymbolsMalformed, RejectsSymbolTableOutsideTheFile) {
    auto f = file();
    put_word(f, shdr(f, 1) + o().sh_offset, f.size(), is64());
    EXPECT_TRUE(fails_with(find(f), "symbol table (section 1)"));
    EXPECT_TRUE(fails_with(find(f), "outside the file"));
    f = file();
    put_word(f, shdr(f, 1) + o().sh_size, 0x10000 * o().sym_size, is64());
    EXPECT_TRUE(fails_with(find(f), "outside the file"));
    f = file();
    put_word(f, shdr(f, 1) + o().sh_offset, is64() ? ~u64{0} - 4 : 0xfffffffcu, is64());
    EXPECT_TRUE(fails_with(find(f), "outside the file"));
}

TEST_P(ElfSymbolsMalformed, RejectsBadSymbolEntrySizes) {
    auto f = file();
    put_word(f, shdr(f, 1) + o().sh_entsize, 0, is64());
    EXPECT_TRUE(fails_with(find(f), "entry size 0"));
    f = file();
    put_word(f, shdr(f, 1) + o().sh_size, o().sym_size * 2 + 3, is64());
    EXPECT_TRUE(fails_with(find(f), "not a multiple"));
}

TEST_P(ElfSymbolsMalformed, RejectsBadStringTableLinks) {
    auto f = file();
    put32(f, shdr(f, 1) + o().sh_link, 9);
    EXPECT_TRUE(fails_with(find(f), "string table section 9, which does not exist"));
    put32(f, shdr(f, 1) + o().sh_link, 0);
    EXPECT_TRUE(fails_with(find(f), "does not exist"));
    put32(f, shdr(f, 1) + o().sh_link, 1); // itself: a symbol table, not strings
    EXPECT_TRUE(fails_with(find(f), "not a string table"));
    f = file();
    put_word(f, shdr(f, 2) + o().sh_offset, f.size() - 2, is64());
    EXPECT_TRUE(fails_with(find(f), "string table (section 2)"));
}

TEST_P(ElfSymbolsMalformed, RejectsNamesOutsideOrUnterminated) {
    auto f = file();
    put32(f, symbol_at(f, is64(), 1) + o().st_name, 0x7fffffff);
    EXPECT_TRUE(fails_with(find(f), "name offset 0x7fffffff is outside its string table"));
    // Cut the string table right inside the last name ("fromhost" has no NUL then).
    f = file();
    const u64 size = get_word(f, shdr(f, 2) + o().sh_size, is64());
    put_word(f, shdr(f, 2) + o().sh_size, size - 2, is64());
    EXPECT_TRUE(fails_with(find(f), "is not NUL-terminated"));
    // Name offset exactly at the end of the table.
    f = file();
    put32(f, symbol_at(f, is64(), 2) + o().st_name, static_cast<u32>(size));
    EXPECT_TRUE(fails_with(find(f), "outside its string table"));
}

INSTANTIATE_TEST_SUITE_P(Classes, ElfSymbolsMalformed, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Elf64" : "Elf32"; });

} // namespace
} // namespace kite::boot
