#include "base/size.h"

#include <charconv>
#include <limits>

namespace kite {

Result<u64> parse_size(std::string_view text) {
    u64 value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end == text.data())
        return error("invalid size '{}': expected a number with an optional K, M, G or T suffix", text);
    std::string_view suffix(end, text.data() + text.size() - end);
    u64 unit = MiB;
    if (suffix.empty() || suffix == "M" || suffix == "m" || suffix == "MiB")
        unit = MiB;
    else if (suffix == "K" || suffix == "k" || suffix == "KiB")
        unit = KiB;
    else if (suffix == "G" || suffix == "g" || suffix == "GiB")
        unit = GiB;
    else if (suffix == "T" || suffix == "t" || suffix == "TiB")
        unit = 1024 * GiB;
    else if (suffix == "B" || suffix == "b")
        unit = 1;
    else
        return error("invalid size '{}': unknown suffix '{}'", text, suffix);
    if (value > std::numeric_limits<u64>::max() / unit)
        return error("invalid size '{}': too large", text);
    return value * unit;
}

} // namespace kite
