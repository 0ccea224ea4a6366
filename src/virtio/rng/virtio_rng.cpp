#include "virtio/rng/virtio_rng.h"

#include "base/log.h"

#include <algorithm>
#include <cerrno>
#include <sys/random.h>

namespace kite::virtio {

namespace {

constexpr u16 kQueueSizes[] = {VirtioRng::kQueueSize};

} // namespace

VirtioRng::VirtioRng(const GuestMemory& memory, EntropySource source)
    : VirtioDevice(DeviceId::Entropy, "rng", 0, memory, kQueueSizes),
      m_source(source ? std::move(source) : EntropySource(&VirtioRng::host_entropy)) {}

Result<void> VirtioRng::host_entropy(std::span<u8> out) {
    std::size_t done = 0;
    while (done < out.size()) {
        ssize_t n = ::getrandom(out.data() + done, out.size() - done, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return errno_error("getrandom");
        }
        done += static_cast<std::size_t>(n);
    }
    return {};
}

void VirtioRng::process_queue(u16 index) {
    serve_queue(index, [this](const DescriptorChain& chain) { return serve(chain); });
}

Result<u32> VirtioRng::serve(const DescriptorChain& chain) {
    const u32 len = std::min(chain.writable_len(), kMaxBytesPerRequest);
    if (len == 0)
        return 0;
    m_buffer.resize(len);
    std::span<u8> bytes(m_buffer.data(), len);
    if (auto r = m_source(bytes); !r) {
        // A host failure, not the guest's: hand the buffer back empty.
        if (++m_source_failures <= 8)
            log::warn("virtio-rng: {}", r.error().message());
        return 0;
    }
    std::size_t written = TRY(chain.write_at(memory(), 0, bytes));
    m_bytes_served += written;
    return static_cast<u32>(written);
}

} // namespace kite::virtio
