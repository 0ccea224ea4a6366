#pragma once

#include "base/error.h"
#include "base/types.h"
#include "virtio/device/virtio_device.h"

#include <functional>
#include <span>
#include <vector>

namespace kite::virtio {

// virtio-entropy (device ID 4, virtio 1.2 5.4): one request queue of
// device-writable buffers, each filled with host random bytes (at most
// kMaxBytesPerRequest per chain; the used length says how many). Readable
// segments, which a driver must not supply, are ignored. No config space, no
// feature bits of its own.
//
// Requests are served synchronously on the notifying vCPU thread: getrandom()
// of at most 64 KiB does not block once the host pool is initialised. Devices
// whose requests wait on host I/O (blk, net) will hand their queues to an I/O
// thread instead, taking mutex() around queue accesses.
class VirtioRng final : public VirtioDevice {
public:
    static constexpr u16 kQueueSize = 256;
    static constexpr u32 kMaxBytesPerRequest = 64 * 1024;

    // Fills the span entirely or fails.
    using EntropySource = std::function<Result<void>(std::span<u8>)>;

    // `source` defaults to host_entropy() (tests pass a deterministic one).
    explicit VirtioRng(const GuestMemory& memory, EntropySource source = {});

    // getrandom(2), retried on EINTR and short reads.
    static Result<void> host_entropy(std::span<u8> out);

    // Bytes handed to the guest so far (under mutex()).
    u64 bytes_served() const { return m_bytes_served; }

protected:
    void process_queue(u16 index) override;

private:
    Result<u32> serve(const DescriptorChain& chain);

    EntropySource m_source;
    std::vector<u8> m_buffer;
    u64 m_bytes_served{0};
    u64 m_source_failures{0};
};

} // namespace kite::virtio
