#include "mock_driver.h"
#include "net/net_backend.h"
#include "virtio/net/virtio_net.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <future>
#include <gtest/gtest.h>
#include <numeric>
#include <optional>
#include <vector>

namespace kite::virtio {
namespace {

using testing::Buffer;
using testing::kRamBase;
using testing::make_memory;
using testing::MockDriver;
using testing::must;
using Bytes = std::vector<u8>;

constexpr u16 kRingSize = 16;
constexpr u16 kTxRingSize = 128; // room for more than one transmit batch
constexpr u64 kRxRings = kRamBase;
constexpr u64 kTxRings = kRamBase + 0x10000;
constexpr u64 kData = kRamBase + 1 * MiB;

// A backend that records what the device sends and delivers what the test
// gives it, with the same flow control a real backend has. Used on the IoThread.
class FakeBackend final : public net::NetBackend {
public:
    explicit FakeBackend(bool vnet) : m_vnet(vnet) {}

    std::string_view kind() const override { return "fake"; }
    bool has_vnet_header() const override { return m_vnet; }
    void set_receive_callback(ReceiveCallback cb) override { callback = std::move(cb); }
    Result<void> send(std::span<const iovec> frame) override {
        Bytes b;
        for (const iovec& v : frame)
            b.insert(b.end(), static_cast<const u8*>(v.iov_base),
                     static_cast<const u8*>(v.iov_base) + v.iov_len);
        sent.push_back(std::move(b));
        return {};
    }
    void resume_receive() override {
        ++resumes;
        if (!paused)
            return;
        if (held && callback && callback(*held) == net::RxStatus::NoBuffers)
            return;
        held.reset();
        paused = false;
    }
    bool receive_paused() const override { return paused; }
    Result<void> set_rx_checksum_offload(bool on) override {
        rx_csum = on;
        return {};
    }

    // A frame from the "host".
    net::RxStatus deliver(const Bytes& frame) {
        if (paused || !callback)
            return net::RxStatus::NoBuffers;
        auto status = callback(frame);
        if (status == net::RxStatus::NoBuffers) {
            paused = true;
            held = frame;
        }
        return status;
    }

    ReceiveCallback callback;
    std::vector<Bytes> sent;
    int resumes{0};
    bool paused{false};
    std::optional<Bytes> held;
    bool rx_csum{false};

private:
    bool m_vnet;
};

class Sink final : public InterruptSink {
public:
    void used_buffer_notification(u16 q) override { ++used[q]; }
    void config_change_notification() override { ++config; }
    std::atomic<int> used[2]{};
    std::atomic<int> config{0};
};

Bytes pattern(std::size_t n, u8 seed) {
    Bytes b(n);
    for (std::size_t i = 0; i < n; ++i)
        b[i] = static_cast<u8>(seed + i * 7);
    return b;
}

class VirtioNetTest : public ::testing::Test {
protected:
    void SetUp() override { make_device(false); }

    void make_device(bool vnet, VirtioNetOptions options = {}) {
        net.reset();
        auto b = std::make_unique<FakeBackend>(vnet);
        fake = b.get();
        net = std::make_shared<VirtioNet>(memory, *io, std::move(b), options);
        net->set_interrupt_sink(&sink);
    }

    // The driver's initialisation (spec 3.1.1) with `wanted` features.
    void init(u64 wanted) {
        ASSERT_NO_FATAL_FAILURE(negotiate(wanted));
        flush(); // DRIVER_OK kicks every queue: let that work finish
    }
    void negotiate(u64 wanted) {
        std::lock_guard lock(net->mutex());
        net->set_status(status::kAcknowledge);
        net->set_status(status::kAcknowledge | status::kDriver);
        ASSERT_TRUE(net->set_driver_features(wanted & net->device_features()));
        net->set_status(status::kAcknowledge | status::kDriver | status::kFeaturesOk);
        ASSERT_TRUE(net->status() & status::kFeaturesOk);
        for (u16 i = 0; i < 2; ++i) {
            MockDriver& d = i == 0 ? rx : tx;
            Virtqueue& q = net->queue(i);
            ASSERT_EQ(q.max_size(), VirtioNet::kQueueSize);
            q.set_size(d.size());
            q.set_desc_addr(d.desc_addr());
            q.set_driver_addr(d.avail_addr());
            q.set_device_addr(d.used_addr());
            ASSERT_TRUE(net->enable_queue(i));
        }
        net->set_status(status::kAcknowledge | status::kDriver | status::kFeaturesOk | status::kDriverOk);
        ASSERT_TRUE(net->driver_ok());
    }

