#pragma once

#include "base/types.h"
#include "cpu/x86/exception.h"

#include <expected>
#include <span>

namespace kite::x86 {

enum class Access : u8 { Read, Write, Fetch };

constexpr u64 kPageSize = 4096;
constexpr u64 kPageMask = kPageSize - 1;

// What the interpreter sees of memory: linear addresses are translated to
// physical ones one page at a time (this is where paging and a TLB go), and
// physical bytes are read and written. The core splits accesses at page
// boundaries, so translate() is asked about each page an access touches
// before any byte is written: an access either faults or happens whole.
class Memory {
public:
    virtual ~Memory() = default;

    // The physical address of `linear` for this kind of access, or the fault
    // (a #PF with its error code and address) it raises.
    virtual std::expected<u64, Exception> translate(u64 linear, Access access) = 0;

    // Physical accesses within one page that translate() returned.
    virtual void read(u64 physical, std::span<u8> out) = 0;
    virtual void write(u64 physical, std::span<const u8> in) = 0;
};

} // namespace kite::x86
