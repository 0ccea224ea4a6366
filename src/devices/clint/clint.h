#pragma once

#include "base/types.h"
#include "bus/bus_device.h"

#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <vector>

namespace kite::devices {

// Where the CLINT drives each hart's machine-level interrupt pending bits.
// Called only when a level changes, with the CLINT's lock held: a callback may
// read mtime() but must not call any other Clint method.
struct ClintOutputs {
    std::function<void(u32 hart, bool level)> msip; // mip.MSIP: software interrupt (IPI)
    std::function<void(u32 hart, bool level)> mtip; // mip.MTIP: timer interrupt
};

// The SiFive CLINT as laid out on QEMU's `virt` board (the RISC-V ACLINT MSWI
// and MTIMER devices back to back): msip words at 0x0000 + 4*hart, 64-bit
// mtimecmp at 0x4000 + 8*hart and mtime at 0xBFF8. The 64-bit registers take
// 8-byte accesses or 4-byte accesses to either half; msip takes 4-byte ones.
//
// mtime runs at 10 MHz and is derived from a host monotonic clock rather than
// counted, so nothing ticks: MTIP is re-evaluated on register writes and when
// the board calls update(). Thread-safe (vCPU threads and a timer thread).
class Clint final : public BusDevice {
public:
    static constexpr u64 kDefaultBase = 0x0200'0000;
    static constexpr u64 kLength = 0x1'0000;
    static constexpr u64 kTimebaseHz = 10'000'000;
    static constexpr u64 kNsPerTick = 1'000'000'000 / kTimebaseHz;

    static constexpr u64 kMsipBase = 0x0000;
    static constexpr u64 kMtimecmpBase = 0x4000;
    static constexpr u64 kMtime = 0xBFF8;
    // The mtimecmp array ends where mtime starts.
    static constexpr u32 kMaxHarts = (kMtime - kMtimecmpBase) / 8;

    // Monotonic host time in nanoseconds.
    using Clock = std::function<u64()>;

    // `now_ns` defaults to CLOCK_MONOTONIC when empty. mtime reads 0 at construction.
    Clint(u32 hart_count, Clock now_ns, ClintOutputs outputs);

    // Invalid accesses (wrong width, misaligned, no register there) read 0, are
    // dropped and counted in ignored_access_count().
    void read(u64 offset, std::span<u8> data) override;
    void write(u64 offset, std::span<const u8> data) override;

    // Re-evaluates every hart's MTIP against the current mtime. Time passes
    // without guest accesses, so the board calls this from its timer and before
    // a hart sleeps in WFI.
    void update();
    // The host time (in the `now_ns` clock) at which the earliest armed timer
    // whose MTIP is still low becomes due; the current time if one is already
    // due but not yet raised by update(); nullopt if none is armed.
    std::optional<u64> next_deadline_ns() const;

    // The current mtime, for the `time` CSR. Lock-free.
    u64 mtime() const;

    u32 hart_count() const { return static_cast<u32>(m_harts.size()); }
    u64 mtimecmp(u32 hart) const;
    bool msip_level(u32 hart) const;
    bool mtip_level(u32 hart) const;
    u64 ignored_access_count() const { return m_ignored.load(std::memory_order_relaxed); }

private:
    struct Hart {
        u64 mtimecmp{~u64{0}}; // reset: never fires
        bool msip{false};
        bool mtip{false};
    };

    // Host nanoseconds since construction, in whole ticks.
    u64 elapsed_ticks(u64 now_ns) const { return (now_ns - m_epoch_ns) / kNsPerTick; }
    u64 read_register(u64 offset, std::size_t width);
    void write_register(u64 offset, std::size_t width, u64 value);
    void set_mtime_locked(u64 value);
    void set_msip_locked(u32 hart, bool level);
    void update_mtip_locked(u32 hart, u64 now_mtime);
    void update_all_mtip_locked();
    void note_ignored(const char* what, u64 offset, std::size_t width);

    Clock m_now_ns;
    ClintOutputs m_outputs;
    const u64 m_epoch_ns;
    // mtime = elapsed_ticks + m_offset (wrapping). Written under m_mutex, read
    // lock-free by mtime().
    std::atomic<u64> m_offset{0};
    mutable std::mutex m_mutex;
    std::vector<Hart> m_harts;
    std::atomic<u64> m_ignored{0};
};

} // namespace kite::devices