    void kick(u16 queue) {
        std::lock_guard lock(net->mutex());
        net->notify(queue);
    }
    // Waits until everything posted so far has run on the IoThread.
    void flush() {
        io->run_sync([] {});
    }
    net::RxStatus deliver(const Bytes& frame) {
        net::RxStatus status{};
        io->run_sync([&] { status = fake->deliver(frame); });
        return status;
    }
    std::vector<Bytes> sent() {
        std::vector<Bytes> out;
        io->run_sync([&] { out = fake->sent; });
        return out;
    }
    bool needs_reset() {
        std::lock_guard lock(net->mutex());
        return net->needs_reset();
    }
    Bytes read(u64 addr, std::size_t n) {
        Bytes b(n);
        must(memory.read(GuestAddress(addr), b));
        return b;
    }
    VirtioNetHeader read_header(u64 addr) {
        return must(memory.read_obj<VirtioNetHeader>(GuestAddress(addr)));
    }

    // Publishes a transmit chain: the header in one buffer, the frame in another.
    void send_frame(const VirtioNetHeader& header, const Bytes& frame, u64 at = kData) {
        must(memory.write_obj(GuestAddress(at), header));
        must(memory.write(GuestAddress(at + 0x100), frame));
        tx.publish(tx.add_chain({{at, sizeof(header)}, {at + 0x100, static_cast<u32>(frame.size())}}, {}));
        kick(VirtioNet::kTxQueue);
        flush();
    }

    std::unique_ptr<IoThread> io = must(IoThread::start("kite-io-test"));
    GuestMemory memory = make_memory();
    MockDriver rx = MockDriver::at(memory, kRingSize, kRxRings);
    MockDriver tx = MockDriver::at(memory, kTxRingSize, kTxRings);
    Sink sink;
    FakeBackend* fake{nullptr};
    std::shared_ptr<VirtioNet> net;
};

TEST_F(VirtioNetTest, OffersFeaturesAndConfig) {
    const u64 f = net->device_features();
    EXPECT_TRUE(f & feature::kVersion1);
    EXPECT_TRUE(f & net_feature::kMac);
    EXPECT_TRUE(f & net_feature::kStatus);
    EXPECT_TRUE(f & net_feature::kMrgRxbuf);
    EXPECT_FALSE(f & (net_feature::kCsum | net_feature::kGuestCsum)); // slirp-like: no vnet headers
    EXPECT_FALSE(f & net_feature::kMtu);
    EXPECT_EQ(net->device_id(), DeviceId::Net);
    EXPECT_EQ(net->num_queues(), 2u);

    std::array<u8, 10> config{};
    net->read_config(0, config);
    const auto mac = net::MacAddress::default_for(0);
    EXPECT_TRUE(std::equal(mac.bytes.begin(), mac.bytes.end(), config.begin()));
    EXPECT_EQ(config[6] | config[7] << 8, 1); // LINK_UP
    EXPECT_EQ(config[8] | config[9] << 8, 1); // max_virtqueue_pairs
    std::array<u8, 2> past{0xAA, 0xAA};
    net->read_config(10, past); // no MTU field: out of range reads zero
    EXPECT_EQ(past[0], 0);

    VirtioNetOptions options;
    options.mac = *net::MacAddress::parse("02:00:00:00:00:07");
    options.mtu = 1400;
    make_device(true, options);
    EXPECT_TRUE(net->device_features() & net_feature::kCsum);
    EXPECT_TRUE(net->device_features() & net_feature::kGuestCsum);
    EXPECT_TRUE(net->device_features() & net_feature::kMtu);
    std::array<u8, 12> full{};
    net->read_config(0, full);
    EXPECT_EQ(full[5], 7);
    EXPECT_EQ(full[10] | full[11] << 8, 1400);

    {
        std::lock_guard lock(net->mutex());
        net->set_link_up(false);
    }
    net->read_config(6, std::span(full).first(2));
    EXPECT_EQ(full[0], 0);
}

TEST_F(VirtioNetTest, TransmitStripsTheHeader) {
    ASSERT_NO_FATAL_FAILURE(init(feature::kVersion1 | net_feature::kMac));
    const Bytes frame = pattern(60, 1);
    send_frame(VirtioNetHeader{}, frame);
    auto frames = sent();
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0], frame);
    auto used = tx.take_used();
    ASSERT_TRUE(used);
    EXPECT_EQ(used->len, 0u);
    EXPECT_GE(sink.used[1].load(), 1);
    EXPECT_EQ(net->stats().tx_frames, 1u);
    EXPECT_EQ(net->stats().tx_bytes, 60u);
}

