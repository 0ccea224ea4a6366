#pragma once

#include "base/error.h"
#include "vcpu/run_state.h"

namespace kite::machine {

// A failure before or while running a board, with the process status it maps to.
struct MachineFailure {
    ExitStatus status;
    Error error;
};

template <typename T>
using MachineResult = std::expected<T, MachineFailure>;

inline std::unexpected<MachineFailure> fail(ExitStatus status, Error error) {
    return std::unexpected(MachineFailure{status, std::move(error)});
}

} // namespace kite::machine

// TRY_AS(status, expr): like TRY, but turns an Error into a MachineFailure with `status`.
#define TRY_AS(status, expr)                                                                                 \
    ({                                                                                                       \
        auto _kite_r = (expr);                                                                               \
        if (!_kite_r) [[unlikely]]                                                                           \
            return ::kite::machine::fail(status, std::move(_kite_r).error());                                \
        std::move(_kite_r).value();                                                                          \
    })
