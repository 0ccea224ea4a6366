#pragma once

#include "base/error.h"
#include "base/types.h"

#include <span>
#include <vector>

namespace kite {

// The byte stream a device saves its state into (little-endian fields in the
// order the device writes them), for snapshots and migration.
class StateWriter {
public:
    void put_u8(u8 value) { put(value); }
    void put_u16(u16 value) { put(value); }
    void put_u32(u32 value) { put(value); }
    void put_u64(u64 value) { put(value); }
    void put_bool(bool value) { put(static_cast<u8>(value ? 1 : 0)); }
    // A length (u32) and then the bytes.
    void put_bytes(std::span<const u8> bytes);

    const std::vector<u8>& bytes() const { return m_bytes; }
    std::vector<u8> take() { return std::move(m_bytes); }

private:
    template <typename T>
    void put(T value);

    std::vector<u8> m_bytes;
};

// Reads back what a StateWriter wrote. Every read checks the bounds: a
// truncated or foreign stream is an error, never a crash.
class StateReader {
public:
    explicit StateReader(std::span<const u8> bytes) : m_bytes(bytes) {}

    Result<u8> get_u8() { return get<u8>(); }
    Result<u16> get_u16() { return get<u16>(); }
    Result<u32> get_u32() { return get<u32>(); }
    Result<u64> get_u64() { return get<u64>(); }
    Result<bool> get_bool();
    // What put_bytes wrote; at most `limit` bytes.
    Result<std::vector<u8>> get_bytes(std::size_t limit);

    bool at_end() const { return m_offset == m_bytes.size(); }
    // An error unless every byte was read.
    Result<void> expect_end() const;

private:
    template <typename T>
    Result<T> get();

    std::span<const u8> m_bytes;
    std::size_t m_offset{0};
};

} // namespace kite
