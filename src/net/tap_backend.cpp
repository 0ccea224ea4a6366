#include "net/tap_backend.h"

#include "base/log.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <unistd.h>

namespace kite::net {

namespace {

constexpr const char* kTunPath = "/dev/net/tun";

Error tun_open_error(int err) {
    switch (err) {
    case ENOENT:
    case ENODEV:
    case ENXIO:
        return Error::from_errno(fmt::format("open {} (is the tun module loaded?)", kTunPath), err);
    case EACCES:
    case EPERM:
        return Error::from_errno(
            fmt::format("open {} (tap networking needs root or CAP_NET_ADMIN, or access to {})", kTunPath,
                        kTunPath),
            err);
    default:
        return Error::from_errno(fmt::format("open {}", kTunPath), err);
    }
}

Error setiff_error(const std::string& name, int err) {
    std::string what = fmt::format("attach to tap interface '{}' (TUNSETIFF)", name);
    switch (err) {
    case EPERM:
    case EACCES:
        return Error::from_errno(
            fmt::format("{}; creating a tap needs CAP_NET_ADMIN, or create it beforehand with "
                        "`ip tuntap add dev {} mode tap user $USER`",
                        what, name),
            err);
    case EBUSY:
        return Error::from_errno(fmt::format("{}; another process has it open", what), err);
    case EINVAL:
        return Error::from_errno(fmt::format("{}; is it a tun (not tap) device?", what), err);
    default:
        return Error::from_errno(std::move(what), err);
    }
}

} // namespace

Result<std::unique_ptr<TapBackend>> TapBackend::create(IoThread& io, TapOptions options) {
    if (options.ifname.size() >= IFNAMSIZ)
        return error("tap interface name '{}' is longer than {} characters", options.ifname, IFNAMSIZ - 1);
    if (options.ifname.find_first_of("/ \t\n:") != std::string::npos)
        return error("tap interface name '{}' has characters an interface name cannot have", options.ifname);

    UniqueFd fd(::open(kTunPath, O_RDWR | O_NONBLOCK | O_CLOEXEC));
    if (!fd)
        return std::unexpected(tun_open_error(errno));

    unsigned int features = 0;
    if (::ioctl(fd.get(), TUNGETFEATURES, &features) == 0 && (features & IFF_VNET_HDR) == 0)
        return error("{}: the kernel's tun driver has no IFF_VNET_HDR", kTunPath);

    ifreq ifr{};
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
    std::memcpy(ifr.ifr_name, options.ifname.data(), options.ifname.size());
    if (::ioctl(fd.get(), TUNSETIFF, &ifr) != 0)
        return std::unexpected(setiff_error(options.ifname, errno));
    std::string name(ifr.ifr_name, strnlen(ifr.ifr_name, IFNAMSIZ));

    // The virtio 1.x header, num_buffers included.
    int header_size = static_cast<int>(kVnetHeaderSize);
    if (::ioctl(fd.get(), TUNSETVNETHDRSZ, &header_size) != 0)
        return errno_error(fmt::format("tap '{}': TUNSETVNETHDRSZ {}", name, header_size));
    // No offloads until the guest negotiates them: frames arrive fully checksummed, unsegmented.
    if (::ioctl(fd.get(), TUNSETOFFLOAD, 0u) != 0)
        return errno_error(fmt::format("tap '{}': TUNSETOFFLOAD", name));

    std::unique_ptr<TapBackend> backend(new TapBackend(io, std::move(fd), std::move(name)));
    backend->m_buffer.resize(kVnetHeaderSize + kMaxFrameSize);
    log::debug("tap: attached to {}", backend->m_ifname);
    return backend;
}

TapBackend::~TapBackend() {
    m_io->run_sync([this] {
        stop_polling();
        m_callback = {};
    });
}

void TapBackend::start_polling() {
    if (m_polling)
        return;
    if (auto r = m_io->add(m_fd.get(), EPOLLIN, [this](u32) { on_readable(); }); !r) {
        log::warn("tap {}: {}", m_ifname, r.error().message());
        return;
    }
    m_polling = true;
}

void TapBackend::stop_polling() {
    if (!m_polling)
        return;
    (void)m_io->remove(m_fd.get());
    m_polling = false;
}

void TapBackend::set_receive_callback(ReceiveCallback callback) {
    m_callback = std::move(callback);
    m_held = 0;
    m_paused = false;
    if (m_callback)
        start_polling();
    else
        stop_polling();
}

bool TapBackend::offer(std::size_t len) {
    if (!m_callback)
        return true;
    switch (m_callback(std::span<const u8>(m_buffer.data(), len))) {
    case RxStatus::Accepted:
        return true;
    case RxStatus::NoBuffers:
        return false;
    }
    return true;
}

void TapBackend::on_readable() {
    for (int i = 0; i < kReadBudget && !m_paused; ++i) {
        ssize_t n = ::read(m_fd.get(), m_buffer.data(), m_buffer.size());
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN && log::worth_logging(++m_read_errors))
                log::warn("tap {}: {}", m_ifname, Error::from_errno("read").message());
            return;
        }
        if (static_cast<std::size_t>(n) <= kVnetHeaderSize) {
            ++m_frames_dropped;
            continue;
        }
        if (!offer(static_cast<std::size_t>(n))) {
            // Keep the frame and stop reading until the device has buffers again.
            m_held = static_cast<std::size_t>(n);
            m_paused = true;
            stop_polling();
        }
    }
}

void TapBackend::resume_receive() {
    if (!m_paused)
        return;
    if (m_held != 0) {
        if (!offer(m_held))
            return;
        m_held = 0;
    }
    m_paused = false;
    if (m_callback)
        start_polling(); // level-triggered: reports at once if packets waited meanwhile
}

Result<void> TapBackend::send(std::span<const iovec> frame) {
    std::size_t total = 0;
    for (const iovec& v : frame)
        total += v.iov_len;
    if (total <= kVnetHeaderSize)
        return error("tap {}: frame of {} bytes has no room for the vnet header and data", m_ifname, total);
    if (total > kVnetHeaderSize + kMaxFrameSize)
        return error("tap {}: frame of {} bytes is too large", m_ifname, total);
    for (;;) {
        ssize_t n = ::writev(m_fd.get(), frame.data(), static_cast<int>(frame.size()));
        if (n >= 0)
            return {};
        if (errno == EINTR)
            continue;
        // EAGAIN: the interface's queue is full; EIO: it is down. The frame is lost either way.
        return errno_error(fmt::format("tap {}: write", m_ifname));
    }
}

Result<void> TapBackend::set_rx_checksum_offload(bool enabled) {
    const unsigned int offloads = enabled ? TUN_F_CSUM : 0u;
    if (::ioctl(m_fd.get(), TUNSETOFFLOAD, offloads) != 0)
        return errno_error(fmt::format("tap {}: TUNSETOFFLOAD {:#x}", m_ifname, offloads));
    return {};
}

} // namespace kite::net
