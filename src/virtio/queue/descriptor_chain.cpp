#include "virtio/queue/descriptor_chain.h"

#include <algorithm>
#include <limits>

namespace kite::virtio {

namespace {

constexpr u64 kMaxTotal = std::numeric_limits<u32>::max();

// Walks `segments` from byte `offset`, calling fn(address, host offset in the
// caller's buffer, length) for each piece, until `len` bytes are covered or the
// segments end. Returns the bytes covered.
template <typename Fn>
Result<std::size_t> walk(const std::vector<Segment>& segments, u64 offset, std::size_t len, Fn&& fn) {
    std::size_t done = 0;
    for (const Segment& s : segments) {
        if (done == len)
            break;
        if (offset >= s.len) {
            offset -= s.len;
            continue;
        }
        u64 chunk = std::min<u64>(s.len - offset, len - done);
        TRY(fn(s.addr + offset, done, chunk));
        done += chunk;
        offset = 0;
    }
    return done;
}

} // namespace

Result<void> DescriptorChain::append(const GuestMemory& memory, GuestAddress addr, u32 len,
                                     bool device_writable) {
    if (!device_writable && !m_writable.empty())
        return error("descriptor chain {}: device-readable buffer after a device-writable one", m_head);
    if (!memory.is_valid_range(addr, len))
        return error("descriptor chain {}: buffer at {:#x} of {:#x} bytes is outside guest RAM", m_head,
                     addr.value, len);
    u32& total = device_writable ? m_writable_len : m_readable_len;
    if (u64{total} + len > kMaxTotal)
        return error("descriptor chain {}: {} length exceeds 4 GiB", m_head,
                     device_writable ? "writable" : "readable");
    total += len;
    (device_writable ? m_writable : m_readable).push_back(Segment{addr, len});
    return {};
}

Result<std::size_t> DescriptorChain::read_at(const GuestMemory& memory, u64 offset, std::span<u8> out) const {
    return walk(m_readable, offset, out.size(),
                [&](GuestAddress a, std::size_t at, u64 n) { return memory.read(a, out.subspan(at, n)); });
}

Result<std::size_t> DescriptorChain::write_at(const GuestMemory& memory, u64 offset,
                                              std::span<const u8> in) const {
    return walk(m_writable, offset, in.size(),
                [&](GuestAddress a, std::size_t at, u64 n) { return memory.write(a, in.subspan(at, n)); });
}

Result<void> ChainReader::read(std::span<u8> out) {
    if (out.size() > remaining())
        return error("descriptor chain {}: read of {} bytes at offset {} runs past the readable part",
                     m_chain->head(), out.size(), m_position);
    TRY(m_chain->read_at(*m_memory, m_position, out));
    m_position += out.size();
    return {};
}

Result<void> ChainReader::skip(u64 count) {
    if (count > remaining())
        return error("descriptor chain {}: skip of {} bytes at offset {} runs past the readable part",
                     m_chain->head(), count, m_position);
    m_position += count;
    return {};
}

Result<void> ChainWriter::write(std::span<const u8> in) {
    if (in.size() > remaining())
        return error("descriptor chain {}: write of {} bytes at offset {} runs past the writable part",
                     m_chain->head(), in.size(), m_position);
    TRY(m_chain->write_at(*m_memory, m_position, in));
    m_position += in.size();
    return {};
}

} // namespace kite::virtio
