#include "cpu/riscv/csr_numbers.h"

namespace kite::riscv {

std::string_view csr_name(u16 number) {
    switch (number) {
    case csr::Fflags:
        return "fflags";
    case csr::Frm:
        return "frm";
    case csr::Fcsr:
        return "fcsr";
    case csr::Cycle:
        return "cycle";
    case csr::Time:
        return "time";
    case csr::Instret:
        return "instret";
    case csr::Sstatus:
        return "sstatus";
    case csr::Sie:
        return "sie";
    case csr::Stvec:
        return "stvec";
    case csr::Scounteren:
        return "scounteren";
    case csr::Senvcfg:
        return "senvcfg";
    case csr::Sscratch:
        return "sscratch";
    case csr::Sepc:
        return "sepc";
    case csr::Scause:
        return "scause";
    case csr::Stval:
        return "stval";
    case csr::Sip:
        return "sip";
    case csr::Satp:
        return "satp";
    case csr::Mvendorid:
        return "mvendorid";
    case csr::Marchid:
        return "marchid";
    case csr::Mimpid:
        return "mimpid";
    case csr::Mhartid:
        return "mhartid";
    case csr::Mconfigptr:
        return "mconfigptr";
    case csr::Mstatus:
        return "mstatus";
    case csr::Misa:
        return "misa";
    case csr::Medeleg:
        return "medeleg";
    case csr::Mideleg:
        return "mideleg";
    case csr::Mie:
        return "mie";
    case csr::Mtvec:
        return "mtvec";
    case csr::Mcounteren:
        return "mcounteren";
    case csr::Menvcfg:
        return "menvcfg";
    case csr::Mcountinhibit:
        return "mcountinhibit";
    case csr::Mscratch:
        return "mscratch";
    case csr::Mepc:
        return "mepc";
    case csr::Mcause:
        return "mcause";
    case csr::Mtval:
        return "mtval";
    case csr::Mip:
        return "mip";
    case csr::Mcycle:
        return "mcycle";
    case csr::Minstret:
        return "minstret";
    case csr::Tselect:
        return "tselect";
    case csr::Tdata1:
        return "tdata1";
    case csr::Tdata2:
        return "tdata2";
    case csr::Tdata3:
        return "tdata3";
    case csr::Tinfo:
        return "tinfo";
    default:
        return "";
    }
}

} // namespace kite::riscv
