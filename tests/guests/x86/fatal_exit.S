/*
 * fatal_exit - an exit Kite cannot handle: status 6 and a register dump.
 *
 * Runs POPCNT with its source operand in MMIO (the test device's page at
 * 0xE0000000). The access exits to KVM, whose instruction emulator has no
 * POPCNT: at CPL 0 KVM reports an emulation failure to Kite
 * (KVM_EXIT_INTERNAL_ERROR), which stops with status 6 and prints the vCPU's
 * registers and the bytes at RIP (f3 0f b8 ..., the POPCNT). Marker values in
 * EBX/ECX/EDX show up in the dump. Should the guest still run afterwards it
 * says so and exits with v = 0x11 (status 35).
 */
#include "common.inc"

#define TESTDEV_MMIO    0xE0000000

    .text
    .globl main
main:
    PUTS "fatal_exit: popcnt from MMIO at 0xe0000000\r\n"
    movl $0x6b697465, %ebx      /* "kite" */
    movl $0x00c0ffee, %ecx
    movl $0x0badf00d, %edx
    .globl fatal_insn
fatal_insn:
    popcntl TESTDEV_MMIO, %eax
    PUTS "fatal_exit: FAIL still running after popcnt from MMIO\r\n"
    EXIT EXIT_FAIL
