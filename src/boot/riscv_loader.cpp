#include "boot/riscv_loader.h"

#include "boot/byte_io.h"
#include "boot/elf.h"
#include "boot/load_segment.h"

#include <algorithm>

namespace kite::boot {
namespace {

// Image header field offsets.
constexpr std::size_t kTextOffsetOffset = 8;
constexpr std::size_t kImageSizeOffset = 16;
constexpr std::size_t kFlagsOffset = 24;
constexpr std::size_t kVersionOffset = 32;
constexpr std::size_t kMagicOffset = 48;
constexpr std::size_t kMagic2Offset = 56;

constexpr u64 kPageSize = 4 * KiB;

bool is_gzip(std::span<const u8> file) {
    return file.size() >= 2 && file[0] == 0x1f && file[1] == 0x8b;
}

Result<std::optional<u64>> physical_symbol(std::span<const u8> file, const ElfImage& image,
                                           std::string_view name) {
    auto value = TRY(find_elf_symbol(file, name));
    if (!value)
        return std::optional<u64>{};
    return std::optional<u64>{image.to_physical(*value).value_or(*value)};
}

} // namespace

Result<RiscvElfImage> load_riscv_elf(const GuestMemory& memory, std::span<const u8> file) {
    auto elf = TRY(parse_elf(file, ElfMachine::Riscv64));
    RiscvElfImage loaded;
    loaded.entry = elf.physical_entry;
    loaded.tohost = TRY(physical_symbol(file, elf, "tohost"));
    loaded.fromhost = TRY(physical_symbol(file, elf, "fromhost"));
    TRY(load_segments(memory, elf.segments));
    loaded.start = elf.segments.front().address;
    for (const auto& seg : elf.segments)
        loaded.start = std::min(loaded.start, seg.address);
    loaded.end = segments_end(elf.segments);
    return loaded;
}

Result<RiscvImageHeader> parse_riscv_image_header(std::span<const u8> file) {
    if (is_gzip(file))
        return error("kernel is gzip-compressed (an Image.gz?); decompress it to a plain Image first");
    if (file.size() < kRiscvImageHeaderSize)
        return error("RISC-V Image is truncated ({} bytes, the header alone is {})", file.size(),
                     kRiscvImageHeaderSize);
    const bool magic2 = load_le<u32>(file, kMagic2Offset) == kRiscvImageMagic2;
    const bool magic = load_le<u64>(file, kMagicOffset) == kRiscvImageMagic;
    if (!magic && !magic2)
        return error("not a RISC-V Linux Image (no \"RSC\\x05\" magic at offset 56 and no \"RISCV\" at 48)");

    RiscvImageHeader header;
    header.text_offset = load_le<u64>(file, kTextOffsetOffset);
    header.image_size = load_le<u64>(file, kImageSizeOffset);
    header.flags = load_le<u64>(file, kFlagsOffset);
    header.version = load_le<u32>(file, kVersionOffset);
    if (header.flags & kRiscvImageFlagBigEndian)
        return error("big-endian RISC-V Image kernels are not supported");
    if (header.text_offset % kPageSize != 0)
        return error("RISC-V Image text_offset {:#x} is not 4 KiB aligned", header.text_offset);
    header.load_size = std::max<u64>(header.image_size, file.size());
    return header;
}

Result<u64> load_raw_image(const GuestMemory& memory, u64 addr, std::span<const u8> bytes, u64 reserve_size) {
    const u64 size = std::max<u64>(reserve_size, bytes.size());
    auto end = checked_add(addr, size);
    if (!end)
        return error("image at {:#x} ({:#x} bytes) wraps the address space", addr, size);
    if (size == 0)
        return error("image at {:#x} is empty", addr);
    if (!memory.is_valid_range(GuestAddress(addr), size))
        return error("image at {:#x} ({:#x} bytes) is outside guest RAM", addr, size);
    TRY(memory.write(GuestAddress(addr), bytes));
    TRY(memory.fill(GuestAddress(addr + bytes.size()), 0, size - bytes.size()));
    return *end;
}

} // namespace kite::boot
