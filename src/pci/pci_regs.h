#pragma once

// Register offsets and bits of a type-0 PCI configuration header (PCI Local
// Bus 3.0, 6.1-6.2) that Kite's PCI devices and host use.

#include "base/types.h"

namespace kite::pci {

constexpr u16 kConfigSpaceSize = 256;
constexpr u16 kExtendedConfigSpaceSize = 4096; // per function, as ECAM addresses it
constexpr u8 kBarCount = 6;
constexpr u16 kFirstCapabilityOffset = 0x40; // capabilities live after the header
constexpr u16 kInvalidVendorId = 0xFFFF;     // what an absent function reads

namespace reg {
constexpr u16 kVendorId = 0x00;
constexpr u16 kDeviceId = 0x02;
constexpr u16 kCommand = 0x04;
constexpr u16 kStatus = 0x06;
constexpr u16 kRevisionId = 0x08;
constexpr u16 kClassCode = 0x09; // 3 bytes: programming interface, subclass, base class
constexpr u16 kCacheLineSize = 0x0C;
constexpr u16 kLatencyTimer = 0x0D;
constexpr u16 kHeaderType = 0x0E;
constexpr u16 kBist = 0x0F;
constexpr u16 kBar0 = 0x10;
constexpr u16 kBarEnd = 0x28; // one past BAR5
constexpr u16 kSubsystemVendorId = 0x2C;
constexpr u16 kSubsystemId = 0x2E;
constexpr u16 kExpansionRom = 0x30;
constexpr u16 kCapabilitiesPointer = 0x34;
constexpr u16 kInterruptLine = 0x3C;
constexpr u16 kInterruptPin = 0x3D;
} // namespace reg

namespace command {
constexpr u16 kIoSpace = 1u << 0;
constexpr u16 kMemorySpace = 1u << 1;
constexpr u16 kBusMaster = 1u << 2;
constexpr u16 kParityErrorResponse = 1u << 6;
constexpr u16 kSerrEnable = 1u << 8;
constexpr u16 kIntxDisable = 1u << 10;
// The bits software may change on Kite's functions.
constexpr u16 kWritable =
    kIoSpace | kMemorySpace | kBusMaster | kParityErrorResponse | kSerrEnable | kIntxDisable;
} // namespace command

namespace status {
constexpr u16 kInterruptStatus = 1u << 3;
constexpr u16 kCapabilitiesList = 1u << 4;
constexpr u16 kMasterDataParityError = 1u << 8;
constexpr u16 kSignaledTargetAbort = 1u << 11;
constexpr u16 kReceivedTargetAbort = 1u << 12;
constexpr u16 kReceivedMasterAbort = 1u << 13;
constexpr u16 kSignaledSystemError = 1u << 14;
constexpr u16 kDetectedParityError = 1u << 15;
// Error bits that software clears by writing 1 (write-1-to-clear).
constexpr u16 kWriteOneToClear = kMasterDataParityError | kSignaledTargetAbort | kReceivedTargetAbort |
                                 kReceivedMasterAbort | kSignaledSystemError | kDetectedParityError;
} // namespace status

// Capability IDs (PCI Code and ID Assignment).
namespace cap_id {
constexpr u8 kVendorSpecific = 0x09;
} // namespace cap_id

// Interrupt Pin register values.
constexpr u8 kPinNone = 0;
constexpr u8 kPinIntA = 1;
constexpr u8 kPinIntD = 4;

} // namespace kite::pci
