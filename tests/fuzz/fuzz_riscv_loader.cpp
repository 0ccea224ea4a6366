// libFuzzer target: arbitrary bytes as a RISC-V boot file. Each input goes
// through every parser a riscv64 boot uses on a file it did not make: the ELF
// loader (segments and the HTIF symbols) and the Linux Image header. Every
// input must load or fail with an error; crashes and sanitizer reports are bugs.

#include "boot/elf.h"
#include "boot/riscv_loader.h"
#include "memory/guest_memory.h"

#include <cstdint>
#include <cstdlib>
#include <span>

namespace {

constexpr kite::u64 kRamBase = 0x8000'0000;
constexpr kite::u64 kRamSize = 4 * kite::MiB;

const kite::GuestMemory& guest_memory() {
    static kite::GuestMemory memory = [] {
        kite::GuestMemory m;
        if (!m.add_region(kite::GuestAddress(kRamBase), kRamSize))
            std::abort();
        return m;
    }();
    return memory;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::span<const kite::u8> file(data, size);
    if (auto loaded = kite::boot::load_riscv_elf(guest_memory(), file)) {
        // What was loaded must lie in RAM.
        if (loaded->start < kRamBase || loaded->end > kRamBase + kRamSize || loaded->start > loaded->end)
            std::abort();
    }
    (void)kite::boot::find_elf_symbol(file, "tohost");
    if (auto header = kite::boot::parse_riscv_image_header(file)) {
        if (header->load_size < size)
            std::abort();
    }
    return 0;
}
