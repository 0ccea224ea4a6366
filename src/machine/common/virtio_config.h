#pragma once

#include "machine/common/serial_config.h"
#include "net/hostfwd.h"
#include "net/mac_address.h"

#include <optional>
#include <string>
#include <vector>

namespace kite::machine {

// Which transport puts a virtio device in front of the guest.
enum class VirtioTransport { Mmio, Pci };

// `--disk path=FILE[,readonly=on][,serial=ID][,transport=mmio|pci]`.
struct DiskConfig {
    std::string path;
    bool readonly{false};
    std::string serial; // what VIRTIO_BLK_T_GET_ID answers; empty: the board picks one
    VirtioTransport transport{VirtioTransport::Mmio};
};

enum class NetBackendKind { User, Tap };

// `--net user[,hostfwd=RULE]...[,mac=MAC][,transport=...]` or `--net tap=NAME[,mac=MAC]...`.
struct NetConfig {
    NetBackendKind backend{NetBackendKind::User};
    std::string tap_name;               // NetBackendKind::Tap
    std::vector<net::HostForward> hostfwds; // NetBackendKind::User
    std::optional<net::MacAddress> mac;     // default: a stable one per NIC
    VirtioTransport transport{VirtioTransport::Mmio};
};

// `--console stdio|file=PATH|none[,transport=...]`: a virtio-console (hvc0) and its host end.
struct ConsoleConfig {
    SerialConfig host{SerialMode::None, {}}; // SerialMode::None: no virtio-console at all
    VirtioTransport transport{VirtioTransport::Mmio};
};

} // namespace kite::machine
