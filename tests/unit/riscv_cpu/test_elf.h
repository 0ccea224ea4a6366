#pragma once

// A minimal, test-only ELF64 (RISC-V, little-endian) loader for the ISA test
// programs: copies PT_LOAD segments to their physical addresses and looks up
// symbols (tohost, fromhost) in .symtab. Every offset from the file is checked.

#include "base/error.h"
#include "memory/guest_memory.h"

#include <map>
#include <string>
#include <vector>

namespace kite::riscv::test {

struct TestElf {
    u64 entry{0};
    std::map<std::string, u64> symbols;
};

Result<TestElf> load_test_elf(const std::vector<u8>& file, const GuestMemory& ram);
Result<std::vector<u8>> read_file(const std::string& path);

} // namespace kite::riscv::test
