// The run loop: instruction fetch through the per-page decode cache,
// dispatch, interrupt checks at instruction boundaries, WFI and stop requests.
#include "cpu/riscv/core.h"

#include "cpu/riscv/decode.h"
#include "cpu/riscv/exec.h"

namespace kite::riscv {

Core::Core(const GuestMemory& ram, Bus& mmio, HartConfig config)
    : m_ram(ram), m_mmio(mmio), m_config(std::move(config)), m_decode_pages(kDecodePages) {
    reset(0);
}

void Core::reset(u64 pc) {
    st = HartState{};
    st.pc = pc;
    st.priv = Privilege::Machine;
    st.mstatus = mstatus::UXL_64 | mstatus::SXL_64;
    resv_valid = false;
    m_end_slice = false;
    m_wfi = false;
    m_ram_ranges.clear();
    for (const GuestRegion& r : m_ram.regions())
        m_ram_ranges.push_back(RamRange{r.start.value, r.end(), r.mapping.data()});
    update_counter_steps();
    flush_tlb();
    flush_decode_cache();
    m_seen_priv = st.priv;
    m_seen_satp = st.satp;
    m_seen_mstatus = st.mstatus;
}

void Core::sync_external_changes() {
    // HartState is public: pick up edits made between two runs.
    if (m_ram.regions().size() != m_ram_ranges.size()) {
        m_ram_ranges.clear();
        for (const GuestRegion& r : m_ram.regions())
            m_ram_ranges.push_back(RamRange{r.start.value, r.end(), r.mapping.data()});
        flush_tlb();
        flush_decode_cache();
    }
    if (st.satp != m_seen_satp)
        flush_tlb();
    if (st.satp != m_seen_satp || st.priv != m_seen_priv || st.mstatus != m_seen_mstatus)
        update_mmu_context();
    update_counter_steps();
}

void Core::set_interrupt(InterruptLine line, bool level) {
    u64 bit = 0;
    switch (line) {
    case InterruptLine::MachineSoftware:
        bit = irq::bit(irq::MSI);
        break;
    case InterruptLine::MachineTimer:
        bit = irq::bit(irq::MTI);
        break;
    case InterruptLine::MachineExternal:
        bit = irq::bit(irq::MEI);
        break;
    case InterruptLine::SupervisorExternal:
        bit = irq::bit(irq::SEI);
        break;
    }
    if (level)
        m_mip_lines.fetch_or(bit, std::memory_order_acq_rel);
    else
        m_mip_lines.fetch_and(~bit, std::memory_order_acq_rel);
    m_attention.store(true, std::memory_order_release);
}

void Core::request_stop() {
    m_stop_requested.store(true, std::memory_order_release);
    m_attention.store(true, std::memory_order_release);
}

Hart::StopReason Core::run(u64 budget) {
    sync_external_changes();
    auto finish = [&](Hart::StopReason why) {
        m_seen_priv = st.priv;
        m_seen_satp = st.satp;
        m_seen_mstatus = st.mstatus;
        return why;
    };
    for (;;) {
        // Clear attention before sampling what it announces, so a line raised
        // or a stop requested from now on is seen by the next slice.
        m_attention.exchange(false, std::memory_order_acq_rel);
        if (m_stop_requested.exchange(false, std::memory_order_acq_rel))
            return finish(Hart::StopReason::StopRequested);
        if (budget == 0)
            return finish(Hart::StopReason::BudgetExhausted);
        take_pending_interrupt();
        budget -= execute(budget);
        if (m_wfi) {
            m_wfi = false;
            if (!has_pending_interrupt())
                return finish(Hart::StopReason::WaitingForInterrupt);
        }
    }
}

// Runs up to `budget` instructions (retired or trapped) and returns how many;
// stops early after an instruction that ends the slice or when another thread
// wants attention.
u64 Core::execute(u64 budget) {
    m_end_slice = false;
    u64 pc = st.pc; // kept in a register; st.pc is written back on traps and at the end
    u64 n = 0;
    while (n < budget) {
        ++n;
        const DecodedInsn* insn = nullptr;
        if ((pc & ~kPageMask) == m_fetch_vbase) [[likely]] {
            insn = &m_fetch_page->insns[(pc & kPageMask) >> 1];
            if (insn->op == Op::NotDecoded) [[unlikely]]
                insn = decode_at(pc);
        } else if (refill_fetch(pc)) {
            insn = decode_at(pc);
        }
        u64 next = kTrapPc;
        if (insn != nullptr) [[likely]]
            next = kHandlers[static_cast<std::size_t>(insn->op)](*this, *insn, pc);
        st.x[0] = 0;
        if (next != kTrapPc) [[likely]] {
            pc = next;
            st.minstret += m_instret_step;
            st.mcycle += m_cycle_step;
        } else {
            st.pc = pc;
            take_exception();
            pc = st.pc;
        }
        if (m_end_slice || m_attention.load(std::memory_order_relaxed)) [[unlikely]]
            break;
    }
    st.pc = pc;
    return n;
}

bool Core::refill_fetch(u64 pc) {
    TlbEntry* e = tlb_lookup(pc, Access::Fetch);
    if (e == nullptr)
        return false;
    if (e->host == nullptr) { // no execution from device memory
        raise(Exception::InstructionAccessFault, pc);
        return false;
    }
    m_fetch_page = decode_page(e->paddr);
    m_fetch_host = e->host;
    m_fetch_vbase = pc & ~kPageMask;
    return true;
}

// Decodes the instruction at pc (in the current fetch page) into its cache
// slot. An instruction straddling the page end depends on the next page too,
// so it is decoded each time into a scratch slot instead.
const DecodedInsn* Core::decode_at(u64 pc) {
    const u64 offset = pc & kPageMask;
    DecodedInsn& slot = m_fetch_page->insns[offset >> 1];
    if (slot.op != Op::NotDecoded)
        return &slot;
    u16 low;
    std::memcpy(&low, m_fetch_host + offset, 2);
    if (is_compressed(low)) {
        slot = decode_16(low);
        return &slot;
    }
    if (offset + 4 <= kPageSize) {
        u32 raw;
        std::memcpy(&raw, m_fetch_host + offset, 4);
        slot = decode_32(raw);
        return &slot;
    }
    TlbEntry* e = tlb_lookup(pc + 2, Access::Fetch); // a fault reports the second half's address
    if (e == nullptr)
        return nullptr;
    if (e->host == nullptr) {
        raise(Exception::InstructionAccessFault, pc + 2);
        return nullptr;
    }
    u16 high;
    std::memcpy(&high, e->host, 2);
    m_crossing_insn = decode_32(low | (u32{high} << 16));
    return &m_crossing_insn;
}

DecodePage* Core::decode_page(u64 paddr) {
    std::unique_ptr<DecodePage>& slot = m_decode_pages[(paddr >> 12) & (kDecodePages - 1)];
    if (!slot)
        slot = std::make_unique<DecodePage>();
    if (slot->tag != paddr) {
        slot->insns.fill(DecodedInsn{});
        slot->tag = paddr;
    }
    return slot.get();
}

void Core::flush_decode_cache() {
    for (auto& page : m_decode_pages)
        if (page)
            page->tag = DecodePage::kInvalidTag;
    m_fetch_vbase = kNoFetchPage;
}

bool Core::read_insn_bits(u64 pc, u32& raw) {
    TlbEntry* e = tlb_lookup(pc, Access::Fetch);
    if (e == nullptr || e->host == nullptr)
        return false;
    const u64 offset = pc & kPageMask;
    u16 low;
    std::memcpy(&low, e->host + offset, 2);
    if (is_compressed(low)) {
        raw = low;
        return true;
    }
    if (offset + 4 <= kPageSize) {
        std::memcpy(&raw, e->host + offset, 4);
        return true;
    }
    TlbEntry* e2 = tlb_lookup(pc + 2, Access::Fetch);
    if (e2 == nullptr || e2->host == nullptr)
        return false;
    u16 high;
    std::memcpy(&high, e2->host, 2);
    raw = low | (u32{high} << 16);
    return true;
}

u64 Core::illegal(u64 pc) {
    // The instruction was just fetched, so reading it again cannot fault.
    u32 raw = 0;
    read_insn_bits(pc, raw);
    return raise(Exception::IllegalInstruction, raw);
}

} // namespace kite::riscv
