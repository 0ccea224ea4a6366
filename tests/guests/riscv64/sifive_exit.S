/* Ends the machine through the SiFive test device (the virt board's
 * "finisher" at 0x10_0000) rather than HTIF: writes SIFIVE_VALUE there
 * (0x5555 poweroff, 0x7777 reset, (code << 16) | 0x3333 failure with `code`),
 * which must stop Kite with the matching exit status. Built once per value
 * (see CMakeLists.txt); not an ISA test: run through `kite run`.
 * Should the write not end the run, the program waits a moment and then
 * reports failure 99 through HTIF, so the test fails quickly and clearly. */
#include "riscv_test.h"

#ifndef SIFIVE_VALUE
#error "build with -DSIFIVE_VALUE=<value written to the SiFive test device>"
#endif

RVTEST_BEGIN
    li t0, 0x100000
    li t1, SIFIVE_VALUE
    sw t1, 0(t0)
    li t2, 10000000             /* about 0.1 s at Kite's speed */
spin:
    addi t2, t2, -1
    bnez t2, spin
    li TESTNUM, 99
    j fail
RVTEST_END
