#pragma once

#include "../riscv_devices/mmio.h"
#include "devices/apic/apic_bus.h"
#include "devices/apic/ioapic.h"
#include "devices/apic/local_apic.h"

#include <memory>
#include <vector>

namespace kite::devices::test {

// A clock the test moves by hand.
struct FakeClock {
    u64 now{1'000'000};
    std::function<u64()> fn() {
        return [this] { return now; };
    }
};

// Remembers every message; accepts with the given count.
struct RecordingSink final : ApicMessageSink {
    unsigned send(const ApicMessage& message) override {
        sent.push_back(message);
        return accept;
    }
    std::vector<ApicMessage> sent;
    unsigned accept{1};
};

// What a local APIC told its CPU.
struct CpuRecord {
    unsigned wakes{0};
    unsigned inits{0};
    std::vector<u8> startups;
};

inline LocalApicCallbacks record_into(CpuRecord& record) {
    return {.wake = [&record] { ++record.wakes; },
            .init = [&record] { ++record.inits; },
            .startup = [&record](u8 vector) { record.startups.push_back(vector); }};
}

// Software-enables an APIC (SVR bit 8, spurious vector 0xFF).
inline void enable(LocalApic& apic) {
    apic.write_register(LocalApic::kSvr, 0x1FF);
}

inline ApicMessage fixed_to(u32 destination, u8 vector, bool level = false) {
    ApicMessage message;
    message.vector = vector;
    message.destination = destination;
    message.level_triggered = level;
    return message;
}

// IOAPIC registers through IOREGSEL and IOWIN.
inline u32 read_indirect(Ioapic& ioapic, u32 index) {
    write32(ioapic, Ioapic::kRegSel, index);
    return read32(ioapic, Ioapic::kWindow);
}

inline void write_indirect(Ioapic& ioapic, u32 index, u32 value) {
    write32(ioapic, Ioapic::kRegSel, index);
    write32(ioapic, Ioapic::kWindow, value);
}

// Writes a whole redirection entry, high half first.
inline void program(Ioapic& ioapic, u32 pin, u64 entry) {
    write_indirect(ioapic, Ioapic::kRegRedirection + 2 * pin + 1, static_cast<u32>(entry >> 32));
    write_indirect(ioapic, Ioapic::kRegRedirection + 2 * pin, static_cast<u32>(entry));
}

} // namespace kite::devices::test
