#include "machine/common/device_registry.h"

#include <algorithm>

namespace kite::machine {

Result<void> DeviceRegistry::add(std::string name, std::shared_ptr<DeviceState> device) {
    if (find(name))
        return error("device state: '{}' is registered twice", name);
    m_entries.push_back({std::move(name), std::move(device)});
    return {};
}

const DeviceRegistry::Entry* DeviceRegistry::find(const std::string& name) const {
    auto it = std::ranges::find(m_entries, name, &Entry::name);
    return it == m_entries.end() ? nullptr : &*it;
}

std::vector<DeviceSnapshot> DeviceRegistry::save_all() const {
    std::vector<DeviceSnapshot> out;
    out.reserve(m_entries.size());
    for (const Entry& entry : m_entries) {
        StateWriter writer;
        entry.device->save_state(writer);
        out.push_back({entry.name, writer.take()});
    }
    return out;
}

Result<void> DeviceRegistry::restore_all(const std::vector<DeviceSnapshot>& snapshots) {
    // Check the names first, so a mismatched snapshot changes no device.
    for (const DeviceSnapshot& snapshot : snapshots) {
        if (!find(snapshot.name))
            return error("device state: the snapshot has '{}', which this machine does not", snapshot.name);
        if (std::ranges::count(snapshots, snapshot.name, &DeviceSnapshot::name) > 1)
            return error("device state: the snapshot has '{}' twice", snapshot.name);
    }
    for (const Entry& entry : m_entries) {
        if (std::ranges::find(snapshots, entry.name, &DeviceSnapshot::name) == snapshots.end())
            return error("device state: the snapshot has nothing for '{}'", entry.name);
    }
    for (const DeviceSnapshot& snapshot : snapshots) {
        StateReader reader(snapshot.state);
        TRY_CONTEXT(find(snapshot.name)->device->restore_state(reader), snapshot.name);
    }
    return {};
}

} // namespace kite::machine
