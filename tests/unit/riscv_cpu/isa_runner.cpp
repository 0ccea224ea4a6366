// Runs one RISC-V ISA test program (an ELF linked at 0x8000_0000 that reports
// through HTIF's tohost: 1 = pass, (n << 1) | 1 = test n failed) on a Hart with
// 64 MiB of RAM and no devices. Exit status: 0 pass, 1 fail, 2 usage/load
// error. Used by the ctests registered in tests/guests/riscv64.
//
// n == kSetupTestNum (RVTEST_SETUP_NUM in riscv_test.h, where TESTNUM starts)
// means the program failed in its setup code, before its first numbered test.
#include "cpu/riscv/hart.h"
#include "test_elf.h"

#include <cstdio>
#include <cstdlib>
#include <string>

using namespace kite;
using namespace kite::riscv;

namespace {
constexpr u64 kSetupTestNum = 255;
}

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s program.elf [max-instructions]\n", argv[0]);
        return 2;
    }
    const std::string path = argv[1];
    const u64 limit = argc > 2 ? std::strtoull(argv[2], nullptr, 0) : 200'000'000;

    GuestMemory ram;
    if (auto r = ram.add_region(GuestAddress(0x80000000), 64 * MiB); !r) {
        std::fprintf(stderr, "%s\n", r.error().message().c_str());
        return 2;
    }
    Bus mmio("mmio");
    auto file = test::read_file(path);
    if (!file) {
        std::fprintf(stderr, "%s\n", file.error().message().c_str());
        return 2;
    }
    auto elf = test::load_test_elf(*file, ram);
    if (!elf) {
        std::fprintf(stderr, "%s: %s\n", path.c_str(), elf.error().message().c_str());
        return 2;
    }
    const auto tohost_it = elf->symbols.find("tohost");
    if (tohost_it == elf->symbols.end()) {
        std::fprintf(stderr, "%s: no tohost symbol\n", path.c_str());
        return 2;
    }
    const GuestAddress tohost(tohost_it->second);

    Hart* hart_ptr = nullptr;
    // `time` advances with retired instructions so timer reads are deterministic.
    Hart hart(ram, mmio, HartConfig{0, [&] { return hart_ptr ? hart_ptr->instret() / 16 : 0; }});
    hart_ptr = &hart;
    hart.reset(elf->entry);

    // tohost is checked between slices, so the count printed includes the
    // pass/fail loop the program spins in afterwards.
    constexpr u64 kSlice = 10'000;
    u64 executed = 0;
    while (executed < limit) {
        const Hart::StopReason why = hart.run(kSlice);
        executed += kSlice;
        const u64 value = ram.read_obj<u64>(tohost).value_or(0);
        if (value != 0) {
            if (value == 1) {
                std::printf("PASS %s (%llu instructions retired)\n", path.c_str(),
                            static_cast<unsigned long long>(hart.instret()));
                return 0;
            }
            const std::string what = (value & 1) == 0 ? "no test number (even tohost value)"
                                     : (value >> 1) == kSetupTestNum
                                         ? "failed in setup, before the first test"
                                         : "test " + std::to_string(value >> 1);
            std::printf("FAIL %s: %s (tohost %#llx)\n%s\n", path.c_str(), what.c_str(),
                        static_cast<unsigned long long>(value), hart.describe_state().c_str());
            return 1;
        }
        if (why == Hart::StopReason::WaitingForInterrupt && !hart.has_pending_interrupt()) {
            std::printf("FAIL %s: WFI with no interrupt that could wake it\n%s\n", path.c_str(),
                        hart.describe_state().c_str());
            return 1;
        }
    }
    std::printf("FAIL %s: no result after %llu instructions\n%s\n", path.c_str(),
                static_cast<unsigned long long>(limit), hart.describe_state().c_str());
    return 1;
}
