#pragma once

#include "base/types.h"
#include "devices/apic/apic_message.h"

#include <atomic>
#include <functional>
#include <span>
#include <vector>

namespace kite::devices {

class LocalApic;

// Where an interrupt source (the IOAPIC, an MSI-capable device) sends its
// messages. Returns how many local APICs accepted the message.
class ApicMessageSink {
public:
    virtual ~ApicMessageSink() = default;
    virtual unsigned send(const ApicMessage& message) = 0;
};

// The APIC bus: knows every local APIC and delivers a message to the ones it
// addresses (physical APIC ID, flat or cluster logical, broadcast, or an IPI's
// shorthand). Lowest-priority messages go to the one matching, software-enabled
// APIC with the lowest arbitration priority (the first attached on a tie;
// there is no focus-processor check, as on Pentium 4 and later).
// Level-triggered EOIs from a local APIC are broadcast to the EOI listeners
// (the IOAPICs), which clear their remote IRR bits.
//
// Threading: attach() and add_eoi_listener() are set-up calls, made before any
// vCPU or device thread runs; after that the bus is read-only and needs no
// lock, so any thread may send. Delivery takes each target APIC's own lock in
// turn, never two at once.
class ApicBus final : public ApicMessageSink {
public:
    ApicBus() = default;
    ApicBus(const ApicBus&) = delete;
    ApicBus& operator=(const ApicBus&) = delete;

    // Adds a local APIC and connects its ICR and EOI broadcasts to this bus.
    // The APIC must outlive the bus's use.
    void attach(LocalApic& apic);
    void add_eoi_listener(std::function<void(u8 vector)> listener);

    // A message from the IOAPIC or an MSI: the shorthand is ignored.
    unsigned send(const ApicMessage& message) override;
    // An IPI from `sender`'s ICR: shorthands are relative to it.
    unsigned send_ipi(const ApicMessage& message, const LocalApic& sender);
    // An MSI write (address, data) as decode_msi() reads it; false (and counted
    // in invalid_msi_count()) if it is not a valid MSI.
    bool send_msi(u64 address, u32 data);
    // A local APIC's EOI for a level-triggered vector.
    void broadcast_eoi(u8 vector);

    std::span<LocalApic* const> local_apics() const { return m_apics; }
    u64 invalid_msi_count() const { return m_invalid_msi.load(std::memory_order_relaxed); }

private:
    unsigned deliver(const ApicMessage& message, const LocalApic* sender);

    std::vector<LocalApic*> m_apics;
    std::vector<std::function<void(u8)>> m_eoi_listeners;
    std::atomic<u64> m_invalid_msi{0};
};

} // namespace kite::devices
