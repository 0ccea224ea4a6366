#include "machine/riscv_virt/htif.h"

#include "base/log.h"
#include "vcpu/run_state.h"

namespace kite::machine {
namespace {

constexpr u64 device_of(u64 v) {
    return v >> 56;
}
constexpr u64 command_of(u64 v) {
    return (v >> 48) & 0xff;
}
constexpr u64 payload_of(u64 v) {
    return v & 0xffff'ffff'ffffull;
}

} // namespace

std::optional<u64> Htif::poll() {
    auto value = m_memory.read_obj<u64>(GuestAddress(m_tohost));
    if (!value || *value == 0)
        return std::nullopt;
    u64 v = *value;
    u64 device = device_of(v);
    u64 command = command_of(v);
    u64 payload = payload_of(v);
    (void)m_memory.write_obj<u64>(GuestAddress(m_tohost), 0);

    if (device == 0 && command == 0 && (payload & 1))
        return payload >> 1;
    if (device == 1 && command == 1) {
        u8 byte = static_cast<u8>(payload);
        m_console.write(std::span<const u8>(&byte, 1));
        if (m_fromhost)
            (void)m_memory.write_obj<u64>(GuestAddress(*m_fromhost), (1ull << 56) | (1ull << 48));
        return std::nullopt;
    }
    if (!m_warned_unsupported) {
        m_warned_unsupported = true;
        log::warn("htif: unsupported command {:#x} (device {}, command {}) ignored", v, device, command);
    }
    return std::nullopt;
}

} // namespace kite::machine
