// libFuzzer target: arbitrary bytes as an x86 kernel image. Every input must
// either load or fail with an error; crashes, sanitizer reports and broken
// invariants (checked below) are bugs.
//
// The first input byte picks the boot configuration so Multiboot, PVH and
// Linux boot structures (cmdline, modules, board memory ranges) are exercised
// too; the rest is the image: Multiboot, ELF (PVH with a Xen note) or a Linux
// bzImage (seed with a file whose bytes 0x202.. are "HdrS").

#include "boot/x86_layout.h"
#include "boot/x86_loader.h"
#include "memory/guest_memory.h"

#include <cstdint>
#include <cstdlib>
#include <span>

namespace {

// Room for a bzImage at its usual 16 MiB with a few MiB of init_size.
constexpr kite::u64 kRamSize = 32 * kite::MiB;

const kite::GuestMemory& guest_memory() {
    static kite::GuestMemory memory = [] {
        kite::GuestMemory m;
        if (!m.add_region(kite::GuestAddress(0), kRamSize))
            std::abort();
        return m;
    }();
    return memory;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0)
        return 0;
    const kite::u8 selector = data[0];
    std::span<const kite::u8> image(data + 1, size - 1);

    kite::boot::X86BootConfig config;
    if (selector & 0x1)
        config.cmdline = "console=ttyS0";
    if (selector & 0x2)
        config.modules.push_back(
            {"initrd", std::vector<kite::u8>(static_cast<std::size_t>(selector) << 10, 0x5a)});
    if (selector & 0x4)
        config.modules.push_back({"second", std::vector<kite::u8>(16, 0xa5)});
    if (selector & 0x8) {
        config.extra_memory.push_back({kRamSize - 64 * kite::KiB, 64 * kite::KiB, kite::boot::kMemoryAcpi});
        config.acpi_rsdp = kRamSize - 64 * kite::KiB;
    }

    auto loaded = kite::boot::load_x86_kernel(guest_memory(), image, config);
    if (!loaded) {
        if (loaded.error().message().empty())
            std::abort();
        return 0;
    }
    // A successful load must describe something that is really in guest RAM.
    const auto& entry = loaded->entry;
    if (loaded->format.empty() || loaded->kernel_end > kRamSize || entry.rip >= kRamSize ||
        entry.gdt_base != loaded->boot_area + kite::boot::kBootGdtOffset ||
        loaded->boot_area + kite::boot::kBootAreaSize > kite::boot::kLowMemoryEnd ||
        entry.rsp > kite::boot::kLowMemoryEnd || (loaded->initrd && *loaded->initrd >= kRamSize))
        std::abort();
    return 0;
}
