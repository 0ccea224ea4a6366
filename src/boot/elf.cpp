#include "boot/elf.h"

#include "boot/byte_io.h"
#include "boot/elf_defs.h"

#include <algorithm>
#include <array>

namespace kite::boot {
namespace {

using namespace elf;

// Field offsets that differ between the two classes.
struct ClassLayout {
    std::size_t header_size;
    std::size_t entry, phoff, phentsize, phnum; // in the file header
    std::size_t phdr_size;
    std::size_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz; // in a program header
    bool wide;                                                 // 64-bit address fields
};

constexpr ClassLayout kLayout32 = {52, 24, 28, 42, 44, 32, 4, 8, 12, 16, 20, false};
constexpr ClassLayout kLayout64 = {64, 24, 32, 54, 56, 56, 8, 16, 24, 32, 40, true};

u64 load_addr(std::span<const u8> bytes, std::size_t offset, bool wide) {
    return wide ? load_le<u64>(bytes, offset) : load_le<u32>(bytes, offset);
}

struct ParsedSegment {
    LoadSegment load;
    u64 vaddr;
};

} // namespace

bool has_elf_magic(std::span<const u8> file) {
    return file.size() >= kMagic.size() && std::equal(kMagic.begin(), kMagic.end(), file.begin());
}

std::optional<u64> ElfImage::to_physical(u64 vaddr) const {
    for (std::size_t i = 0; i < segments.size() && i < segment_vaddrs.size(); ++i) {
        if (vaddr >= segment_vaddrs[i] && vaddr - segment_vaddrs[i] < segments[i].mem_size)
            return segments[i].address + (vaddr - segment_vaddrs[i]);
    }
    return std::nullopt;
}

Result<ElfImage> parse_elf(std::span<const u8> file, ElfMachine machine_kind) {
    if (file.size() < kIdentSize)
        return error("ELF file is truncated ({} bytes, the identification alone is {})", file.size(),
                     kIdentSize);
    if (!has_elf_magic(file))
        return error("not an ELF file (bad magic)");

    ElfImage image;
    const ClassLayout* layout = nullptr;
    u16 expected_machine = 0;
    const char* machine_name = "";
    switch (file[kIdentClass]) {
    case kClass32:
        if (machine_kind == ElfMachine::Riscv64)
            return error("ELF class 1 (ELF32) is not supported for riscv64 (expected ELF64)");
        image.elf_class = ElfClass::Elf32;
        layout = &kLayout32;
        expected_machine = kMachine386;
        machine_name = "EM_386";
        break;
    case kClass64:
        image.elf_class = ElfClass::Elf64;
        layout = &kLayout64;
        expected_machine = machine_kind == ElfMachine::Riscv64 ? kMachineRiscv : kMachineX86_64;
        machine_name = machine_kind == ElfMachine::Riscv64 ? "EM_RISCV" : "EM_X86_64";
        break;
    default:
        return error("unsupported ELF class {}", file[kIdentClass]);
    }
    if (file[kIdentData] != kDataLittleEndian)
        return error("unsupported ELF data encoding {} (expected little-endian)", file[kIdentData]);
    if (file[kIdentVersion] != kVersionCurrent)
        return error("unsupported ELF version {}", file[kIdentVersion]);
    if (file.size() < layout->header_size)
        return error("ELF header is truncated ({} bytes, expected {})", file.size(), layout->header_size);

    const u16 type = load_le<u16>(file, kTypeOffset);
    const u16 machine = load_le<u16>(file, kMachineOffset);
    const u32 version = load_le<u32>(file, kVersionOffset);
    if (machine_kind == ElfMachine::Riscv64) {
        // Position-independent firmware (OpenSBI's fw_*.elf) is ET_DYN linked
        // at its load address; it is loaded there, unrelocated.
        if (type != kTypeExec && type != kTypeDyn)
            return error("ELF type {} is not an executable (ET_EXEC or ET_DYN)", type);
    } else if (type != kTypeExec) {
        return error("ELF type {} is not an executable (ET_EXEC)", type);
    }
    if (machine != expected_machine)
        return error("ELF machine {} is not {} for this class", machine, machine_name);
    if (version != kVersionCurrent)
        return error("unsupported ELF version {}", version);

    image.entry = load_addr(file, layout->entry, layout->wide);
    const u64 phoff = load_addr(file, layout->phoff, layout->wide);
    const u16 phentsize = load_le<u16>(file, layout->phentsize);
    const u16 phnum = load_le<u16>(file, layout->phnum);
    if (phentsize != layout->phdr_size)
        return error("ELF program header size {} is not {}", phentsize, layout->phdr_size);
    if (phnum == 0)
        return error("ELF has no program headers");
    if (phnum == kPhnumExtended)
        return error("ELF extended program header numbering is not supported");
    // phnum and phentsize are 16-bit, so their product cannot overflow a u64.
    const u64 table_size = static_cast<u64>(phnum) * phentsize;
    auto table_end = checked_add(phoff, table_size);
    if (!table_end || *table_end > file.size())
        return error("ELF program header table (offset {:#x}, {} entries) lies outside the file", phoff,
                     phnum);

    std::vector<ParsedSegment> parsed;
    for (u64 i = 0; i < phnum; ++i) {
        auto phdr = file.subspan(phoff + i * phentsize, phentsize);
        const u32 p_type = load_le<u32>(phdr, 0);
        if (p_type == kProgramNote) {
            const u64 offset = load_addr(phdr, layout->p_offset, layout->wide);
            const u64 filesz = load_addr(phdr, layout->p_filesz, layout->wide);
            auto end = checked_add(offset, filesz);
            if (!end || *end > file.size())
                return error("ELF note segment {}: bytes [{:#x}, +{:#x}) lie outside the file", i, offset,
                             filesz);
            image.notes.push_back(file.subspan(offset, filesz));
            continue;
        }
        if (p_type != kProgramLoad)
            continue;
        const u64 offset = load_addr(phdr, layout->p_offset, layout->wide);
        const u64 vaddr = load_addr(phdr, layout->p_vaddr, layout->wide);
        const u64 paddr = load_addr(phdr, layout->p_paddr, layout->wide);
        const u64 filesz = load_addr(phdr, layout->p_filesz, layout->wide);
        const u64 memsz = load_addr(phdr, layout->p_memsz, layout->wide);

        auto file_end = checked_add(offset, filesz);
        if (!file_end || *file_end > file.size())
            return error("ELF segment {} at {:#x}: file bytes [{:#x}, +{:#x}) lie outside the file", i, paddr,
                         offset, filesz);
        if (filesz > memsz)
            return error("ELF segment {} at {:#x}: file size {:#x} exceeds memory size {:#x}", i, paddr,
                         filesz, memsz);
        auto mem_end = checked_add(paddr, memsz);
        if (!mem_end)
            return error("ELF segment {} at {:#x} ({:#x} bytes) wraps the address space", i, paddr, memsz);
        // A 32-bit image cannot address memory past 4 GiB.
        if (image.elf_class == ElfClass::Elf32 && *mem_end > (u64{1} << 32))
            return error("ELF segment {} at {:#x} ({:#x} bytes) extends past 4 GiB", i, paddr, memsz);
        if (memsz == 0)
            continue;
        parsed.push_back({LoadSegment{paddr, file.subspan(offset, filesz), memsz}, vaddr});
    }
    if (parsed.empty())
        return error("ELF has no loadable segments");

    // Reject physically overlapping segments: one would silently clobber another.
    std::vector<const LoadSegment*> by_address;
    by_address.reserve(parsed.size());
    for (const auto& p : parsed)
        by_address.push_back(&p.load);
    std::sort(by_address.begin(), by_address.end(),
              [](const LoadSegment* a, const LoadSegment* b) { return a->address < b->address; });
    for (std::size_t i = 1; i < by_address.size(); ++i) {
        const LoadSegment& prev = *by_address[i - 1];
        if (prev.address + prev.mem_size > by_address[i]->address)
            return error("ELF segments at {:#x} and {:#x} overlap", prev.address, by_address[i]->address);
    }

    // The entry is a virtual address; translate it through its segment the way
    // boot loaders do, since we enter with paging off or identity-mapped.
    // Some kernels (Linux's vmlinux) give a physical e_entry instead: one that
    // is in no segment's virtual range but in one's physical range is taken
    // as it is.
    bool found = false;
    for (const auto& p : parsed) {
        if (image.entry >= p.vaddr && image.entry - p.vaddr < p.load.mem_size) {
            image.physical_entry = p.load.address + (image.entry - p.vaddr);
            found = true;
            break;
        }
    }
    for (const auto& p : parsed) {
        if (!found && image.entry >= p.load.address && image.entry - p.load.address < p.load.mem_size) {
            image.physical_entry = image.entry;
            found = true;
        }
    }
    if (!found)
        return error("ELF entry point {:#x} is not inside any loadable segment", image.entry);

    image.segments.reserve(parsed.size());
    image.segment_vaddrs.reserve(parsed.size());
    for (const auto& p : parsed) {
        image.segments.push_back(p.load);
        image.segment_vaddrs.push_back(p.vaddr);
    }
    return image;
}

Result<std::optional<std::span<const u8>>> find_elf_note(const ElfImage& image, std::string_view name,
                                                         u32 type) {
    // Each note: namesz, descsz, type (4 bytes each), then the name and the
    // descriptor, each padded to 4 bytes. namesz counts the name's NUL.
    constexpr u64 kNoteHeader = 12;
    for (const auto notes : image.notes) {
        u64 off = 0;
        while (notes.size() - off >= kNoteHeader) {
            const u64 namesz = load_le<u32>(notes, off);
            const u64 descsz = load_le<u32>(notes, off + 4);
            const u32 note_type = load_le<u32>(notes, off + 8);
            const u64 name_off = off + kNoteHeader;
            const u64 desc_off = name_off + ((namesz + 3) & ~u64{3});
            const u64 next = desc_off + ((descsz + 3) & ~u64{3});
            // The u32 sizes cannot overflow the u64 sums.
            if (desc_off + descsz > notes.size())
                return error("ELF note at offset {:#x} of a note segment runs past the segment "
                             "(name {} bytes, descriptor {} bytes)",
                             off, namesz, descsz);
            const auto note_name = notes.subspan(name_off, namesz);
            if (note_type == type && namesz == name.size() + 1 && note_name.back() == 0 &&
                std::equal(name.begin(), name.end(), note_name.begin()))
                return notes.subspan(desc_off, descsz);
            off = std::min<u64>(next, notes.size());
        }
    }
    return std::nullopt;
}

Result<u64> load_elf(const GuestMemory& memory, const ElfImage& image) {
    TRY(load_segments(memory, image.segments));
    return segments_end(image.segments);
}

} // namespace kite::boot
