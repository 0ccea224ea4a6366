#include "accel/kvm/kvm_vcpu.h"

#include "accel/kvm/kvm_abi.h"
#include "accel/kvm/kvm_ioctl.h"
#include "accel/kvm/x86_cpuid.h"
#include "accel/kvm/x86_registers.h"

#include <algorithm>
#include <cstring>

namespace kite::kvm {
namespace {

constexpr u32 kMsrIa32MiscEnable = 0x1a0;
constexpr u32 kMsrMtrrDefType = 0x2ff;
constexpr u64 kMiscEnableFastStrings = 1;
constexpr u64 kMtrrEnableWriteBack = (1u << 11) | 6; // MTRRs on, default type WB

constexpr u32 kApicLvt0 = 0x350;
constexpr u32 kApicLvt1 = 0x360;
constexpr u32 kApicDeliveryExtInt = 0x7 << 8;
constexpr u32 kApicDeliveryNmi = 0x4 << 8;

u32 read_apic_reg(const kvm_lapic_state& s, u32 offset) {
    u32 v;
    std::memcpy(&v, s.regs + offset, sizeof(v));
    return v;
}

void write_apic_reg(kvm_lapic_state& s, u32 offset, u32 value) {
    std::memcpy(s.regs + offset, &value, sizeof(value));
}

} // namespace

Result<std::unique_ptr<KvmVcpu>> KvmVcpu::create(int vm_fd, u32 index, u32 vcpu_count,
                                                 const KvmCapabilities& caps, const GuestMemory* memory) {
    int raw =
        TRY(checked_ioctl(vm_fd, KVM_CREATE_VCPU, static_cast<unsigned long>(index), "KVM_CREATE_VCPU"));
    UniqueFd fd(raw);
    auto run = TRY_CONTEXT(MmapRegion::map_fd(fd.get(), caps.vcpu_mmap_size), "map kvm_run");
    std::unique_ptr<KvmVcpu> vcpu(new KvmVcpu(std::move(fd), std::move(run), index, memory));

    auto cpuid = caps.supported_cpuid;
    apply_topology(cpuid, index, vcpu_count);
    TRY(vcpu->set_cpuid(cpuid));

    std::vector<kvm_msr_entry> msrs;
    auto supported = [&](u32 msr) {
        return std::find(caps.msr_indices.begin(), caps.msr_indices.end(), msr) != caps.msr_indices.end();
    };
    if (supported(kMsrIa32MiscEnable))
        msrs.push_back({.index = kMsrIa32MiscEnable, .reserved = 0, .data = kMiscEnableFastStrings});
    if (supported(kMsrMtrrDefType))
        msrs.push_back({.index = kMsrMtrrDefType, .reserved = 0, .data = kMtrrEnableWriteBack});
    TRY(vcpu->set_msrs(msrs));

    auto lapic = TRY(vcpu->get_lapic());
    write_apic_reg(lapic, kApicLvt0, (read_apic_reg(lapic, kApicLvt0) & ~0x1'07ffu) | kApicDeliveryExtInt);
    write_apic_reg(lapic, kApicLvt1, (read_apic_reg(lapic, kApicLvt1) & ~0x1'07ffu) | kApicDeliveryNmi);
    TRY(vcpu->set_lapic(lapic));
    return vcpu;
}

Result<kvm_regs> KvmVcpu::get_regs() const {
    kvm_regs regs{};
    TRY(checked_ioctl(m_fd.get(), KVM_GET_REGS, &regs, "KVM_GET_REGS"));
    return regs;
}

Result<void> KvmVcpu::set_regs(const kvm_regs& regs) {
    TRY(checked_ioctl(m_fd.get(), KVM_SET_REGS, &regs, "KVM_SET_REGS"));
    return {};
}

Result<kvm_sregs> KvmVcpu::get_sregs() const {
    kvm_sregs sregs{};
    TRY(checked_ioctl(m_fd.get(), KVM_GET_SREGS, &sregs, "KVM_GET_SREGS"));
    return sregs;
}

Result<void> KvmVcpu::set_sregs(const kvm_sregs& sregs) {
    TRY(checked_ioctl(m_fd.get(), KVM_SET_SREGS, &sregs, "KVM_SET_SREGS"));
    return {};
}

Result<void> KvmVcpu::set_cpuid(const std::vector<kvm_cpuid_entry2>& entries) {
    auto buffer = abi::pack(abi::CpuidHeader{static_cast<u32>(entries.size()), 0},
                            std::span<const kvm_cpuid_entry2>(entries));
    TRY(checked_ioctl(m_fd.get(), abi::kSetCpuid2, buffer.data(), "KVM_SET_CPUID2"));
    return {};
}

Result<void> KvmVcpu::set_msrs(const std::vector<kvm_msr_entry>& entries) {
    if (entries.empty())
        return {};
    auto buffer = abi::pack(abi::MsrsHeader{static_cast<u32>(entries.size()), 0},
                            std::span<const kvm_msr_entry>(entries));
    int set = TRY(checked_ioctl(m_fd.get(), abi::kSetMsrs, buffer.data(), "KVM_SET_MSRS"));
    // KVM stops at the first MSR it rejects and returns how many it set.
    if (static_cast<std::size_t>(set) != entries.size())
        return error("KVM_SET_MSRS: MSR {:#x} was rejected", entries[set].index);
    return {};
}

Result<kvm_lapic_state> KvmVcpu::get_lapic() const {
    kvm_lapic_state state{};
    TRY(checked_ioctl(m_fd.get(), KVM_GET_LAPIC, &state, "KVM_GET_LAPIC"));
    return state;
}

Result<void> KvmVcpu::set_lapic(const kvm_lapic_state& state) {
    TRY(checked_ioctl(m_fd.get(), KVM_SET_LAPIC, &state, "KVM_SET_LAPIC"));
    return {};
}

Result<u64> KvmVcpu::translate(u64 linear_address) const {
    kvm_translation t{};
    t.linear_address = linear_address;
    TRY(checked_ioctl(m_fd.get(), KVM_TRANSLATE, &t, "KVM_TRANSLATE"));
    if (!t.valid)
        return error("linear address {:#x} is not mapped", linear_address);
    return static_cast<u64>(t.physical_address);
}

Result<void> KvmVcpu::set_entry_state(const accel::X86EntryState& state) {
    auto sregs = TRY(get_sregs());
    kvm_regs regs{};
    apply_entry_state(state, regs, sregs);
    TRY(set_sregs(sregs));
    TRY(set_regs(regs));
    return {};
}

Result<accel::VcpuExit> KvmVcpu::run() {
    int r = ::ioctl(m_fd.get(), KVM_RUN, 0);
    if (r < 0) {
        // EINTR: a kick signal arrived; EAGAIN: immediate_exit was already set.
        // Either way the request has been seen: clear it, so the next KVM_RUN
        // (after a pause, say) runs the guest again instead of returning at once.
        if (errno == EINTR || errno == EAGAIN) {
            __atomic_store_n(&run_struct()->immediate_exit, 0, __ATOMIC_SEQ_CST);
            return accel::InterruptedExit{};
        }
        return errno_error(fmt::format("KVM_RUN on vCPU {}", m_index));
    }
    return decode_exit();
}

accel::VcpuExit KvmVcpu::decode_exit() {
    kvm_run* run = run_struct();
    switch (run->exit_reason) {
    case KVM_EXIT_IO: {
        u8* base = m_run_mapping.data();
        std::size_t len = static_cast<std::size_t>(run->io.size) * run->io.count;
        // The data offset comes from the kernel, but bound it anyway before forming a span.
        if (run->io.data_offset >= m_run_mapping.size() || len > m_run_mapping.size() - run->io.data_offset)
            return accel::InternalErrorExit{0, "KVM_EXIT_IO data outside the kvm_run page"};
        return accel::PioExit{run->io.port, run->io.size, run->io.count,
                              run->io.direction == KVM_EXIT_IO_OUT ? accel::IoDirection::Out
                                                                   : accel::IoDirection::In,
                              std::span<u8>(base + run->io.data_offset, len)};
    }
    case KVM_EXIT_MMIO:
        return accel::MmioExit{run->mmio.phys_addr, run->mmio.is_write != 0,
                               std::span<u8>(run->mmio.data, std::min<u32>(run->mmio.len, 8))};
    case KVM_EXIT_HLT:
        return accel::HaltExit{};
    case KVM_EXIT_SHUTDOWN:
        return accel::ShutdownExit{};
    case KVM_EXIT_SYSTEM_EVENT: {
        accel::SystemEventKind kind = accel::SystemEventKind::Other;
        switch (run->system_event.type) {
        case KVM_SYSTEM_EVENT_SHUTDOWN:
            kind = accel::SystemEventKind::Shutdown;
            break;
        case KVM_SYSTEM_EVENT_RESET:
            kind = accel::SystemEventKind::Reset;
            break;
        case KVM_SYSTEM_EVENT_CRASH:
            kind = accel::SystemEventKind::Crash;
            break;
        default:
            break;
        }
        return accel::SystemEventExit{kind, run->system_event.type};
    }
    case KVM_EXIT_FAIL_ENTRY:
        return accel::FailEntryExit{run->fail_entry.hardware_entry_failure_reason, run->fail_entry.cpu};
    case KVM_EXIT_INTERNAL_ERROR: {
        std::string detail;
        for (u32 i = 0; i < run->internal.ndata && i < 16; ++i)
            detail += fmt::format("{}{:#x}", i ? " " : "data: ", run->internal.data[i]);
        return accel::InternalErrorExit{run->internal.suberror, detail};
    }
    case KVM_EXIT_INTR:
        return accel::InterruptedExit{};
    default:
        return accel::UnknownExit{run->exit_reason};
    }
}

void KvmVcpu::request_exit() {
    // Seen by KVM on the next KVM_RUN entry; the caller also signals the thread
    // to break a KVM_RUN already in progress.
    __atomic_store_n(&run_struct()->immediate_exit, 1, __ATOMIC_SEQ_CST);
}

std::string KvmVcpu::describe_state() {
    auto regs = get_regs();
    auto sregs = get_sregs();
    if (!regs || !sregs)
        return fmt::format("vCPU {}: registers unavailable", m_index);
    const kvm_regs& r = *regs;
    const kvm_sregs& s = *sregs;
    std::string out =
        fmt::format("vCPU {} registers:\n"
                    "  rax={:016x} rbx={:016x} rcx={:016x} rdx={:016x}\n"
                    "  rsi={:016x} rdi={:016x} rbp={:016x} rsp={:016x}\n"
                    "  r8 ={:016x} r9 ={:016x} r10={:016x} r11={:016x}\n"
                    "  r12={:016x} r13={:016x} r14={:016x} r15={:016x}\n"
                    "  rip={:016x} rflags={:08x}\n"
                    "  cs={:04x} base={:x} l={} db={}  ss={:04x} ds={:04x}\n"
                    "  cr0={:x} cr2={:x} cr3={:x} cr4={:x} efer={:x}\n",
                    m_index, r.rax, r.rbx, r.rcx, r.rdx, r.rsi, r.rdi, r.rbp, r.rsp, r.r8, r.r9, r.r10, r.r11,
                    r.r12, r.r13, r.r14, r.r15, r.rip, r.rflags, s.cs.selector, s.cs.base, s.cs.l, s.cs.db,
                    s.ss.selector, s.ds.selector, s.cr0, s.cr2, s.cr3, s.cr4, s.efer);
    u64 linear = s.cs.base + r.rip;
    auto physical = (s.cr0 & kCr0Pg) ? translate(linear) : Result<u64>(linear);
    std::array<u8, 16> code{};
    if (physical && m_memory && m_memory->read(GuestAddress(*physical), code)) {
        out += fmt::format("  bytes at rip (phys {:#x}):", *physical);
        for (u8 b : code)
            out += fmt::format(" {:02x}", b);
        out += "\n";
    } else {
        out += fmt::format("  bytes at rip: unreadable (linear {:#x})\n", linear);
    }
    return out;
}

} // namespace kite::kvm
