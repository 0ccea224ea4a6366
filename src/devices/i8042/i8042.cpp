#include "devices/i8042/i8042.h"

#include "base/log.h"

#include <algorithm>

namespace kite::devices {

namespace {

// One port of the controller on the bus: its accesses reach the device at `offset`.
class I8042Port final : public BusDevice {
public:
    I8042Port(std::shared_ptr<I8042> device, u64 offset) : m_device(std::move(device)), m_offset(offset) {}
    void read(u64, std::span<u8> data) override { m_device->read(m_offset, data); }
    void write(u64, std::span<const u8> data) override { m_device->write(m_offset, data); }

private:
    std::shared_ptr<I8042> m_device;
    u64 m_offset;
};

} // namespace

void I8042::read(u64, std::span<u8> data) {
    std::ranges::fill(data, u8{0});
}

void I8042::write(u64 offset, std::span<const u8> data) {
    if (offset != kCommandOffset || data.size() != 1)
        return;
    if (data[0] == kCommandPulseReset) {
        log::debug("i8042: guest requested reset");
        if (m_on_reset)
            m_on_reset();
    }
}

Result<void> I8042::attach(Bus& pio, u64 base, std::shared_ptr<I8042> device) {
    TRY(pio.insert(base + kDataOffset, 1, std::make_shared<I8042Port>(device, kDataOffset), "i8042-data"));
    return pio.insert(base + kCommandOffset, 1, std::make_shared<I8042Port>(device, kCommandOffset),
                      "i8042-command");
}

} // namespace kite::devices