TEST_F(VirtioNetTest, TransmitsMoreThanABatchPerKick) {
    ASSERT_NO_FATAL_FAILURE(init(feature::kVersion1));
    constexpr int kFrames = 100; // a batch of 64, then the rest in a second IoThread turn
    static_assert(kFrames > VirtioNet::kTxBatch && kFrames <= kTxRingSize);
    for (int i = 0; i < kFrames; ++i) {
        const u64 at = kData + 0x1000 * static_cast<u64>(i);
        const Bytes frame = pattern(64 + i, static_cast<u8>(i));
        must(memory.write(GuestAddress(at), Bytes(12, 0)));
        must(memory.write(GuestAddress(at + 12), frame));
        tx.publish(tx.add_chain({{at, static_cast<u32>(12 + frame.size())}}, {}));
    }
    kick(VirtioNet::kTxQueue);
    flush();
    flush();
    auto frames = sent();
    ASSERT_EQ(frames.size(), static_cast<std::size_t>(kFrames));
    for (int i = 0; i < kFrames; ++i)
        EXPECT_EQ(frames[static_cast<std::size_t>(i)], pattern(64 + i, static_cast<u8>(i))) << i;
    int used = 0;
    while (tx.take_used())
        ++used;
    EXPECT_EQ(used, kFrames);
}

TEST_F(VirtioNetTest, TransmitPassesTheHeaderToAVnetBackend) {
    make_device(true);
    ASSERT_NO_FATAL_FAILURE(init(feature::kVersion1 | net_feature::kCsum | net_feature::kGuestCsum));
    flush();
    io->run_sync([&] { EXPECT_TRUE(fake->rx_csum); }); // GUEST_CSUM switched the backend's offload on
    VirtioNetHeader header{};
    header.flags = VirtioNetHeader::kFlagNeedsCsum;
    header.csum_start = 34;
    header.csum_offset = 16;
    const Bytes frame = pattern(80, 3);
    send_frame(header, frame);
    auto frames = sent();
    ASSERT_EQ(frames.size(), 1u);
    ASSERT_EQ(frames[0].size(), 12 + frame.size());
    VirtioNetHeader got;
    std::memcpy(&got, frames[0].data(), sizeof(got));
    EXPECT_EQ(got.flags, VirtioNetHeader::kFlagNeedsCsum);
    EXPECT_EQ(got.csum_start, 34);
    EXPECT_EQ(got.csum_offset, 16);
    EXPECT_TRUE(std::equal(frame.begin(), frame.end(), frames[0].begin() + 12));
}

