#include "bus/register_device.h"
#include "devices/acpi_pm/acpi_pm.h"

#include <array>

namespace kite::devices {

namespace {

// A 16-bit register behind a block that also takes byte and dword accesses:
// `write` gets the value and the mask of the bits the access covered.
struct WordRegister {
    std::function<u16()> read;
    std::function<void(u16 value, u16 covered)> write;
};

// A block of 16-bit registers at even offsets (byte, word or aligned dword accesses).
template <std::size_t N>
Result<void> attach_word_registers(Bus& pio, u64 base, const std::string& name,
                                   std::array<WordRegister, N> regs) {
    constexpr u64 length = 2 * N;
    auto shared = std::make_shared<std::array<WordRegister, N>>(std::move(regs));
    auto device = std::make_shared<RegisterDevice>(
        RegisterDevice::Layout{.name = name,
                               .length = length,
                               .widths = RegisterDevice::kByte | RegisterDevice::kWord |
                                         (length >= 4 ? RegisterDevice::kDword : 0u)},
        [shared](u64 offset, unsigned width) -> u64 {
            u64 value = 0;
            for (u64 reg = offset / 2; reg * 2 < offset + width; ++reg)
                value |= u64{(*shared)[reg].read()} << (16 * reg);
            return (value >> (8 * offset)) & (~u64{0} >> (64 - 8 * width));
        },
        [shared](u64 offset, unsigned width, u64 value) {
            u64 mask = (~u64{0} >> (64 - 8 * width)) << (8 * offset);
            value <<= 8 * offset;
            for (u64 reg = offset / 2; reg * 2 < offset + width; ++reg)
                (*shared)[reg].write(static_cast<u16>(value >> (16 * reg)),
                                     static_cast<u16>(mask >> (16 * reg)));
        });
    return pio.insert(base, length, std::move(device), name);
}

u16 merge(u16 old_value, u16 value, u16 covered) {
    return static_cast<u16>((old_value & ~covered) | (value & covered));
}

} // namespace

Result<void> AcpiPm::attach(Bus& pio, Ports ports, std::shared_ptr<AcpiPm> pm) {
    TRY(attach_word_registers<2>(
        pio, ports.event, "acpi-pm1a-event",
        {WordRegister{[pm] { return pm->read_status(); },
                      [pm](u16 value, u16 covered) { pm->write_status(value & covered); }},
         WordRegister{
             [pm] { return pm->read_enable(); },
             [pm](u16 value, u16 covered) { pm->write_enable(merge(pm->read_enable(), value, covered)); }}}));
    TRY(attach_word_registers<1>(pio, ports.control, "acpi-pm1a-control",
                                 {WordRegister{[pm] { return pm->read_control(); },
                                               [pm](u16 value, u16 covered) {
                                                   pm->write_control(
                                                       merge(pm->read_control(), value, covered));
                                               }}}));
    auto timer = std::make_shared<RegisterDevice>(
        RegisterDevice::Layout{.name = "acpi-pm-timer",
                               .length = kTimerLength,
                               .widths =
                                   RegisterDevice::kByte | RegisterDevice::kWord | RegisterDevice::kDword},
        [pm](u64 offset, unsigned width) -> u64 {
            return (u64{pm->read_timer()} >> (8 * offset)) & (~u64{0} >> (64 - 8 * width));
        },
        [](u64, unsigned, u64) {});
    return pio.insert(ports.timer, kTimerLength, std::move(timer), "acpi-pm-timer");
}

} // namespace kite::devices
