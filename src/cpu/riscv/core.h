#pragma once

// The interpreter's internals: state, software TLB, decode cache, trap
// machinery and the memory access paths the per-extension handlers use.
// Not part of the public API (hart.h is).

#include "cpu/riscv/csr_numbers.h"
#include "cpu/riscv/decoded_insn.h"
#include "cpu/riscv/hart.h"

#include <array>
#include <atomic>
#include <cstring>
#include <memory>
#include <vector>

namespace kite::riscv {

// A handler returns the next pc, or kTrapPc when it raised an exception
// (pc is always even, so an odd value cannot be a real target).
constexpr u64 kTrapPc = 1;

enum class Access : u8 { Fetch = 0, Load = 1, Store = 2 };

constexpr u64 kPageSize = 4096;
constexpr u64 kPageMask = kPageSize - 1;

// A software TLB entry: one 4 KiB virtual page translated for one access type
// in one context (see Core::m_ctx). host is the host address of the page when
// it is RAM, nullptr for MMIO; paddr is the physical page address.
struct TlbEntry {
    u64 tag{0};
    u8* host{nullptr};
    u64 paddr{0};
};

// Decoded instructions of one physical page, one slot per halfword.
struct DecodePage {
    static constexpr u64 kInvalidTag = ~u64{0};
    u64 tag{kInvalidTag};
    std::array<DecodedInsn, kPageSize / 2> insns{};
};

struct RamRange {
    u64 start;
    u64 end; // exclusive
    u8* host;
};

class Core {
public:
    Core(const GuestMemory& ram, Bus& mmio, HartConfig config);

    void reset(u64 pc);
    Hart::StopReason run(u64 budget);
    void set_interrupt(InterruptLine line, bool level);
    bool has_pending_interrupt() const { return (effective_mip() & st.mie) != 0; }
    void request_stop();
    std::string describe_state() const;

    HartState st;

    // ---- used by the instruction handlers ----

    // Records a synchronous exception for the run loop; returns kTrapPc.
    u64 raise(Exception cause, u64 tval) {
        m_trap_cause = static_cast<u64>(cause);
        m_trap_tval = tval;
        return kTrapPc;
    }
    // Illegal instruction with the instruction's bits in tval.
    u64 illegal(u64 pc);

    // Virtual memory accesses at the current effective privilege. false means
    // an exception was raised (then return kTrapPc).
    template <typename T>
    bool load(u64 va, T& out);
    template <typename T>
    bool store(u64 va, T value);
    // The TLB-hit RAM path alone (false: take the slow path, nothing raised).
    template <typename T>
    bool load_fast(u64 va, T& out);
    template <typename T>
    bool store_fast(u64 va, T value);
    template <typename T>
    bool load_slow(u64 va, T& out);
    template <typename T>
    bool store_slow(u64 va, T value);

    // Host address for an aligned atomic access of `size` bytes (LR, SC, AMO);
    // nullptr with the exception raised. paddr receives the physical address.
    u8* atomic_target(u64 va, unsigned size, Access access, u64& paddr);

    // LR/SC reservation (physical address; cleared by SC, traps and xRET).
    bool resv_valid{false};
    u64 resv_addr{0};
    u64 resv_value{0};
    unsigned resv_size{0};

    // Ends the current execution slice after this instruction so the run loop
    // re-evaluates interrupts, stop requests and state changes.
    void end_slice() { m_end_slice = true; }
    void enter_wfi() {
        m_wfi = true;
        m_end_slice = true;
    }

    // CSR access for Zicsr handlers: false means illegal instruction.
    bool csr_read(u16 number, u64& value);
    bool csr_write(u16 number, u64 value);
    // Privilege and read-only checks shared by read and write.
    bool csr_accessible(u16 number, bool write) const;

    // Traps and returns.
    void take_trap(u64 cause, u64 tval, bool interrupt);
    u64 do_mret();
    u64 do_sret();

    // Effective mip: software-written bits plus the device-driven lines.
    u64 effective_mip() const {
        return (st.mip & irq::kSupervisorMask) | m_mip_lines.load(std::memory_order_acquire);
    }

    // Must be called whenever priv, mstatus (MPRV/MPP/SUM/MXR) or satp change.
    void update_mmu_context();
    // Forgets every translation (and the fetch page).
    void flush_tlb();
    void flush_decode_cache();

    u64 read_time() const { return m_config.read_time ? m_config.read_time() : 0; }
    const HartConfig& config() const { return m_config; }
    void counters_written() { update_counter_steps(); }

    // FP helpers shared by the F and D handlers.
    bool fp_enabled() const { return (st.mstatus & mstatus::FS) != 0; }
    void fp_dirty() { st.mstatus |= mstatus::FS_DIRTY; }

private:
    friend class Hart;

    bool access_slow(u64 va, void* data, unsigned size, Access access);

