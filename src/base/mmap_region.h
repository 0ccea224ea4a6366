#pragma once

#include "base/error.h"
#include "base/types.h"

#include <cstddef>
#include <span>
#include <utility>

namespace kite {

// A memory mapping that is unmapped on destruction (when owned). Move-only.
class MmapRegion {
public:
    enum class Kind { AnonymousPrivate, AnonymousShared };

    // Anonymous zero-filled memory, e.g. guest RAM. Reserved with MAP_NORESERVE
    // so a large guest costs only the pages it touches.
    static Result<MmapRegion> anonymous(std::size_t size, Kind kind = Kind::AnonymousPrivate);

    // Maps `size` bytes of an fd (e.g. the KVM vCPU's kvm_run page) read/write shared.
    static Result<MmapRegion> map_fd(int fd, std::size_t size, off_t offset = 0);

    MmapRegion() = default;
    ~MmapRegion() { reset(); }
    MmapRegion(const MmapRegion&) = delete;
    MmapRegion& operator=(const MmapRegion&) = delete;
    MmapRegion(MmapRegion&& other) noexcept
        : m_data(std::exchange(other.m_data, nullptr)), m_size(std::exchange(other.m_size, 0)) {}
    MmapRegion& operator=(MmapRegion&& other) noexcept {
        if (this != &other) {
            reset();
            m_data = std::exchange(other.m_data, nullptr);
            m_size = std::exchange(other.m_size, 0);
        }
        return *this;
    }

    u8* data() const { return m_data; }
    std::size_t size() const { return m_size; }
    std::span<u8> bytes() const { return {m_data, m_size}; }
    bool valid() const { return m_data != nullptr; }

private:
    MmapRegion(u8* data, std::size_t size) : m_data(data), m_size(size) {}
    void reset();

    u8* m_data{nullptr};
    std::size_t m_size{0};
};

} // namespace kite
