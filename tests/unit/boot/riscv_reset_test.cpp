#include "boot/riscv_reset.h"
#include "test_images.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <unistd.h>

namespace kite::boot {
namespace {

using namespace test;

TEST(FwDynamicInfo, EncodesVersion2Layout) {
    const auto bytes = encode_fw_dynamic_info(0x80200000);
    std::vector<u8> expected;
    put64(expected, 0, 0x4942534f); // "OSBI"
    put64(expected, 8, 2);
    put64(expected, 16, 0x80200000);
    put64(expected, 24, 1); // S-mode
    put64(expected, 32, 0);
    put64(expected, 40, 0);
    EXPECT_EQ(std::vector<u8>(bytes.begin(), bytes.end()), expected);
    EXPECT_EQ(std::string(bytes.begin(), bytes.begin() + 4), "OSBI");
}

TEST(FwDynamicInfo, WritesToGuestMemory) {
    GuestMemory memory;
    ASSERT_TRUE(memory.add_region(GuestAddress(0x80000000), 4 * MiB));
    ASSERT_TRUE(write_fw_dynamic_info(memory, 0x80100000, 0x80200000, RiscvPrivilege::Machine, 0x5, 3));
    EXPECT_EQ(read64(memory, 0x80100000), 0x4942534fu);
    EXPECT_EQ(read64(memory, 0x80100008), 2u);
    EXPECT_EQ(read64(memory, 0x80100010), 0x80200000u);
    EXPECT_EQ(read64(memory, 0x80100018), 3u);
    EXPECT_EQ(read64(memory, 0x80100020), 5u);
    EXPECT_EQ(read64(memory, 0x80100028), 3u);
    EXPECT_TRUE(fails_with(write_fw_dynamic_info(memory, 0x80100004, 0), "not 8-byte aligned"));
    EXPECT_TRUE(fails_with(write_fw_dynamic_info(memory, 0x80400000 - 40, 0), "outside guest RAM"));
    EXPECT_TRUE(fails_with(write_fw_dynamic_info(memory, 0x1000, 0), "outside guest RAM"));
}

// Known-good encodings (checked against riscv64-linux-gnu-as, see below).
const std::vector<u32> kExpectedCode = {
    0x00000297, // auipc t0, 0
    0xf1402573, // csrr  a0, mhartid
    0x0202b583, // ld    a1, 32(t0)
    0x0282b603, // ld    a2, 40(t0)
    0x0182b283, // ld    t0, 24(t0)
    0x00028067, // jr    t0
};

TEST(RiscvResetVector, EmitsCodeThenLiteralPool) {
    const auto words = riscv_reset_vector(0x80000000, 0x8fe00000, 0x1030);
    ASSERT_EQ(words.size(), kRiscvResetVectorWords);
    EXPECT_EQ(std::vector<u32>(words.begin(), words.begin() + 6), kExpectedCode);
    // Pool: firmware entry at +24, DTB at +32, fw_dynamic_info at +40.
    EXPECT_EQ(words[6], 0x80000000u);
    EXPECT_EQ(words[7], 0u);
    EXPECT_EQ(words[8], 0x8fe00000u);
    EXPECT_EQ(words[9], 0u);
    EXPECT_EQ(words[10], 0x1030u);
    EXPECT_EQ(words[11], 0u);
    const auto high = riscv_reset_vector(0x123456789abcdef0, 0x1122334455667788, 0xfedcba9876543210);
    EXPECT_EQ(high[6], 0x9abcdef0u);
    EXPECT_EQ(high[7], 0x12345678u);
    EXPECT_EQ(high[8], 0x55667788u);
    EXPECT_EQ(high[9], 0x11223344u);
    EXPECT_EQ(high[10], 0x76543210u);
    EXPECT_EQ(high[11], 0xfedcba98u);
}

TEST(RiscvResetVector, BootRomHoldsVectorThenInfo) {
    const auto rom = riscv_boot_rom(0x1000, 0x80000000, 0x8fe00000, 0x80200000);
    ASSERT_EQ(rom.size(), kRiscvResetVectorSize + kFwDynamicInfoSize);
    std::vector<u8> expected;
    const auto words = riscv_reset_vector(0x80000000, 0x8fe00000, 0x1000 + kRiscvResetVectorSize);
    for (std::size_t i = 0; i < words.size(); ++i)
        put32(expected, i * 4, words[i]);
    const auto info = encode_fw_dynamic_info(0x80200000);
    put_bytes(expected, kRiscvResetVectorSize, std::vector<u8>(info.begin(), info.end()));
    EXPECT_EQ(rom, expected);
}

// Assembles the same program with the RISC-V cross assembler when the host has
// one, and compares the bytes.
TEST(RiscvResetVector, MatchesTheCrossAssembler) {
    if (std::system("command -v riscv64-linux-gnu-as >/dev/null 2>&1 && "
                    "command -v riscv64-linux-gnu-objcopy >/dev/null 2>&1") != 0)
        GTEST_SKIP() << "riscv64-linux-gnu-as/objcopy not installed";
    const auto dir = std::filesystem::temp_directory_path() / ("kite-reset-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    {
        std::ofstream s(dir / "reset.S");
        s << "auipc t0, 0\n"
             "csrr a0, mhartid\n"
             "ld a1, 32(t0)\n"
             "ld a2, 40(t0)\n"
             "ld t0, 24(t0)\n"
             "jr t0\n"
             ".dword 0x80000000\n"
             ".dword 0x8fe00000\n"
             ".dword 0x1030\n";
    }
    const std::string cmd = "cd " + dir.string() +
                            " && riscv64-linux-gnu-as -march=rv64g -o reset.o reset.S"
                            " && riscv64-linux-gnu-objcopy -O binary -j .text reset.o reset.bin";
    const int rc = std::system(cmd.c_str());
    std::vector<u8> assembled;
    {
        std::ifstream in(dir / "reset.bin", std::ios::binary);
        assembled.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    std::filesystem::remove_all(dir);
    ASSERT_EQ(rc, 0) << cmd;
    std::vector<u8> ours;
    const auto words = riscv_reset_vector(0x80000000, 0x8fe00000, 0x1030);
    for (std::size_t i = 0; i < words.size(); ++i)
        put32(ours, i * 4, words[i]);
    EXPECT_EQ(ours, assembled);
}

} // namespace
} // namespace kite::boot
