#pragma once

// Constants from the ELF specification (System V ABI, "Object Files") shared by
// the program-header parser and the symbol-table reader. Internal to kite_boot.

#include "base/types.h"

#include <array>
#include <cstddef>

namespace kite::boot::elf {

// Identification bytes ("ELF Identification").
constexpr std::size_t kIdentSize = 16;
constexpr std::array<u8, 4> kMagic = {0x7f, 'E', 'L', 'F'};
constexpr std::size_t kIdentClass = 4;
constexpr std::size_t kIdentData = 5;
constexpr std::size_t kIdentVersion = 6;
constexpr u8 kClass32 = 1;
constexpr u8 kClass64 = 2;
constexpr u8 kDataLittleEndian = 1;
constexpr u8 kVersionCurrent = 1;

// File header fields common to both classes.
constexpr std::size_t kTypeOffset = 16;
constexpr std::size_t kMachineOffset = 18;
constexpr std::size_t kVersionOffset = 20;
constexpr u16 kTypeExec = 2; // ET_EXEC
constexpr u16 kTypeDyn = 3;  // ET_DYN

constexpr u16 kMachine386 = 3;
constexpr u16 kMachineX86_64 = 62;
constexpr u16 kMachineRiscv = 243;

constexpr u16 kPhnumExtended = 0xffff; // PN_XNUM: real count lives in section 0
constexpr u32 kProgramLoad = 1;        // PT_LOAD
constexpr u32 kProgramNote = 4;        // PT_NOTE

// Section header types and special section indexes.
constexpr u32 kSectionSymtab = 2; // SHT_SYMTAB
constexpr u32 kSectionStrtab = 3; // SHT_STRTAB
constexpr u16 kSectionUndef = 0;  // SHN_UNDEF

// Symbol binding (high nibble of st_info).
constexpr u8 kBindGlobal = 1;
constexpr u8 kBindWeak = 2;

} // namespace kite::boot::elf
