// libFuzzer target: the register files of the RISC-V virt board's devices,
// as a hostile guest accesses them: the PLIC (priorities, pending, enables,
// thresholds, claim/complete), the CLINT (msip, mtimecmp, mtime), the 16550
// UART and the goldfish RTC, at the board's addresses, with the UART's and
// RTC's interrupts wired to PLIC sources as on the board. Host events move the
// injected clocks (forwards or backwards), run the board's periodic updates,
// feed UART input and drive PLIC sources. Every input must end in bounded time
// without a crash or a sanitizer report, and the PLIC must never claim a
// source that does not exist.

#include "devices/clint/clint.h"
#include "devices/goldfish_rtc/goldfish_rtc.h"
#include "devices/plic/plic.h"
#include "devices/uart16550/uart16550_device.h"
#include "fuzz_bus.h"
#include "machine/riscv_virt/virt_layout.h"

#include <cstdint>
#include <cstdlib>

namespace {

using namespace kite;
using namespace kite::devices;
using fuzz::take;

using machine::virt::kRtcIrq;
using machine::virt::kUartBase;
using machine::virt::kUartIrq;
constexpr u32 kHarts = 2;
constexpr u32 kMaxSteps = 4096;

constexpr std::array kWindows{
    fuzz::Window{Plic::kDefaultBase, Plic::kLength},
    fuzz::Window{Clint::kDefaultBase, Clint::kLength},
    fuzz::Window{kUartBase, Uart16550Device::kPortCount},
    fuzz::Window{GoldfishRtc::kDefaultBase, GoldfishRtc::kLength},
    // The registers a guest uses most: the PLIC's contexts and the CLINT's mtime.
    fuzz::Window{Plic::kDefaultBase + Plic::kContextBase, 2 * kHarts* Plic::kContextStride},
    fuzz::Window{Clint::kDefaultBase + Clint::kMtimecmpBase, Clint::kLength - Clint::kMtimecmpBase},
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::span<const u8> in(data, size);
    u64 monotonic = 0;
    u64 wall = take<u64>(in);
    auto plic = std::make_shared<Plic>(kHarts, [](u32 context, bool) {
        if (context >= 2 * kHarts)
            std::abort();
    });
    auto clint = std::make_shared<Clint>(
        kHarts, [&] { return monotonic; }, ClintOutputs{.msip = [](u32, bool) {}, .mtip = [](u32, bool) {}});
    auto uart = std::make_shared<Uart16550Device>(plic->irq_line(kUartIrq), [](u8) {});
    auto rtc = std::make_shared<GoldfishRtc>(plic->irq_line(kRtcIrq), [&] { return wall; });
    Bus bus{"fuzz"};
    if (!bus.insert(Plic::kDefaultBase, Plic::kLength, plic, "plic") ||
        !bus.insert(Clint::kDefaultBase, Clint::kLength, clint, "clint") ||
        !bus.insert(kUartBase, Uart16550Device::kPortCount, uart, "uart") ||
        !bus.insert(GoldfishRtc::kDefaultBase, GoldfishRtc::kLength, rtc, "rtc"))
        std::abort();

    fuzz::drive_bus(bus, kWindows, in, kMaxSteps, [&](u8 selector, std::span<const u8>& rest) {
        switch (selector % 6) {
        case 0:
            monotonic += take<u32>(rest);
            break;
        case 1:
            wall = take<u64>(rest);
            break;
        case 2:
            clint->update();
            rtc->update();
            (void)clint->next_deadline_ns();
            (void)rtc->time_to_alarm_ns();
            break;
        case 3: {
            const std::size_t n = std::min<std::size_t>(selector / 6, rest.size());
            uart->receive(rest.first(n));
            rest = rest.subspan(n);
            break;
        }
        default:
            plic->set_source_level(take<u8>(rest) % Plic::kSourceCount, selector & 1);
            break;
        }
    });
    // Claim every context dry: each claim is 0 or a real source.
    for (u32 context = 0; context < 2 * kHarts; ++context) {
        for (u32 i = 0; i < Plic::kSourceCount; ++i) {
            std::array<u8, 4> claim{};
            bus.read(Plic::kDefaultBase + Plic::kContextBase + context * Plic::kContextStride +
                         Plic::kClaimOffset,
                     claim);
            const u32 source = claim[0] | claim[1] << 8 | claim[2] << 16 | u32{claim[3]} << 24;
            if (source >= Plic::kSourceCount)
                std::abort();
            if (source == 0)
                break;
        }
    }
    return 0;
}
