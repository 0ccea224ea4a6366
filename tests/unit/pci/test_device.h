#pragma once

// A PCI function for tests: declares the BARs it is given, records BAR
// accesses, and reads back BAR offsets (the low byte of offset + i).

#include "pci/pci_function.h"

#include <vector>

namespace kite::pci::testing {

inline PciIdentity test_identity(u8 pin = kPinIntA) {
    return PciIdentity{.vendor_id = 0x1234,
                       .device_id = 0x5678,
                       .class_code = 0x0C'03'30,
                       .revision = 7,
                       .subsystem_vendor_id = 0xABCD,
                       .subsystem_id = 0xEF01,
                       .interrupt_pin = pin};
}

class TestDevice final : public PciFunction {
public:
    struct Access {
        u8 bar;
        u64 offset;
        std::size_t size;
        u64 value; // writes
    };

    explicit TestDevice(std::initializer_list<std::pair<u8, BarLayout>> bars = {}, u8 pin = kPinIntA)
        : PciFunction(test_identity(pin)) {
        for (const auto& [index, layout] : bars)
            config_space().add_bar(index, layout);
    }

    void bar_read(u8 bar, u64 offset, std::span<u8> data) override {
        reads.push_back(Access{bar, offset, data.size(), 0});
        for (std::size_t i = 0; i < data.size(); ++i)
            data[i] = static_cast<u8>(offset + i);
    }
    void bar_write(u8 bar, u64 offset, std::span<const u8> data) override {
        u64 value = 0;
        for (std::size_t i = 0; i < data.size(); ++i)
            value |= static_cast<u64>(data[i]) << (8 * i);
        writes.push_back(Access{bar, offset, data.size(), value});
    }

    using PciFunction::config_space;
    using PciFunction::set_intx_pending;

    std::vector<Access> reads;
    std::vector<Access> writes;
};

} // namespace kite::pci::testing
