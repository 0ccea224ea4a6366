#pragma once

#include "base/types.h"
#include "bus/bus_device.h"
#include "devices/apic/apic_message.h"

#include <array>
#include <atomic>
#include <functional>
#include <mutex>
#include <optional>

namespace kite::devices {

class ApicBus;

// The 8259 PIC's side of an ExtINT delivery: the interrupt-acknowledge cycle
// that returns the vector of its highest pending request.
class ExtIntController {
public:
    virtual ~ExtIntController() = default;
    virtual u8 acknowledge_interrupt() = 0;
};

struct LocalApicConfig {
    u32 apic_id{0};     // the initial (x2)APIC ID
    bool bootstrap{false}; // IA32_APIC_BASE.BSP
    // The timer's input clock before the divide configuration (KVM also uses 1 GHz).
    u64 timer_hz{1'000'000'000};
    // The TSC frequency for TSC-deadline mode; 0: TSC-deadline mode is not offered.
    u64 tsc_hz{0};
    // Monotonic host time in nanoseconds; CLOCK_MONOTONIC when empty.
    std::function<u64()> now_ns;
};

// What the CPU side is told. Every callback runs without this APIC's lock
// (it may call back into it) but possibly on another thread (a device's, the
// sender vCPU's) and possibly with the IOAPIC's lock held, so it must not raise
// an IOAPIC pin.
struct LocalApicCallbacks {
    // An interrupt, NMI or ExtINT arrived, or interrupt_hint() rose: wake the
    // vCPU if it sleeps in HLT (it may be spurious).
    std::function<void()> wake;
    // An INIT or a SIPI (with its start vector) arrived; what it does to the
    // vCPU is the CPU's business (an INIT usually ends in init_reset()).
    std::function<void()> init;
    std::function<void(u8 vector)> startup;
};

// One vCPU's local APIC (Intel SDM vol. 3, chapter 11): xAPIC registers by MMIO
// (a 4 KiB page at the IA32_APIC_BASE address) or by offset, x2APIC registers
// by MSR (0x800-0x8FF), interrupt acceptance (IRR/ISR/TMR, TPR/PPR), EOI with
// EOI-broadcast suppression, IPIs through the ICR, LINT0/LINT1, and the timer
// (one-shot, periodic, TSC-deadline). Version 0x14, five LVT entries (timer,
// thermal, performance counter, LINT0, LINT1, error; no CMCI), so the version
// register reads 0x0105'0014.
//
// Every vCPU sees its own APIC at the same address, so the page cannot sit on
// the board's shared Bus: the CPU sends its accesses to the 4 KiB at
// mmio_base() (while mmio_enabled()) to its own LocalApic's read()/write().
//
// Time comes from the injected clock; nothing ticks. The timer fires when the
// CPU or board calls update(); next_deadline_ns() says when that is due.
//
// Threading. One mutex protects every register and the timer: the owning vCPU
// thread accesses registers, the APIC bus delivers messages from other threads
// (IOAPIC pins, MSIs, IPIs), and the board calls update(). No other lock is
// taken while it is held, and callbacks, IPIs, EOI broadcasts and the PIC's
// acknowledge run after it is released, so APICs never hold two locks and a
// vCPU may send itself an IPI. interrupt_hint() is an atomic the CPU reads
// without the lock at every instruction-slice boundary: true when an interrupt
// may be ready (it may be stale; pending_vector() and friends decide).
class LocalApic final : public BusDevice {
public:
    static constexpr u64 kDefaultBase = 0xFEE0'0000;
    static constexpr u64 kLength = 0x1000;

    // xAPIC register offsets.
    static constexpr u32 kId = 0x20;
    static constexpr u32 kVersion = 0x30;
    static constexpr u32 kTpr = 0x80;
    static constexpr u32 kApr = 0x90;
    static constexpr u32 kPpr = 0xA0;
    static constexpr u32 kEoi = 0xB0;
    static constexpr u32 kRrd = 0xC0;
    static constexpr u32 kLdr = 0xD0;
    static constexpr u32 kDfr = 0xE0;
    static constexpr u32 kSvr = 0xF0;
    static constexpr u32 kIsr = 0x100; // 8 registers, 0x10 apart, vectors 32*i..32*i+31
    static constexpr u32 kTmr = 0x180;
    static constexpr u32 kIrr = 0x200;
    static constexpr u32 kEsr = 0x280;
    static constexpr u32 kIcrLow = 0x300;
    static constexpr u32 kIcrHigh = 0x310;
    static constexpr u32 kLvtTimer = 0x320;
    static constexpr u32 kLvtThermal = 0x330;
    static constexpr u32 kLvtPerf = 0x340;
    static constexpr u32 kLvtLint0 = 0x350;
    static constexpr u32 kLvtLint1 = 0x360;
    static constexpr u32 kLvtError = 0x370;
    static constexpr u32 kTimerInitial = 0x380;
    static constexpr u32 kTimerCurrent = 0x390;
    static constexpr u32 kTimerDivide = 0x3E0;
    static constexpr u32 kSelfIpi = 0x3F0; // x2APIC only