TEST_F(VirtioNetTest, ReceiveWritesHeaderAndFrame) {
    ASSERT_NO_FATAL_FAILURE(init(feature::kVersion1 | net_feature::kMac));
    must(memory.fill(GuestAddress(kData), 0xEE, 2048));
    rx.publish(rx.add_chain({}, {{kData, 2048}}));
    kick(VirtioNet::kRxQueue);
    const Bytes frame = pattern(100, 5);
    EXPECT_EQ(deliver(frame), net::RxStatus::Accepted);
    auto used = rx.take_used();
    ASSERT_TRUE(used);
    EXPECT_EQ(used->len, 112u);
    VirtioNetHeader h = read_header(kData);
    EXPECT_EQ(h.num_buffers, 1); // VERSION_1: always set
    EXPECT_EQ(h.flags, 0);
    EXPECT_EQ(h.gso_type, 0);
    EXPECT_EQ(read(kData + 12, 100), frame);
    EXPECT_EQ(sink.used[0].load(), 1);
    EXPECT_EQ(net->stats().rx_frames, 1u);
}

TEST_F(VirtioNetTest, MergeableReceiveSpansSeveralBuffers) {
    ASSERT_NO_FATAL_FAILURE(init(feature::kVersion1 | net_feature::kMrgRxbuf));
    std::vector<u16> heads;
    for (u64 i = 0; i < 3; ++i) {
        heads.push_back(rx.add_chain({}, {{kData + 0x1000 * i, 64}}));
        rx.publish(heads.back());
    }
    kick(VirtioNet::kRxQueue);
    const Bytes frame = pattern(150, 9); // 162 bytes with the header: 64 + 64 + 34
    EXPECT_EQ(deliver(frame), net::RxStatus::Accepted);
    const u32 lens[] = {64, 64, 34};
    for (int i = 0; i < 3; ++i) {
        auto used = rx.take_used();
        ASSERT_TRUE(used) << i;
        EXPECT_EQ(used->id, heads[static_cast<std::size_t>(i)]);
        EXPECT_EQ(used->len, lens[i]);
    }
    EXPECT_FALSE(rx.take_used());
    EXPECT_EQ(read_header(kData).num_buffers, 3);
    Bytes got = read(kData + 12, 52);
    Bytes second = read(kData + 0x1000, 64);
    Bytes third = read(kData + 0x2000, 34);
    got.insert(got.end(), second.begin(), second.end());
    got.insert(got.end(), third.begin(), third.end());
    EXPECT_EQ(got, frame);
}

TEST_F(VirtioNetTest, ReceiveWithoutBuffersPausesUntilTheGuestKicks) {
    ASSERT_NO_FATAL_FAILURE(init(feature::kVersion1 | net_feature::kMrgRxbuf));
    const Bytes frame = pattern(150, 2);
    EXPECT_EQ(deliver(frame), net::RxStatus::NoBuffers);
    EXPECT_EQ(net->stats().rx_no_buffers, 1u);
    io->run_sync([&] { EXPECT_TRUE(fake->paused); });

    // One small buffer is not enough for the frame: still paused, the buffer is kept.
    rx.publish(rx.add_chain({}, {{kData, 64}}));
    kick(VirtioNet::kRxQueue);
    flush();
    io->run_sync([&] {
        EXPECT_EQ(fake->resumes, 1);
        EXPECT_TRUE(fake->paused);
    });
    EXPECT_FALSE(rx.take_used());

    // Enough now: the held frame lands in three buffers.
    rx.publish(rx.add_chain({}, {{kData + 0x1000, 64}}));
    rx.publish(rx.add_chain({}, {{kData + 0x2000, 64}}));
    kick(VirtioNet::kRxQueue);
    flush();
    io->run_sync([&] {
        EXPECT_EQ(fake->resumes, 2);
        EXPECT_FALSE(fake->paused);
    });
    int used = 0;
    while (rx.take_used())
        ++used;
    EXPECT_EQ(used, 3);
    EXPECT_EQ(read_header(kData).num_buffers, 3);
    EXPECT_EQ(net->stats().rx_frames, 1u);
}

