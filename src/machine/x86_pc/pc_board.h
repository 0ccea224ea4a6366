#pragma once

#include "machine/common/machine.h"
#include "machine/x86_pc/pc_config.h"

#include <string_view>

namespace kite::machine {

// Builds the x86 `pc` board on the accelerator the factory opens (empty: KVM,
// pc_kvm_accelerator), boots the kernel and runs until the guest or the user
// stops it. Returns the process exit status.
MachineResult<int> run_pc(const PcConfig& config, AcceleratorFactory accelerator = {});

// The first words of the one error line when the host has no usable KVM
// (status 4): "kite: error: kvm unavailable: <why>". Tests match it exactly
// to tell a host without KVM (skip) from a KVM failure (status 8, a failure).
inline constexpr std::string_view kKvmUnavailable = "kvm unavailable";

// The board's fixed layout.
namespace pc {
constexpr u64 kLowRamEnd = 0xc000'0000; // RAM below the 32-bit PCI/MMIO hole
constexpr u64 kHighRamStart = 0x1'0000'0000;
constexpr u64 kMinMemory = 2 * MiB;
constexpr u32 kMaxCpus = 254; // xAPIC IDs 0..254, 255 is broadcast
constexpr u16 kCom1Port = 0x3f8;
constexpr u32 kCom1Irq = 4;
constexpr u16 kDebugExitPort = 0xf4;
constexpr u16 kI8042Port = 0x60;
constexpr u16 kPostCodePort = 0x80;
constexpr u16 kLpt1Port = 0x378;
constexpr u32 kLpt1Irq = 7;
constexpr u16 kTestDevPort = 0xe0;
constexpr u64 kTestDevMmio = 0xe000'0000;

// Guest RAM of `size` bytes: `low` bytes from 0, the other `high` from kHighRamStart.
struct RamLayout {
    u64 low;
    u64 high;
};
constexpr RamLayout ram_layout(u64 size) {
    u64 low = size < kLowRamEnd ? size : kLowRamEnd;
    return {low, size - low};
}
} // namespace pc

} // namespace kite::machine
