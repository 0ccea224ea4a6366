#pragma once

#include "base/error.h"
#include "machine/common/virtio_config.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kite::cli {

// Splits "a=1,b,c=2" into (key, value) pairs; a bare word has an empty value
// and `has_value` false. Empty items are errors.
struct OptionItem {
    std::string key;
    std::string value;
    bool has_value{false};
};
Result<std::vector<OptionItem>> split_option_list(std::string_view text);

// `transport` is the board's default when the text names none.
Result<machine::DiskConfig> parse_disk(std::string_view text,
                                       machine::VirtioTransport transport = machine::VirtioTransport::Mmio);
Result<machine::NetConfig> parse_net(std::string_view text,
                                     machine::VirtioTransport transport = machine::VirtioTransport::Mmio);
Result<machine::ConsoleConfig>
parse_console(std::string_view text, machine::VirtioTransport transport = machine::VirtioTransport::Mmio);

} // namespace kite::cli
