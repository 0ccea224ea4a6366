/*
 * hello - the smallest useful Kite guest.
 * Prints a greeting, checks the Multiboot boot magic, reports the memory size
 * and the command line from the Multiboot information structure (if any), then
 * resets through the i8042 (Kite exits with status 0).
 */
#include "common.inc"

    .text
    .globl main
main:
    PUTS "Hello from a Kite guest!\r\n"

    cmpl $MB_BOOT_MAGIC, mb_magic
    je 1f
    PUTS "hello: bad multiboot magic 0x"
    PUTHEX mb_magic, 8
    PUTS "\r\n"
    jmp 9f
1:  PUTS "multiboot magic ok\r\n"

    movl mb_info, %ebx
    movl 0(%ebx), %ecx          /* flags */

    testl $0x1, %ecx            /* bit 0: mem_lower / mem_upper valid */
    jz 2f
    PUTS "memory: lower="
    movl 4(%ebx), %eax
    call putdec
    PUTS "K upper="
    movl 8(%ebx), %eax
    call putdec
    PUTS "K\r\n"

2:  testl $0x4, %ecx            /* bit 2: cmdline valid */
    jz 9f
    movl 16(%ebx), %esi
    testl %esi, %esi
    jz 9f
    cmpb $0, (%esi)
    je 9f
    PUTS "cmdline: "
    call puts
    PUTS "\r\n"

9:  PUTS "hello: resetting via i8042\r\n"
    jmp i8042_reset
