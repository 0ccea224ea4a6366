#include "test_elf.h"

#include <cstring>
#include <fstream>
#include <iterator>

namespace kite::riscv::test {

namespace {

struct Ehdr {
    u8 ident[16];
    u16 type, machine;
    u32 version;
    u64 entry, phoff, shoff;
    u32 flags;
    u16 ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct Phdr {
    u32 type, flags;
    u64 offset, vaddr, paddr, filesz, memsz, align;
};
struct Shdr {
    u32 name, type;
    u64 flags, addr, offset, size;
    u32 link, info;
    u64 addralign, entsize;
};
struct Sym {
    u32 name;
    u8 info, other;
    u16 shndx;
    u64 value, size;
};

constexpr u32 kPtLoad = 1;
constexpr u32 kShtSymtab = 2;
constexpr u16 kEmRiscv = 243;

bool in_file(const std::vector<u8>& f, u64 offset, u64 size) {
    return offset <= f.size() && size <= f.size() - offset;
}

template <typename T>
Result<T> read_at(const std::vector<u8>& f, u64 offset) {
    if (!in_file(f, offset, sizeof(T)))
        return error("elf: structure at {:#x} is outside the file", offset);
    T v;
    std::memcpy(&v, f.data() + offset, sizeof(T));
    return v;
}

} // namespace

Result<std::vector<u8>> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return errno_error("open " + path);
    return std::vector<u8>(std::istreambuf_iterator<char>(in), {});
}

Result<TestElf> load_test_elf(const std::vector<u8>& file, const GuestMemory& ram) {
    const Ehdr eh = TRY(read_at<Ehdr>(file, 0));
    if (std::memcmp(eh.ident,
                    "\x7f"
                    "ELF",
                    4) != 0 ||
        eh.ident[4] != 2 || eh.ident[5] != 1)
        return error("elf: not a little-endian ELF64 file");
    if (eh.machine != kEmRiscv)
        return error("elf: machine {} is not RISC-V", eh.machine);
    TestElf out;
    out.entry = eh.entry;

    for (u16 i = 0; i < eh.phnum; ++i) {
        const Phdr ph = TRY(read_at<Phdr>(file, eh.phoff + u64{i} * eh.phentsize));
        if (ph.type != kPtLoad || ph.memsz == 0)
            continue;
        if (ph.filesz > ph.memsz || !in_file(file, ph.offset, ph.filesz))
            return error("elf: segment {} is outside the file", i);
        TRY_CONTEXT(ram.write(GuestAddress(ph.paddr), std::span(file.data() + ph.offset, ph.filesz)),
                    "elf: load segment");
        TRY_CONTEXT(ram.fill(GuestAddress(ph.paddr + ph.filesz), 0, ph.memsz - ph.filesz), "elf: zero bss");
    }

    for (u16 i = 0; i < eh.shnum; ++i) {
        const Shdr sh = TRY(read_at<Shdr>(file, eh.shoff + u64{i} * eh.shentsize));
        if (sh.type != kShtSymtab)
            continue;
        const Shdr strtab = TRY(read_at<Shdr>(file, eh.shoff + u64{sh.link} * eh.shentsize));
        if (!in_file(file, strtab.offset, strtab.size))
            return error("elf: string table is outside the file");
        for (u64 off = 0; off + sizeof(Sym) <= sh.size; off += sizeof(Sym)) {
            const Sym sym = TRY(read_at<Sym>(file, sh.offset + off));
            if (sym.name >= strtab.size)
                continue;
            const char* name = reinterpret_cast<const char*>(file.data() + strtab.offset + sym.name);
            const std::size_t max_len = strtab.size - sym.name;
            out.symbols.emplace(std::string(name, strnlen(name, max_len)), sym.value);
        }
    }
    return out;
}

} // namespace kite::riscv::test
