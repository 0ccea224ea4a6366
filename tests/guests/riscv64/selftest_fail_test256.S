# Harness self-test: must FAIL. Test 256 fails, so tohost is (256 << 1) | 1 =
# 0x201: a failure code that an 8-bit exit status would truncate to 0. The
# runner must report test 256 and `kite run --firmware none` must exit 255.
#include "riscv_test.h"

RVTEST_BEGIN
    TEST_RR(1, add, 3, 1, 2)
    TEST_RR(256, add, 5, 1, 2)
    RVTEST_PASS
RVTEST_END
