/* A plain ELF kernel with no Multiboot header, built twice: as ELF32 (Kite
 * enters it in flat 32-bit protected mode, paging off) and as ELF64 (Kite
 * enters it in 64-bit long mode on its identity-mapped page tables). It checks
 * the mode it was entered in, reloads a data selector from Kite's boot GDT,
 * (64-bit) does a 64-bit MMIO round trip on the test device, and reports
 * through the debug-exit port: 0x10 (status 33) passed, 0x11 (35) failed. */
#include "uart.inc"
#include "pc.inc"

#ifdef __x86_64__
#define MODE_NAME   "elf64"
#define BOOT_CS     0x18    /* Kite's boot GDT: 64-bit code */
    .code64
#else
#define MODE_NAME   "elf32"
#define BOOT_CS     0x08    /* Kite's boot GDT: 32-bit code */
    .code32
#endif
#define BOOT_DS     0x10
#define TESTDEV_MMIO 0xE0000000

    .section .text
    .globl _start
_start:
    mov $msg_hello, %esi
    call puts
#ifdef __x86_64__
    mov $0xC0000080, %ecx   /* EFER: LMA (bit 10) must be set */
    rdmsr
    bt $10, %eax
    jnc fail
#else
    mov %cr0, %eax
    test $1, %eax           /* PE set */
    jz fail
    test $0x80000000, %eax  /* PG clear */
    jnz fail
#endif
    mov %cs, %ax
    cmp $BOOT_CS, %ax
    jne fail
    mov $BOOT_DS, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
#ifdef __x86_64__
    mov $TESTDEV_MMIO, %edi
    mov $0x0123456789ABCDEF, %rax
    mov %rax, 8(%rdi)
    mov 8(%rdi), %rbx
    cmp %rax, %rbx
    jne fail
#endif
    mov $msg_ok, %esi
    call puts
    mov $0x10, %al
    out %al, $DEBUG_EXIT_PORT
halt:
    hlt
    jmp halt
fail:
    mov $msg_fail, %esi
    call puts
    mov $0x11, %al
    out %al, $DEBUG_EXIT_PORT
    jmp halt

/* puts: writes the NUL-terminated string at (E/R)SI to COM1. */
puts:
    lodsb
    test %al, %al
    jz 1f
    UART_PUTC_POLL
    jmp puts
1:  ret

    .section .rodata
msg_hello: .asciz MODE_NAME ": entered in the expected mode\n"
msg_ok:    .asciz MODE_NAME ": all passed\n"
msg_fail:  .asciz MODE_NAME ": FAILED\n"
