// Fuzz harness self-test, not a real target: never returns on the input
// "HANG". scripts/fuzz.sh runs it on that input first and requires the run to
// fail with libFuzzer's per-input timeout, which shows that a hang is caught
// within the fuzzing time rather than after libFuzzer's default 1200 s.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static constexpr char kTrigger[] = "HANG";
    if (size < sizeof(kTrigger) - 1 || std::memcmp(data, kTrigger, sizeof(kTrigger) - 1) != 0)
        return 0;
    // An atomic load each round, so the loop is not undefined behaviour.
    std::atomic<bool> forever{true};
    while (forever.load(std::memory_order_relaxed)) {
    }
    return 0;
}
