#pragma once

#include "base/error.h"
#include "bus/bus.h"
#include "bus/bus_device.h"

#include <atomic>
#include <functional>
#include <memory>
#include <string>

namespace kite {

// The bus side of a device core whose registers take a fixed set of access
// widths: it checks the width, alignment and offset of every access, converts
// between the bus's little-endian bytes and a register value, and calls the
// core's register functions. Any other access reads as `invalid_read` (all
// ones by default), drops writes, is counted and logged (rate-limited, at
// warn level). The functions run on the accessing vCPU thread; a core that
// other threads also touch locks in them.
class RegisterDevice final : public BusDevice {
public:
    // Width bits: an access of N bytes is valid if `widths & N` (N in 1, 2, 4, 8).
    static constexpr unsigned kByte = 1;
    static constexpr unsigned kWord = 2;
    static constexpr unsigned kDword = 4;
    static constexpr unsigned kQword = 8;

    struct Layout {
        std::string name; // for log lines, e.g. "i8254"
        u64 length;       // valid offsets are [0, length)
        unsigned widths = kByte;
        bool aligned = true; // offsets must be a multiple of the width
        u64 invalid_read = ~u64{0};
    };
    using ReadFn = std::function<u64(u64 offset, unsigned width)>;
    using WriteFn = std::function<void(u64 offset, unsigned width, u64 value)>;

    RegisterDevice(Layout layout, ReadFn read, WriteFn write)
        : m_layout(std::move(layout)), m_read(std::move(read)), m_write(std::move(write)) {}

    void read(u64 offset, std::span<u8> data) override;
    void write(u64 offset, std::span<const u8> data) override;

    bool valid(u64 offset, std::size_t width) const;
    u64 ignored_access_count() const { return m_ignored.load(std::memory_order_relaxed); }

private:
    void note_ignored(const char* kind, u64 offset, std::size_t width);

    Layout m_layout;
    ReadFn m_read;
    WriteFn m_write;
    std::atomic<u64> m_ignored{0};
};

// Puts a core whose registers are bytes, `u8 read(u8 offset)` and
// `void write(u8 offset, u8 value)`, on `bus` at [base, base + length) behind
// a byte-wide RegisterDevice named `name`.
template <typename Core>
Result<void> attach_byte_registers(Bus& bus, u64 base, u64 length, const std::string& name,
                                   std::shared_ptr<Core> core) {
    auto regs = std::make_shared<RegisterDevice>(
        RegisterDevice::Layout{.name = name, .length = length},
        [core](u64 offset, unsigned) -> u64 { return core->read(static_cast<u8>(offset)); },
        [core](u64 offset, unsigned, u64 value) {
            core->write(static_cast<u8>(offset), static_cast<u8>(value));
        });
    return bus.insert(base, length, std::move(regs), name);
}

} // namespace kite
