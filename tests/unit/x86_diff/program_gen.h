#pragma once

// Random x86-64 programs and start states for the differential test.
//
// Memory (identical on both engines): code at kCodeBase (two pages, so
// instructions may straddle a page end), a 4 KiB data buffer and a 4 KiB
// stack. R15 points into the middle of the data buffer and RSP into the
// stack; neither is written by generated code except through the stack
// instructions. Every memory operand lands in the buffer or the stack, and
// every branch goes forward, so a program runs each instruction at most once
// (a REP string instruction is one instruction).

#include "base/types.h"

#include <array>
#include <string>
#include <vector>

namespace kite::x86::diff {

constexpr u64 kCodeBase = 0x10000;
constexpr u64 kCodeLimit = 0x2000; // bytes of code at most
constexpr u64 kDataBase = 0x20000;
constexpr u64 kDataSize = 0x1000;
constexpr u64 kStackBase = 0x21000;
constexpr u64 kStackSize = 0x1000;
constexpr u64 kMemoryBase = kCodeBase;
constexpr u64 kMemorySize = kStackBase + kStackSize - kMemoryBase;
constexpr u64 kDataPointer = kDataBase + 0x800;   // R15
constexpr u64 kStackPointer = kStackBase + 0x800; // RSP at the start

// Which instructions a program is made of.
enum class Mix : u8 { Arithmetic, ShiftsAndBits, MoveAndExchange, ControlFlow, Strings, All };

struct MachineState {
    std::array<u64, 16> gpr{};
    u64 rflags{2};
    std::vector<u8> data;  // kDataSize bytes at kDataBase
    std::vector<u8> stack; // kStackSize bytes at kStackBase
};

struct TestCase {
    u64 seed{0};
    std::vector<std::vector<u8>> code; // one encoded instruction each, from kCodeBase
    MachineState init;
};

TestCase generate(u64 seed, Mix mix);

std::vector<u8> code_image(const TestCase& tc);
u64 code_end(const TestCase& tc);

// The instruction as Intel-syntax text (Zydis' formatter), for reports.
std::string disassemble(const std::vector<u8>& bytes, u64 address);

// A NOP of `length` bytes (1..15).
std::vector<u8> nop_of_length(std::size_t length);

} // namespace kite::x86::diff
