/* HTIF console and failure reporting: prints a line through HTIF's console
 * device (device 1, command 1, one byte per command, acknowledged through
 * fromhost), then reports failure of "test 7" the way the ISA programs do, so
 * Kite must exit with status 7. Not an ISA test: run through `kite run`. */
#include "riscv_test.h"

RVTEST_BEGIN
    lla s0, message
    lla s1, tohost
    lla s2, fromhost
    li s3, (1 << 56) | (1 << 48)      /* device 1 (console), command 1 (putchar) */
next_char:
    lbu t0, 0(s0)
    beqz t0, done
    or t0, t0, s3
    sd zero, 0(s2)
    sd t0, 0(s1)
wait_ack:
    ld t1, 0(s2)
    beqz t1, wait_ack
    addi s0, s0, 1
    j next_char
done:
    li TESTNUM, 7
    j fail
RVTEST_END

    .section .rodata
message:
    .asciz "htif console: hello from bare metal\n"
