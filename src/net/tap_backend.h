#pragma once

#include "base/error.h"
#include "base/types.h"
#include "base/unique_fd.h"
#include "event/io_thread.h"
#include "net/net_backend.h"

#include <memory>
#include <string>
#include <vector>

namespace kite::net {

struct TapOptions {
    // The interface to attach to or create ("tap0"; "kite%d" lets the kernel
    // pick a number). At most 15 characters.
    std::string ifname;
};

// A host tap interface (/dev/net/tun, IFF_TAP | IFF_NO_PI | IFF_VNET_HDR).
// Frames in both directions carry the 12-byte virtio net header, so the guest's
// checksum offload passes straight through to the host kernel. The fd is
// non-blocking and read on the IoThread; while the device has no receive
// buffers the backend holds the frame it read and stops polling the fd, so
// the kernel queues (and eventually drops) further packets.
//
// Needs CAP_NET_ADMIN, or a persistent tap device owned by the user
// (`ip tuntap add dev tap0 mode tap user $USER`).
class TapBackend final : public NetBackend {
public:
    // Frames read per readiness event before the loop serves other fds.
    static constexpr int kReadBudget = 64;

    static Result<std::unique_ptr<TapBackend>> create(IoThread& io, TapOptions options);
    ~TapBackend() override;
    TapBackend(const TapBackend&) = delete;
    TapBackend& operator=(const TapBackend&) = delete;

    // The interface name the kernel gave (expanded from a %d pattern).
    const std::string& ifname() const { return m_ifname; }
    int fd() const { return m_fd.get(); }

    std::string_view kind() const override { return "tap"; }
    bool has_vnet_header() const override { return true; }
    void set_receive_callback(ReceiveCallback callback) override;
    Result<void> send(std::span<const iovec> frame) override;
    void resume_receive() override;
    bool receive_paused() const override { return m_paused; }
    // TUNSETOFFLOAD: TUN_F_CSUM when the guest takes partial checksums.
    Result<void> set_rx_checksum_offload(bool enabled) override;

    u64 frames_dropped() const { return m_frames_dropped; }

private:
    TapBackend(IoThread& io, UniqueFd fd, std::string ifname)
        : m_io(&io), m_fd(std::move(fd)), m_ifname(std::move(ifname)) {}

    void on_readable();
    // Hands m_buffer[0, len) to the device; false when it had no room.
    bool offer(std::size_t len);
    void start_polling();
    void stop_polling();

    IoThread* m_io;
    UniqueFd m_fd;
    std::string m_ifname;
    bool m_polling{false};
    ReceiveCallback m_callback;
    bool m_paused{false};
    std::vector<u8> m_buffer; // one received frame with its vnet header
    std::size_t m_held{0};    // length of the frame in m_buffer the device refused, 0 if none
    u64 m_frames_dropped{0};
    u64 m_read_errors{0};
};

} // namespace kite::net
