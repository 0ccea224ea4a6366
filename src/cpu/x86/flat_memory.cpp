#include "cpu/x86/flat_memory.h"

#include <cstring>

namespace kite::x86 {

FlatMemory::FlatMemory(u64 base, u64 size)
    : m_base(base & ~kPageMask), m_bytes((size + kPageMask) & ~kPageMask) {}

std::expected<u64, Exception> FlatMemory::translate(u64 linear, Access access) {
    if (linear >= m_base && linear - m_base < m_bytes.size())
        return linear;
    u32 code = 0;
    if (access == Access::Write)
        code |= pf::WRITE;
    if (access == Access::Fetch)
        code |= pf::FETCH;
    return std::unexpected(Exception::page_fault(linear, code));
}

void FlatMemory::read(u64 physical, std::span<u8> out) {
    std::memcpy(out.data(), m_bytes.data() + (physical - m_base), out.size());
}

void FlatMemory::write(u64 physical, std::span<const u8> in) {
    std::memcpy(m_bytes.data() + (physical - m_base), in.data(), in.size());
}

} // namespace kite::x86
