#pragma once

#include "base/error.h"
#include "bus/device_state.h"

#include <memory>
#include <string>
#include <vector>

namespace kite::machine {

// One device's saved state, under the name it was registered with.
struct DeviceSnapshot {
    std::string name;
    std::vector<u8> state;
};

// The devices of a machine whose state is saved and restored (snapshots, live
// migration), each under a unique name such as "com1". Save and restore only
// while the vCPUs are paused.
class DeviceRegistry {
public:
    Result<void> add(std::string name, std::shared_ptr<DeviceState> device);

    std::size_t size() const { return m_entries.size(); }

    // Every registered device, in registration order.
    std::vector<DeviceSnapshot> save_all() const;
    // Restores each device from the snapshot of its name. Every registered
    // device needs exactly one; an unknown or repeated name is an error.
    Result<void> restore_all(const std::vector<DeviceSnapshot>& snapshots);

private:
    struct Entry {
        std::string name;
        std::shared_ptr<DeviceState> device;
    };
    const Entry* find(const std::string& name) const;

    std::vector<Entry> m_entries;
};

} // namespace kite::machine
