#pragma once

#include "base/error.h"
#include "base/types.h"
#include "memory/guest_address.h"
#include "memory/guest_memory.h"

#include <span>
#include <vector>

namespace kite::virtio {

// One guest buffer of a descriptor chain.
struct Segment {
    GuestAddress addr;
    u32 len{0};

    bool operator==(const Segment&) const = default;
};

// A validated descriptor chain as popped from a virtqueue: the device-readable
// segments, then the device-writable ones, in chain order. Every segment lies in
// guest RAM (checked when the chain was built) and each direction totals at most
// 2^32 - 1 bytes. The chain is a copy: the guest rewriting its descriptor table
// afterwards does not change it. Data moves only through GuestMemory.
class DescriptorChain {
public:
    explicit DescriptorChain(u16 head = 0) : m_head(head) {}

    // The head index to hand back in push_used().
    u16 head() const { return m_head; }
    const std::vector<Segment>& readable() const { return m_readable; }
    const std::vector<Segment>& writable() const { return m_writable; }
    u32 readable_len() const { return m_readable_len; }
    u32 writable_len() const { return m_writable_len; }
    // Descriptors the chain was made of (indirect tables count their entries).
    u32 descriptor_count() const { return m_descriptor_count; }

    // Adds a segment. Errors (and leaves the chain unchanged) when a readable
    // segment follows a writable one, when the segment is not in `memory`, or when
    // the direction's total would exceed 2^32 - 1 bytes.
    Result<void> append(const GuestMemory& memory, GuestAddress addr, u32 len, bool device_writable);
    void count_descriptor() { ++m_descriptor_count; }

    // Copies bytes from the readable segments, starting `offset` bytes into them,
    // into `out`. Returns how many were copied: fewer than out.size() when the
    // readable part ends first.
    Result<std::size_t> read_at(const GuestMemory& memory, u64 offset, std::span<u8> out) const;
    // Copies `in` into the writable segments starting `offset` bytes into them.
    // Returns how many were copied: fewer than in.size() when the writable part ends first.
    Result<std::size_t> write_at(const GuestMemory& memory, u64 offset, std::span<const u8> in) const;

private:
    u16 m_head{0};
    u32 m_descriptor_count{0};
    u32 m_readable_len{0};
    u32 m_writable_len{0};
    std::vector<Segment> m_readable;
    std::vector<Segment> m_writable;
};

// A read cursor over the readable part of a chain (a request header, then its payload...).
class ChainReader {
public:
    ChainReader(const GuestMemory& memory, const DescriptorChain& chain)
        : m_memory(&memory), m_chain(&chain) {}

    u64 position() const { return m_position; }
    u64 remaining() const { return m_chain->readable_len() - m_position; }

    // Reads exactly out.size() bytes; errors (without moving) if fewer remain.
    Result<void> read(std::span<u8> out);
    Result<void> skip(u64 count);

    template <typename T>
    Result<T> read_obj() {
        static_assert(std::is_trivially_copyable_v<T>);
        T value;
        TRY(read(std::span(reinterpret_cast<u8*>(&value), sizeof(T))));
        return value;
    }

private:
    const GuestMemory* m_memory;
    const DescriptorChain* m_chain;
    u64 m_position{0};
};

// A write cursor over the writable part of a chain; written() is what the
// device reports as the used length.
class ChainWriter {
public:
    ChainWriter(const GuestMemory& memory, const DescriptorChain& chain)
        : m_memory(&memory), m_chain(&chain) {}

    u32 written() const { return static_cast<u32>(m_position); }
    u64 remaining() const { return m_chain->writable_len() - m_position; }

    // Writes exactly in.size() bytes; errors (without moving) if less room remains.
    Result<void> write(std::span<const u8> in);

    template <typename T>
    Result<void> write_obj(const T& value) {
        static_assert(std::is_trivially_copyable_v<T>);
        return write(std::span(reinterpret_cast<const u8*>(&value), sizeof(T)));
    }

private:
    const GuestMemory* m_memory;
    const DescriptorChain* m_chain;
    u64 m_position{0};
};

} // namespace kite::virtio
