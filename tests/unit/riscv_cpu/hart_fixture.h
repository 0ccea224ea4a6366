#pragma once

// A hart with 8 MiB of RAM at 0x8000_0000 and a scratch device at
// 0x1000_0000, plus helpers to place hand-encoded programs and step them.

#include "bus/bus.h"
#include "cpu/riscv/csr_numbers.h"
#include "cpu/riscv/hart.h"
#include "memory/guest_memory.h"
#include "rv_encode.h"

#include <array>
#include <cstring>
#include <gtest/gtest.h>
#include <initializer_list>
#include <memory>
#include <mutex>

namespace kite::riscv::test {

// Register numbers by ABI name.
enum Reg : u32 {
    zero = 0,
    ra = 1,
    sp = 2,
    gp = 3,
    tp = 4,
    t0 = 5,
    t1 = 6,
    t2 = 7,
    s0 = 8,
    s1 = 9,
    a0 = 10,
    a1 = 11,
    a2 = 12,
    a3 = 13,
    a4 = 14,
    a5 = 15,
    a6 = 16,
    a7 = 17,
    s2 = 18,
    s3 = 19,
    t3 = 28,
    t4 = 29,
    t5 = 30,
    t6 = 31,
};

// 4 KiB of plain registers that remembers the last access.
class ScratchDevice : public BusDevice {
public:
    void read(u64 offset, std::span<u8> data) override {
        std::lock_guard lock(m_mutex);
        std::memcpy(data.data(), m_bytes.data() + offset, data.size());
        last_offset = offset;
        last_size = data.size();
        last_was_write = false;
        ++accesses;
    }
    void write(u64 offset, std::span<const u8> data) override {
        std::lock_guard lock(m_mutex);
        std::memcpy(m_bytes.data() + offset, data.data(), data.size());
        last_offset = offset;
        last_size = data.size();
        last_was_write = true;
        ++accesses;
    }
    u64 last_offset{0};
    std::size_t last_size{0};
    bool last_was_write{false};
    int accesses{0};

private:
    std::mutex m_mutex;
    std::array<u8, 4096> m_bytes{};
};

class HartTest : public ::testing::Test {
protected:
    static constexpr u64 kRamBase = 0x80000000;
    static constexpr u64 kRamSize = 8 * MiB;
    static constexpr u64 kMmioBase = 0x10000000;
    static constexpr u64 kCode = kRamBase;                  // default program address
    static constexpr u64 kTrapHandler = kRamBase + 0x1000;  // M-mode trap vector used by tests
    static constexpr u64 kSTrapHandler = kRamBase + 0x1100; // S-mode trap vector used by tests
    static constexpr u64 kData = kRamBase + 0x10000;

    HartTest() {
        EXPECT_TRUE(ram.add_region(GuestAddress(kRamBase), kRamSize).has_value());
        device = std::make_shared<ScratchDevice>();
        EXPECT_TRUE(mmio.insert(kMmioBase, 0x1000, device, "scratch").has_value());
        hart = std::make_unique<Hart>(ram, mmio, HartConfig{0, [this] { return time_value; }});
        hart->reset(kCode);
        // Trap vectors spin on themselves so a test can inspect the trap.
        put32(kTrapHandler, enc::jal(0, 0));
        put32(kSTrapHandler, enc::jal(0, 0));
        st().mtvec = kTrapHandler;
        st().stvec = kSTrapHandler;
    }

    HartState& st() { return hart->state(); }

    void put8(u64 addr, u8 v) { ASSERT_TRUE(ram.write_obj(GuestAddress(addr), v).has_value()); }
    void put16(u64 addr, u16 v) { ASSERT_TRUE(ram.write_obj(GuestAddress(addr), v).has_value()); }
    void put32(u64 addr, u32 v) { ASSERT_TRUE(ram.write_obj(GuestAddress(addr), v).has_value()); }
    void put64(u64 addr, u64 v) { ASSERT_TRUE(ram.write_obj(GuestAddress(addr), v).has_value()); }
    u8 get8(u64 addr) { return ram.read_obj<u8>(GuestAddress(addr)).value(); }
    u16 get16(u64 addr) { return ram.read_obj<u16>(GuestAddress(addr)).value(); }
    u32 get32(u64 addr) { return ram.read_obj<u32>(GuestAddress(addr)).value(); }
    u64 get64(u64 addr) { return ram.read_obj<u64>(GuestAddress(addr)).value(); }

    // Writes consecutive 32-bit instructions at addr; returns the end address.
    u64 program(u64 addr, std::initializer_list<u32> words) {
        for (u32 w : words) {
            put32(addr, w);
            addr += 4;
        }
        return addr;
    }
    u64 program(std::initializer_list<u32> words) { return program(kCode, words); }

    // Attempts exactly n instructions (or fewer if the hart stops).
    Hart::StopReason step(u64 n = 1) { return hart->run(n); }

    // Loads a 64-bit constant into a register by poking the state.
    void set_x(u32 reg, u64 v) { st().x[reg] = v; }
    u64 x(u32 reg) { return st().x[reg]; }

    GuestMemory ram;
    Bus mmio{"mmio"};
    std::shared_ptr<ScratchDevice> device;
    std::unique_ptr<Hart> hart;
    u64 time_value{0};
};

} // namespace kite::riscv::test
