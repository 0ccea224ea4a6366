#pragma once

// Model-specific registers: the ones long mode and SYSCALL need. Any other
// index raises #GP(0), which is how Linux's *_safe probes learn it is absent.

#include "cpu/x86/core.h"

namespace kite::x86 {

namespace msr {
constexpr u32 EFER = 0xc0000080;
constexpr u32 STAR = 0xc0000081;
constexpr u32 LSTAR = 0xc0000082;
constexpr u32 CSTAR = 0xc0000083;
constexpr u32 SFMASK = 0xc0000084;
constexpr u32 FS_BASE = 0xc0000100;
constexpr u32 GS_BASE = 0xc0000101;
constexpr u32 KERNEL_GS_BASE = 0xc0000102;
} // namespace msr

// EFER bits.
namespace efer {
constexpr u64 SCE = 1 << 0;
constexpr u64 LME = 1 << 8;
constexpr u64 LMA = 1 << 10;
constexpr u64 NXE = 1 << 11;
} // namespace efer

bool read_msr(Core& c, u32 index, u64& out);
bool write_msr(Core& c, u32 index, u64 value);

} // namespace kite::x86
