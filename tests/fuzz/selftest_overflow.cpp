// Fuzz harness self-test, not a real target: a signed overflow on the input
// "OVERFLOW". scripts/fuzz.sh runs it on that input first and requires the run
// to fail with an UndefinedBehaviorSanitizer report, which shows that UB is
// fatal in the fuzz build rather than reported and carried on from.
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstring>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static constexpr char kTrigger[] = "OVERFLOW";
    if (size < sizeof(kTrigger) - 1 || std::memcmp(data, kTrigger, sizeof(kTrigger) - 1) != 0)
        return 0;
    // volatile, so the compiler cannot fold the overflow away.
    volatile int big = INT_MAX;
    volatile int sum = big + static_cast<int>(size);
    (void)sum;
    return 0;
}
