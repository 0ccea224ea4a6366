#pragma once

#include "base/types.h"

#include <optional>

namespace kite::devices {

// What travels on the x86 "APIC bus" (a system-bus message on modern CPUs):
// an interrupt from the IOAPIC, an IPI from a local APIC's ICR, or an MSI
// write. Field encodings follow the ICR, the IOAPIC redirection entry and the
// MSI data register, which agree (Intel SDM vol. 3, 11.6.1 and 11.11).
enum class DeliveryMode : u8 {
    fixed = 0,
    lowest_priority = 1,
    smi = 2,
    nmi = 4,
    init = 5,
    startup = 6, // SIPI: IPIs only
    extint = 7,  // the vector comes from the 8259 PIC at acknowledge time
};

// ICR bits 19:18.
enum class DestinationShorthand : u8 {
    none = 0,
    self = 1,
    all_including_self = 2,
    all_excluding_self = 3,
};

struct ApicMessage {
    // xAPIC physical destinations are 8-bit APIC IDs and 0xFF broadcasts; an
    // x2APIC destination is 32-bit and 0xFFFF'FFFF broadcasts.
    static constexpr u32 kXapicBroadcast = 0xFF;
    static constexpr u32 kX2apicBroadcast = 0xFFFF'FFFF;

    u8 vector{0};
    DeliveryMode delivery{DeliveryMode::fixed};
    bool logical{false};         // destination mode: logical (LDR/DFR) or physical (APIC ID)
    bool level_triggered{false}; // trigger mode; a level-triggered fixed interrupt asks for an EOI broadcast
    bool assert_level{true};     // the ICR level bit; only an INIT with it clear (de-assert) is special
    u32 destination{0};
    DestinationShorthand shorthand{DestinationShorthand::none}; // IPIs only
    bool x2apic_destination{false}; // from an x2APIC ICR: a 32-bit destination (else 8-bit)
    bool redirection_hint{false}; // MSI address bit 3; decoded, not acted on
};

// The MSI address window 0xFEEx_xxxx.
constexpr u64 kMsiAddressBase = 0xFEE0'0000;
constexpr u64 kMsiAddressMask = 0xFFF0'0000;

// Decodes an MSI write (Intel SDM vol. 3, 11.11): address bits 31:20 = 0xFEE,
// destination ID in bits 19:12, redirection hint bit 3, destination mode bit 2;
// data bits 7:0 vector, 10:8 delivery mode, 14 level, 15 trigger mode. Returns
// nullopt for an address outside the window (or above 4 GiB) or a delivery
// mode an MSI cannot carry (startup and the reserved 3).
std::optional<ApicMessage> decode_msi(u64 address, u32 data);

} // namespace kite::devices