TEST_F(VirtioNetTest, HeldBuffersAreForgottenWhenTheQueueIsSetUpAgain) {
    ASSERT_NO_FATAL_FAILURE(init(feature::kVersion1 | net_feature::kMrgRxbuf));
    rx.publish(rx.add_chain({}, {{kData, 64}}));
    kick(VirtioNet::kRxQueue);
    EXPECT_EQ(deliver(pattern(150, 2)), net::RxStatus::NoBuffers); // holds the one buffer

    // The driver takes the queue down and sets it up on new rings.
    MockDriver rx2 = MockDriver::at(memory, kRingSize, kRxRings + 0x8000);
    {
        std::lock_guard lock(net->mutex());
        net->disable_queue(VirtioNet::kRxQueue);
        Virtqueue& q = net->queue(VirtioNet::kRxQueue);
        q.set_size(rx2.size());
        q.set_desc_addr(rx2.desc_addr());
        q.set_driver_addr(rx2.avail_addr());
        q.set_device_addr(rx2.used_addr());
        ASSERT_TRUE(net->enable_queue(VirtioNet::kRxQueue));
    }
    std::vector<u16> heads;
    for (u64 i = 0; i < 3; ++i) {
        heads.push_back(rx2.add_chain({}, {{kData + 0x10000 + 0x1000 * i, 64}}));
        rx2.publish(heads.back());
    }
    kick(VirtioNet::kRxQueue);
    flush();
    for (u16 head : heads) {
        auto used = rx2.take_used();
        ASSERT_TRUE(used);
        EXPECT_EQ(used->id, head);
    }
    EXPECT_FALSE(rx2.take_used());
    EXPECT_EQ(read_header(kData + 0x10000).num_buffers, 3);
    EXPECT_FALSE(needs_reset());
}

TEST_F(VirtioNetTest, ReceivedFramesLargerThanTheMtuAreDropped) {
    VirtioNetOptions options;
    options.mtu = 1400;
    make_device(false, options);
    ASSERT_NO_FATAL_FAILURE(init(feature::kVersion1 | net_feature::kMtu));
    rx.publish(rx.add_chain({}, {{kData, 2048}}));
    kick(VirtioNet::kRxQueue);
    EXPECT_EQ(deliver(pattern(1400 + 18 + 1, 1)), net::RxStatus::Accepted);
    EXPECT_FALSE(rx.take_used());
    EXPECT_EQ(deliver(pattern(1400 + 14, 1)), net::RxStatus::Accepted);
    auto used = rx.take_used();
    ASSERT_TRUE(used);
    EXPECT_EQ(used->len, 12u + 1414u);
}

TEST_F(VirtioNetTest, FrameTooBigForASingleBufferIsDroppedAndTheBufferKept) {
    ASSERT_NO_FATAL_FAILURE(init(feature::kVersion1)); // no MRG_RXBUF
    rx.publish(rx.add_chain({}, {{kData, 64}}));
    kick(VirtioNet::kRxQueue);
    EXPECT_EQ(deliver(pattern(100, 1)), net::RxStatus::Accepted);
    EXPECT_FALSE(rx.take_used());
    EXPECT_EQ(net->stats().rx_dropped, 1u);
    EXPECT_EQ(deliver(pattern(40, 1)), net::RxStatus::Accepted); // fits the kept buffer
    auto used = rx.take_used();
    ASSERT_TRUE(used);
    EXPECT_EQ(used->len, 52u);
    EXPECT_FALSE(needs_reset());
}

TEST_F(VirtioNetTest, ReceiveBeforeDriverOkIsDropped) {
    EXPECT_EQ(deliver(pattern(60, 1)), net::RxStatus::Accepted);
    EXPECT_EQ(net->stats().rx_dropped, 1u);
}

TEST_F(VirtioNetTest, VnetReceiveKeepsChecksumFlagsOnlyWithGuestCsum) {
    make_device(true);
    ASSERT_NO_FATAL_FAILURE(init(feature::kVersion1)); // no GUEST_CSUM
    rx.publish(rx.add_chain({}, {{kData, 2048}}));
    rx.publish(rx.add_chain({}, {{kData + 0x1000, 2048}}));
    kick(VirtioNet::kRxQueue);
    Bytes frame(12, 0);
    frame[0] = VirtioNetHeader::kFlagDataValid;
    const Bytes payload = pattern(60, 4);
    frame.insert(frame.end(), payload.begin(), payload.end());
    EXPECT_EQ(deliver(frame), net::RxStatus::Accepted);
    auto used = rx.take_used();
    ASSERT_TRUE(used);
    EXPECT_EQ(used->len, 72u);
    VirtioNetHeader h = read_header(kData);
    EXPECT_EQ(h.flags, 0); // DATA_VALID needs GUEST_CSUM
    EXPECT_EQ(h.num_buffers, 1);
    EXPECT_EQ(read(kData + 12, 60), payload);
    // A partial checksum cannot reach a guest without GUEST_CSUM.
    frame[0] = VirtioNetHeader::kFlagNeedsCsum;
    EXPECT_EQ(deliver(frame), net::RxStatus::Accepted);
    EXPECT_FALSE(rx.take_used());
    EXPECT_EQ(net->stats().rx_dropped, 1u);
}

