// Address translation: Sv39/Sv48 page walks (privileged spec, "Virtual-Address
// Translation Process"), permission checks, hardware A/D updates and the
// software TLB that caches the result per 4 KiB page.
#include "cpu/riscv/core.h"

#include <atomic>

namespace kite::riscv {

namespace {

namespace pte {
constexpr u64 V = 1 << 0;
constexpr u64 R = 1 << 1;
constexpr u64 W = 1 << 2;
constexpr u64 X = 1 << 3;
constexpr u64 U = 1 << 4;
constexpr u64 A = 1 << 6;
constexpr u64 D = 1 << 7;
constexpr u64 kPpnMask = (u64{1} << 44) - 1;
constexpr int kReservedShift = 54; // bits 63:54: N, PBMT and reserved; none implemented
} // namespace pte

constexpr u64 kSatpModeBare = 0;
constexpr u64 kSatpModeSv39 = 8;

Exception page_fault(Access a) {
    switch (a) {
    case Access::Fetch:
        return Exception::InstructionPageFault;
    case Access::Load:
        return Exception::LoadPageFault;
    case Access::Store:
        return Exception::StorePageFault;
    }
    return Exception::LoadPageFault;
}

Exception access_fault(Access a) {
    switch (a) {
    case Access::Fetch:
        return Exception::InstructionAccessFault;
    case Access::Load:
        return Exception::LoadAccessFault;
    case Access::Store:
        return Exception::StoreAccessFault;
    }
    return Exception::LoadAccessFault;
}

Privilege data_privilege(const HartState& st) {
    // MPRV makes loads and stores use MPP's privilege (MPP never holds the
    // reserved value 2: mstatus writes keep the old MPP instead).
    if (st.mstatus & mstatus::MPRV)
        return static_cast<Privilege>((st.mstatus & mstatus::MPP) >> mstatus::MPP_SHIFT);
    return st.priv;
}

} // namespace

// TLB tag layout above the VPN (bits 51:0): generation 58:52, privilege
// 60:59, SUM 61, MXR 62, valid 63.
constexpr int kGenerationShift = 52;
constexpr u64 kGenerations = 128;

void Core::update_mmu_context() {
    constexpr u64 kValid = u64{1} << 63;
    const bool paged = (st.satp >> 60) != kSatpModeBare;
    auto ctx = [&](Privilege p, bool data) {
        u64 c = kValid | (m_tlb_generation << kGenerationShift) | (u64{static_cast<u8>(p)} << 59);
        // SUM and MXR only matter when a page walk applies.
        if (data && paged && p != Privilege::Machine) {
            if (st.mstatus & mstatus::SUM)
                c |= u64{1} << 61;
            if (st.mstatus & mstatus::MXR)
                c |= u64{1} << 62;
        }
        return c;
    };
    m_ctx[static_cast<int>(Access::Fetch)] = ctx(st.priv, false);
    const Privilege data = data_privilege(st);
    m_ctx[static_cast<int>(Access::Load)] = ctx(data, true);
    m_ctx[static_cast<int>(Access::Store)] = ctx(data, true);
    // The fetch cache was validated for the previous privilege.
    m_fetch_vbase = kNoFetchPage;
}

void Core::flush_tlb() {
    // A new generation makes every existing tag stale; only when the counter
    // wraps could an old tag match again, so that is when they are cleared.
    m_tlb_generation = (m_tlb_generation + 1) % kGenerations;
    if (m_tlb_generation == 0) {
        for (auto& table : m_tlb)
            for (auto& e : table)
                e.tag = 0;
    }
    update_mmu_context(); // also drops the fetch page
}

bool Core::translate(u64 va, Access access, u64& paddr) {
    const Privilege eff = access == Access::Fetch ? st.priv : data_privilege(st);
    if (eff == Privilege::Machine || (st.satp >> 60) == kSatpModeBare) {
        paddr = va;
        return true;
    }
    return page_walk(va, access, eff, paddr);
}

bool Core::page_walk(u64 va, Access access, Privilege eff, u64& paddr) {
    const int levels = (st.satp >> 60) == kSatpModeSv39 ? 3 : 4;
    const int va_bits = 12 + 9 * levels;
    // Bits above the VA width must copy its top bit.
    if (static_cast<u64>(static_cast<i64>(va << (64 - va_bits)) >> (64 - va_bits)) != va) {
        raise(page_fault(access), va);
        return false;
    }

    for (;;) { // restarts when an A/D update loses a race with another writer
        u64 table = (st.satp & pte::kPpnMask) << 12;
        bool restart = false;
        for (int level = levels - 1; level >= 0; --level) {
            const u64 pte_addr = table + ((va >> (12 + 9 * level)) & 0x1ff) * 8;
            u8* host = ram_host(pte_addr, 8);
            if (host == nullptr) { // page tables must live in RAM
                raise(access_fault(access), va);
                return false;
            }
            std::atomic_ref<u64> ref(*reinterpret_cast<u64*>(host));
            u64 entry = ref.load(std::memory_order_acquire);
            if (!(entry & pte::V) || (!(entry & pte::R) && (entry & pte::W)) ||
                (entry >> pte::kReservedShift) != 0) {
                raise(page_fault(access), va);
                return false;
            }
            const u64 ppn = (entry >> 10) & pte::kPpnMask;
            if (!(entry & (pte::R | pte::X))) { // pointer to the next level
                if (level == 0) {
                    raise(page_fault(access), va);
                    return false;
                }
                table = ppn << 12;
                continue;
            }

            // Leaf: permissions for this access at the effective privilege.
            bool ok;
            if (access == Access::Fetch) {
                ok = (entry & pte::X) != 0;
            } else if (access == Access::Load) {
                ok = (entry & pte::R) || ((st.mstatus & mstatus::MXR) && (entry & pte::X));
            } else {
                ok = (entry & pte::W) != 0;
            }
            if (eff == Privilege::User) {
                ok = ok && (entry & pte::U);
            } else if (entry & pte::U) {
                // S-mode never executes user pages; it may read/write them with SUM.
                ok = ok && access != Access::Fetch && (st.mstatus & mstatus::SUM);
            }
            // A superpage's physical address must be aligned to its size.
            const u64 low_ppn_mask = (u64{1} << (9 * level)) - 1;
            if (!ok || (ppn & low_ppn_mask) != 0) {
                raise(page_fault(access), va);
                return false;
            }

            // Hardware A/D update, atomically with respect to other writers.
            const u64 needed = pte::A | (access == Access::Store ? pte::D : 0);
            if ((entry & needed) != needed) {
                if (!ref.compare_exchange_strong(entry, entry | needed, std::memory_order_acq_rel)) {
                    restart = true;
                    break;
                }
            }

            const u64 offset_mask = (u64{1} << (12 + 9 * level)) - 1;
            paddr = ((ppn << 12) & ~offset_mask) | (va & offset_mask);
            return true;
        }
        if (!restart)
            return false; // unreachable: every level returns or continues
    }
}

TlbEntry* Core::tlb_fill(u64 va, Access access) {
    u64 paddr;
    if (!translate(va, access, paddr))
        return nullptr;
    const u64 vpn = va >> 12;
    TlbEntry& e = m_tlb[static_cast<int>(access)][vpn & (kTlbSize - 1)];
    e.paddr = paddr & ~kPageMask;
    e.host = ram_host(e.paddr, kPageSize);
    e.tag = vpn | m_ctx[static_cast<int>(access)];
    return &e;
}

u8* Core::ram_host(u64 paddr, u64 size) const {
    for (const RamRange& r : m_ram_ranges) {
        if (paddr >= r.start && paddr < r.end && size <= r.end - paddr)
            return r.host + (paddr - r.start);
    }
    return nullptr;
}

bool Core::phys_read(u64 paddr, void* out, unsigned size) {
    if (u8* host = ram_host(paddr, size)) {
        std::memcpy(out, host, size);
        return true;
    }
    // Device registers take naturally aligned accesses only.
    if ((paddr & (size - 1)) != 0)
        return false;
    return m_mmio.read(paddr, std::span(static_cast<u8*>(out), size));
}

bool Core::phys_write(u64 paddr, const void* in, unsigned size) {
    if (u8* host = ram_host(paddr, size)) {
        std::memcpy(host, in, size);
        return true;
    }
    if ((paddr & (size - 1)) != 0)
        return false;
    return m_mmio.write(paddr, std::span(static_cast<const u8*>(in), size));
}

bool Core::access_slow(u64 va, void* data, unsigned size, Access access) {
    const u64 offset = va & kPageMask;
    if (offset + size <= kPageSize) {
        TlbEntry* e = tlb_lookup(va, access);
        if (e == nullptr)
            return false;
        if (e->host != nullptr) {
            if (access == Access::Load)
                std::memcpy(data, e->host + offset, size);
            else
                std::memcpy(e->host + offset, data, size);
            return true;
        }
        const u64 paddr = e->paddr | offset;
        const bool ok = access == Access::Load ? phys_read(paddr, data, size) : phys_write(paddr, data, size);
        if (!ok)
            raise(access_fault(access), va);
        return ok;
    }

    // Misaligned across a page boundary: both pages must translate before any
    // byte is written, so the access stays precise. A fault in the second page
    // reports the address of that part.
    const unsigned first = static_cast<unsigned>(kPageSize - offset);
    TlbEntry* e1 = tlb_lookup(va, access);
    if (e1 == nullptr)
        return false;
    u8* host1 = e1->host;
    TlbEntry* e2 = tlb_lookup(va + first, access);
    if (e2 == nullptr)
        return false;
    u8* host2 = e2->host;
    if (host1 == nullptr || host2 == nullptr) { // never split an access to a device
        raise(access_fault(access), host1 == nullptr ? va : va + first);
        return false;
    }
    u8* bytes = static_cast<u8*>(data);
    if (access == Access::Load) {
        std::memcpy(bytes, host1 + offset, first);
        std::memcpy(bytes + first, host2, size - first);
    } else {
        std::memcpy(host1 + offset, bytes, first);
        std::memcpy(host2, bytes + first, size - first);
    }
    return true;
}

u8* Core::atomic_target(u64 va, unsigned size, Access access, u64& paddr) {
    // LR/SC/AMOs must be naturally aligned; they are never emulated by splitting.
    if ((va & (size - 1)) != 0) {
        raise(access == Access::Load ? Exception::LoadMisaligned : Exception::StoreMisaligned, va);
        return nullptr;
    }
    TlbEntry* e = tlb_lookup(va, access);
    if (e == nullptr)
        return nullptr;
    paddr = e->paddr | (va & kPageMask);
    if (e->host == nullptr) { // no atomics on device memory
        raise(access_fault(access), va);
        return nullptr;
    }
    return e->host + (va & kPageMask);
}

} // namespace kite::riscv
