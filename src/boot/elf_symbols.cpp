#include "boot/byte_io.h"
#include "boot/elf.h"
#include "boot/elf_defs.h"

#include <algorithm>

namespace kite::boot {
namespace {

using namespace elf;

// Section-header and symbol layouts that differ between the classes.
struct SectionLayout {
    std::size_t header_size;
    std::size_t shoff, shentsize, shnum; // in the file header
    std::size_t shdr_size;
    std::size_t sh_type, sh_offset, sh_size, sh_link, sh_entsize; // in a section header
    std::size_t sym_size;
    std::size_t st_name, st_info, st_shndx, st_value; // in a symbol
    bool wide;
};

constexpr SectionLayout kSections32 = {52, 32, 46, 48, 40, 4, 16, 20, 24, 36, 16, 0, 12, 14, 4, false};
constexpr SectionLayout kSections64 = {64, 40, 58, 60, 64, 4, 24, 32, 40, 56, 24, 0, 4, 6, 8, true};

u64 load_word(std::span<const u8> bytes, std::size_t offset, bool wide) {
    return wide ? load_le<u64>(bytes, offset) : load_le<u32>(bytes, offset);
}

// The bytes [offset, offset + size) of the file, or an error naming `what`.
Result<std::span<const u8>> file_range(std::span<const u8> file, u64 offset, u64 size,
                                       std::string_view what) {
    auto end = checked_add(offset, size);
    if (!end || *end > file.size())
        return error("ELF {} (offset {:#x}, {:#x} bytes) lies outside the file", what, offset, size);
    return file.subspan(offset, size);
}

struct SectionTable {
    std::span<const u8> bytes; // shnum entries of shdr_size bytes
    u64 count{0};
};

std::span<const u8> section_header(const SectionTable& table, const SectionLayout& layout, u64 index) {
    return table.bytes.subspan(index * layout.shdr_size, layout.shdr_size);
}

// The section header table; count 0 when the file has none.
Result<SectionTable> read_section_table(std::span<const u8> file, const SectionLayout& layout) {
    const u64 shoff = load_word(file, layout.shoff, layout.wide);
    const u16 shentsize = load_le<u16>(file, layout.shentsize);
    u64 shnum = load_le<u16>(file, layout.shnum);
    if (shoff == 0)
        return SectionTable{};
    if (shentsize != layout.shdr_size)
        return error("ELF section header size {} is not {}", shentsize, layout.shdr_size);
    if (shnum == 0) {
        // Extended numbering: the real count is section 0's sh_size.
        auto first = TRY(file_range(file, shoff, layout.shdr_size, "section header 0"));
        shnum = load_word(first, layout.sh_size, layout.wide);
        if (shnum == 0)
            return SectionTable{};
    }
    // Bound the count before multiplying so the product cannot wrap.
    if (shnum > file.size() / layout.shdr_size)
        return error("ELF section header table (offset {:#x}, {} entries) lies outside the file", shoff,
                     shnum);
    auto bytes = file_range(file, shoff, shnum * layout.shdr_size, "section header table");
    if (!bytes)
        return error("ELF section header table (offset {:#x}, {} entries) lies outside the file", shoff,
                     shnum);
    return SectionTable{*bytes, shnum};
}

struct Match {
    u64 value{0};
    bool global{false};
};

// Looks for `name` in symbol table section `index`; updates `best`.
Result<void> search_symtab(std::span<const u8> file, const SectionLayout& layout, const SectionTable& table,
                           u64 index, std::string_view name, std::optional<Match>& best) {
    auto shdr = section_header(table, layout, index);
    const u64 offset = load_word(shdr, layout.sh_offset, layout.wide);
    const u64 size = load_word(shdr, layout.sh_size, layout.wide);
    const u32 link = load_le<u32>(shdr, layout.sh_link);
    const u64 entsize = load_word(shdr, layout.sh_entsize, layout.wide);
    if (entsize != layout.sym_size)
        return error("ELF symbol table (section {}) entry size {} is not {}", index, entsize,
                     layout.sym_size);
    if (size % layout.sym_size != 0)
        return error("ELF symbol table (section {}) size {:#x} is not a multiple of {}", index, size,
                     layout.sym_size);
    auto symbols = TRY(file_range(file, offset, size, fmt::format("symbol table (section {})", index)));

    if (link == 0 || link >= table.count)
        return error("ELF symbol table (section {}) links to string table section {}, which does not exist",
                     index, link);
    auto strtab_hdr = section_header(table, layout, link);
    if (load_le<u32>(strtab_hdr, layout.sh_type) != kSectionStrtab)
        return error("ELF symbol table (section {}) links to section {}, which is not a string table", index,
                     link);
    auto strings = TRY(file_range(file, load_word(strtab_hdr, layout.sh_offset, layout.wide),
                                  load_word(strtab_hdr, layout.sh_size, layout.wide),
                                  fmt::format("string table (section {})", link)));

    const u64 count = size / layout.sym_size;
    for (u64 i = 0; i < count; ++i) {
        auto sym = symbols.subspan(i * layout.sym_size, layout.sym_size);
        const u32 name_offset = load_le<u32>(sym, layout.st_name);
        if (name_offset == 0)
            continue; // unnamed (the null symbol, section symbols)
        if (name_offset >= strings.size())
            return error(
                "ELF symbol {} in section {}: name offset {:#x} is outside its string table ({:#x} bytes)", i,
                index, name_offset, strings.size());
        auto rest = strings.subspan(name_offset);
        auto nul = std::find(rest.begin(), rest.end(), u8{0});
        if (nul == rest.end())
            return error("ELF symbol {} in section {}: name at {:#x} is not NUL-terminated", i, index,
                         name_offset);
        const std::string_view sym_name(reinterpret_cast<const char*>(rest.data()),
                                        static_cast<std::size_t>(nul - rest.begin()));
        if (sym_name != name)
            continue;
        if (load_le<u16>(sym, layout.st_shndx) == kSectionUndef)
            continue;
        const u8 binding = sym[layout.st_info] >> 4;
        const bool global = binding == kBindGlobal || binding == kBindWeak;
        if (!best || (global && !best->global))
            best = Match{load_word(sym, layout.st_value, layout.wide), global};
    }
    return {};
}

} // namespace

Result<std::optional<u64>> find_elf_symbol(std::span<const u8> file, std::string_view name) {
    if (file.size() < kIdentSize)
        return error("ELF file is truncated ({} bytes, the identification alone is {})", file.size(),
                     kIdentSize);
    if (!has_elf_magic(file))
        return error("not an ELF file (bad magic)");
    const SectionLayout* layout = nullptr;
    switch (file[kIdentClass]) {
    case kClass32:
        layout = &kSections32;
        break;
    case kClass64:
        layout = &kSections64;
        break;
    default:
        return error("unsupported ELF class {}", file[kIdentClass]);
    }
    if (file[kIdentData] != kDataLittleEndian)
        return error("unsupported ELF data encoding {} (expected little-endian)", file[kIdentData]);
    if (file.size() < layout->header_size)
        return error("ELF header is truncated ({} bytes, expected {})", file.size(), layout->header_size);
    if (name.empty())
        return std::optional<u64>{};

    const SectionTable table = TRY(read_section_table(file, *layout));
    std::optional<Match> best;
    for (u64 i = 0; i < table.count; ++i) {
        if (load_le<u32>(section_header(table, *layout, i), layout->sh_type) != kSectionSymtab)
            continue;
        TRY(search_symtab(file, *layout, table, i, name, best));
        if (best && best->global)
            break;
    }
    if (!best)
        return std::optional<u64>{};
    return std::optional<u64>{best->value};
}

} // namespace kite::boot
