#pragma once

#include "base/types.h"
#include "bus/bus_device.h"
#include "bus/irq_line.h"

#include <array>
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace kite::devices {

// The RISC-V Platform-Level Interrupt Controller as configured on QEMU's `virt`
// board: 95 level-triggered sources (ids 1..95; 0 means "none"), 3-bit
// priorities and thresholds, and two contexts per hart (2h = hart h M-mode,
// 2h+1 = S-mode). Register map (all 32-bit, 4-byte aligned):
//   0x000000 + 4*src          priority (0 = never interrupts)
//   0x001000 + 4*word         pending bits (read-only)
//   0x002000 + 0x80*ctx + 4*w enable bits of context ctx
//   0x200000 + 0x1000*ctx     priority threshold of context ctx
//   0x200004 + 0x1000*ctx     claim (read) / complete (write)
// Each source's gateway latches a request while its input level is high and
// the source is not in flight (claimed, not yet completed); completing it
// re-arms the gateway, which requests again if the level is still high. A
// latched request stays pending until claimed, even if the level drops.
// Thread-safe: every access and level change runs under one lock.
class Plic final : public BusDevice {
public:
    static constexpr u64 kDefaultBase = 0x0C00'0000;
    static constexpr u64 kLength = 0x60'0000;
    static constexpr u32 kSourceCount = 96; // including the reserved source 0
    static constexpr u32 kMaxPriority = 7;  // 3 priority bits

    static constexpr u64 kPriorityBase = 0x0000;
    static constexpr u64 kPendingBase = 0x1000;
    static constexpr u64 kEnableBase = 0x2000;
    static constexpr u64 kEnableStride = 0x80;
    static constexpr u64 kContextBase = 0x20'0000;
    static constexpr u64 kContextStride = 0x1000;
    static constexpr u64 kThresholdOffset = 0x0;
    static constexpr u64 kClaimOffset = 0x4;
    static constexpr u32 kMaxContexts = static_cast<u32>((kLength - kContextBase) / kContextStride);
    static constexpr u32 kMaxHarts = kMaxContexts / 2;

    // Drives a context's external interrupt line: MEIP of hart context/2 for an
    // even context, SEIP for an odd one. Called only when the level changes,
    // with the PLIC's lock held: it must not call back into the Plic.
    using ContextOutput = std::function<void(u32 context, bool level)>;

    Plic(u32 hart_count, ContextOutput output);
    // Detaches the lines handed out by irq_line(): later set_level calls do nothing.
    ~Plic() override;

    Plic(const Plic&) = delete;
    Plic& operator=(const Plic&) = delete;

    static constexpr u32 machine_context(u32 hart) { return 2 * hart; }
    static constexpr u32 supervisor_context(u32 hart) { return 2 * hart + 1; }
    static constexpr u32 hart_of_context(u32 context) { return context / 2; }
    static constexpr bool is_supervisor_context(u32 context) { return (context & 1) != 0; }

    // Accesses that are not 4 bytes wide and 4-byte aligned read 0, are dropped
    // and counted in ignored_access_count(). Registers of source 0, of sources or
    // contexts that do not exist, and reserved offsets read 0 and ignore writes.
    void read(u64 offset, std::span<u8> data) override;
    void write(u64 offset, std::span<const u8> data) override;

    // The input line of `source` for a device to drive (the same object on every
    // call); nullptr for source 0 or a source >= kSourceCount. The Plic must not
    // be destroyed while another thread may set one of its lines.
    std::shared_ptr<IrqLine> irq_line(u32 source);
    // What a line's set_level does: the level of interrupt input `source`.
    void set_source_level(u32 source, bool level);

    u32 context_count() const { return static_cast<u32>(m_contexts.size()); }
    bool output_level(u32 context) const;
    bool pending(u32 source) const;
    u64 ignored_access_count() const { return m_ignored.load(std::memory_order_relaxed); }

private:
    using SourceLine = ControllerInputLine<Plic, &Plic::set_source_level>;
    static constexpr u32 kWords = kSourceCount / 32;
    using Bits = std::array<u32, kWords>;

    struct Context {
        Bits enable{};
        u32 threshold{0};
        bool output{false};
    };

    static bool test(const Bits& bits, u32 source) { return (bits[source / 32] >> (source % 32)) & 1; }
    static void assign(Bits& bits, u32 source, bool value);

    u32 read_register(u64 offset);
    void write_register(u64 offset, u32 value);
    // The highest-priority pending source enabled in `context` above its
    // threshold (lowest id on ties), or 0.
    u32 best_source_locked(const Context& context) const;
    u32 claim_locked(u32 context);
    void complete_locked(u32 context, u32 source);
    void update_outputs_locked();

    ContextOutput m_output;
    std::vector<std::shared_ptr<SourceLine>> m_lines;

    mutable std::mutex m_mutex;
    std::array<u32, kSourceCount> m_priority{};
    Bits m_level{};     // current input levels
    Bits m_pending{};   // latched requests, cleared by claim
    Bits m_in_flight{}; // claimed and not yet completed
    std::vector<Context> m_contexts;
    std::atomic<u64> m_ignored{0};
};

} // namespace kite::devices
