#include "accel/kvm/x86_cpuid.h"

#include <bit>

namespace kite::kvm {
namespace {

constexpr u32 kHypervisorBit = 1u << 31; // leaf 1 ECX
constexpr u32 kHttBit = 1u << 28;        // leaf 1 EDX: "logical processor count is valid"

// Bits of the x2APIC ID that select a core within the package.
u32 core_id_bits(u32 cpu_count) {
    return cpu_count <= 1 ? 0 : std::bit_width(cpu_count - 1);
}

void fill_extended_topology(kvm_cpuid_entry2& e, u32 apic_id, u32 cpu_count) {
    // Level types (ECX[15:8]): 1 = SMT, 2 = core, 0 = invalid (ends the list).
    e.edx = apic_id;
    switch (e.index) {
    case 0: // SMT level: one thread per core
        e.eax = 0;
        e.ebx = 1;
        e.ecx = (1u << 8) | e.index;
        break;
    case 1: // core level
        e.eax = core_id_bits(cpu_count);
        e.ebx = cpu_count;
        e.ecx = (2u << 8) | e.index;
        break;
    default:
        e.eax = 0;
        e.ebx = 0;
        e.ecx = e.index;
        break;
    }
}

} // namespace

void apply_topology(std::vector<kvm_cpuid_entry2>& entries, u32 apic_id, u32 cpu_count) {
    bool has_leaf_b = false;
    for (auto& e : entries)
        has_leaf_b |= e.function == 0xb;
    for (auto& e : entries) {
        switch (e.function) {
        case 0x1:
            e.ebx = (e.ebx & 0x0000ffffu) | (apic_id << 24) | ((cpu_count & 0xffu) << 16);
            e.ecx |= kHypervisorBit;
            if (cpu_count > 1)
                e.edx |= kHttBit;
            else
                e.edx &= ~kHttBit;
            break;
        case 0x4:
            // EAX[31:26]: cores per package - 1. EAX[25:14]: threads sharing this cache - 1;
            // L1/L2 are private per core, the last level is shared by the package.
            if ((e.eax & 0x1f) != 0) {
                u32 level = (e.eax >> 5) & 0x7;
                u32 sharing = level >= 3 ? cpu_count - 1 : 0;
                e.eax = (e.eax & 0x3fffu) | ((sharing & 0xfffu) << 14) | (((cpu_count - 1) & 0x3fu) << 26);
            }
            break;
        case 0xb:
        case 0x1f:
            fill_extended_topology(e, apic_id, cpu_count);
            break;
        default:
            break;
        }
    }
    // KVM lists leaf 0xB with flags marking it index-significant; make sure the
    // two levels Linux walks exist even when KVM only listed subleaf 0.
    if (has_leaf_b) {
        bool has_sub1 = false;
        for (auto& e : entries)
            has_sub1 |= e.function == 0xb && e.index == 1;
        if (!has_sub1) {
            kvm_cpuid_entry2 sub1{};
            sub1.function = 0xb;
            sub1.index = 1;
            sub1.flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX;
            fill_extended_topology(sub1, apic_id, cpu_count);
            entries.push_back(sub1);
        }
    }
}

} // namespace kite::kvm
