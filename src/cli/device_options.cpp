#include "cli/device_options.h"

#include "cli/run_options.h"
#include "net/hostfwd.h"
#include "net/mac_address.h"

#include <algorithm>

namespace kite::cli {

using machine::VirtioTransport;

Result<std::vector<OptionItem>> split_option_list(std::string_view text) {
    std::vector<OptionItem> items;
    std::size_t start = 0;
    while (true) {
        std::size_t comma = text.find(',', start);
        std::string_view item =
            text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
        if (item.empty())
            return error("empty item");
        OptionItem parsed;
        if (auto eq = item.find('='); eq != std::string_view::npos) {
            parsed.key = std::string(item.substr(0, eq));
            parsed.value = std::string(item.substr(eq + 1));
            parsed.has_value = true;
            if (parsed.key.empty())
                return error("'{}' has no name before '='", item);
        } else {
            parsed.key = std::string(item);
        }
        items.push_back(std::move(parsed));
        if (comma == std::string_view::npos)
            return items;
        start = comma + 1;
    }
}

namespace {

Result<bool> parse_on_off(const OptionItem& item) {
    if (!item.has_value || item.value == "on" || item.value == "true" || item.value == "1")
        return true;
    if (item.value == "off" || item.value == "false" || item.value == "0")
        return false;
    return error("{}='{}': expected on or off", item.key, item.value);
}

Result<VirtioTransport> parse_transport(std::string_view value) {
    if (value == "mmio")
        return VirtioTransport::Mmio;
    if (value == "pci")
        return VirtioTransport::Pci;
    return error("transport='{}': expected mmio or pci", value);
}

Result<std::string> require_value(const OptionItem& item) {
    if (!item.has_value || item.value.empty())
        return error("{} needs a value ({}=...)", item.key, item.key);
    return item.value;
}

// A key given twice in one option (`path=a,path=b`) is a mistake, not an
// override; `ro` is `readonly` spelt short. Only `repeatable` keys may repeat.
Result<void> reject_repeated_keys(const std::vector<OptionItem>& items,
                                  std::initializer_list<std::string_view> repeatable = {}) {
    auto canonical = [](std::string_view key) { return key == "ro" ? std::string_view("readonly") : key; };
    for (std::size_t i = 0; i < items.size(); ++i) {
        std::string_view key = canonical(items[i].key);
        if (std::find(repeatable.begin(), repeatable.end(), key) != repeatable.end())
            continue;
        for (std::size_t j = 0; j < i; ++j) {
            if (canonical(items[j].key) == key)
                return error("{} is given twice", key);
        }
    }
    return {};
}

Result<machine::DiskConfig> disk_from(const std::vector<OptionItem>& items,
                                      machine::VirtioTransport transport) {
    TRY(reject_repeated_keys(items));
    machine::DiskConfig disk;
    disk.transport = transport;
    bool have_path = false;
    for (const auto& item : items) {
        if (item.key == "path") {
            disk.path = TRY(require_value(item));
            have_path = true;
        } else if (item.key == "readonly" || item.key == "ro") {
            disk.readonly = TRY(parse_on_off(item));
        } else if (item.key == "serial") {
            if (item.value.size() > 20)
                return error("serial is at most 20 characters (the virtio-blk ID size)");
            disk.serial = item.value;
        } else if (item.key == "transport") {
            disk.transport = TRY(parse_transport(item.value));
        } else {
            return error("unknown option '{}' (expected path, readonly, serial, transport)", item.key);
        }
    }
    if (!have_path)
        return error("path=FILE is required");
    return disk;
}

Result<machine::NetConfig> net_from(const std::vector<OptionItem>& items,
                                    machine::VirtioTransport transport) {
    TRY(reject_repeated_keys(items, {"hostfwd"}));
    machine::NetConfig net;
    net.transport = transport;
    const auto& first = items.front();
    if (first.key == "user" && !first.has_value) {
        net.backend = machine::NetBackendKind::User;
    } else if (first.key == "tap") {
        net.backend = machine::NetBackendKind::Tap;
        net.tap_name = TRY(require_value(first));
        if (net.tap_name.size() > 15)
            return error("a tap interface name is at most 15 characters");
    } else {
        return error("expected user[,...] or tap=NAME[,...] first");
    }
    for (std::size_t i = 1; i < items.size(); ++i) {
        const auto& item = items[i];
        if (item.key == "hostfwd") {
            if (net.backend != machine::NetBackendKind::User)
                return error("hostfwd needs user networking");
            net.hostfwds.push_back(TRY(net::parse_hostfwd(TRY(require_value(item)))));
        } else if (item.key == "mac") {
            net.mac = TRY_CONTEXT(net::MacAddress::parse(TRY(require_value(item))), "mac");
        } else if (item.key == "transport") {
            net.transport = TRY(parse_transport(item.value));
        } else {
            return error("unknown option '{}' (expected hostfwd, mac, transport)", item.key);
        }
    }
    return net;
}

Result<machine::ConsoleConfig> console_from(std::string_view text, machine::VirtioTransport transport) {
    machine::ConsoleConfig console;
    console.transport = transport;
    std::string_view host = text;
    constexpr std::string_view kTransport = ",transport=";
    if (auto pos = text.rfind(kTransport); pos != std::string_view::npos) {
        host = text.substr(0, pos);
        console.transport = TRY(parse_transport(text.substr(pos + kTransport.size())));
    }
    auto serial = parse_serial(std::string(host));
    if (!serial)
        return error("expected stdio, file=PATH or none, then optionally ,transport=mmio|pci");
    console.host = *serial;
    return console;
}

} // namespace

Result<machine::DiskConfig> parse_disk(std::string_view text, machine::VirtioTransport transport) {
    auto items = TRY_CONTEXT(split_option_list(text), fmt::format("--disk '{}'", text));
    return TRY_CONTEXT(disk_from(items, transport), fmt::format("--disk '{}'", text));
}

Result<machine::NetConfig> parse_net(std::string_view text, machine::VirtioTransport transport) {
    auto items = TRY_CONTEXT(split_option_list(text), fmt::format("--net '{}'", text));
    return TRY_CONTEXT(net_from(items, transport), fmt::format("--net '{}'", text));
}

Result<machine::ConsoleConfig> parse_console(std::string_view text, machine::VirtioTransport transport) {
    return TRY_CONTEXT(console_from(text, transport), fmt::format("--console '{}'", text));
}

} // namespace kite::cli
