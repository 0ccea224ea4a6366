#pragma once

#include "base/error.h"
#include "base/types.h"

#include <functional>
#include <span>
#include <string_view>
#include <sys/uio.h>

namespace kite::net {

// The size of the virtio 1.x net header (struct virtio_net_hdr with
// num_buffers) that vnet-header backends put before each frame.
constexpr std::size_t kVnetHeaderSize = 12;

// The largest Ethernet frame (without a vnet header) a backend or device
// handles: 64 KiB of GSO payload plus Ethernet and VLAN headers. Anything
// larger is dropped and counted.
constexpr std::size_t kMaxFrameSize = 65550;

// What a device answers to a received frame.
enum class RxStatus {
    Accepted,  // taken (or deliberately dropped); send the next one
    NoBuffers, // no room: keep this frame and send nothing more until resume_receive()
};

// The host side of a network device: moves whole Ethernet frames between the
// guest's NIC and the host (user-mode networking, a tap device).
//
// Threading: every method runs on the IoThread the backend was created on,
// and the receive callback is invoked there too. send() may invoke the
// receive callback before it returns (slirp answers ARP and DHCP inline), so
// the caller must not hold a lock the callback takes.
//
// Frames are plain Ethernet frames, unless has_vnet_header(): then each frame,
// in both directions, starts with the kVnetHeaderSize-byte virtio net header,
// which the backend hands to and takes from the host verbatim (checksum
// offload).
class NetBackend {
public:
    using ReceiveCallback = std::function<RxStatus(std::span<const u8> frame)>;

    virtual ~NetBackend() = default;

    // "slirp", "tap".
    virtual std::string_view kind() const = 0;
    virtual bool has_vnet_header() const = 0;

    // The device's receive hook; an empty callback drops received frames.
    virtual void set_receive_callback(ReceiveCallback callback) = 0;

    // Sends one frame gathered from `frame` (its iovecs concatenated). Errors
    // are the host's (the frame is lost, as on a real wire); the device counts them.
    virtual Result<void> send(std::span<const iovec> frame) = 0;

    // Flow control: after the callback answered NoBuffers the backend holds
    // that frame and stops delivering (tap stops polling its fd; slirp queues a
    // bounded number of frames and drops the rest). resume_receive() delivers
    // the held frames again, in order, until the callback refuses one.
    virtual void resume_receive() = 0;
    virtual bool receive_paused() const = 0;

    // Whether received frames may carry partial checksums (the vnet header's
    // NEEDS_CSUM), i.e. the guest negotiated VIRTIO_NET_F_GUEST_CSUM. Only
    // meaningful with has_vnet_header().
    virtual Result<void> set_rx_checksum_offload(bool) { return {}; }
};

} // namespace kite::net
