#pragma once

#include "base/types.h"

#include <array>
#include <optional>

namespace kite::x86 {

// Exception vectors (SDM vol. 3, table 6-1).
enum class Vector : u8 {
    DE = 0,  // divide error
    DB = 1,  // debug
    BP = 3,  // breakpoint
    OF = 4,  // overflow
    BR = 5,  // bound range
    UD = 6,  // invalid opcode
    NM = 7,  // device not available
    DF = 8,  // double fault
    TS = 10, // invalid TSS
    NP = 11, // segment not present
    SS = 12, // stack fault
    GP = 13, // general protection
    PF = 14, // page fault
    MF = 16, // x87 error
    AC = 17, // alignment check
};

// Page-fault error code bits.
namespace pf {
constexpr u32 PRESENT = 1 << 0;
constexpr u32 WRITE = 1 << 1;
constexpr u32 USER = 1 << 2;
constexpr u32 FETCH = 1 << 4;
} // namespace pf

// An exception an instruction raised: the vector, its error code when the
// vector has one, CR2 for a page fault, and for #UD the bytes that could
// not be executed (up to 15, as many as could be fetched).
struct Exception {
    Vector vector{Vector::UD};
    std::optional<u32> error_code;
    u64 fault_address{0};
    std::array<u8, 15> bytes{};
    u8 byte_count{0};
    // A trap (INT n, INT3): RIP has moved past the instruction, and the IDT
    // gate's DPL is checked against CPL.
    bool software{false};

    static Exception gp(u32 code = 0) { return Exception{.vector = Vector::GP, .error_code = code}; }
    static Exception ss(u32 code = 0) { return Exception{.vector = Vector::SS, .error_code = code}; }
    static Exception de() { return Exception{.vector = Vector::DE}; }
    static Exception ud() { return Exception{.vector = Vector::UD}; }
    static Exception page_fault(u64 address, u32 code) {
        return Exception{.vector = Vector::PF, .error_code = code, .fault_address = address};
    }
};

} // namespace kite::x86
