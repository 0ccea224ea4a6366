// Control and status registers: access rules, WARL legalisation and the
// side effects of writes (privileged spec, "Control and Status Registers").
#include "cpu/riscv/core.h"

namespace kite::riscv {

namespace {

constexpr u64 misa_value() {
    constexpr u64 kMxl64 = u64{2} << 62;
    u64 v = kMxl64;
    for (char ext : {'A', 'C', 'D', 'F', 'I', 'M', 'S', 'U'})
        v |= u64{1} << (ext - 'A');
    return v;
}

constexpr u64 kMstatusWritable = mstatus::SIE | mstatus::MIE | mstatus::SPIE | mstatus::MPIE | mstatus::SPP |
                                 mstatus::MPP | mstatus::FS | mstatus::MPRV | mstatus::SUM | mstatus::MXR |
                                 mstatus::TVM | mstatus::TW | mstatus::TSR;
constexpr u64 kSstatusWritable =
    mstatus::SIE | mstatus::SPIE | mstatus::SPP | mstatus::FS | mstatus::SUM | mstatus::MXR;
constexpr u64 kSstatusReadable = kSstatusWritable | mstatus::UXL | mstatus::SD;

// Exceptions that may be delegated: all standard ones except ecall from M
// (it cannot reach S) and the reserved codes 10 and 14.
constexpr u64 kMedelegMask = 0xb3ff;

constexpr u64 kSatpPpnMask = (u64{1} << 44) - 1;
constexpr u64 kPmpaddrMask = (u64{1} << 54) - 1;

// Only FIOM exists among the envcfg fields (no Zicbo*, Svpbmt or Sstc).
constexpr u64 kEnvcfgMask = 1;

u64 with_sd(u64 ms) {
    return (ms & mstatus::FS) == mstatus::FS_DIRTY ? (ms | mstatus::SD) : (ms & ~mstatus::SD);
}

// The hpm counters and events: hardwired to zero, writes ignored.
constexpr bool hardwired_zero(u16 n) {
    return (n >= csr::Mhpmcounter3 && n <= csr::Mhpmcounter31) ||
           (n >= csr::Mhpmevent3 && n <= csr::Mhpmevent31);
}

// The trigger module (debug spec, Sdtrig) with no triggers: tselect is WARL
// and legalises every index to 0; at that index tdata1 reads type 0 ("no
// trigger"), tdata2/tdata3 read 0, and tinfo reads 1 (only type 0). Writes to
// all of them are ignored.
constexpr bool trigger_csr(u16 n) {
    return n >= csr::Tselect && n <= csr::Tinfo;
}
constexpr u64 kTinfoNoTrigger = 1;

// A CSR that is plain storage: a read returns the field, a write stores the
// value masked by writable (WARL). field is nullptr for every other number,
// including the odd pmpcfg registers, which do not exist on RV64.
struct PlainCsr {
    u64* field;
    u64 writable;
};

PlainCsr plain_csr(HartState& st, u16 n) {
    constexpr u64 kAll = ~u64{0};
    if (n >= csr::Pmpcfg0 && n <= csr::Pmpcfg15)
        return (n & 1) ? PlainCsr{nullptr, 0} : PlainCsr{&st.pmpcfg[(n - csr::Pmpcfg0) / 2], kAll};
    if (n >= csr::Pmpaddr0 && n <= csr::Pmpaddr63)
        return {&st.pmpaddr[n - csr::Pmpaddr0], kPmpaddrMask};
    switch (n) {
    case csr::Medeleg:
        return {&st.medeleg, kMedelegMask};
    case csr::Mideleg:
        return {&st.mideleg, irq::kSupervisorMask};
    case csr::Mie:
        return {&st.mie, irq::kAllMask};
    default:
        break;
    }
    // S's trap CSRs stand 0x200 below M's, with the same WARL masks.
    static_assert(csr::Mtvec - csr::Stvec == 0x200 && csr::Mcounteren - csr::Scounteren == 0x200 &&
                  csr::Menvcfg - csr::Senvcfg == 0x200 && csr::Mscratch - csr::Sscratch == 0x200 &&
                  csr::Mepc - csr::Sepc == 0x200 && csr::Mcause - csr::Scause == 0x200 &&
                  csr::Mtval - csr::Stval == 0x200);
    const bool s = (n >> 8) == 1;
    switch (s ? n + 0x200 : n) {
    case csr::Mtvec:
        return {s ? &st.stvec : &st.mtvec, ~u64{2}}; // modes 2/3 are reserved
    case csr::Mcounteren:
        return {s ? &st.scounteren : &st.mcounteren, 0xffffffff};
    case csr::Menvcfg:
        return {s ? &st.senvcfg : &st.menvcfg, kEnvcfgMask};
    case csr::Mscratch:
        return {s ? &st.sscratch : &st.mscratch, kAll};
    case csr::Mepc:
        return {s ? &st.sepc : &st.mepc, ~u64{1}};
    case csr::Mcause:
        return {s ? &st.scause : &st.mcause, kAll};
    case csr::Mtval:
        return {s ? &st.stval : &st.mtval, kAll};
    default:
        return {nullptr, 0};
    }
}

} // namespace

bool Core::csr_accessible(u16 number, bool write) const {
    if (write && (number >> 10) == 3)
        return false; // read-only CSR
    return static_cast<unsigned>(st.priv) >= ((number >> 8) & 3u);
}

bool Core::csr_read(u16 n, u64& v) {
    // User-level counters: below M, enabled by mcounteren (and scounteren for U).
    if (n >= csr::Cycle && n <= csr::Hpmcounter31) {
        const unsigned idx = n - csr::Cycle;
        if (st.priv != Privilege::Machine) {
            if (!((st.mcounteren >> idx) & 1))
                return false;
            if (st.priv == Privilege::User && !((st.scounteren >> idx) & 1))
                return false;
        }
        v = n == csr::Cycle ? st.mcycle : n == csr::Time ? read_time() : n == csr::Instret ? st.minstret : 0;
        return true;
    }
    if (const PlainCsr plain = plain_csr(st, n); plain.field != nullptr) {
        v = *plain.field;
        return true;
    }
    if (hardwired_zero(n)) {
        v = 0;
        return true;
    }
    if (trigger_csr(n)) {
        v = n == csr::Tinfo ? kTinfoNoTrigger : 0;
        return true;
    }
    switch (n) {
    case csr::Fflags:
    case csr::Frm:
    case csr::Fcsr:
        if (!fp_enabled())
            return false;
        v = n == csr::Fflags ? st.fflags : n == csr::Frm ? st.frm : (u64{st.frm} << 5) | st.fflags;
        return true;
    case csr::Sstatus:
        v = with_sd(st.mstatus) & kSstatusReadable;
        return true;
    case csr::Sie:
        v = st.mie & st.mideleg;
        return true;
    case csr::Sip:
        v = effective_mip() & st.mideleg;
        return true;
    case csr::Satp:
        if (st.priv == Privilege::Supervisor && (st.mstatus & mstatus::TVM))
            return false;
        v = st.satp;
        return true;
    case csr::Mvendorid:
    case csr::Marchid:
    case csr::Mimpid:
    case csr::Mconfigptr:
        v = 0;
        return true;
    case csr::Mhartid:
        v = m_config.hart_id;
        return true;
    case csr::Mstatus:
        v = with_sd(st.mstatus);
        return true;
    case csr::Misa:
        v = misa_value();
        return true;
    case csr::Mcountinhibit:
        v = st.mcountinhibit;
        return true;
    case csr::Mip:
        v = effective_mip();
        return true;
    case csr::Mcycle:
        v = st.mcycle;
        return true;
    case csr::Minstret:
        v = st.minstret;
        return true;
    default:
        return false;
    }
}

bool Core::csr_write(u16 n, u64 v) {
    if (const PlainCsr plain = plain_csr(st, n); plain.field != nullptr) {
        *plain.field = v & plain.writable;
        return true;
    }
    if (hardwired_zero(n) || trigger_csr(n))
        return true;
    switch (n) {
    case csr::Fflags:
    case csr::Frm:
    case csr::Fcsr:
        if (!fp_enabled())
            return false;
        if (n == csr::Fflags || n == csr::Fcsr)
            st.fflags = static_cast<u8>(v & 0x1f);
        if (n == csr::Frm)
            st.frm = static_cast<u8>(v & 7);
        if (n == csr::Fcsr)
            st.frm = static_cast<u8>((v >> 5) & 7);
        fp_dirty();
        return true;
    case csr::Sstatus:
        st.mstatus = (st.mstatus & ~kSstatusWritable) | (v & kSstatusWritable);
        update_mmu_context();
        return true;
    case csr::Sie:
        st.mie = (st.mie & ~st.mideleg) | (v & st.mideleg);
        return true;
    case csr::Sip: {
        const u64 writable = irq::bit(irq::SSI) & st.mideleg;
        st.mip = (st.mip & ~writable) | (v & writable);
        return true;
    }
    case csr::Satp: {
        if (st.priv == Privilege::Supervisor && (st.mstatus & mstatus::TVM))
            return false;
        const u64 mode = v >> 60;
        if (mode != 0 && mode != 8 && mode != 9)
            return true; // unsupported mode: the whole write is ignored
        // ASIDLEN is 0: the TLB ignores ASIDs and is flushed on every write.
        st.satp = (mode << 60) | (v & kSatpPpnMask);
        flush_tlb();
        return true;
    }
    case csr::Mstatus: {
        u64 ms = (st.mstatus & ~kMstatusWritable) | (v & kMstatusWritable);
        if (((ms & mstatus::MPP) >> mstatus::MPP_SHIFT) == 2) // reserved: keep the old MPP
            ms = (ms & ~mstatus::MPP) | (st.mstatus & mstatus::MPP);
        st.mstatus = (ms & ~mstatus::SD) | mstatus::UXL_64 | mstatus::SXL_64;
        update_mmu_context();
        return true;
    }
    case csr::Misa:
        return true; // fixed
    case csr::Mcountinhibit:
        st.mcountinhibit = v & 0xfffffffd; // bit 1 (time) is read-only zero
        update_counter_steps();
        return true;
    case csr::Mip: // SSIP, STIP and SEIP are writable by M; the rest are device lines
        st.mip = (st.mip & ~irq::kSupervisorMask) | (v & irq::kSupervisorMask);
        return true;
    // The run loop adds one after this instruction retires (unless inhibited);
    // pre-compensate so the next instruction reads the written value.
    case csr::Mcycle:
        st.mcycle = v - m_cycle_step;
        return true;
    case csr::Minstret:
        st.minstret = v - m_instret_step;
        return true;
    default:
        return false;
    }
}

void Core::update_counter_steps() {
    m_cycle_step = (st.mcountinhibit & 1) ? 0 : 1;
    m_instret_step = (st.mcountinhibit & 4) ? 0 : 1;
}

} // namespace kite::riscv
