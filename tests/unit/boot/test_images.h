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

struct ElfSpec {
    bool is64{false};
    std::optional<u16> machine; // default: EM_386 / EM_X86_64
    u16 type{2};                // ET_EXEC
    u64 entry{0};
    std::vector<TestSegment> segments;
};

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
