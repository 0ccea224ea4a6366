#include "boot/fdt/fdt_writer.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <libfdt.h>
#include <string>
#include <unistd.h>

namespace kite::fdt {
namespace {

#define ASSERT_OK(expr)                                                                                      \
    do {                                                                                                     \
        const auto& _r = (expr);                                                                             \
        ASSERT_TRUE(_r) << #expr << ": " << _r.error().message();                                            \
    } while (0)

template <typename T>
::testing::AssertionResult fails_with(const Result<T>& result, std::string_view needle) {
    if (result)
        return ::testing::AssertionFailure() << "expected an error containing \"" << needle << "\"";
    const std::string msg = result.error().message();
    if (msg.find(needle) == std::string::npos)
        return ::testing::AssertionFailure()
               << "error \"" << msg << "\" does not contain \"" << needle << "\"";
    return ::testing::AssertionSuccess();
}

std::vector<u8> prop(const std::vector<u8>& blob, const char* path, const char* name) {
    const int node = fdt_path_offset(blob.data(), path);
    EXPECT_GE(node, 0) << path << ": " << fdt_strerror(node);
    if (node < 0)
        return {};
    int len = 0;
    const void* value = fdt_getprop(blob.data(), node, name, &len);
    EXPECT_NE(value, nullptr) << path << " " << name << ": " << fdt_strerror(len);
    if (!value)
        return {};
    const auto* bytes = static_cast<const u8*>(value);
    return std::vector<u8>(bytes, bytes + len);
}

std::vector<u8> be32s(std::initializer_list<u32> cells) {
    std::vector<u8> out;
    for (u32 c : cells)
        for (int shift = 24; shift >= 0; shift -= 8)
            out.push_back(static_cast<u8>(c >> shift));
    return out;
}

std::vector<u8> str(std::string_view s) {
    return std::vector<u8>(s.begin(), s.end());
}

// A small riscv-virt-like tree.
Result<std::vector<u8>> build_sample(FdtWriter& w) {
    TRY(w.add_reserve_map_entry(0x80000000, 0x80000));
    TRY(w.begin_node(""));
    TRY(w.property_u32("#address-cells", 2));
    TRY(w.property_u32("#size-cells", 2));
    TRY(w.property_string("compatible", "riscv-virtio"));
    TRY(w.property_string("model", "kite,virt"));
    TRY(w.begin_node("chosen"));
    TRY(w.property_string("bootargs", "console=ttyS0"));
    TRY(w.property_u64("linux,initrd-start", 0x8f000000));
    TRY(w.property_u64("linux,initrd-end", 0x8f400000));
    TRY(w.end_node());
    TRY(w.begin_node("memory@80000000"));
    TRY(w.property_string("device_type", "memory"));
    TRY(w.property_cells("reg", {0x0, 0x80000000, 0x0, 0x10000000}));
    TRY(w.end_node());
    TRY(w.begin_node("cpus"));
    const u32 intc = w.allocate_phandle();
    TRY(w.begin_node("cpu@0"));
    TRY(w.property_string("device_type", "cpu"));
    TRY(w.property_u32("reg", 0));
    TRY(w.property_strings("compatible", {"riscv", "kite,rv64"}));
    TRY(w.begin_node("interrupt-controller"));
    TRY(w.property_empty("interrupt-controller"));
    TRY(w.property_u32("phandle", intc));
    TRY(w.end_node());
    TRY(w.end_node());
    TRY(w.end_node());
    const std::vector<u32> list = {intc, 11, intc, 9};
    TRY(w.begin_node("soc"));
    TRY(w.property_u32_list("interrupts-extended", list));
    TRY(w.property("raw", std::vector<u8>{1, 2, 3}));
    TRY(w.end_node());
    TRY(w.end_node());
    return w.finish();
}

TEST(FdtWriter, BuildsATreeLibfdtCanRead) {
    auto w = FdtWriter::create();
    ASSERT_OK(w);
    auto blob = build_sample(*w);
    ASSERT_OK(blob);
    ASSERT_EQ(fdt_check_header(blob->data()), 0);
    EXPECT_EQ(fdt_totalsize(blob->data()), blob->size());
    EXPECT_LE(blob->size(), FdtWriter::kDefaultMaxSize);

    EXPECT_EQ(prop(*blob, "/", "#address-cells"), be32s({2}));
    EXPECT_EQ(prop(*blob, "/", "compatible"), str(std::string_view("riscv-virtio\0", 13)));
    EXPECT_EQ(prop(*blob, "/chosen", "bootargs"), str(std::string_view("console=ttyS0\0", 14)));
    EXPECT_EQ(prop(*blob, "/chosen", "linux,initrd-start"), be32s({0, 0x8f000000}));
    EXPECT_EQ(prop(*blob, "/memory@80000000", "reg"), be32s({0, 0x80000000, 0, 0x10000000}));
    EXPECT_EQ(prop(*blob, "/cpus/cpu@0", "compatible"), str(std::string_view("riscv\0kite,rv64\0", 16)));
    EXPECT_EQ(prop(*blob, "/cpus/cpu@0/interrupt-controller", "interrupt-controller"), std::vector<u8>{});
    EXPECT_EQ(prop(*blob, "/cpus/cpu@0/interrupt-controller", "phandle"), be32s({1}));
    EXPECT_EQ(prop(*blob, "/soc", "interrupts-extended"), be32s({1, 11, 1, 9}));
    EXPECT_EQ(prop(*blob, "/soc", "raw"), (std::vector<u8>{1, 2, 3}));
    EXPECT_EQ(fdt_node_offset_by_phandle(blob->data(), 1),
              fdt_path_offset(blob->data(), "/cpus/cpu@0/interrupt-controller"));

    ASSERT_EQ(fdt_num_mem_rsv(blob->data()), 1);
    u64 addr = 0, size = 0;
    ASSERT_EQ(fdt_get_mem_rsv(blob->data(), 0, &addr, &size), 0);
    EXPECT_EQ(addr, 0x80000000u);
    EXPECT_EQ(size, 0x80000u);
}

TEST(FdtWriter, PhandlesCountFromOne) {
    auto w = FdtWriter::create();
    ASSERT_OK(w);
    EXPECT_EQ(w->allocate_phandle(), 1u);
    EXPECT_EQ(w->allocate_phandle(), 2u);
    EXPECT_EQ(w->allocate_phandle(), 3u);
}

TEST(FdtWriter, GrowsTheBufferUpToTheMaximum) {
    auto w = FdtWriter::create(1 * MiB);
    ASSERT_OK(w);
    ASSERT_OK(w->begin_node(""));
    const std::vector<u8> big(100 * KiB, 0x5a); // far beyond the initial buffer
    ASSERT_OK(w->property("big", big));
    for (int i = 0; i < 200; ++i) {
        ASSERT_OK(w->begin_node(fmt::format("node@{:x}", i)));
        ASSERT_OK(w->property_u32(fmt::format("prop-{}", i), static_cast<u32>(i)));
        ASSERT_OK(w->end_node());
    }
    ASSERT_OK(w->end_node());
    auto blob = w->finish();
    ASSERT_OK(blob);
    ASSERT_EQ(fdt_check_header(blob->data()), 0);
    EXPECT_EQ(prop(*blob, "/", "big"), big);
    EXPECT_EQ(prop(*blob, "/node@c7", "prop-199"), be32s({199}));
}

TEST(FdtWriter, ReportsRunningOutOfSpace) {
    auto w = FdtWriter::create(4 * KiB);
    ASSERT_OK(w);
    ASSERT_OK(w->begin_node(""));
    ASSERT_OK(w->begin_node("cpus"));
    auto r = w->property("big", std::vector<u8>(8 * KiB));
    EXPECT_TRUE(fails_with(r, "fdt: property 'big': FDT_ERR_NOSPACE"));
    EXPECT_TRUE(fails_with(r, "maximum size of 4096 bytes"));
    // The writer refuses further use after a failure.
    EXPECT_TRUE(fails_with(w->end_node(), "an earlier call failed"));
    EXPECT_TRUE(fails_with(w->finish(), "an earlier call failed"));

    auto small = FdtWriter::create(128);
    ASSERT_OK(small);
    ASSERT_OK(small->begin_node(""));
    EXPECT_TRUE(fails_with(small->begin_node("cpus-with-a-rather-long-node-name-to-overflow-the-tree"),
                           "fdt: begin_node 'cpus-with-a-rather-long-node-name-to-overflow-the-tree': "
                           "FDT_ERR_NOSPACE"));
}

TEST(FdtWriter, RejectsBadSizes) {
    EXPECT_TRUE(fails_with(FdtWriter::create(16), "below the minimum"));
    EXPECT_TRUE(fails_with(FdtWriter::create(std::size_t{1} << 40), "exceeds libfdt's limit"));
}

TEST(FdtWriter, EnforcesStructure) {
    auto w = FdtWriter::create();
    ASSERT_OK(w);
    EXPECT_TRUE(fails_with(w->property_u32("x", 1), "no node is open"));
    EXPECT_TRUE(fails_with(w->end_node(), "without a matching begin_node"));
    EXPECT_TRUE(fails_with(w->finish(), "no root node"));
    ASSERT_OK(w->begin_node(""));
    EXPECT_TRUE(fails_with(w->add_reserve_map_entry(0, 1), "before the first node"));
    EXPECT_TRUE(fails_with(w->begin_node(std::string_view("a\0b", 3)), "contains a NUL byte"));
    EXPECT_TRUE(fails_with(w->property_string("s", std::string_view("a\0b", 3)), "contains a NUL byte"));
    ASSERT_OK(w->begin_node("child"));
    EXPECT_EQ(w->depth(), 2);
    EXPECT_TRUE(fails_with(w->finish(), "2 node(s) still open"));
    ASSERT_OK(w->end_node());
    ASSERT_OK(w->end_node());
    EXPECT_TRUE(fails_with(w->begin_node("second-root"), "already has a root node"));
    auto blob = w->finish();
    ASSERT_OK(blob);
    EXPECT_TRUE(fails_with(w->begin_node("late"), "already finished"));
    EXPECT_TRUE(fails_with(w->finish(), "already finished"));
}

TEST(FdtWriter, MovedWriterKeepsWorking) {
    auto w = FdtWriter::create();
    ASSERT_OK(w);
    ASSERT_OK(w->begin_node(""));
    FdtWriter moved = std::move(*w);
    ASSERT_OK(moved.property_string("model", "m"));
    ASSERT_OK(moved.end_node());
    auto blob = moved.finish();
    ASSERT_OK(blob);
    EXPECT_EQ(prop(*blob, "/", "model"), str(std::string_view("m\0", 2)));
}

// Decompiles the sample with dtc when the host has it.
TEST(FdtWriter, DtcDecompilesTheTree) {
    if (std::system("command -v dtc >/dev/null 2>&1") != 0)
        GTEST_SKIP() << "dtc not installed";
    auto w = FdtWriter::create();
    ASSERT_OK(w);
    auto blob = build_sample(*w);
    ASSERT_OK(blob);
    const auto dir = std::filesystem::temp_directory_path() / ("kite-fdt-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    {
        std::ofstream out(dir / "tree.dtb", std::ios::binary);
        out.write(reinterpret_cast<const char*>(blob->data()), static_cast<std::streamsize>(blob->size()));
    }
    const std::string cmd =
        "dtc -q -I dtb -O dts -o " + (dir / "tree.dts").string() + " " + (dir / "tree.dtb").string();
    const int rc = std::system(cmd.c_str());
    std::string dts;
    {
        std::ifstream in(dir / "tree.dts");
        dts.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    std::filesystem::remove_all(dir);
    ASSERT_EQ(rc, 0) << cmd;
    EXPECT_NE(dts.find("0x0000000080000000 0x0000000000080000;"), std::string::npos) << dts;
    EXPECT_NE(dts.find("/memreserve/"), std::string::npos) << dts;
    EXPECT_NE(dts.find("compatible = \"riscv-virtio\";"), std::string::npos) << dts;
    EXPECT_NE(dts.find("bootargs = \"console=ttyS0\";"), std::string::npos) << dts;
    EXPECT_NE(dts.find("memory@80000000 {"), std::string::npos) << dts;
    EXPECT_NE(dts.find("reg = <0x00 0x80000000 0x00 0x10000000>;"), std::string::npos) << dts;
    // dtc prints a string list either way, depending on its version.
    EXPECT_TRUE(dts.find("compatible = \"riscv\", \"kite,rv64\";") != std::string::npos ||
                dts.find("compatible = \"riscv\\0kite,rv64\";") != std::string::npos)
        << dts;
    EXPECT_NE(dts.find("interrupt-controller;"), std::string::npos) << dts;
    EXPECT_NE(dts.find("phandle = <0x01>;"), std::string::npos) << dts;
    EXPECT_NE(dts.find("interrupts-extended = <0x01 0x0b 0x01 0x09>;"), std::string::npos) << dts;
    EXPECT_NE(dts.find("raw = [01 02 03];"), std::string::npos) << dts;
}

} // namespace
} // namespace kite::fdt
