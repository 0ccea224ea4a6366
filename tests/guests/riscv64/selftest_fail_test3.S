# Harness self-test: must FAIL. Tests 1 and 2 pass, test 3 fails: the runner
# must report test 3 and `kite run --firmware none` must exit 3.
#include "riscv_test.h"

RVTEST_BEGIN
    TEST_RR(1, add, 3, 1, 2)
    TEST_RR(2, sub, 1, 3, 2)
    TEST_RR(3, add, 5, 1, 2)
    RVTEST_PASS
RVTEST_END
