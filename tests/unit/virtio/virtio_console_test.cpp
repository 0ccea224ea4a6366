#include "event/io_thread.h"
#include "mmio_driver.h"
#include "mock_driver.h"
#include "virtio/console/virtio_console.h"
#include "virtio/mmio/virtio_mmio.h"

#include <array>
#include <chrono>
#include <gtest/gtest.h>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace kite::virtio {
namespace {

using testing::kRamBase;
using testing::make_memory;
using testing::MockDriver;
using testing::must;

constexpr u16 kRing = 8;
constexpr u64 kRxData = kRamBase + 1 * MiB;
constexpr u64 kTxData = kRamBase + 2 * MiB;
constexpr u64 kAllFeatures = ~u64{0};

class RecordingSink : public InterruptSink {
public:
    void used_buffer_notification(u16 queue) override { used.push_back(queue); }
    void config_change_notification() override { ++config_changes; }
    std::vector<u16> used;
    int config_changes{0};
};

// A guest driver that drives VirtioConsole through the VirtioDevice API (as a
// transport would, under the device lock) with one MockDriver per queue.
class VirtioConsoleTest : public ::testing::Test {
protected:
    void SetUp() override {
        console->set_interrupt_sink(&sink);
        ASSERT_NO_FATAL_FAILURE(init(kAllFeatures));
    }

    // Reset, feature negotiation, both queues, DRIVER_OK (spec 3.1.1).
    void init(u64 wanted) {
        rx = MockDriver::at(memory, kRing, kRamBase);
        tx = MockDriver::at(memory, kRing, MockDriver::end_of(kRing, kRamBase));
        std::lock_guard lock(console->mutex());
        console->set_status(0);
        console->set_status(status::kAcknowledge);
        console->set_status(status::kAcknowledge | status::kDriver);
        ASSERT_TRUE(console->set_driver_features(console->device_features() & wanted));
        console->set_status(status::kAcknowledge | status::kDriver | status::kFeaturesOk);
        ASSERT_TRUE(console->status() & status::kFeaturesOk);
        ASSERT_NO_FATAL_FAILURE(setup_queue(VirtioConsole::kReceiveQueue, rx));
        ASSERT_NO_FATAL_FAILURE(setup_queue(VirtioConsole::kTransmitQueue, tx));
        console->set_status(status::kAcknowledge | status::kDriver | status::kFeaturesOk | status::kDriverOk);
        ASSERT_TRUE(console->driver_ok());
    }
    void setup_queue(u16 index, const MockDriver& d) {
        Virtqueue& q = console->queue(index);
        ASSERT_TRUE(q.set_size(d.size()));
        ASSERT_TRUE(q.set_desc_addr(d.desc_addr()));
        ASSERT_TRUE(q.set_driver_addr(d.avail_addr()));
        ASSERT_TRUE(q.set_device_addr(d.used_addr()));
        ASSERT_TRUE(console->enable_queue(index));
    }

    void kick(u16 queue) {
        std::lock_guard lock(console->mutex());
        console->notify(queue);
    }
    // Runs the output deliveries the device posted (and the ones they post).
    void pump() {
        for (int i = 0; i < 4; ++i)
            ASSERT_TRUE(loop.run_once(0));
    }
    // Puts `text` at `addr` and makes it available on the transmitq as one readable buffer.
    u16 transmit(u64 addr, std::string_view text) {
        must(memory.write(GuestAddress(addr),
                          std::span(reinterpret_cast<const u8*>(text.data()), text.size())));
        u16 head = tx.add_chain({{addr, static_cast<u32>(text.size())}}, {});
        tx.publish(head);
        return head;
    }
    u16 add_rx_buffer(u64 addr, u32 len) {
        u16 head = rx.add_chain({}, {{addr, len}});
        rx.publish(head);
        return head;
    }
    std::string read_string(u64 addr, u32 len) {
        std::string s(len, '\0');
        must(memory.read(GuestAddress(addr), std::span(reinterpret_cast<u8*>(s.data()), len)));
        return s;
    }
    void receive(std::string_view text) {
        console->receive(std::span(reinterpret_cast<const u8*>(text.data()), text.size()));
    }
    void write_config(u64 offset, std::vector<u8> bytes) {
        std::lock_guard lock(console->mutex());
        console->write_config(offset, bytes);
    }
    template <typename T>
    T read_config(u64 offset) {
        T value{};
        std::lock_guard lock(console->mutex());
        console->read_config(offset, std::span(reinterpret_cast<u8*>(&value), sizeof(T)));
        return value;
    }
    std::size_t backlog() {
        std::lock_guard lock(console->mutex());
        return console->input_backlog();
    }

