#include "cli/arch_detect.h"

#include "base/types.h"

#include <cstring>
#include <fstream>
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
    std::ifstream file(path, std::ios::binary);
    if (!file)
        return std::nullopt;
    std::vector<u8> head(kMultibootSearch);
    file.read(reinterpret_cast<char*>(head.data()), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(file.gcount()));

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