    static constexpr u32 kVersionValue = 0x0105'0014;

    // Register bits.
    static constexpr u32 kSvrEnable = 1u << 8;
    static constexpr u32 kSvrSuppressEoiBroadcast = 1u << 12;
    static constexpr u32 kLvtMasked = 1u << 16;
    static constexpr u32 kLvtRemoteIrr = 1u << 14;
    static constexpr u32 kLvtLevelTriggered = 1u << 15;
    static constexpr u32 kLvtActiveLow = 1u << 13;
    static constexpr u32 kTimerOneShot = 0u << 17;
    static constexpr u32 kTimerPeriodic = 1u << 17;
    static constexpr u32 kTimerTscDeadline = 2u << 17;
    static constexpr u32 kEsrSendIllegalVector = 1u << 5;
    static constexpr u32 kEsrReceiveIllegalVector = 1u << 6;
    static constexpr u32 kEsrIllegalRegister = 1u << 7;

    // IA32_APIC_BASE.
    static constexpr u32 kMsrApicBase = 0x1B;
    static constexpr u32 kMsrTscDeadline = 0x6E0;
    static constexpr u32 kMsrX2apicFirst = 0x800;
    static constexpr u32 kMsrX2apicLast = 0x8FF;
    static constexpr u64 kBaseBsp = 1ull << 8;
    static constexpr u64 kBaseX2apic = 1ull << 10;
    static constexpr u64 kBaseEnable = 1ull << 11;
    static constexpr u64 kBaseAddressMask = 0x000F'FFFF'FFFF'F000ull; // 52-bit physical addresses

    // A periodic timer never fires more often than this (like KVM's
    // min_timer_period_us), so a guest cannot make the board spin.
    static constexpr u64 kMinPeriodNs = 100'000;

    LocalApic(LocalApicConfig config, LocalApicCallbacks callbacks);
    LocalApic(const LocalApic&) = delete;
    LocalApic& operator=(const LocalApic&) = delete;

    // BusDevice: the xAPIC page at mmio_base(). Only 4-byte accesses at
    // 16-byte-aligned offsets reach a register; others read 0, are dropped and
    // counted. In x2APIC mode or hardware-disabled the page does not decode:
    // reads give all-ones, writes are dropped.
    void read(u64 offset, std::span<u8> data) override;
    void write(u64 offset, std::span<const u8> data) override;

    // An xAPIC register by offset (as the MMIO page lays them out). Reserved
    // offsets read 0 and set ESR's illegal-register bit; read-only registers
    // ignore writes.
    u32 read_register(u32 offset);
    void write_register(u32 offset, u32 value);

    // IA32_APIC_BASE, IA32_TSC_DEADLINE and the x2APIC MSRs. nullopt / false:
    // the access faults (#GP) — an x2APIC MSR outside x2APIC mode, a reserved,
    // write-only or read-only register the wrong way, reserved bits set, an
    // invalid APIC_BASE transition, or IA32_TSC_DEADLINE with tsc_hz 0.
    std::optional<u64> read_msr(u32 index);
    bool write_msr(u32 index, u64 value);

    u64 apic_base() const;
    bool set_apic_base(u64 value);
    // Whether the xAPIC MMIO page decodes, and where.
    bool mmio_enabled() const;
    u64 mmio_base() const;
    bool x2apic_mode() const;

    // CPU side. interrupt_hint() is lock-free; the rest take the lock.
    bool interrupt_hint() const { return m_hint.load(std::memory_order_acquire); }
    // The highest-priority vector in IRR above the processor priority, which
    // the CPU takes when RFLAGS.IF allows; nullopt if none.
    std::optional<u8> pending_vector();
    // Whether an ExtINT interrupt (LINT0 in ExtINT mode with the PIC's output
    // high, an ExtINT message, or LINT0 as INTR while the APIC is disabled)
    // waits; it takes precedence over pending_vector().
    bool extint_pending();
    // The interrupt-acknowledge cycle: an ExtINT's vector from the PIC, else
    // the pending vector moved from IRR to ISR; the spurious vector (SVR bits
    // 7:0) if nothing is pending any more.
    u8 acknowledge();
    // Takes a pending NMI (LINT1, an NMI message); true if there was one.
    bool take_nmi();
    // End of interrupt (the EOI register): retires the highest ISR vector.
    void eoi();

    // The LINT0/LINT1 pins (pin 0 or 1), e.g. the PIC's INT output on LINT0.
    void set_lint(unsigned pin, bool level);
    void set_extint_controller(ExtIntController* pic);

    // A message from the APIC bus; true if accepted.
    bool receive(const ApicMessage& message);