TEST_F(VirtioNetTest, ShortTransmitChainNeedsReset) {
    ASSERT_NO_FATAL_FAILURE(init(feature::kVersion1));
    tx.publish(tx.add_chain({{kData, 4}}, {}));
    kick(VirtioNet::kTxQueue);
    flush();
    EXPECT_TRUE(needs_reset());
    EXPECT_TRUE(sent().empty());
    EXPECT_EQ(tx.used_idx(), 0);
    EXPECT_GE(sink.config.load(), 1);
}

TEST_F(VirtioNetTest, ReceiveChainWithReadableBuffersNeedsReset) {
    ASSERT_NO_FATAL_FAILURE(init(feature::kVersion1));
    rx.publish(rx.add_chain({{kData, 16}}, {{kData + 0x100, 2048}}));
    kick(VirtioNet::kRxQueue);
    EXPECT_EQ(deliver(pattern(60, 1)), net::RxStatus::Accepted);
    EXPECT_TRUE(needs_reset());
    EXPECT_EQ(rx.used_idx(), 0);
    // Later frames are dropped, not stuck.
    EXPECT_EQ(deliver(pattern(60, 1)), net::RxStatus::Accepted);
}

TEST_F(VirtioNetTest, OversizedTransmitFrameIsDroppedAndCounted) {
    ASSERT_NO_FATAL_FAILURE(init(feature::kVersion1));
    const u32 len = 12 + net::kMaxFrameSize + 1;
    must(memory.fill(GuestAddress(kData), 0, len));
    tx.publish(tx.add_chain({{kData, len}}, {}));
    kick(VirtioNet::kTxQueue);
    flush();
    EXPECT_TRUE(sent().empty());
    EXPECT_TRUE(tx.take_used());
    EXPECT_EQ(net->stats().tx_dropped, 1u);
    EXPECT_FALSE(needs_reset());
}

TEST_F(VirtioNetTest, ResetWithTransmitWorkPostedIsHarmless) {
    ASSERT_NO_FATAL_FAILURE(init(feature::kVersion1));
    std::promise<void> release;
    io->post([f = release.get_future().share()] { f.wait(); }); // hold the IoThread
    const u64 at = kData;
    must(memory.write(GuestAddress(at), Bytes(12 + 60, 0)));
    tx.publish(tx.add_chain({{at, 72}}, {}));
    kick(VirtioNet::kTxQueue); // posts a drain behind the blocker
    {
        std::lock_guard lock(net->mutex());
        net->set_status(0);
    }
    release.set_value();
    flush();
    EXPECT_TRUE(sent().empty());
    EXPECT_EQ(tx.used_idx(), 0);
}

TEST_F(VirtioNetTest, DestructionWithWorkPostedIsSafe) {
    ASSERT_NO_FATAL_FAILURE(init(feature::kVersion1));
    std::promise<void> release;
    // The IoThread waits, then destroys the device; the drain posted meanwhile
    // runs after the device is gone and must do nothing.
    io->post([this, f = release.get_future().share()] {
        f.wait();
        net.reset();
    });
    must(memory.write(GuestAddress(kData), Bytes(72, 0)));
    tx.publish(tx.add_chain({{kData, 72}}, {}));
    kick(VirtioNet::kTxQueue);
    release.set_value();
    flush();
    EXPECT_FALSE(net);
    EXPECT_EQ(tx.used_idx(), 0);
}

} // namespace
} // namespace kite::virtio
