#pragma once

#include "base/types.h"

#include <cstring>
#include <linux/kvm.h>
#include <span>
#include <vector>

namespace kite::kvm::abi {

// The kernel declares the variable-length KVM structs with __DECLARE_FLEX_ARRAY,
// which in C++ inserts a one-byte empty struct before the array: sizeof and the
// entries' offset then differ from the C ABI, and so do the ioctl numbers derived
// from sizeof. Kite uses these C-layout headers, followed by the entries, instead.

struct CpuidHeader {
    u32 nent;
    u32 padding;
};
static_assert(sizeof(CpuidHeader) == 8);

struct MsrsHeader {
    u32 nmsrs;
    u32 pad;
};
static_assert(sizeof(MsrsHeader) == 8 && alignof(kvm_msr_entry) <= 8);

struct MsrListHeader {
    u32 nmsrs;
};
static_assert(sizeof(MsrListHeader) == 4);

static_assert(sizeof(kvm_cpuid_entry2) == 40);
static_assert(sizeof(kvm_msr_entry) == 16);

constexpr unsigned long kGetMsrIndexList = _IOWR(KVMIO, 0x02, MsrListHeader);
constexpr unsigned long kGetSupportedCpuid = _IOWR(KVMIO, 0x05, CpuidHeader);
constexpr unsigned long kSetMsrs = _IOW(KVMIO, 0x89, MsrsHeader);
constexpr unsigned long kSetCpuid2 = _IOW(KVMIO, 0x90, CpuidHeader);

// Lays out a variable-length ioctl argument: the header, then the entries.
template <typename Header, typename Entry>
std::vector<u8> pack(const Header& header, std::span<const Entry> entries) {
    std::vector<u8> buffer(sizeof(Header) + entries.size_bytes());
    std::memcpy(buffer.data(), &header, sizeof(Header));
    std::memcpy(buffer.data() + sizeof(Header), entries.data(), entries.size_bytes());
    return buffer;
}

} // namespace kite::kvm::abi
