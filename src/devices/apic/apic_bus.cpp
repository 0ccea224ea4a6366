#include "devices/apic/apic_bus.h"

#include "base/log.h"
#include "devices/apic/local_apic.h"

namespace kite::devices {

void ApicBus::attach(LocalApic& apic) {
    m_apics.push_back(&apic);
    apic.attach_bus(this);
}

void ApicBus::add_eoi_listener(std::function<void(u8 vector)> listener) {
    m_eoi_listeners.push_back(std::move(listener));
}

unsigned ApicBus::send(const ApicMessage& message) {
    ApicMessage routed = message;
    routed.shorthand = DestinationShorthand::none;
    return deliver(routed, nullptr);
}

unsigned ApicBus::send_ipi(const ApicMessage& message, const LocalApic& sender) {
    return deliver(message, &sender);
}

bool ApicBus::send_msi(u64 address, u32 data) {
    std::optional<ApicMessage> message = decode_msi(address, data);
    if (!message) {
        if (m_invalid_msi.fetch_add(1, std::memory_order_relaxed) == 0)
            log::warn("apic bus: ignoring an invalid MSI (address {:#x}, data {:#x})", address, data);
        return false;
    }
    send(*message);
    return true;
}

void ApicBus::broadcast_eoi(u8 vector) {
    for (const auto& listener : m_eoi_listeners)
        listener(vector);
}

unsigned ApicBus::deliver(const ApicMessage& message, const LocalApic* sender) {
    // Gather the addressed APICs (there are at most a few hundred).
    std::vector<LocalApic*> targets;
    targets.reserve(m_apics.size());
    for (LocalApic* apic : m_apics) {
        bool addressed = false;
        switch (message.shorthand) {
        case DestinationShorthand::none:
            addressed = apic->addressed_by(message);
            break;
        case DestinationShorthand::self:
            addressed = apic == sender;
            break;
        case DestinationShorthand::all_including_self:
            addressed = true;
            break;
        case DestinationShorthand::all_excluding_self:
            addressed = apic != sender;
            break;
        }
        if (addressed)
            targets.push_back(apic);
    }
    if (message.delivery == DeliveryMode::lowest_priority) {
        // Arbitration: the lowest arbitration priority among the enabled targets wins.
        LocalApic* winner = nullptr;
        u8 best = 0;
        for (LocalApic* apic : targets) {
            if (!apic->software_enabled())
                continue;
            u8 priority = apic->arbitration_priority();
            if (!winner || priority < best) {
                winner = apic;
                best = priority;
            }
        }
        return winner && winner->receive(message) ? 1 : 0;
    }
    unsigned accepted = 0;
    for (LocalApic* apic : targets)
        accepted += apic->receive(message) ? 1 : 0;
    return accepted;
}

} // namespace kite::devices
