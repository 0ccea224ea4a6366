#include "block/disk_image.h"
#include "bus/irq_line.h"
#include "mmio_driver.h"
#include "mock_driver.h"
#include "virtio/blk/virtio_blk.h"
#include "virtio/mmio/virtio_mmio.h"

#include <cstdlib>
#include <fcntl.h>
#include <future>
#include <gtest/gtest.h>
#include <optional>
#include <thread>
#include <unistd.h>
#include <vector>

namespace kite::virtio {
namespace {

using block::IoEngine;
using testing::Buffer;
using testing::kRamBase;
using testing::make_memory;
using testing::MmioDriver;
using testing::MockDriver;
using testing::must;
using R = VirtioMmio::Register;

constexpr u64 kDiskSize = 1 * MiB;
constexpr u64 kDiskSectors = kDiskSize / 512;
constexpr u16 kRingSize = 16;
constexpr const char* kSerial = "kite-serial-0001";
constexpr u64 kAllFeatures = ~0ull;

struct Header {
    u32 type;
    u32 reserved;
    u64 sector;
};
struct Range {
    u64 sector;
    u32 num_sectors;
    u32 flags;
};

// A scratch disk image (TMPDIR or /tmp), removed on destruction.
class TempDisk {
public:
    explicit TempDisk(u64 size, u8 fill) {
        const char* tmp = std::getenv("TMPDIR");
        m_path = std::string(tmp && *tmp ? tmp : "/tmp") + "/kite-blk-test-XXXXXX";
        int fd = ::mkstemp(m_path.data());
        KITE_ASSERT(fd >= 0, "mkstemp");
        std::vector<u8> bytes(size, fill);
        KITE_ASSERT(::pwrite(fd, bytes.data(), size, 0) == static_cast<ssize_t>(size), "fill disk");
        ::close(fd);
    }
    ~TempDisk() { ::unlink(m_path.c_str()); }
    const std::string& path() const { return m_path; }
    std::vector<u8> read(u64 offset, u64 len) const {
        std::vector<u8> out(len);
        int fd = ::open(m_path.c_str(), O_RDONLY | O_CLOEXEC);
        KITE_ASSERT(fd >= 0, "open disk");
        KITE_ASSERT(::pread(fd, out.data(), len, static_cast<off_t>(offset)) == static_cast<ssize_t>(len),
                    "pread");
        ::close(fd);
        return out;
    }

private:
    std::string m_path;
};

std::vector<u8> pattern(std::size_t len, u8 seed) {
    std::vector<u8> v(len);
    for (std::size_t i = 0; i < len; ++i)
        v[i] = static_cast<u8>(seed + i * 13 + (i >> 9));
    return v;
}

// Holds the IoThread inside a closure until released, so completions queue
// up behind it deterministically.
class IoThreadGate {
public:
    explicit IoThreadGate(IoThread& io) {
        // Shared state only: the closure outlives neither, whatever the timing.
        auto entered = std::make_shared<std::promise<void>>();
        auto in = entered->get_future();
        io.post([entered, released = m_release.get_future().share()] {
            entered->set_value();
            released.wait();
        });
        in.wait();
    }
    ~IoThreadGate() { release(); }
    void release() {
        if (!m_released) {
            m_released = true;
            m_release.set_value();
        }
    }

private:
    std::promise<void> m_release;
    bool m_released{false};
};

// End to end: a mock guest driver drives virtio-blk through the mmio registers
// over a temporary image, with each engine backend.
class VirtioBlkTest : public ::testing::TestWithParam<IoEngine::Backend> {
protected:
    void SetUp() override {
        auto started = IoThread::start("kite-io-blk");
        ASSERT_TRUE(started);
        io = std::move(*started);
        ASSERT_NO_FATAL_FAILURE(open_device(false));
    }

    void open_device(bool readonly, u64 features = kAllFeatures) {
        regs.reset();
        mmio.reset();
        blk.reset();
        auto image = block::DiskImage::open(disk.path(), readonly);
        ASSERT_TRUE(image) << image.error().message();
        auto device = VirtioBlk::create(memory, *io, std::move(*image), kSerial, GetParam());
        if (!device && GetParam() == IoEngine::Backend::Uring)
            GTEST_SKIP() << "io_uring unavailable: " << device.error().message();
        ASSERT_TRUE(device) << device.error().message();
        blk = std::move(*device);
        mmio = std::make_unique<VirtioMmio>(blk, irq);
        regs = std::make_unique<MmioDriver>(*mmio);
        driver.emplace(MockDriver::at(memory, kRingSize));
        ASSERT_NO_FATAL_FAILURE(regs->init(*driver, features, VirtioBlk::kQueueSize));
    }

