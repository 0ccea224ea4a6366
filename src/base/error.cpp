#include "base/error.h"

#include <cerrno>
#include <cstring>

namespace kite {

Error Error::from_errno(std::string context, int err) {
    return Error(err, std::move(context));
}

Error Error::from_errno(std::string context) {
    return from_errno(std::move(context), errno);
}

std::string Error::message() const {
    if (m_code == 0)
        return m_context;
    return fmt::format("{}: {}", m_context, std::strerror(m_code));
}

Error Error::with_context(std::string_view outer) && {
    m_context = fmt::format("{}: {}", outer, m_context);
    return std::move(*this);
}

} // namespace kite
