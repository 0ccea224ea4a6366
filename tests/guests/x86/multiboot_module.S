/*
 * multiboot_module - reads the Multiboot module list (run with --initrd).
 *
 * Checks that the information structure says modules are present (flags bit
 * 3) and lists exactly one, prints its start, size and string
 * ("module 0: start=0x... size=N string=..."), checks that it is page-aligned
 * (the header asks for that: MB_HEADER_FLAGS bit 0) and prints its bytes
 * ("module 0 data: ...", bytes outside 0x20..0x7E as '.'), so the test sees
 * every byte of the file arrive. Passes with v = 0x10 (status 33), fails
 * with v = 0x11 (status 35).
 */
#include "common.inc"

#define MB_INFO_MODS    0x8     /* flags bit 3: mods_count, mods_addr valid */
#define MB_MODS_COUNT   20
#define MB_MODS_ADDR    24
#define MOD_START       0
#define MOD_END         4
#define MOD_STRING      8

    .text
    .globl main
main:
    movl mb_info, %ebx
    testl $MB_INFO_MODS, 0(%ebx)
    jnz 1f
    PUTS "modules: FAIL flags bit 3 (modules) is clear\r\n"
    EXIT EXIT_FAIL
1:  PUTS "modules: count="
    movl MB_MODS_COUNT(%ebx), %eax
    call putdec
    PUTS "\r\n"
    cmpl $1, %eax
    je 2f
    PUTS "modules: FAIL expected exactly one module\r\n"
    EXIT EXIT_FAIL

2:  movl MB_MODS_ADDR(%ebx), %ebx   /* the first module's entry */
    movl MOD_START(%ebx), %esi
    movl MOD_END(%ebx), %edi
    PUTS "module 0: start=0x"
    PUTHEX %esi, 8
    PUTS " size="
    movl %edi, %eax
    subl %esi, %eax
    call putdec
    PUTS " string="
    movl MOD_STRING(%ebx), %eax
    testl %eax, %eax
    jz 3f
    pushl %esi
    movl %eax, %esi
    call puts
    popl %esi
3:  PUTS "\r\n"

    cmpl %esi, %edi
    jae 4f
    PUTS "module 0: FAIL mod_end is below mod_start\r\n"
    EXIT EXIT_FAIL
4:  testl $0xFFF, %esi
    jz 5f
    PUTS "module 0: FAIL not page-aligned\r\n"
    EXIT EXIT_FAIL
5:  cmpl $0, MOD_STRING(%ebx)
    jne 6f
    PUTS "module 0: FAIL no string\r\n"
    EXIT EXIT_FAIL

6:  PUTS "module 0 data: "
7:  cmpl %edi, %esi
    jae 9f
    movb (%esi), %al
    cmpb $0x20, %al
    jb 8f
    cmpb $0x7E, %al
    jbe 81f
8:  movb $'.', %al
81: call putc
    incl %esi
    jmp 7b
9:  PUTS "\r\n"
    PUTS "modules: passed\r\n"
    EXIT EXIT_PASS
