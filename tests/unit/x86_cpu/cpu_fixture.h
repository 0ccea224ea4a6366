#pragma once

// A 64 KiB FlatMemory at 0x10000 with an Interpreter on it, code loaded at
// kCode and RSP at the top.

#include "cpu/x86/flat_memory.h"
#include "cpu/x86/interpreter.h"

#include <algorithm>
#include <gtest/gtest.h>
#include <initializer_list>

namespace kite::x86::test {

class X86CpuTest : public ::testing::Test {
protected:
    static constexpr u64 kBase = 0x10000;
    static constexpr u64 kCode = 0x10000;
    static constexpr u64 kData = 0x18000;
    static constexpr u64 kSize = 0x10000;

    X86CpuTest() : memory(kBase, kSize), cpu(memory) {
        cpu.state().rip = kCode;
        cpu.state().gpr[RSP] = kBase + kSize;
    }

    // Writes guest memory as a device would: decoded code there is dropped.
    void load(u64 address, std::initializer_list<u8> bytes) {
        std::copy(bytes.begin(), bytes.end(), memory.bytes().begin() + (address - kBase));
        cpu.decode_cache().invalidate(address, bytes.size());
    }
    void code(std::initializer_list<u8> bytes) { load(kCode, bytes); }

    u64 read64(u64 address) {
        u64 v = 0;
        for (int i = 7; i >= 0; --i)
            v = (v << 8) | memory.bytes()[address - kBase + static_cast<u64>(i)];
        return v;
    }

    // Runs `count` instructions, expecting no exception.
    void run(u64 count) {
        const RunResult r = cpu.run(count);
        ASSERT_FALSE(r.exception.has_value()) << "vector " << static_cast<int>(r.exception->vector);
        ASSERT_EQ(r.executed, count);
    }

    u64& reg(u8 r) { return cpu.state().gpr[r]; }
    u64 flags() const { return cpu.state().rflags; }

    FlatMemory memory;
    Interpreter cpu;
};

} // namespace kite::x86::test
