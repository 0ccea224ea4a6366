#pragma once

#include "base/types.h"

#include <expected>
#include <fmt/format.h>
#include <string>
#include <utility>

namespace kite {

// An error value: an errno (0 when the failure is not a system call's) and a
// human-readable context such as "open /path/to/kernel". Messages are
// lowercase-first with no final period so they compose as "outer: inner".
class Error {
public:
    static Error from_errno(std::string context, int err);
    static Error from_errno(std::string context);

    template <typename... Args>
    static Error format(fmt::format_string<Args...> f, Args&&... args) {
        return Error(0, fmt::format(f, std::forward<Args>(args)...));
    }

    int code() const { return m_code; }
    const std::string& context() const { return m_context; }

    // "context: strerror(code)" when there is an errno, else the context alone.
    std::string message() const;

    // Prefixes the context with an outer description ("load kernel: ...").
    Error with_context(std::string_view outer) &&;

private:
    Error(int code, std::string context) : m_code(code), m_context(std::move(context)) {}

    int m_code{0};
    std::string m_context;
};

template <typename T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> make_unexpected(Error error) {
    return std::unexpected(std::move(error));
}

template <typename... Args>
std::unexpected<Error> error(fmt::format_string<Args...> f, Args&&... args) {
    return std::unexpected(Error::format(f, std::forward<Args>(args)...));
}

inline std::unexpected<Error> errno_error(std::string context) {
    return std::unexpected(Error::from_errno(std::move(context)));
}

} // namespace kite

// TRY(expr): evaluates a Result; returns its error from the enclosing function,
// otherwise yields the value. Uses a GNU statement expression (g++ and clang).
#define TRY(expr)                                                                                            \
    ({                                                                                                       \
        auto _kite_try_result = (expr);                                                                      \
        if (!_kite_try_result) [[unlikely]]                                                                  \
            return std::unexpected(std::move(_kite_try_result).error());                                     \
        std::move(_kite_try_result).value();                                                                 \
    })

// TRY_CONTEXT(expr, "what"): like TRY but prefixes the error with "what: ".
#define TRY_CONTEXT(expr, outer)                                                                             \
    ({                                                                                                       \
        auto _kite_try_result = (expr);                                                                      \
        if (!_kite_try_result) [[unlikely]]                                                                  \
            return std::unexpected(std::move(_kite_try_result).error().with_context(outer));                 \
        std::move(_kite_try_result).value();                                                                 \
    })