    // Request slot i: a header, a status byte and a 64 KiB data area of its own.
    static u64 hdr(int i) { return kRamBase + 1 * MiB + 64 * static_cast<u64>(i); }
    static u64 status_at(int i) { return kRamBase + 1 * MiB + 0x8000 + static_cast<u64>(i); }
    static u64 data(int i) { return kRamBase + 2 * MiB + 64 * KiB * static_cast<u64>(i); }

    void header(int i, u32 type, u64 sector) {
        must(memory.write_obj(GuestAddress(hdr(i)), Header{type, 0, sector}));
        must(memory.write_obj<u8>(GuestAddress(status_at(i)), 0xEE)); // not a status value
    }
    u16 read_req(int i, u64 sector, u32 len) {
        header(i, blk::type::kIn, sector);
        return driver->add_chain({{hdr(i), 16}}, {{data(i), len}, {status_at(i), 1}});
    }
    u16 write_req(int i, u64 sector, const std::vector<u8>& bytes) {
        header(i, blk::type::kOut, sector);
        must(memory.write(GuestAddress(data(i)), bytes));
        return driver->add_chain({{hdr(i), 16}, {data(i), static_cast<u32>(bytes.size())}},
                                 {{status_at(i), 1}});
    }
    u16 bare_req(int i, u32 type, u64 sector = 0) {
        header(i, type, sector);
        return driver->add_chain({{hdr(i), 16}}, {{status_at(i), 1}});
    }
    u16 ranges_req(int i, u32 type, const std::vector<Range>& ranges) {
        header(i, type, 0);
        for (std::size_t k = 0; k < ranges.size(); ++k)
            must(memory.write_obj(GuestAddress(data(i) + 16 * k), ranges[k]));
        return driver->add_chain({{hdr(i), 16}, {data(i), static_cast<u32>(16 * ranges.size())}},
                                 {{status_at(i), 1}});
    }
    u8 status(int i) { return must(memory.read_obj<u8>(GuestAddress(status_at(i)))); }
    std::vector<u8> guest(u64 addr, std::size_t len) {
        std::vector<u8> out(len);
        must(memory.read(GuestAddress(addr), out));
        return out;
    }

    void kick() { regs->w32(R::kQueueNotify, 0); }
    // Publishes `head`, kicks, waits for the disk and returns the used element.
    VirtqUsedElem run(u16 head) {
        driver->publish(head);
        kick();
        blk->drain();
        auto used = driver->take_used();
        EXPECT_TRUE(used);
        EXPECT_FALSE(driver->take_used());
        if (!used)
            return VirtqUsedElem{0xFFFF, 0};
        EXPECT_EQ(used->id, head);
        return *used;
    }
    u32 config32(u64 offset) { return regs->r32(VirtioMmio::kConfigOffset + offset); }

