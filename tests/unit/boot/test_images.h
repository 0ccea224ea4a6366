#pragma once

// Builders for in-memory kernel images (ELF32/ELF64, Multiboot headers, a.out
// kludge images) and a few guest-memory helpers shared by the boot tests.

#include "base/error.h"
#include "base/types.h"
#include "memory/guest_memory.h"

#include <gtest/gtest.h>
#include <optional>
#include <string>
#include <vector>

namespace kite::boot::test {

inline void put16(std::vector<u8>& b, std::size_t off, u16 v) {
    if (b.size() < off + 2)
        b.resize(off + 2);
    for (int i = 0; i < 2; ++i)
        b[off + i] = static_cast<u8>(v >> (8 * i));
}
inline void put32(std::vector<u8>& b, std::size_t off, u32 v) {
    if (b.size() < off + 4)
        b.resize(off + 4);
    for (int i = 0; i < 4; ++i)
        b[off + i] = static_cast<u8>(v >> (8 * i));
}
inline void put64(std::vector<u8>& b, std::size_t off, u64 v) {
    if (b.size() < off + 8)
        b.resize(off + 8);
    for (int i = 0; i < 8; ++i)
        b[off + i] = static_cast<u8>(v >> (8 * i));
}
inline void put_bytes(std::vector<u8>& b, std::size_t off, const std::vector<u8>& bytes) {
    if (b.size() < off + bytes.size())
        b.resize(off + bytes.size());
    std::copy(bytes.begin(), bytes.end(), b.begin() + off);
}

constexpr u32 kPtLoad = 1;
constexpr u32 kPtNote = 4;

struct TestSegment {
    u64 paddr{0};
    std::vector<u8> bytes;
    u64 memsz{0};             // 0: bytes.size()
    std::optional<u64> vaddr; // default: paddr
    u32 type{kPtLoad};
};

constexpr u16 kShnAbs = 0xfff1; // SHN_ABS
constexpr u8 kStbLocal = 0;
constexpr u8 kStbGlobal = 1;
constexpr u8 kStbWeak = 2;

struct TestSymbol {
    std::string name;
    u64 value{0};
    u8 binding{kStbGlobal};
    u16 shndx{kShnAbs}; // 0: undefined
};

struct ElfSpec {
    bool is64{false};
    std::optional<u16> machine; // default: EM_386 / EM_X86_64
    u16 type{2};                // ET_EXEC
    u64 entry{0};
    std::vector<TestSegment> segments;
    // When non-empty, build_elf appends a section header table with sections
    // [0] null, [1] .symtab (sh_link 2), [2] .strtab, [3] .shstrtab; the
    // symbol table starts with the null symbol, then these in order.
    std::vector<TestSymbol> symbols;
};

constexpr u16 kEmRiscv = 243;

constexpr std::size_t kElfDataOffset = 0x1000; // segment bytes start here in the file

// Field offsets, for tests that corrupt a valid image.
struct ElfOffsets {
    std::size_t phoff, phentsize, phnum, phdrs, phdr_size, p_offset, p_paddr, p_filesz, p_memsz;
};
inline ElfOffsets elf_offsets(bool is64) {
    if (is64)
        return {32, 54, 56, 64, 56, 8, 24, 32, 40};
    return {28, 42, 44, 52, 32, 4, 12, 16, 20};
}

// Section layout, for tests that corrupt a symbol table.
struct SectionOffsets {
    std::size_t shoff, shentsize, shnum, shstrndx; // in the file header
    std::size_t shdr_size, sh_name, sh_type, sh_offset, sh_size, sh_link, sh_entsize;
    std::size_t sym_size, st_name, st_info, st_shndx, st_value;
};
inline SectionOffsets section_offsets(bool is64) {
    if (is64)
        return {40, 58, 60, 62, 64, 0, 4, 24, 32, 40, 56, 24, 0, 4, 6, 8};
    return {32, 46, 48, 50, 40, 0, 4, 16, 20, 24, 36, 16, 0, 12, 14, 4};
}

inline u64 get_word(const std::vector<u8>& b, std::size_t off, bool wide) {
    u64 v = 0;
    for (std::size_t i = 0; i < (wide ? 8u : 4u); ++i)
        v |= u64{b.at(off + i)} << (8 * i);
    return v;
}
inline void put_word(std::vector<u8>& b, std::size_t off, u64 v, bool wide) {
    if (wide)
        put64(b, off, v);
    else
        put32(b, off, static_cast<u32>(v));
}

// File offset of section header `index` in an image from build_elf.
inline std::size_t section_header_at(const std::vector<u8>& f, bool is64, std::size_t index) {
    const auto o = section_offsets(is64);
    return static_cast<std::size_t>(get_word(f, o.shoff, is64)) + index * o.shdr_size;
}

// File offset of symbol `index` (0 is the null symbol) in .symtab.
inline std::size_t symbol_at(const std::vector<u8>& f, bool is64, std::size_t index) {
    const auto o = section_offsets(is64);
    return static_cast<std::size_t>(get_word(f, section_header_at(f, is64, 1) + o.sh_offset, is64)) +
           index * o.sym_size;
}

inline void append_symbol_sections(std::vector<u8>& f, const ElfSpec& spec) {
    const bool w = spec.is64;
    const auto o = section_offsets(w);
    auto align8 = [&] { f.resize((f.size() + 7) & ~std::size_t{7}); };

    // .strtab
    std::vector<u8> strtab = {0};
    std::vector<u32> name_offsets;
    for (const auto& sym : spec.symbols) {
        name_offsets.push_back(static_cast<u32>(strtab.size()));
        strtab.insert(strtab.end(), sym.name.begin(), sym.name.end());
        strtab.push_back(0);
    }
    const std::size_t strtab_off = f.size();
    put_bytes(f, strtab_off, strtab);

    // .shstrtab
    const std::string names = std::string("\0.symtab\0.strtab\0.shstrtab\0", 28);
    const std::size_t shstrtab_off = f.size();
    put_bytes(f, shstrtab_off, std::vector<u8>(names.begin(), names.end()));

    // .symtab: the null symbol, then spec.symbols.
    align8();
    const std::size_t symtab_off = f.size();
    f.resize(symtab_off + (spec.symbols.size() + 1) * o.sym_size, 0);
    for (std::size_t i = 0; i < spec.symbols.size(); ++i) {
        const auto& sym = spec.symbols[i];
        const std::size_t at = symtab_off + (i + 1) * o.sym_size;
        put32(f, at + o.st_name, name_offsets[i]);
        f[at + o.st_info] = static_cast<u8>(sym.binding << 4 | 1); // STT_OBJECT
        put16(f, at + o.st_shndx, sym.shndx);
        put_word(f, at + o.st_value, sym.value, w);
        put_word(f, at + (w ? 16 : 8), 8, w); // st_size
    }

    // Section headers.
    align8();
    const std::size_t shoff = f.size();
    f.resize(shoff + 4 * o.shdr_size, 0);
    auto header = [&](std::size_t index, u32 name, u32 type, std::size_t offset, std::size_t size, u32 link,
                      u64 entsize) {
        const std::size_t at = shoff + index * o.shdr_size;
        put32(f, at + o.sh_name, name);
        put32(f, at + o.sh_type, type);
        put_word(f, at + o.sh_offset, offset, w);
        put_word(f, at + o.sh_size, size, w);
        put32(f, at + o.sh_link, link);
        put_word(f, at + o.sh_entsize, entsize, w);
    };
    header(1, 1, 2, symtab_off, (spec.symbols.size() + 1) * o.sym_size, 2, o.sym_size); // SHT_SYMTAB
    header(2, 9, 3, strtab_off, strtab.size(), 0, 0);                                   // SHT_STRTAB
    header(3, 17, 3, shstrtab_off, names.size(), 0, 0);
    put_word(f, o.shoff, shoff, w);
    put16(f, o.shentsize, static_cast<u16>(o.shdr_size));
    put16(f, o.shnum, 4);
    put16(f, o.shstrndx, 3);
}

inline std::vector<u8> build_elf(const ElfSpec& spec) {
    std::vector<u8> f(kElfDataOffset, 0);
    f[0] = 0x7f;
    f[1] = 'E';
    f[2] = 'L';
    f[3] = 'F';
    f[4] = spec.is64 ? 2 : 1; // class
    f[5] = 1;                 // little-endian
    f[6] = 1;                 // version
    put16(f, 16, spec.type);
    put16(f, 18, spec.machine.value_or(spec.is64 ? 62 : 3));
    put32(f, 20, 1);
    const auto o = elf_offsets(spec.is64);
    if (spec.is64) {
        put64(f, 24, spec.entry);
        put64(f, 32, o.phdrs);
        put16(f, 52, 64);
    } else {
        put32(f, 24, static_cast<u32>(spec.entry));
        put32(f, 28, static_cast<u32>(o.phdrs));
        put16(f, 40, 52);
    }
    put16(f, o.phentsize, static_cast<u16>(o.phdr_size));
    put16(f, o.phnum, static_cast<u16>(spec.segments.size()));

    std::size_t data = kElfDataOffset;
    for (std::size_t i = 0; i < spec.segments.size(); ++i) {
        const auto& s = spec.segments[i];
        const std::size_t ph = o.phdrs + i * o.phdr_size;
        const u64 memsz = s.memsz ? s.memsz : s.bytes.size();
        const u64 vaddr = s.vaddr.value_or(s.paddr);
        put32(f, ph, s.type);
        if (spec.is64) {
            put32(f, ph + 4, 7); // RWX
            put64(f, ph + 8, data);
            put64(f, ph + 16, vaddr);
            put64(f, ph + 24, s.paddr);
            put64(f, ph + 32, s.bytes.size());
            put64(f, ph + 40, memsz);
            put64(f, ph + 48, 0x1000);
        } else {
            put32(f, ph + 4, static_cast<u32>(data));
            put32(f, ph + 8, static_cast<u32>(vaddr));
            put32(f, ph + 12, static_cast<u32>(s.paddr));
            put32(f, ph + 16, static_cast<u32>(s.bytes.size()));
            put32(f, ph + 20, static_cast<u32>(memsz));
            put32(f, ph + 24, 7);
            put32(f, ph + 28, 0x1000);
        }
        put_bytes(f, data, s.bytes);
        data += (s.bytes.size() + 0xfff) & ~std::size_t{0xfff};
        if (f.size() < data)
            f.resize(data);
    }
    if (!spec.symbols.empty())
        append_symbol_sections(f, spec);
    return f;
}

inline std::vector<u8> pattern(std::size_t n, u8 seed) {
    std::vector<u8> v(n);
    for (std::size_t i = 0; i < n; ++i)
        v[i] = static_cast<u8>(seed + i * 7);
    return v;
}

// A valid two-segment ELF32: text at 1 MiB (entry inside) and data + bss at 2 MiB.
inline ElfSpec simple_elf32() {
    ElfSpec spec;
    spec.entry = 0x100010;
    spec.segments.push_back({0x100000, pattern(0x300, 1)});
    spec.segments.push_back({0x200000, pattern(0x80, 2), 0x2000});
    return spec;
}

inline ElfSpec simple_elf64() {
    ElfSpec spec = simple_elf32();
    spec.is64 = true;
    return spec;
}

// A valid riscv64 test program at 0x80000000 (text, then data + bss with the
// HTIF mailboxes at 0x80001000 / 0x80001040), with a symbol table.
inline ElfSpec simple_riscv_elf() {
    ElfSpec spec;
    spec.is64 = true;
    spec.machine = kEmRiscv;
    spec.entry = 0x80000000;
    spec.segments.push_back({0x80000000, pattern(0x400, 5)});
    spec.segments.push_back({0x80001000, pattern(0x40, 6), 0x1000});
    spec.symbols = {{"_start", 0x80000000, kStbGlobal, 1},
                    {"tohost", 0x80001000, kStbGlobal, 2},
                    {"fromhost", 0x80001040, kStbGlobal, 2}};
    return spec;
}

struct AddressFields {
    u32 header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
};

// The Multiboot header bytes: magic, flags, checksum (+ address fields).
inline std::vector<u8> multiboot_header(u32 flags, std::optional<AddressFields> addr = std::nullopt,
                                        bool corrupt_checksum = false) {
    std::vector<u8> h;
    put32(h, 0, 0x1badb002);
    put32(h, 4, flags);
    u32 checksum = static_cast<u32>(0u - (0x1badb002u + flags));
    put32(h, 8, corrupt_checksum ? checksum + 1 : checksum);
    if (addr) {
        put32(h, 12, addr->header_addr);
        put32(h, 16, addr->load_addr);
        put32(h, 20, addr->load_end_addr);
        put32(h, 24, addr->bss_end_addr);
        put32(h, 28, addr->entry_addr);
    }
    return h;
}

// An ELF32 with a Multiboot header (flags 0x3) in the gap after the program headers.
inline std::vector<u8> multiboot_elf(const ElfSpec& spec = simple_elf32(), u32 flags = 0x3) {
    auto f = build_elf(spec);
    put_bytes(f, 0x200, multiboot_header(flags));
    return f;
}

constexpr u32 kAoutLoad = 0x100000;
constexpr std::size_t kAoutFileSize = 0x1800;

// An a.out-kludge image: the header at file offset 0x40, loaded at 1 MiB from
// file offset 0, 0x1800 bytes of file, bss up to load+0x3000, entry at +0x100.
inline AddressFields aout_fields() {
    return {kAoutLoad + 0x40, kAoutLoad, kAoutLoad + static_cast<u32>(kAoutFileSize), kAoutLoad + 0x3000,
            kAoutLoad + 0x100};
}

inline std::vector<u8> aout_image(const AddressFields& fields = aout_fields(), u32 extra_flags = 0) {
    auto f = pattern(kAoutFileSize, 9);
    put_bytes(f, 0x40, multiboot_header(0x10003 | extra_flags, fields));
    return f;
}

// A minimal Linux bzImage: a boot sector with the setup header, setup
// sectors, then `kernel_size` bytes of "protected-mode kernel" (a pattern).
struct BzSpec {
    u16 version{0x020f};
    u8 setup_sects{4};
    u8 loadflags{0x01};  // LOADED_HIGH
    u16 xloadflags{0x3}; // XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G
    u32 initrd_addr_max{0x7fffffff};
    u32 kernel_alignment{0x200000};
    u8 relocatable{1};
    u32 cmdline_size{2047};
    u64 pref_address{0x1000000};
    u32 init_size{0x800000};
    std::size_t kernel_size{0x4000};
    u8 jump{0x6a}; // the header then ends at 0x202 + 0x6a = 0x26c
};

inline std::vector<u8> build_bzimage(const BzSpec& spec = {}) {
    const std::size_t setup = ((spec.setup_sects ? spec.setup_sects : 4u) + 1u) * 512u;
    std::vector<u8> f = pattern(setup + spec.kernel_size, 0x42);
    std::fill(f.begin() + 0x1f1, f.begin() + 0x290, 0);
    f[0x1f1] = spec.setup_sects;
    put32(f, 0x1f4, static_cast<u32>(spec.kernel_size / 16)); // syssize
    put16(f, 0x1fe, 0xaa55);
    f[0x200] = 0xeb;
    f[0x201] = spec.jump;
    put_bytes(f, 0x202, {'H', 'd', 'r', 'S'});
    put16(f, 0x206, spec.version);
    f[0x211] = spec.loadflags;
    put32(f, 0x214, 0x100000); // code32_start as built
    put16(f, 0x224, 0x5be0);   // heap_end_ptr as built
    put32(f, 0x22c, spec.initrd_addr_max);
    put32(f, 0x230, spec.kernel_alignment);
    f[0x234] = spec.relocatable;
    f[0x235] = 21; // min_alignment
    put16(f, 0x236, spec.xloadflags);
    put32(f, 0x238, spec.cmdline_size);
    put64(f, 0x258, spec.pref_address);
    put32(f, 0x260, spec.init_size);
    return f;
}

// A PT_NOTE segment holding one note.
inline TestSegment note_segment(const std::string& name, u32 type, const std::vector<u8>& desc) {
    std::vector<u8> n;
    put32(n, 0, static_cast<u32>(name.size() + 1));
    put32(n, 4, static_cast<u32>(desc.size()));
    put32(n, 8, type);
    std::vector<u8> padded_name(name.begin(), name.end());
    padded_name.resize((name.size() + 1 + 3) & ~std::size_t{3}, 0);
    put_bytes(n, 12, padded_name);
    std::vector<u8> padded_desc = desc;
    padded_desc.resize((desc.size() + 3) & ~std::size_t{3}, 0);
    put_bytes(n, 12 + padded_name.size(), padded_desc);
    TestSegment seg;
    seg.bytes = n;
    seg.type = kPtNote;
    return seg;
}

inline std::vector<u8> le_bytes(u64 value, std::size_t size) {
    std::vector<u8> b(size);
    for (std::size_t i = 0; i < size; ++i)
        b[i] = static_cast<u8>(value >> (8 * i));
    return b;
}

inline GuestMemory make_memory(u64 size = 64 * MiB) {
    GuestMemory memory;
    auto r = memory.add_region(GuestAddress(0), size);
    EXPECT_TRUE(r.has_value());
    return memory;
}

inline std::vector<u8> read_guest(const GuestMemory& memory, u64 addr, std::size_t len) {
    std::vector<u8> out(len);
    auto r = memory.read(GuestAddress(addr), out);
    EXPECT_TRUE(r.has_value()) << r.error().message();
    return out;
}

inline u32 read32(const GuestMemory& memory, u64 addr) {
    auto v = memory.read_obj<u32>(GuestAddress(addr));
    EXPECT_TRUE(v.has_value());
    return v.value_or(0);
}

inline u64 read64(const GuestMemory& memory, u64 addr) {
    auto v = memory.read_obj<u64>(GuestAddress(addr));
    EXPECT_TRUE(v.has_value());
    return v.value_or(0);
}

inline std::string read_cstring(const GuestMemory& memory, u64 addr) {
    std::string s;
    for (u64 a = addr;; ++a) {
        auto c = memory.read_obj<u8>(GuestAddress(a));
        if (!c || *c == 0 || s.size() > 65536)
            break;
        s.push_back(static_cast<char>(*c));
    }
    return s;
}

} // namespace kite::boot::test

namespace kite::boot::test {

// Asserts `result` failed with a message containing `needle`.
template <typename T>
::testing::AssertionResult fails_with(const Result<T>& result, std::string_view needle) {
    if (result)
        return ::testing::AssertionFailure()
               << "expected an error containing \"" << needle << "\", got success";
    const std::string msg = result.error().message();
    if (msg.find(needle) == std::string::npos)
        return ::testing::AssertionFailure()
               << "error \"" << msg << "\" does not contain \"" << needle << "\"";
    return ::testing::AssertionSuccess();
}

} // namespace kite::boot::test