    GuestMemory memory = make_memory();
    MockDriver rx = MockDriver::at(memory, kRing, kRamBase);
    MockDriver tx = MockDriver::at(memory, kRing, MockDriver::end_of(kRing, kRamBase));
    EventLoop loop = must(EventLoop::create());
    RecordingSink sink;
    std::string output;
    int deliveries{0};
    bool check_unlocked{false};
    bool delivered_unlocked{true};
    // Declared last: destroyed first, while `output` and `loop` still exist.
    std::unique_ptr<VirtioConsole> console = std::make_unique<VirtioConsole>(
        memory, loop,
        [this](std::span<const u8> bytes) {
            ++deliveries;
            output.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
            if (check_unlocked) {
                bool free = console->mutex().try_lock();
                if (free)
                    console->mutex().unlock();
                delivered_unlocked = delivered_unlocked && free;
            }
        },
        VirtioConsole::WindowSize{80, 25});
};

TEST_F(VirtioConsoleTest, OffersTheExpectedFeaturesAndConfig) {
    EXPECT_EQ(console->device_id(), DeviceId::Console);
    EXPECT_EQ(console->num_queues(), 2u);
    const u64 f = console->device_features();
    EXPECT_TRUE(f & VirtioConsole::kFeatureSize);
    EXPECT_TRUE(f & VirtioConsole::kFeatureEmergWrite);
    EXPECT_FALSE(f & VirtioConsole::kFeatureMultiport);
    EXPECT_TRUE(f & feature::kVersion1);
    EXPECT_EQ(read_config<u16>(0), 80);
    EXPECT_EQ(read_config<u16>(2), 25);
    EXPECT_EQ(read_config<u32>(4), 1u);
    EXPECT_EQ(read_config<u32>(8), 0u);
    EXPECT_EQ(read_config<u64>(4), 1u); // max_nr_ports and emerg_wr in one access
}

TEST_F(VirtioConsoleTest, WithoutASizeTheFeatureIsNotOffered) {
    VirtioConsole plain(memory, loop, [](std::span<const u8>) {});
    EXPECT_FALSE(plain.device_features() & VirtioConsole::kFeatureSize);
    std::array<u8, 4> b{0xFF, 0xFF, 0xFF, 0xFF};
    std::lock_guard lock(plain.mutex());
    plain.read_config(0, b);
    EXPECT_EQ(b, (std::array<u8, 4>{0, 0, 0, 0}));
}

TEST_F(VirtioConsoleTest, GuestOutputReachesTheCallbackInOrder) {
    check_unlocked = true;
    u16 h1 = transmit(kTxData, "hello ");
    must(memory.write(GuestAddress(kTxData + 0x100), std::span(reinterpret_cast<const u8*>("wor"), 3)));
    must(memory.write(GuestAddress(kTxData + 0x200), std::span(reinterpret_cast<const u8*>("ld"), 2)));
    u16 h2 = tx.add_chain({{kTxData + 0x100, 3}, {kTxData + 0x200, 2}}, {});
    tx.publish(h2);
    u16 h3 = transmit(kTxData + 0x300, "!\n");
    kick(VirtioConsole::kTransmitQueue);

    // The chains are handed back at once; the bytes reach the host on the loop's thread.
    for (u16 h : {h1, h2, h3}) {
        auto used = tx.take_used();
        ASSERT_TRUE(used);
        EXPECT_EQ(used->id, h);
        EXPECT_EQ(used->len, 0u);
    }
    EXPECT_EQ(sink.used, std::vector<u16>{VirtioConsole::kTransmitQueue});
    EXPECT_EQ(output, "");
    ASSERT_NO_FATAL_FAILURE(pump());
    EXPECT_EQ(output, "hello world!\n");
    EXPECT_EQ(deliveries, 1);
    EXPECT_TRUE(delivered_unlocked);
    EXPECT_EQ(console->output_bytes(), 13u);

    transmit(kTxData, "more");
    kick(VirtioConsole::kTransmitQueue);
    ASSERT_NO_FATAL_FAILURE(pump());
    EXPECT_EQ(output, "hello world!\nmore");
    EXPECT_FALSE(console->needs_reset());
}

TEST_F(VirtioConsoleTest, HostInputFillsReceiveBuffers) {
    u16 a = add_rx_buffer(kRxData, 4);
    u16 b = add_rx_buffer(kRxData + 0x100, 16);
    kick(VirtioConsole::kReceiveQueue); // nothing to deliver yet: the buffers stay available
    EXPECT_EQ(rx.used_idx(), 0);

    receive("abcdef");
    auto first = rx.take_used();
    ASSERT_TRUE(first);
    EXPECT_EQ(first->id, a);
    EXPECT_EQ(first->len, 4u);
    EXPECT_EQ(read_string(kRxData, 4), "abcd");
    auto second = rx.take_used();
    ASSERT_TRUE(second);
    EXPECT_EQ(second->id, b);
    EXPECT_EQ(second->len, 2u);
    EXPECT_EQ(read_string(kRxData + 0x100, 2), "ef");
    EXPECT_FALSE(rx.take_used());
    EXPECT_EQ(sink.used, std::vector<u16>{VirtioConsole::kReceiveQueue});
    EXPECT_EQ(console->input_bytes(), 6u);
    EXPECT_EQ(backlog(), 0u);
}

TEST_F(VirtioConsoleTest, InputBeforeBuffersIsDeliveredAfterTheKick) {
    receive("early ");
    receive("input");
    EXPECT_EQ(rx.used_idx(), 0);
    EXPECT_EQ(backlog(), 11u);

    u16 a = add_rx_buffer(kRxData, 8);
    receive("!"); // queued behind the backlog, not ahead of it
    EXPECT_EQ(rx.used_idx(), 0);
    u16 b = add_rx_buffer(kRxData + 0x100, 8);
    kick(VirtioConsole::kReceiveQueue);
    auto first = rx.take_used();
    auto second = rx.take_used();
    ASSERT_TRUE(first && second);
    EXPECT_EQ(first->id, a);
    EXPECT_EQ(second->id, b);
    EXPECT_EQ(read_string(kRxData, first->len) + read_string(kRxData + 0x100, second->len), "early input!");
    EXPECT_EQ(backlog(), 0u);
    EXPECT_EQ(console->input_bytes(), 12u);
}

TEST_F(VirtioConsoleTest, InputBeforeDriverOkWaitsForIt) {
    {
        std::lock_guard lock(console->mutex());
        console->set_status(0);
    }
    // Input between the driver's reset and DRIVER_OK waits for DRIVER_OK.
    receive("boot");
    EXPECT_EQ(backlog(), 4u);
    rx = MockDriver::at(memory, kRing, kRamBase);
    tx = MockDriver::at(memory, kRing, MockDriver::end_of(kRing, kRamBase));
    {
        std::lock_guard lock(console->mutex());
        console->set_status(status::kAcknowledge);
        console->set_status(status::kAcknowledge | status::kDriver);
        ASSERT_TRUE(console->set_driver_features(feature::kVersion1));
        console->set_status(status::kAcknowledge | status::kDriver | status::kFeaturesOk);
        ASSERT_NO_FATAL_FAILURE(setup_queue(VirtioConsole::kReceiveQueue, rx));
        ASSERT_NO_FATAL_FAILURE(setup_queue(VirtioConsole::kTransmitQueue, tx));
    }
    add_rx_buffer(kRxData, 16);
    EXPECT_EQ(rx.used_idx(), 0);
    {
        std::lock_guard lock(console->mutex());
        console->set_status(status::kAcknowledge | status::kDriver | status::kFeaturesOk | status::kDriverOk);
    }
    auto used = rx.take_used();
    ASSERT_TRUE(used);
    EXPECT_EQ(read_string(kRxData, used->len), "boot");
}

TEST_F(VirtioConsoleTest, InputBacklogIsBoundedAndCounted) {
    std::vector<u8> big(VirtioConsole::kMaxInputBacklog + 100);
    for (std::size_t i = 0; i < big.size(); ++i)
        big[i] = static_cast<u8>(i % 251);
    console->receive(big);
    EXPECT_EQ(backlog(), VirtioConsole::kMaxInputBacklog);
    EXPECT_EQ(console->input_dropped(), 100u);
    receive("xyz");
    EXPECT_EQ(console->input_dropped(), 103u);

    // What was kept is the oldest input, delivered in order.
    std::map<u16, u64> addr;
    for (u16 i = 0; i < kRing; ++i)
        addr[add_rx_buffer(kRxData + i * 0x1000, 0x1000)] = kRxData + i * 0x1000;
    kick(VirtioConsole::kReceiveQueue);
    std::size_t offset = 0;
    while (auto used = rx.take_used()) {
        ASSERT_EQ(used->len, 0x1000u);
        std::vector<u8> got(used->len);
        must(memory.read(GuestAddress(addr.at(static_cast<u16>(used->id))), got));
        ASSERT_TRUE(std::equal(got.begin(), got.end(), big.begin() + static_cast<std::ptrdiff_t>(offset)));
        offset += used->len;
    }
    EXPECT_EQ(offset, kRing * 0x1000u);
    EXPECT_EQ(backlog(), VirtioConsole::kMaxInputBacklog - offset);
    // Room again: new input is kept.
    receive("ok");
    EXPECT_EQ(console->input_dropped(), 103u);
}

TEST_F(VirtioConsoleTest, EmergencyWriteOutputsOneCharacterInOrder) {
    transmit(kTxData, "ab");
    kick(VirtioConsole::kTransmitQueue);
    write_config(8, {'c', 0, 0, 0});
    write_config(8, {'d'}); // any width
    ASSERT_NO_FATAL_FAILURE(pump());
    EXPECT_EQ(output, "abcd");
    EXPECT_EQ(console->protocol_error_count(), 0u);

    // Read-only fields ignore writes (counted).
    write_config(0, {1, 0});
    write_config(4, {1, 0, 0, 0});
    write_config(9, {'x'});
    ASSERT_NO_FATAL_FAILURE(pump());
    EXPECT_EQ(output, "abcd");
    EXPECT_EQ(console->protocol_error_count(), 3u);
    EXPECT_EQ(read_config<u16>(0), 80);
}

TEST_F(VirtioConsoleTest, EmergencyWriteWorksBeforeTheDriverIsSetUp) {
    {
        std::lock_guard lock(console->mutex());
        console->set_status(0);
    }
    write_config(8, {'!', 0, 0, 0});
    ASSERT_NO_FATAL_FAILURE(pump());
    EXPECT_EQ(output, "!");
}

TEST_F(VirtioConsoleTest, WindowSizeChangeNotifiesTheDriver) {
    const u32 generation = console->config_generation();
    console->set_window_size({132, 43});
    EXPECT_EQ(read_config<u16>(0), 132);
    EXPECT_EQ(read_config<u16>(2), 43);
    EXPECT_EQ(console->config_generation(), generation + 1);
    EXPECT_EQ(sink.config_changes, 1);
    console->set_window_size({132, 43}); // unchanged: no notification
    EXPECT_EQ(sink.config_changes, 1);
}

TEST_F(VirtioConsoleTest, WritableBufferOnTransmitqNeedsReset) {
    tx.publish(tx.add_chain({{kTxData, 4}}, {{kTxData + 0x100, 4}}));
    kick(VirtioConsole::kTransmitQueue);
    EXPECT_TRUE(console->needs_reset());
    EXPECT_EQ(console->device_error_count(), 1u);
    EXPECT_EQ(sink.config_changes, 1);
    EXPECT_EQ(tx.used_idx(), 0);
    ASSERT_NO_FATAL_FAILURE(pump());
    EXPECT_EQ(output, "");
}

TEST_F(VirtioConsoleTest, ReadableBufferOnReceiveqNeedsReset) {
    rx.publish(rx.add_chain({{kRxData, 4}}, {{kRxData + 0x100, 4}}));
    receive("x");
    EXPECT_TRUE(console->needs_reset());
    EXPECT_EQ(console->device_error_count(), 1u);
    EXPECT_EQ(rx.used_idx(), 0);
    // Input while broken waits (and a reset discards it).
    receive("y");
    EXPECT_EQ(backlog(), 2u);
}

TEST_F(VirtioConsoleTest, BufferOutsideRamNeedsReset) {
    tx.publish(tx.add_chain({{kRamBase + testing::kRamSize, 4}}, {}));
    kick(VirtioConsole::kTransmitQueue);
    EXPECT_TRUE(console->needs_reset());
}

TEST_F(VirtioConsoleTest, ResetClearsState) {
    receive("stale");
    tx.publish(tx.add_chain({{kTxData, 4}}, {{kTxData + 0x100, 4}}));
    kick(VirtioConsole::kTransmitQueue);
    ASSERT_TRUE(console->needs_reset());
    ASSERT_EQ(backlog(), 5u);

    ASSERT_NO_FATAL_FAILURE(init(kAllFeatures));
    EXPECT_FALSE(console->needs_reset());
    EXPECT_EQ(backlog(), 0u);
    add_rx_buffer(kRxData, 16);
    kick(VirtioConsole::kReceiveQueue);
    EXPECT_EQ(rx.used_idx(), 0);

    // The device works again.
    receive("fresh");
    auto used = rx.take_used();
    ASSERT_TRUE(used);
    EXPECT_EQ(read_string(kRxData, used->len), "fresh");
    transmit(kTxData, "out");
    kick(VirtioConsole::kTransmitQueue);
    ASSERT_NO_FATAL_FAILURE(pump());
    EXPECT_EQ(output, "out");
}

TEST_F(VirtioConsoleTest, FloodingGuestIsThrottledUntilOutputDrains) {
    constexpr u32 kChunk = 64 * KiB;
    for (u16 i = 0; i < kRing; ++i) {
        must(memory.fill(GuestAddress(kTxData + u64{i} * kChunk), static_cast<u8>('A' + i), kChunk));
        tx.publish(tx.add_chain({{kTxData + u64{i} * kChunk, kChunk}}, {}));
    }
    kick(VirtioConsole::kTransmitQueue);
    // 256 KiB wait for the callback: the rest stays in the ring.
    EXPECT_EQ(tx.used_idx(), VirtioConsole::kMaxPendingOutput / kChunk);
    EXPECT_EQ(output.size(), 0u);

    ASSERT_NO_FATAL_FAILURE(pump()); // delivers, resumes the queue, delivers again
    EXPECT_EQ(tx.used_idx(), kRing);
    ASSERT_EQ(output.size(), std::size_t{kRing} * kChunk);
    for (u16 i = 0; i < kRing; ++i)
        EXPECT_EQ(output[std::size_t{i} * kChunk], 'A' + i);
    EXPECT_EQ(console->output_dropped(), 0u);
}

TEST_F(VirtioConsoleTest, OversizedTransmitBufferIsCut) {
    const u32 len = VirtioConsole::kMaxOutputPerChain + 100;
    must(memory.fill(GuestAddress(kTxData), 'z', len));
    tx.publish(tx.add_chain({{kTxData, len}}, {}));
    kick(VirtioConsole::kTransmitQueue);
    ASSERT_NO_FATAL_FAILURE(pump());
    EXPECT_EQ(output.size(), VirtioConsole::kMaxOutputPerChain);
    EXPECT_EQ(console->output_dropped(), 100u);
    EXPECT_EQ(tx.used_idx(), 1);
    EXPECT_FALSE(console->needs_reset());
}

TEST_F(VirtioConsoleTest, DestructionFlushesPendingOutput) {
    transmit(kTxData, "last words");
    kick(VirtioConsole::kTransmitQueue);
    console.reset();
    EXPECT_EQ(output, "last words");
    // The delivery posted earlier finds the device gone and does nothing.
    ASSERT_NO_FATAL_FAILURE(pump());
    EXPECT_EQ(output, "last words");
}

// The host feeds input from its own thread while the guest keeps the ring stocked.
TEST_F(VirtioConsoleTest, InputFromAnotherThreadArrivesInOrder) {
    std::string sent;
    for (int i = 0; i < 4096; ++i)
        sent.push_back(static_cast<char>('a' + i % 26));
    std::map<u16, u64> addr;
    auto stock = [&](u16 slot) {
        std::lock_guard lock(console->mutex());
        addr[add_rx_buffer(kRxData + slot * 0x100, 48)] = kRxData + slot * 0x100;
    };
    for (u16 i = 0; i < kRing; ++i)
        stock(i);
    kick(VirtioConsole::kReceiveQueue);

    std::thread host([&] {
        for (std::size_t i = 0; i < sent.size(); i += 64)
            receive(std::string_view(sent).substr(i, 64));
    });
    std::string got;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (got.size() < sent.size() && std::chrono::steady_clock::now() < deadline) {
        std::optional<VirtqUsedElem> used;
        {
            std::lock_guard lock(console->mutex());
            used = rx.take_used();
        }
        if (!used) {
            std::this_thread::yield();
            continue;
        }
        u64 a = addr.at(static_cast<u16>(used->id));
        got += read_string(a, used->len);
        stock(static_cast<u16>((a - kRxData) / 0x100));
        kick(VirtioConsole::kReceiveQueue);
    }
    host.join();
    EXPECT_EQ(got, sent);
    EXPECT_EQ(console->input_dropped(), 0u);
}

// The board's setup: deliveries (and the throttled queue's restarts) on an
// I/O thread while the guest floods the transmitq from this thread.
TEST(VirtioConsoleIoThread, FloodIsDeliveredInOrder) {
    GuestMemory memory = make_memory();
    auto io = must(IoThread::start("console-test"));
    std::mutex output_mutex;
    std::vector<u8> output;
    auto console = std::make_unique<VirtioConsole>(memory, io->loop(), [&](std::span<const u8> b) {
        std::lock_guard lock(output_mutex);
        output.insert(output.end(), b.begin(), b.end());
    });
    MockDriver rx = MockDriver::at(memory, kRing, kRamBase);
    MockDriver tx = MockDriver::at(memory, kRing, MockDriver::end_of(kRing, kRamBase));
    {
        std::lock_guard lock(console->mutex());
        console->set_status(status::kAcknowledge);
        console->set_status(status::kAcknowledge | status::kDriver);
        ASSERT_TRUE(console->set_driver_features(feature::kVersion1 | feature::kRingEventIdx));
        console->set_status(status::kAcknowledge | status::kDriver | status::kFeaturesOk);
        for (u16 i : {VirtioConsole::kReceiveQueue, VirtioConsole::kTransmitQueue}) {
            const MockDriver& d = i == VirtioConsole::kReceiveQueue ? rx : tx;
            Virtqueue& q = console->queue(i);
            ASSERT_TRUE(q.set_size(d.size()));
            ASSERT_TRUE(q.set_desc_addr(d.desc_addr()));
            ASSERT_TRUE(q.set_driver_addr(d.avail_addr()));
            ASSERT_TRUE(q.set_device_addr(d.used_addr()));
            ASSERT_TRUE(console->enable_queue(i));
        }
        console->set_status(status::kAcknowledge | status::kDriver | status::kFeaturesOk | status::kDriverOk);
    }
    constexpr u32 kChunk = 48 * KiB;
    constexpr int kRounds = 6;
    u8 next = 0;
    for (int round = 0; round < kRounds; ++round) {
        std::lock_guard lock(console->mutex());
        for (u16 i = 0; i < kRing; ++i) {
            must(memory.fill(GuestAddress(kTxData + u64{i} * kChunk), next++, kChunk));
            tx.publish(tx.add_chain({{kTxData + u64{i} * kChunk, kChunk}}, {}));
        }
        console->notify(VirtioConsole::kTransmitQueue);
        // The guest reuses the buffers only once the device handed them all back.
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (tx.used_idx() != static_cast<u16>((round + 1) * kRing) &&
               std::chrono::steady_clock::now() < deadline) {
            console->mutex().unlock();
            std::this_thread::yield();
            console->mutex().lock();
        }
        ASSERT_EQ(tx.used_idx(), static_cast<u16>((round + 1) * kRing));
    }
    const std::size_t total = std::size_t{kRounds} * kRing * kChunk;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    for (;;) {
        {
            std::lock_guard lock(output_mutex);
            if (output.size() >= total || std::chrono::steady_clock::now() >= deadline)
                break;
        }
        std::this_thread::yield();
    }
    console.reset();
    ASSERT_EQ(output.size(), total);
    for (std::size_t c = 0; c < total / kChunk; ++c)
        ASSERT_EQ(output[c * kChunk], static_cast<u8>(c)) << "chunk " << c;
    ASSERT_EQ(output.back(), static_cast<u8>(total / kChunk - 1));
}

// End to end through the virtio-mmio transport: ID, config space and emerg_wr.
TEST(VirtioConsoleMmio, RegistersAndEmergencyWrite) {
    GuestMemory memory = make_memory();
    EventLoop loop = must(EventLoop::create());
    std::string output;
    auto console = std::make_shared<VirtioConsole>(
        memory, loop,
        [&](std::span<const u8> b) { output.append(reinterpret_cast<const char*>(b.data()), b.size()); },
        VirtioConsole::WindowSize{100, 30});
    VirtioMmio mmio(console, nullptr);
    testing::MmioDriver regs(mmio);
    using R = VirtioMmio::Register;
    EXPECT_EQ(regs.r32(R::kDeviceId), 3u);
    EXPECT_EQ(regs.r32(VirtioMmio::kConfigOffset), 100u | (30u << 16));
    regs.w32(VirtioMmio::kConfigOffset + 8, 'K');
    regs.w32(VirtioMmio::kConfigOffset + 8, '\n');
    ASSERT_TRUE(loop.run_once(0));
    EXPECT_EQ(output, "K\n");
}

} // namespace
} // namespace kite::virtio