    GuestMemory memory = make_memory();
    TempDisk disk{kDiskSize, 0xAA};
    std::unique_ptr<IoThread> io;
    std::shared_ptr<RecordingIrqLine> irq = std::make_shared<RecordingIrqLine>();
    std::shared_ptr<VirtioBlk> blk;
    std::unique_ptr<VirtioMmio> mmio;
    std::unique_ptr<MmioDriver> regs;
    std::optional<MockDriver> driver;
};

TEST_P(VirtioBlkTest, OffersFeaturesAndConfig) {
    EXPECT_EQ(regs->r32(R::kDeviceId), 2u);
    const u64 offered = blk->device_features();
    for (u64 bit : {VirtioBlk::kFeatureSegMax, VirtioBlk::kFeatureBlkSize, VirtioBlk::kFeatureFlush,
                    VirtioBlk::kFeatureTopology, VirtioBlk::kFeatureDiscard, VirtioBlk::kFeatureWriteZeroes})
        EXPECT_TRUE(offered & bit) << bit;
    EXPECT_FALSE(offered & VirtioBlk::kFeatureRo);
    EXPECT_EQ(config32(0), kDiskSectors); // capacity, low half
    EXPECT_EQ(config32(4), 0u);
    EXPECT_EQ(config32(12), VirtioBlk::kSegMax);
    EXPECT_EQ(config32(16), 0u); // geometry
    EXPECT_EQ(config32(20), 512u);
    EXPECT_EQ(config32(24), 3u | (1u << 16)); // physical_block_exp 3, min_io_size 1
    EXPECT_EQ(config32(32) & 0xFF, 0u);       // writeback
    EXPECT_EQ(config32(36), VirtioBlk::kMaxDiscardSectors);
    EXPECT_EQ(config32(40), VirtioBlk::kMaxDiscardSegments);
    EXPECT_EQ(config32(44), VirtioBlk::kDiscardAlignment);
    EXPECT_EQ(config32(48), VirtioBlk::kMaxWriteZeroesSectors);
    EXPECT_EQ(config32(52), VirtioBlk::kMaxWriteZeroesSegments);
    EXPECT_EQ(config32(56), 1u); // write_zeroes_may_unmap
    EXPECT_EQ(blk->capacity_sectors(), kDiskSectors);
    EXPECT_EQ(blk->backend(), GetParam());
}

TEST_P(VirtioBlkTest, WritesSectorsAndReadsThemBack) {
    const std::vector<u8> bytes = pattern(8 * 512, 1);
    auto used = run(write_req(0, 10, bytes));
    EXPECT_EQ(used.len, 1u);
    EXPECT_EQ(status(0), blk::kStatusOk);
    EXPECT_EQ(disk.read(10 * 512, bytes.size()), bytes);
    EXPECT_EQ(disk.read(10 * 512 - 1, 1)[0], 0xAA);
    EXPECT_EQ(disk.read(18 * 512, 1)[0], 0xAA);
    EXPECT_TRUE(irq->level());

    must(memory.fill(GuestAddress(data(1)), 0, bytes.size()));
    used = run(read_req(1, 10, static_cast<u32>(bytes.size())));
    EXPECT_EQ(used.len, bytes.size() + 1);
    EXPECT_EQ(status(1), blk::kStatusOk);
    EXPECT_EQ(guest(data(1), bytes.size()), bytes);
}

TEST_P(VirtioBlkTest, DataMaySpanSeveralDescriptorsAndShareTheHeaderBuffer) {
    // Header and the first data bytes in one readable buffer, the rest in two more.
    const std::vector<u8> bytes = pattern(3 * 512, 7);
    must(memory.write_obj(GuestAddress(data(0)), Header{blk::type::kOut, 0, 100}));
    must(memory.write(GuestAddress(data(0) + 16), std::span(bytes).subspan(0, 100)));
    must(memory.write(GuestAddress(data(1)), std::span(bytes).subspan(100, 1000)));
    must(memory.write(GuestAddress(data(2)), std::span(bytes).subspan(1100)));
    u16 head =
        driver->add_chain({{data(0), 116}, {data(1), 1000}, {data(2), 3 * 512 - 1100}}, {{status_at(0), 1}});
    run(head);
    EXPECT_EQ(status(0), blk::kStatusOk);
    EXPECT_EQ(disk.read(100 * 512, bytes.size()), bytes);

    // A read whose status byte shares the last writable buffer with data.
    header(1, blk::type::kIn, 100);
    head = driver->add_chain({{hdr(1), 16}}, {{data(3), 512}, {data(4), 1024 + 1}});
    auto used = run(head);
    EXPECT_EQ(used.len, 3u * 512 + 1);
    EXPECT_EQ(guest(data(4) + 1024, 1)[0], blk::kStatusOk);
    EXPECT_EQ(guest(data(3), 512), std::vector<u8>(bytes.begin(), bytes.begin() + 512));
    EXPECT_EQ(guest(data(4), 1024), std::vector<u8>(bytes.begin() + 512, bytes.end()));
}

TEST_P(VirtioBlkTest, ServesManyRequestsPerKick) {
    std::vector<u16> heads;
    for (int i = 0; i < 5; ++i) {
        heads.push_back(write_req(i, static_cast<u64>(i) * 16, pattern(4096, static_cast<u8>(i))));
        driver->publish(heads.back());
    }
    kick();
    blk->drain();
    for (int i = 0; i < 5; ++i) {
        auto used = driver->take_used();
        ASSERT_TRUE(used);
        EXPECT_EQ(used->len, 1u);
        EXPECT_EQ(status(i), blk::kStatusOk);
        EXPECT_EQ(disk.read(static_cast<u64>(i) * 16 * 512, 4096), pattern(4096, static_cast<u8>(i)));
    }
    EXPECT_EQ(blk->requests_in_flight(), 0u);
}

TEST_P(VirtioBlkTest, FlushCompletes) {
    run(write_req(0, 0, pattern(512, 3)));
    auto used = run(bare_req(1, blk::type::kFlush));
    EXPECT_EQ(used.len, 1u);
    EXPECT_EQ(status(1), blk::kStatusOk);
}

TEST_P(VirtioBlkTest, ReadOnlyDiskRefusesWritesWithIoErr) {
    ASSERT_NO_FATAL_FAILURE(open_device(true));
    EXPECT_TRUE(blk->device_features() & VirtioBlk::kFeatureRo);
    EXPECT_TRUE(blk->readonly());
    run(write_req(0, 0, pattern(512, 5)));
    EXPECT_EQ(status(0), blk::kStatusIoErr);
    run(ranges_req(1, blk::type::kDiscard, {{0, 8, 0}}));
    EXPECT_EQ(status(1), blk::kStatusIoErr);
    run(ranges_req(2, blk::type::kWriteZeroes, {{0, 8, 0}}));
    EXPECT_EQ(status(2), blk::kStatusIoErr);
    EXPECT_EQ(disk.read(0, 4096), std::vector<u8>(4096, 0xAA));
    run(read_req(3, 0, 512));
    EXPECT_EQ(status(3), blk::kStatusOk);
    EXPECT_EQ(guest(data(3), 512), std::vector<u8>(512, 0xAA));
    EXPECT_FALSE(blk->needs_reset());
}

TEST_P(VirtioBlkTest, OutOfRangeAndPartialSectorsGetIoErr) {
    run(read_req(0, kDiskSectors - 1, 1024)); // the second sector is past the end
    EXPECT_EQ(status(0), blk::kStatusIoErr);
    run(read_req(1, ~0ull - 1, 1024)); // sector + count overflows
    EXPECT_EQ(status(1), blk::kStatusIoErr);
    run(write_req(2, kDiskSectors, pattern(512, 1)));
    EXPECT_EQ(status(2), blk::kStatusIoErr);
    run(read_req(3, 0, 700)); // not whole sectors
    EXPECT_EQ(status(3), blk::kStatusIoErr);
    run(read_req(4, kDiskSectors - 1, 512)); // the last sector is fine
    EXPECT_EQ(status(4), blk::kStatusOk);
    EXPECT_FALSE(blk->needs_reset());
    EXPECT_EQ(blk->io_error_count(), 0u); // refused before any I/O
}

TEST_P(VirtioBlkTest, GetIdReturnsTheSerial) {
    header(0, blk::type::kGetId, 0);
    must(memory.fill(GuestAddress(data(0)), 0xFF, 20));
    auto used = run(driver->add_chain({{hdr(0), 16}}, {{data(0), 20}, {status_at(0), 1}}));
    EXPECT_EQ(used.len, 21u);
    EXPECT_EQ(status(0), blk::kStatusOk);
    std::vector<u8> want(20, 0);
    std::copy_n(kSerial, std::strlen(kSerial), want.begin());
    EXPECT_EQ(guest(data(0), 20), want);

    // A short buffer gets the first bytes only.
    header(1, blk::type::kGetId, 0);
    must(memory.fill(GuestAddress(data(1)), 0xFF, 16));
    run(driver->add_chain({{hdr(1), 16}}, {{data(1), 4}, {status_at(1), 1}}));
    EXPECT_EQ(status(1), blk::kStatusOk);
    auto got = guest(data(1), 5);
    EXPECT_EQ(std::string(got.begin(), got.begin() + 4), "kite");
    EXPECT_EQ(got[4], 0xFF);
}

TEST_P(VirtioBlkTest, DiscardDeallocates) {
    run(ranges_req(0, blk::type::kDiscard, {{8, 8, 0}, {32, 16, 0}, {40, 0, 0}}));
    EXPECT_EQ(status(0), blk::kStatusOk);
    // The image is on a filesystem that punches holes (ext4, xfs, tmpfs...).
    EXPECT_EQ(disk.read(8 * 512, 8 * 512), std::vector<u8>(8 * 512, 0));
    EXPECT_EQ(disk.read(32 * 512, 16 * 512), std::vector<u8>(16 * 512, 0));
    EXPECT_EQ(disk.read(16 * 512, 16 * 512), std::vector<u8>(16 * 512, 0xAA));
}

TEST_P(VirtioBlkTest, WriteZeroesZeroes) {
    run(ranges_req(0, blk::type::kWriteZeroes, {{3, 5, 0}, {100, 2, blk::kRangeFlagUnmap}}));
    EXPECT_EQ(status(0), blk::kStatusOk);
    EXPECT_EQ(disk.read(3 * 512, 5 * 512), std::vector<u8>(5 * 512, 0));
    EXPECT_EQ(disk.read(100 * 512, 2 * 512), std::vector<u8>(2 * 512, 0));
    EXPECT_EQ(disk.read(2 * 512, 512), std::vector<u8>(512, 0xAA));
    EXPECT_EQ(disk.read(8 * 512, 512), std::vector<u8>(512, 0xAA));
    EXPECT_EQ(disk.read(102 * 512, 512), std::vector<u8>(512, 0xAA));
}

TEST_P(VirtioBlkTest, BadDiscardAndWriteZeroesSegments) {
    run(ranges_req(0, blk::type::kDiscard, {{0, 8, blk::kRangeFlagUnmap}})); // unmap is for write-zeroes
    EXPECT_EQ(status(0), blk::kStatusUnsupp);
    run(ranges_req(1, blk::type::kWriteZeroes, {{0, 8, 2}})); // unknown flag
    EXPECT_EQ(status(1), blk::kStatusUnsupp);
    run(ranges_req(2, blk::type::kDiscard, {{kDiskSectors - 4, 8, 0}})); // past the end
    EXPECT_EQ(status(2), blk::kStatusIoErr);
    std::vector<Range> many(VirtioBlk::kMaxDiscardSegments + 1, Range{0, 1, 0});
    run(ranges_req(3, blk::type::kDiscard, many));
    EXPECT_EQ(status(3), blk::kStatusIoErr);
    run(bare_req(4, blk::type::kDiscard)); // no segment at all
    EXPECT_EQ(status(4), blk::kStatusIoErr);
    EXPECT_EQ(disk.read(0, 4096), std::vector<u8>(4096, 0xAA));
    EXPECT_FALSE(blk->needs_reset());
}

TEST_P(VirtioBlkTest, DiscardWithoutTheFeatureIsUnsupported) {
    ASSERT_NO_FATAL_FAILURE(
        open_device(false, ~(VirtioBlk::kFeatureDiscard | VirtioBlk::kFeatureWriteZeroes)));
    run(ranges_req(0, blk::type::kDiscard, {{0, 8, 0}}));
    EXPECT_EQ(status(0), blk::kStatusUnsupp);
    run(ranges_req(1, blk::type::kWriteZeroes, {{0, 8, 0}}));
    EXPECT_EQ(status(1), blk::kStatusUnsupp);
    EXPECT_EQ(disk.read(0, 4096), std::vector<u8>(4096, 0xAA));
}

TEST_P(VirtioBlkTest, UnknownTypesAreUnsupported) {
    for (u32 type : {2u, blk::type::kGetLifetime, blk::type::kSecureErase, 0x8000'0000u}) {
        auto used = run(bare_req(0, type));
        EXPECT_EQ(used.len, 1u);
        EXPECT_EQ(status(0), blk::kStatusUnsupp) << type;
    }
    EXPECT_FALSE(blk->needs_reset());
}

TEST_P(VirtioBlkTest, ChainWithoutStatusByteNeedsReset) {
    header(0, blk::type::kOut, 0);
    driver->publish(driver->add_chain({{hdr(0), 16}, {data(0), 512}}, {}));
    kick();
    blk->drain();
    EXPECT_TRUE(regs->r32(R::kStatus) & status::kNeedsReset);
    EXPECT_EQ(driver->used_idx(), 0);
    EXPECT_EQ(disk.read(0, 512), std::vector<u8>(512, 0xAA));
}

TEST_P(VirtioBlkTest, ShortHeaderNeedsReset) {
    header(0, blk::type::kIn, 0);
    driver->publish(driver->add_chain({{hdr(0), 8}}, {{data(0), 512}, {status_at(0), 1}}));
    kick();
    EXPECT_TRUE(regs->r32(R::kStatus) & status::kNeedsReset);
    EXPECT_EQ(status(0), 0xEE);
    EXPECT_EQ(driver->used_idx(), 0);
    EXPECT_EQ(mmio->interrupt_status(), VirtioMmio::kInterruptConfigChange);
}

TEST_P(VirtioBlkTest, ResetDropsCompletionsOfEarlierRequests) {
    {
        IoThreadGate gate(*io); // completions wait behind the gate
        for (int i = 0; i < 4; ++i)
            driver->publish(read_req(i, static_cast<u64>(i), 512));
        kick();
        EXPECT_EQ(blk->requests_in_flight(), 4u);
        regs->w32(R::kStatus, 0); // reset while the reads are in flight
        ASSERT_EQ(regs->r32(R::kStatus), 0u);
    }
    blk->drain();
    EXPECT_EQ(blk->dropped_completion_count(), 4u);
    EXPECT_EQ(driver->used_idx(), 0); // nothing pushed into the old ring
    EXPECT_FALSE(blk->needs_reset());

    // The driver sets the device up again on fresh rings; it works normally.
    driver.emplace(MockDriver::at(memory, kRingSize, kRamBase + 256 * KiB));
    ASSERT_NO_FATAL_FAILURE(regs->init(*driver, kAllFeatures, VirtioBlk::kQueueSize));
    auto used = run(read_req(5, 0, 512));
    EXPECT_EQ(used.len, 513u);
    EXPECT_EQ(status(5), blk::kStatusOk);
    EXPECT_EQ(blk->dropped_completion_count(), 4u);
}

TEST_P(VirtioBlkTest, DestructionWithRequestsInFlightIsSafe) {
    std::thread releaser;
    {
        IoThreadGate gate(*io);
        for (int i = 0; i < 4; ++i) // 3 descriptors each: 12 of the ring's 16
            driver->publish(write_req(i, static_cast<u64>(i), pattern(512, static_cast<u8>(i))));
        kick();
        EXPECT_EQ(blk->requests_in_flight(), 4u);
        // The destructor waits for the engine, which needs the IoThread: let
        // it go a little later from another thread.
        releaser = std::thread([&gate] {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            gate.release();
        });
        regs.reset();
        mmio.reset();
        blk.reset(); // the last reference: waits for the four completions, which are dropped
        releaser.join();
    }
    EXPECT_EQ(driver->used_idx(), 0);
    // The writes themselves were not cancelled.
    for (int i = 0; i < 4; ++i)
        EXPECT_EQ(disk.read(static_cast<u64>(i) * 512, 512), pattern(512, static_cast<u8>(i)));
}

TEST_P(VirtioBlkTest, ADriverRepublishingOneBufferIsThrottled) {
    // A misbehaving driver makes the same chain available again and again,
    // a ring's worth at a time, far beyond the queue size.
    const u16 head = bare_req(0, blk::type::kFlush);
    constexpr int kCopies = VirtioBlk::kMaxInFlight + kRingSize;
    {
        IoThreadGate gate(*io);
        for (int published = 0; published < kCopies; published += kRingSize) {
            for (int i = 0; i < kRingSize; ++i)
                driver->publish(head);
            kick();
        }
        // The last ring's worth waits for room.
        EXPECT_EQ(blk->requests_in_flight(), VirtioBlk::kMaxInFlight);
    }
    // Completions make room and serve the rest from the IoThread; drain()
    // also waits for what those completions submit.
    blk->drain();
    EXPECT_EQ(driver->used_idx(), kCopies);
    EXPECT_EQ(blk->requests_in_flight(), 0u);
    EXPECT_FALSE(blk->needs_reset());
}

INSTANTIATE_TEST_SUITE_P(Backends, VirtioBlkTest,
                         ::testing::Values(IoEngine::Backend::Uring, IoEngine::Backend::Sync),
                         [](const auto& info) {
                             return info.param == IoEngine::Backend::Uring ? std::string("Uring")
                                                                           : std::string("Sync");
                         });

} // namespace
} // namespace kite::virtio
