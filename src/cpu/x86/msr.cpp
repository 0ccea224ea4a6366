#include "cpu/x86/msr.h"

namespace kite::x86 {

namespace {

// The address-valued MSRs, or nullptr.
u64* address_msr(CpuState& st, u32 index) {
    switch (index) {
    case msr::LSTAR:
        return &st.lstar;
    case msr::CSTAR:
        return &st.cstar;
    case msr::FS_BASE:
        return &st.seg[FS].base;
    case msr::GS_BASE:
        return &st.seg[GS].base;
    case msr::KERNEL_GS_BASE:
        return &st.kernel_gs_base;
    default:
        return nullptr;
    }
}

} // namespace

bool read_msr(Core& c, u32 index, u64& out) {
    CpuState& st = c.st;
    if (u64* a = address_msr(st, index)) {
        out = *a;
        return true;
    }
    switch (index) {
    case msr::EFER:
        out = st.efer;
        return true;
    case msr::STAR:
        out = st.star;
        return true;
    case msr::SFMASK:
        out = st.sfmask;
        return true;
    default:
        return c.raise(Exception::gp(0));
    }
}

bool write_msr(Core& c, u32 index, u64 value) {
    CpuState& st = c.st;
    if (u64* a = address_msr(st, index)) {
        if (!is_canonical(value))
            return c.raise(Exception::gp(0));
        *a = value;
        return true;
    }
    switch (index) {
    case msr::EFER:
        // SCE, LME and NXE are writable; LMA follows the mode; the rest is reserved.
        if (value & ~(efer::SCE | efer::LME | efer::LMA | efer::NXE))
            return c.raise(Exception::gp(0));
        st.efer = (st.efer & efer::LMA) | (value & ~efer::LMA);
        return true;
    case msr::STAR:
        st.star = value;
        return true;
    case msr::SFMASK:
        st.sfmask = value & 0xffffffff;
        return true;
    default:
        return c.raise(Exception::gp(0));
    }
}

} // namespace kite::x86
