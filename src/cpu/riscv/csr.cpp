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
    if (n >= csr::Pmpcfg0 && n <= csr::Pmpcfg15) {
        if (n & 1)
            return false; // odd pmpcfg registers do not exist on RV64
        v = st.pmpcfg[(n - csr::Pmpcfg0) / 2];
        return true;
    }
    if (n >= csr::Pmpaddr0 && n <= csr::Pmpaddr63) {
        v = st.pmpaddr[n - csr::Pmpaddr0];
        return true;
    }
    if ((n >= csr::Mhpmcounter3 && n <= csr::Mhpmcounter31) ||
        (n >= csr::Mhpmevent3 && n <= csr::Mhpmevent31)) {
        v = 0;
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
    case csr::Stvec:
        v = st.stvec;
        return true;
    case csr::Scounteren:
        v = st.scounteren;
        return true;
    case csr::Senvcfg:
        v = st.senvcfg;
        return true;
    case csr::Sscratch:
        v = st.sscratch;
        return true;
    case csr::Sepc:
        v = st.sepc;
        return true;
    case csr::Scause:
        v = st.scause;
        return true;
    case csr::Stval:
        v = st.stval;
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
    case csr::Medeleg:
        v = st.medeleg;
        return true;
    case csr::Mideleg:
        v = st.mideleg;
        return true;
    case csr::Mie:
        v = st.mie;
        return true;
    case csr::Mtvec:
        v = st.mtvec;
        return true;
    case csr::Mcounteren:
        v = st.mcounteren;
        return true;
    case csr::Menvcfg:
        v = st.menvcfg;
        return true;
    case csr::Mcountinhibit:
        v = st.mcountinhibit;
        return true;
    case csr::Mscratch:
        v = st.mscratch;
        return true;
    case csr::Mepc:
        v = st.mepc;
        return true;
    case csr::Mcause:
        v = st.mcause;
        return true;
    case csr::Mtval:
        v = st.mtval;
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
    if (n >= csr::Pmpcfg0 && n <= csr::Pmpcfg15) {
        if (n & 1)
            return false;
        st.pmpcfg[(n - csr::Pmpcfg0) / 2] = v;
        return true;
    }
    if (n >= csr::Pmpaddr0 && n <= csr::Pmpaddr63) {
        st.pmpaddr[n - csr::Pmpaddr0] = v & kPmpaddrMask;
        return true;
    }
    if ((n >= csr::Mhpmcounter3 && n <= csr::Mhpmcounter31) ||
        (n >= csr::Mhpmevent3 && n <= csr::Mhpmevent31))
        return true; // hardwired to zero
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
    case csr::Stvec:
        st.stvec = v & ~u64{2};
        return true; // modes 2/3 are reserved
    case csr::Scounteren:
        st.scounteren = v & 0xffffffff;
        return true;
    case csr::Senvcfg:
        st.senvcfg = v & kEnvcfgMask;
        return true;
    case csr::Sscratch:
        st.sscratch = v;
        return true;
    case csr::Sepc:
        st.sepc = v & ~u64{1};
        return true;
    case csr::Scause:
        st.scause = v;
        return true;
    case csr::Stval:
        st.stval = v;
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
    case csr::Medeleg:
        st.medeleg = v & kMedelegMask;
        return true;
    case csr::Mideleg:
        st.mideleg = v & irq::kSupervisorMask;
        return true;
    case csr::Mie:
        st.mie = v & irq::kAllMask;
        return true;
    case csr::Mtvec:
        st.mtvec = v & ~u64{2};
        return true;
    case csr::Mcounteren:
        st.mcounteren = v & 0xffffffff;
        return true;
    case csr::Menvcfg:
        st.menvcfg = v & kEnvcfgMask;
        return true;
    case csr::Mcountinhibit:
        st.mcountinhibit = v & 0xfffffffd; // bit 1 (time) is read-only zero
        update_counter_steps();
        return true;
    case csr::Mscratch:
        st.mscratch = v;
        return true;
    case csr::Mepc:
        st.mepc = v & ~u64{1};
        return true;
    case csr::Mcause:
        st.mcause = v;
        return true;
    case csr::Mtval:
        st.mtval = v;
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