    // Translation; false with the fault raised.
    bool translate(u64 va, Access access, u64& paddr);
    bool page_walk(u64 va, Access access, Privilege eff, u64& paddr);
    TlbEntry* tlb_fill(u64 va, Access access);
    TlbEntry* tlb_lookup(u64 va, Access access) {
        const u64 vpn = va >> 12;
        TlbEntry& e = m_tlb[static_cast<int>(access)][vpn & (kTlbSize - 1)];
        if (e.tag == (vpn | m_ctx[static_cast<int>(access)])) [[likely]]
            return &e;
        return tlb_fill(va, access);
    }

    // Physical accesses outside the TLB fast path.
    u8* ram_host(u64 paddr, u64 size) const;
    bool phys_read(u64 paddr, void* out, unsigned size);
    bool phys_write(u64 paddr, const void* in, unsigned size);

    // Instruction fetch.
    bool refill_fetch(u64 pc);
    const DecodedInsn* decode_at(u64 pc);
    DecodePage* decode_page(u64 paddr);
    bool read_insn_bits(u64 pc, u32& raw);

    u64 execute(u64 budget);
    bool take_pending_interrupt();
    void take_exception(); // the one recorded by raise()
    void update_counter_steps();
    void sync_external_changes();

    static constexpr u64 kTlbSize = 256;
    static constexpr u64 kDecodePages = 1024; // allocated as used, 24 KiB each
    static constexpr u64 kNoFetchPage = 1;    // not page-aligned: matches no pc

    const GuestMemory& m_ram;
    Bus& m_mmio;
    HartConfig m_config;
    std::vector<RamRange> m_ram_ranges;

    std::atomic<u64> m_mip_lines{0};
    std::atomic<bool> m_attention{false};
    std::atomic<bool> m_stop_requested{false};

    bool m_end_slice{false};
    bool m_wfi{false};
    u64 m_trap_cause{0};
    u64 m_trap_tval{0};
    u64 m_instret_step{1};
    u64 m_cycle_step{1};

    // Context tags folded into the TLB tags above the 52 VPN bits: they keep
    // entries filled under one privilege/SUM/MXR combination from matching
    // under another, so changing mode needs no flush, and a generation number
    // makes a flush O(1) (tags are cleared only when it wraps). Bit 63 is
    // always set so a zero tag never matches.
    std::array<u64, 3> m_ctx{};
    u64 m_tlb_generation{0};
    std::array<std::array<TlbEntry, kTlbSize>, 3> m_tlb{};

    // Fetch cache: the virtual page pc is in, its decoded page and host bytes.
    u64 m_fetch_vbase{kNoFetchPage};
    DecodePage* m_fetch_page{nullptr};
    u8* m_fetch_host{nullptr};
    DecodedInsn m_crossing_insn{}; // a 32-bit instruction straddling two pages

    std::vector<std::unique_ptr<DecodePage>> m_decode_pages;

    // What run() last saw, to notice direct edits of HartState between runs.
    Privilege m_seen_priv{Privilege::Machine};
    u64 m_seen_satp{0};
    u64 m_seen_mstatus{0};
};

// ---- inline fast paths ----

template <typename T>
[[gnu::always_inline]] inline bool Core::load_fast(u64 va, T& out) {
    const u64 vpn = va >> 12;
    const TlbEntry& e = m_tlb[1][vpn & (kTlbSize - 1)];
    if (e.tag == (vpn | m_ctx[1]) && e.host != nullptr && (va & kPageMask) <= kPageSize - sizeof(T))
        [[likely]] {
        std::memcpy(&out, e.host + (va & kPageMask), sizeof(T));
        return true;
    }
    return false;
}

template <typename T>
[[gnu::always_inline]] inline bool Core::store_fast(u64 va, T value) {
    const u64 vpn = va >> 12;
    const TlbEntry& e = m_tlb[2][vpn & (kTlbSize - 1)];
    if (e.tag == (vpn | m_ctx[2]) && e.host != nullptr && (va & kPageMask) <= kPageSize - sizeof(T))
        [[likely]] {
        std::memcpy(e.host + (va & kPageMask), &value, sizeof(T));
        return true;
    }
    return false;
}

template <typename T>
[[gnu::always_inline]] inline bool Core::load(u64 va, T& out) {
    return load_fast(va, out) || load_slow(va, out);
}

template <typename T>
[[gnu::always_inline]] inline bool Core::store(u64 va, T value) {
    return store_fast(va, value) || store_slow(va, value);
}

template <typename T>
bool Core::load_slow(u64 va, T& out) {
    return access_slow(va, &out, sizeof(T), Access::Load);
}

template <typename T>
bool Core::store_slow(u64 va, T value) {
    return access_slow(va, &value, sizeof(T), Access::Store);
}

} // namespace kite::riscv
