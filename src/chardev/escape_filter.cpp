#include "chardev/escape_filter.h"

namespace kite {

EscapeFilter::FilterResult EscapeFilter::process(std::span<const u8> input) {
    FilterResult result;
    result.to_guest.reserve(input.size());
    for (u8 byte : input) {
        if (!m_escape_pending) {
            if (byte == kEscape)
                m_escape_pending = true;
            else
                result.to_guest.push_back(byte);
            continue;
        }
        m_escape_pending = false;
        switch (byte) {
        case kEscape:
            result.to_guest.push_back(kEscape);
            break;
        case 'x':
            result.quit = true;
            return result;
        case 'h':
            result.help = true;
            break;
        default:
            break; // unknown escape: dropped, as QEMU does
        }
    }
    return result;
}

} // namespace kite