    // Fires the timer if it is due. The board calls this when next_deadline_ns()
    // passes (and the CPU before it halts).
    void update();
    // The clock time at which the armed timer fires (the past if already due
    // and not yet fired by update()); nullopt if the timer is not armed.
    std::optional<u64> next_deadline_ns() const;

    // The TSC as this APIC counts it for TSC-deadline mode: elapsed clock time
    // since construction at tsc_hz, plus an offset the CPU sets when the guest
    // writes its TSC.
    u64 tsc() const;
    void set_tsc_offset(u64 offset);

    // An INIT: back to the power-up register state, keeping the APIC ID, the
    // APIC_BASE MSR and x2APIC mode.
    void init_reset();

    // For the APIC bus.
    u32 apic_id() const;
    bool software_enabled() const;
    bool addressed_by(const ApicMessage& message) const;
    u8 arbitration_priority() const;
    // Set-up only (ApicBus::attach does it), before other threads use the APIC.
    void attach_bus(ApicBus* bus) { m_bus = bus; }

    u64 ignored_access_count() const { return m_ignored.load(std::memory_order_relaxed); }

private:
    using Bits256 = std::array<u32, 8>;

    enum Lvt : unsigned { lvt_timer, lvt_thermal, lvt_perf, lvt_lint0, lvt_lint1, lvt_error, lvt_count };

    // Side effects gathered under the lock and carried out after it is released.
    struct Outbox {
        bool wake{false};
        bool init{false};
        std::optional<u8> startup;
        std::optional<u8> eoi_broadcast;
        std::optional<ApicMessage> ipi;
        bool extint_ack{false};
    };

    static bool test(const Bits256& bits, unsigned vector) { return (bits[vector / 32] >> (vector % 32)) & 1; }
    static void assign(Bits256& bits, unsigned vector, bool value);
    static int highest(const Bits256& bits);

    void flush(Outbox& out);
    void refresh_hint_locked(Outbox& out);
    void reset_registers_locked();

    u32 read_register_locked(u32 offset, u64 now);
    void write_register_locked(u32 offset, u32 value, u64 now, Outbox& out);
    void write_lvt_locked(Lvt lvt, u32 value, Outbox& out);
    void write_svr_locked(u32 value);
    void send_icr_locked(u32 low, u32 destination, bool x2apic, Outbox& out);
    void eoi_locked(Outbox& out);

    u8 ppr_locked() const;
    u8 apr_locked() const;
    std::optional<u8> pending_vector_locked() const;
    bool extint_pending_locked() const;
    bool lint_asserted_locked(unsigned pin) const;
    void evaluate_lint_locked(unsigned pin, bool rising_edge, Outbox& out);
    bool accept_fixed_locked(u8 vector, bool level_triggered);
    bool receive_locked(const ApicMessage& message, Outbox& out);
    void raise_error_locked(u32 esr_bit);
    void deliver_lvt_locked(Lvt lvt);

    // Timer.
    u32 timer_mode_locked() const;
    unsigned divide_shift_locked() const;
    u64 ticks_to_ns_locked(u64 ticks) const;
    u64 ns_to_ticks_locked(u64 ns) const;
    u64 period_ns_locked() const;
    u32 current_count_locked(u64 now) const;
    void start_counter_locked(u64 now, u64 elapsed_ticks);
    void arm_tsc_deadline_locked(u64 now);
    u64 tsc_at(u64 now) const;
    void update_locked(u64 now);

    const LocalApicConfig m_config;
    const LocalApicCallbacks m_callbacks;
    std::function<u64()> m_now_ns;
    const u64 m_epoch_ns;
    ApicBus* m_bus{nullptr};
    ExtIntController* m_pic{nullptr};
    std::atomic<bool> m_hint{false};
    std::atomic<u64> m_ignored{0};

    mutable std::mutex m_mutex;
    u64 m_base;
    u32 m_id;
    u32 m_tpr{0};
    u32 m_ldr{0};
    u32 m_dfr{0xFFFF'FFFF};
    u32 m_svr{0xFF};
    u32 m_esr{0};          // what ESR reads: latched by the last ESR write
    u32 m_esr_pending{0};  // errors since then
    u32 m_icr_low{0};
    u32 m_icr_high{0};
    std::array<u32, lvt_count> m_lvt{};
    Bits256 m_irr{};
    Bits256 m_isr{};
    Bits256 m_tmr{};
    std::array<bool, 2> m_lint_level{};
    bool m_nmi_pending{false};
    bool m_extint_message{false};
    bool m_arrival{false}; // something arrived since the last refresh_hint_locked()

    u32 m_timer_initial{0};
    u32 m_timer_divide{0};
    bool m_counter_running{false};
    u64 m_counter_start_ns{0};    // when the current count was last m_timer_initial
    u64 m_counter_deadline_ns{0}; // the next expiry while running
    u64 m_tsc_deadline{0};        // IA32_TSC_DEADLINE; 0: disarmed
    u64 m_tsc_deadline_ns{0};
    u64 m_tsc_offset{0};
};

} // namespace kite::devices
