// The boot-protocol writer against a real kernel: Debian's stock x86-64
// bzImage (and the vmlinux inside it, for PVH), as fetched by
// guest/x86_64/fetch-kernel.sh into $KITE_CACHE/x86_64/current (default
// ~/.cache/kite). Skipped, with the reason, when it has not been fetched.

#include "boot/bzimage.h"
#include "boot/elf.h"
#include "boot/pvh.h"
#include "boot/x86_loader.h"
#include "test_images.h"

#include <cstdlib>
#include <fstream>
#include <gtest/gtest.h>
#include <iterator>

namespace kite::boot {
namespace {

using namespace test;

std::string cached(const std::string& name) {
    std::string root;
    if (const char* env = std::getenv("KITE_CACHE"))
        root = env;
    else if (const char* home = std::getenv("HOME"))
        root = std::string(home) + "/.cache/kite";
    return root + "/x86_64/current/" + name;
}

std::optional<std::vector<u8>> read_whole(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::nullopt;
    return std::vector<u8>(std::istreambuf_iterator<char>(in), {});
}

u32 le32(const std::vector<u8>& b, std::size_t at) {
    return static_cast<u32>(b[at] | b[at + 1] << 8 | b[at + 2] << 16 | static_cast<u32>(b[at + 3]) << 24);
}

#define KITE_NEED_FILE(var, name)                                                                            \
    const std::string var##_path = cached(name);                                                             \
    auto var##_file = read_whole(var##_path);                                                                \
    if (!var##_file)                                                                                         \
        GTEST_SKIP() << "SKIP: " << var##_path << " not fetched (run guest/x86_64/fetch-kernel.sh)";         \
    const std::vector<u8>& var = *var##_file

TEST(DebianKernel, BzImageHeaderIsUsable) {
    KITE_NEED_FILE(image, "vmlinuz");
    auto bz = parse_bzimage(image);
    ASSERT_TRUE(bz) << bz.error().message();
    EXPECT_GE(bz->version, 0x020c);
    EXPECT_TRUE(bz->xloadflags & 0x1); // XLF_KERNEL_64
    EXPECT_TRUE(bz->relocatable);
    EXPECT_EQ(bz->pref_address, 16 * MiB);
    EXPECT_GT(bz->init_size, bz->kernel.size());
}

TEST(DebianKernel, LoadsWithInitrdAndCmdline) {
    KITE_NEED_FILE(image, "vmlinuz");
    GuestMemory memory = make_memory(256 * MiB);
    X86BootConfig config;
    config.cmdline = "console=ttyS0 earlyprintk=serial panic=-1";
    config.modules.push_back({"initrd", pattern(3 * MiB + 5, 7)});
    auto loaded = load_x86_kernel(memory, image, config);
    ASSERT_TRUE(loaded) << loaded.error().message();
    EXPECT_EQ(loaded->format, "bzimage");

    const u64 setup = (static_cast<u64>(image[0x1f1] ? image[0x1f1] : 4) + 1) * 512;
    const u32 init_size = le32(image, 0x260);
    EXPECT_EQ(loaded->entry.rip, 16 * MiB + 0x200);
    EXPECT_EQ(loaded->kernel_end, 16 * MiB + init_size);
    EXPECT_EQ(read_guest(memory, 16 * MiB, image.size() - setup),
              std::vector<u8>(image.begin() + static_cast<std::ptrdiff_t>(setup), image.end()));
    // The initrd at the top of RAM, page-aligned, above the kernel's init area.
    ASSERT_TRUE(loaded->initrd);
    EXPECT_EQ(*loaded->initrd, (256 * MiB - (3 * MiB + 5)) & ~u64{0xfff});
    EXPECT_GE(*loaded->initrd, loaded->kernel_end);

    // The zero page: the kernel's setup header, then what the loader wrote.
    const u64 zp = loaded->entry.rsi;
    const u64 header_end = 0x202 + image[0x201];
    auto header = read_guest(memory, zp + 0x1f1, header_end - 0x1f1);
    for (std::size_t off = 0x1f1; off < header_end; ++off) {
        const bool written = off == 0x210 || off == 0x211 || (off >= 0x214 && off < 0x220) ||
                             (off >= 0x224 && off < 0x226) || (off >= 0x228 && off < 0x22c);
        if (!written) {
            EXPECT_EQ(header[off - 0x1f1], image[off]) << std::hex << off;
        }
    }
    EXPECT_EQ(read_guest(memory, zp + 0x210, 1)[0], 0xff);
    EXPECT_EQ(read_guest(memory, zp + 0x211, 1)[0], image[0x211] | 0x80);
    EXPECT_EQ(read32(memory, zp + 0x218), *loaded->initrd);
    EXPECT_EQ(read32(memory, zp + 0x21c), 3 * MiB + 5);
    EXPECT_EQ(read_cstring(memory, read32(memory, zp + 0x228)), config.cmdline);
    EXPECT_EQ(read_guest(memory, zp + 0x1e8, 1)[0], 3); // e820 entries
    EXPECT_EQ(read64(memory, zp + 0x2d0 + 2 * 20 + 8), 255 * MiB);
}

TEST(DebianKernel, SmallRamIsRefusedCleanly) {
    KITE_NEED_FILE(image, "vmlinuz");
    GuestMemory memory = make_memory(64 * MiB); // init_size alone is about 64 MiB
    EXPECT_TRUE(fails_with(load_x86_kernel(memory, image, {}), "Linux kernel does not fit in guest RAM"));
}

TEST(DebianKernel, VmlinuxHasAPvhEntry) {
    KITE_NEED_FILE(vmlinux, "vmlinux");
    auto elf = parse_elf(vmlinux);
    ASSERT_TRUE(elf) << elf.error().message();
    auto entry = find_pvh_entry(*elf);
    ASSERT_TRUE(entry) << entry.error().message();
    ASSERT_TRUE(*entry) << "no XEN_ELFNOTE_PHYS32_ENTRY note";
    GuestMemory memory = make_memory(256 * MiB);
    X86BootConfig config;
    config.cmdline = "console=ttyS0";
    config.modules.push_back({"initrd", pattern(4096, 1)});
    auto loaded = load_x86_kernel(memory, vmlinux, config);
    ASSERT_TRUE(loaded) << loaded.error().message();
    EXPECT_EQ(loaded->format, "pvh");
    EXPECT_EQ(loaded->entry.rip, **entry);
    EXPECT_EQ(loaded->entry.mode, accel::X86EntryMode::Protected32);
    EXPECT_EQ(read32(memory, loaded->entry.rbx), kHvmStartMagic);
}

} // namespace
} // namespace kite::boot
