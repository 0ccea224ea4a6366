# Harness self-test: must FAIL. An illegal instruction in the setup code,
# before the first numbered test. riscv_isa_runner must say "failed in setup"
# and `kite run --firmware none` must exit with RVTEST_SETUP_NUM (255), not 0.
#include "riscv_test.h"

RVTEST_BEGIN
    .word 0
    RVTEST_PASS
RVTEST_END
