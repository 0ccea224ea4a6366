#include "base/state_stream.h"

#include "base/le_bytes.h"

namespace kite {

template <typename T>
void StateWriter::put(T value) {
    std::size_t at = m_bytes.size();
    m_bytes.resize(at + sizeof(T));
    store_le<T>(m_bytes, at, value);
}

void StateWriter::put_bytes(std::span<const u8> bytes) {
    put(static_cast<u32>(bytes.size()));
    m_bytes.insert(m_bytes.end(), bytes.begin(), bytes.end());
}

template <typename T>
Result<T> StateReader::get() {
    if (m_bytes.size() - m_offset < sizeof(T))
        return error("device state: truncated at byte {} (wanted {} more)", m_offset, sizeof(T));
    T value = load_le<T>(m_bytes, m_offset);
    m_offset += sizeof(T);
    return value;
}

Result<bool> StateReader::get_bool() {
    u8 value = TRY(get<u8>());
    if (value > 1)
        return error("device state: byte {} is {} where a flag (0 or 1) belongs", m_offset - 1, value);
    return value == 1;
}

Result<std::vector<u8>> StateReader::get_bytes(std::size_t limit) {
    u32 length = TRY(get<u32>());
    if (length > limit)
        return error("device state: a {}-byte field where at most {} fit", length, limit);
    if (m_bytes.size() - m_offset < length)
        return error("device state: truncated at byte {} (wanted {} more)", m_offset, length);
    std::vector<u8> out(m_bytes.begin() + static_cast<std::ptrdiff_t>(m_offset),
                        m_bytes.begin() + static_cast<std::ptrdiff_t>(m_offset + length));
    m_offset += length;
    return out;
}

Result<void> StateReader::expect_end() const {
    if (!at_end())
        return error("device state: {} bytes left over", m_bytes.size() - m_offset);
    return {};
}

template void StateWriter::put<u8>(u8);
template void StateWriter::put<u16>(u16);
template void StateWriter::put<u32>(u32);
template void StateWriter::put<u64>(u64);
template Result<u8> StateReader::get<u8>();
template Result<u16> StateReader::get<u16>();
template Result<u32> StateReader::get<u32>();
template Result<u64> StateReader::get<u64>();

} // namespace kite
