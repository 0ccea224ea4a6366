#pragma once

#include "base/types.h"

#include <span>
#include <vector>

namespace kite {

// QEMU-style Ctrl-A escapes on terminal input:
//   Ctrl-A x       quit
//   Ctrl-A h       help (the caller prints it)
//   Ctrl-A Ctrl-A  one Ctrl-A byte for the guest
//   Ctrl-A other   both bytes dropped
// A Ctrl-A that ends one chunk of input pairs with the first byte of the next.
class EscapeFilter {
public:
    static constexpr u8 kEscape = 0x01; // Ctrl-A

    struct FilterResult {
        std::vector<u8> to_guest;
        bool quit{false};
        bool help{false};
    };

    // Filters one chunk of host input. After a quit, the rest of the chunk is discarded.
    FilterResult process(std::span<const u8> input);

    // Whether a Ctrl-A is waiting for its command byte.
    bool escape_pending() const { return m_escape_pending; }

private:
    bool m_escape_pending{false};
};

} // namespace kite
