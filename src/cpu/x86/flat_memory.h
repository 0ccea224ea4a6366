#pragma once

#include "cpu/x86/memory.h"

#include <vector>

namespace kite::x86 {

// Memory for tests and tools: one range of bytes mapped at `base` with
// linear == physical (rounded out to whole pages); an access outside it is a
// not-present page fault.
class FlatMemory final : public Memory {
public:
    FlatMemory(u64 base, u64 size);

    std::expected<u64, Exception> translate(u64 linear, Access access) override;
    void read(u64 physical, std::span<u8> out) override;
    void write(u64 physical, std::span<const u8> in) override;

    u64 base() const { return m_base; }
    std::span<u8> bytes() { return m_bytes; }
    std::span<const u8> bytes() const { return m_bytes; }

private:
    u64 m_base;
    std::vector<u8> m_bytes;
};

} // namespace kite::x86
