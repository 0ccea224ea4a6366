/*
 * io - port and MMIO round trips against Kite's devices.
 *
 *   testdev port 0xE0 (4 bytes): reads return what was last written
 *   16550 scratch register 0x3FF
 *   testdev MMIO 0xE0000000 (4 KiB, RAM-like): 8/16/32-bit accesses, mixed
 *     widths, last dword of the page
 *   unmapped MMIO 0xD0000000 reads all-ones; unmapped port 0x510 likewise
 *
 * Prints "ok <check>" per check and "io: all passed" at the end, then exits
 * with v = 0x10 (status 33). The first failing check prints
 * "io: FAIL <check>: expected 0x... got 0x..." and exits with v = 0x11 (35).
 * (64-bit MMIO accesses cannot be made from 32-bit code without SSE and are
 * not exercised.)
 */
#include "common.inc"

#define TESTDEV_PORT    0xE0
#ifndef TESTDEV_MMIO            /* -DTESTDEV_MMIO=<RAM address> to try the */
#define TESTDEV_MMIO    0xE0000000  /* checks on a VMM without Kite's testdev */
#endif
#define UNMAPPED_MMIO   0xD0000000
#define UNMAPPED_PORT   0x0510

/* CHECK name, expected: compares EAX (the value read) with `expected`. */
.macro CHECK name, expected
    .pushsection .rodata
.Lcheck_name\@: .asciz "\name"
    .popsection
    movl $\expected, %edx
    movl $.Lcheck_name\@, %esi
    call check
.endm

    .text
    .globl main
main:
    PUTS "io: starting checks\r\n"

    /* --- testdev port, 32/16/8-bit --- */
    movw $TESTDEV_PORT, %dx
    movl $0x12345678, %eax
    outl %eax, %dx
    xorl %eax, %eax
    inl %dx, %eax
    CHECK "port32", 0x12345678

    movw $TESTDEV_PORT, %dx
    movl $0xFFFFBEEF, %eax
    outw %ax, %dx
    xorl %eax, %eax
    inw %dx, %ax
    CHECK "port16", 0xBEEF

    movw $TESTDEV_PORT, %dx
    movb $0xA5, %al
    outb %al, %dx
    xorl %eax, %eax
    inb %dx, %al
    CHECK "port8", 0xA5

    /* --- UART scratch register --- */
    movw $UART_SCR, %dx
    movb $0x5A, %al
    outb %al, %dx
    xorl %eax, %eax
    inb %dx, %al
    CHECK "uart-scratch-5a", 0x5A
    movw $UART_SCR, %dx
    movb $0xC3, %al
    outb %al, %dx
    xorl %eax, %eax
    inb %dx, %al
    CHECK "uart-scratch-c3", 0xC3

    /* --- testdev MMIO --- */
    movl $0xCAFEF00D, TESTDEV_MMIO + 0x10
    movl TESTDEV_MMIO + 0x10, %eax
    CHECK "mmio32", 0xCAFEF00D

    movw $0x1234, TESTDEV_MMIO + 0x20
    movzwl TESTDEV_MMIO + 0x20, %eax
    CHECK "mmio16", 0x1234

    movb $0x5A, TESTDEV_MMIO + 0x31
    movzbl TESTDEV_MMIO + 0x31, %eax
    CHECK "mmio8", 0x5A

    /* A dword write read back as bytes and words (little endian). */
    movl $0x44332211, TESTDEV_MMIO + 0x40
    movzbl TESTDEV_MMIO + 0x40, %eax
    CHECK "mmio-mixed-byte0", 0x11
    movzbl TESTDEV_MMIO + 0x43, %eax
    CHECK "mmio-mixed-byte3", 0x44
    movzwl TESTDEV_MMIO + 0x42, %eax
    CHECK "mmio-mixed-word1", 0x4433

    /* Last dword of the 4 KiB page. */
    movl $0x600DF00D, TESTDEV_MMIO + 0xFFC
    movl TESTDEV_MMIO + 0xFFC, %eax
    CHECK "mmio32-page-end", 0x600DF00D

    /* The earlier dword is still there: offsets are independent. */
    movl TESTDEV_MMIO + 0x10, %eax
    CHECK "mmio-distinct", 0xCAFEF00D

    /* --- unmapped MMIO and ports read all-ones --- */
    movl UNMAPPED_MMIO, %eax
    CHECK "unmapped-mmio32", 0xFFFFFFFF

    movw $UNMAPPED_PORT, %dx
    xorl %eax, %eax
    inb %dx, %al
    CHECK "unmapped-port8", 0xFF
    movw $UNMAPPED_PORT, %dx
    xorl %eax, %eax
    inw %dx, %ax
    CHECK "unmapped-port16", 0xFFFF
    movw $UNMAPPED_PORT, %dx
    inl %dx, %eax
    CHECK "unmapped-port32", 0xFFFFFFFF

    PUTS "io: all passed\r\n"
    EXIT EXIT_PASS

/* check: EAX = value read, EDX = expected, ESI = check name. */
check:
    cmpl %edx, %eax
    jne 1f
    PUTS "ok "
    call puts
    PUTS "\r\n"
    ret
1:  PUTS "io: FAIL "
    call puts
    PUTS ": expected 0x"
    xchgl %eax, %edx
    PUTHEX %eax, 8
    PUTS " got 0x"
    PUTHEX %edx, 8
    PUTS "\r\n"
    EXIT EXIT_FAIL
