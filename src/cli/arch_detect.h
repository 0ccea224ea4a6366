#pragma once

#include <optional>
#include <string>

namespace kite::cli {

// The guest architecture a kernel file is built for, from its first bytes:
// an ELF's e_machine, the RISC-V Linux Image magic, or a Multiboot header.
// nullopt when the file cannot be read or is none of these.
std::optional<std::string> detect_kernel_arch(const std::string& path);

} // namespace kite::cli
