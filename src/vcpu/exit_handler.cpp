#include "vcpu/exit_handler.h"

#include <type_traits>

namespace kite {
namespace {

ExitOutcome stop(ExitStatus status, std::string reason, bool dump) {
    return {ExitOutcome::Action::Stop, to_int(status), std::move(reason), dump};
}

std::string_view system_event_name(accel::SystemEventKind kind) {
    switch (kind) {
    case accel::SystemEventKind::Shutdown:
        return "shutdown";
    case accel::SystemEventKind::Reset:
        return "reset";
    case accel::SystemEventKind::Crash:
        return "crash";
    case accel::SystemEventKind::Other:
        return "other";
    }
    return "?";
}

} // namespace

ExitOutcome handle_exit(accel::VcpuExit& exit, IoBuses& buses) {
    return std::visit(
        [&](auto& e) -> ExitOutcome {
            using T = std::decay_t<decltype(e)>;
            if constexpr (std::is_same_v<T, accel::PioExit>) {
                // rep ins/outs arrive as `count` back-to-back accesses of `size` bytes.
                for (u32 i = 0; i < e.count; ++i) {
                    auto chunk = e.data.subspan(static_cast<std::size_t>(i) * e.size, e.size);
                    if (e.direction == accel::IoDirection::Out)
                        buses.pio.write(e.port, chunk);
                    else
                        buses.pio.read(e.port, chunk);
                }
                return {};
            } else if constexpr (std::is_same_v<T, accel::MmioExit>) {
                if (e.is_write)
                    buses.mmio.write(e.address, e.data);
                else
                    buses.mmio.read(e.address, e.data);
                return {};
            } else if constexpr (std::is_same_v<T, accel::HaltExit>) {
                // Only seen without an in-kernel irqchip; the next run() waits again.
                return {};
            } else if constexpr (std::is_same_v<T, accel::InterruptedExit>) {
                return {};
            } else if constexpr (std::is_same_v<T, accel::ShutdownExit>) {
                // A triple fault: like QEMU's -no-reboot, the VM ends cleanly.
                return stop(ExitStatus::Ok, "guest shut down (triple fault)", false);
            } else if constexpr (std::is_same_v<T, accel::SystemEventExit>) {
                switch (e.kind) {
                case accel::SystemEventKind::Shutdown:
                case accel::SystemEventKind::Reset:
                    return stop(ExitStatus::Ok, fmt::format("guest requested {}", system_event_name(e.kind)),
                                false);
                case accel::SystemEventKind::Crash:
                case accel::SystemEventKind::Other:
                    return stop(
                        ExitStatus::GuestFailure,
                        fmt::format("guest system event {} (type {})", system_event_name(e.kind), e.raw_type),
                        true);
                }
                return stop(ExitStatus::GuestFailure, "unknown system event", true);
            } else if constexpr (std::is_same_v<T, accel::FailEntryExit>) {
                return stop(
                    ExitStatus::GuestFailure,
                    fmt::format("vCPU entry failed (hardware reason {:#x} on host cpu {})", e.reason, e.cpu),
                    true);
            } else if constexpr (std::is_same_v<T, accel::InternalErrorExit>) {
                return stop(ExitStatus::GuestFailure,
                            fmt::format("accelerator internal error (suberror {}) {}", e.suberror, e.detail),
                            true);
            } else if constexpr (std::is_same_v<T, accel::UnknownExit>) {
                return stop(ExitStatus::GuestFailure, fmt::format("unexpected exit reason {}", e.reason),
                            true);
            } else {
                static_assert(sizeof(T) == 0, "unhandled VcpuExit alternative");
            }
        },
        exit);
}

} // namespace kite
