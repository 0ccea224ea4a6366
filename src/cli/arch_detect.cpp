#include "cli/arch_detect.h"

#include "base/file_io.h"
#include "base/types.h"

#include <cstring>
#include <fcntl.h>
#include <vector>

namespace kite::cli {
namespace {

constexpr u16 kEmI386 = 3;
constexpr u16 kEmX86_64 = 62;
constexpr u16 kEmRiscv = 243;
constexpr u32 kMultibootMagic = 0x1badb002;
constexpr std::size_t kMultibootSearch = 8192;

template <typename T>
T read_le(const std::vector<u8>& bytes, std::size_t offset) {
    T value{};
    if (offset + sizeof(T) <= bytes.size())
        std::memcpy(&value, bytes.data() + offset, sizeof(T));
    return value;
}

} // namespace

std::optional<std::string> detect_kernel_arch(const std::string& path) {
    // Only a regular file: a FIFO would block here (the loader then says what is wrong).
    auto file = open_without_blocking(path, O_RDONLY, "kernel");
    if (!file || !file->is_regular())
        return std::nullopt;
    std::vector<u8> head(kMultibootSearch);
    auto got = read_fully(file->fd.get(), head);
    if (!got)
        return std::nullopt;
    head.resize(*got);

    if (head.size() >= 20 && std::memcmp(head.data(),
                                         "\x7f"
                                         "ELF",
                                         4) == 0) {
        switch (read_le<u16>(head, 18)) {
        case kEmI386:
        case kEmX86_64:
            return "x86_64";
        case kEmRiscv:
            return "riscv64";
        default:
            return std::nullopt;
        }
    }
    if (head.size() >= 64 && std::memcmp(head.data() + 56, "RSC\x05", 4) == 0)
        return "riscv64";
    // A Linux x86 bzImage: the setup header's "HdrS" at 0x202.
    if (head.size() >= 0x206 && std::memcmp(head.data() + 0x202, "HdrS", 4) == 0)
        return "x86_64";
    for (std::size_t off = 0; off + 4 <= head.size(); off += 4) {
        if (read_le<u32>(head, off) == kMultibootMagic)
            return "x86_64";
    }
    return std::nullopt;
}

} // namespace kite::cli
