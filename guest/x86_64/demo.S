/*
 * Kite demo guest (x86_64).
 *
 * A Multiboot v1 ELF32 kernel linked at 1 MiB. It prints a banner on COM1,
 * switches to 64-bit long mode (identity-mapped 4 GiB with 2 MiB pages) and
 * echoes whatever arrives on the serial port. Carriage return and line feed
 * are echoed as "\r\n". On 'q' it prints "bye" and resets through the i8042,
 * which makes Kite exit with status 0. If nothing is typed it waits in `hlt`
 * (leave Kite with Ctrl-A x).
 *
 * Waiting: the UART's received-data interrupt (IOAPIC pin 4 -> vector 0x34)
 * and a slow periodic LAPIC timer (vector 0x40, a fallback should the UART
 * interrupt never arrive) wake the `sti; hlt` loop. Interrupt handlers do not
 * return with IRETQ: interrupts are only enabled at that `hlt`, so a handler
 * sends the EOI, drops its frame and jumps back to the top of the echo loop.
 * (That also keeps the demo working on KVMs that emulate supervisor code with
 * KVM's instruction emulator, which cannot emulate protected-mode IRET.)
 *
 * If the CPU does not offer long mode (CPUID 0x80000001 EDX bit 29), the demo
 * says so and echoes from 32-bit protected mode by polling LSR bit 0 instead.
 *
 * The Multiboot header, GDT/IDT helpers and the UART, APIC, IOAPIC, 8259 and
 * i8042 definitions come from guest/x86/include, shared with the test guests
 * in tests/guests/x86.
 *
 * Syntax: GNU as, AT&T; C-style comments because the C preprocessor runs
 * first. 64-bit code addresses data RIP-relatively or through registers,
 * because an ELF32 object cannot carry 64-bit absolute relocations.
 */

#include "multiboot.inc"
#include "cpu.inc"
#include "uart.inc"
#include "apic.inc"
#include "pc.inc"

#define VEC_UART        0x34
#define VEC_TIMER       0x40
#define VEC_SPURIOUS    0xFF
#define UART_IOAPIC_PIN 4
#define TIMER_COUNT     0x00300000  /* x16 divider: ~50 ms at a 1 GHz APIC bus */

#define CHAR_LF         10
#define CHAR_CR         13

/* ---------------------------------------------------------------------
 * Mode-agnostic serial helpers, instantiated once as 32-bit and once as
 * 64-bit code (the instructions used encode identically in both modes).
 *   putc_<sfx>          AL = byte               clobbers AH, DX
 *   puts_<sfx>          (E/R)SI = string        clobbers AX, DX, SI
 *   puthex8_<sfx>       AL = byte, as 2 digits  clobbers AX, CL, DX
 *   echo_pending_<sfx>  echo every received byte, quit on 'q'
 */
.macro SERIAL_ROUTINES sfx
putc_\sfx:
    UART_PUTC_POLL
    ret

puts_\sfx:
1:  lodsb
    testb %al, %al
    jz 2f
    call putc_\sfx
    jmp 1b
2:  ret

puthex8_\sfx:
    movb %al, %cl
    shrb $4, %al
    call hexdigit_\sfx
    movb %cl, %al
    andb $0x0F, %al
hexdigit_\sfx:
    addb $'0', %al
    cmpb $'9', %al
    jbe 1f
    addb $39, %al               /* '9' + 1 + 39 = 'a' */
1:  jmp putc_\sfx

echo_pending_\sfx:
1:  movw $UART_LSR, %dx
    inb %dx, %al
    testb $UART_LSR_DR, %al
    jz 9f
    movw $UART_RBR, %dx
    inb %dx, %al
    cmpb $'q', %al
    je quit_\sfx
    cmpb $CHAR_CR, %al
    je 2f
    cmpb $CHAR_LF, %al
    je 2f
    call putc_\sfx
    jmp 1b
2:  movl $msg_crlf, %esi
    call puts_\sfx
    jmp 1b
9:  ret

quit_\sfx:
    cli
    movl $msg_bye, %esi
    call puts_\sfx
    I8042_RESET
1:  hlt
    jmp 1b
.endm

    MULTIBOOT_HEADER

/* ----------------------------------------------------------- 32-bit part */

    .text
    .code32
    .globl _start
    .type _start, @function
_start:
    cli
    cld
    FLAT32_ENTER gdt_descriptor, stack_top

    call uart_init
    movl $msg_banner, %esi
    call puts_32

    /* Long mode available? */
    movl $0x80000000, %eax
    cpuid
    cmpl $0x80000001, %eax
    jb no_long_mode
    movl $0x80000001, %eax
    cpuid
    testl $(1 << 29), %edx
    jz no_long_mode

    call build_page_tables
    call build_idt64

    movl %cr4, %eax
    orl $(1 << 5), %eax         /* PAE */
    movl %eax, %cr4
    movl $pml4, %eax
    movl %eax, %cr3
    movl $0xC0000080, %ecx      /* EFER */
    rdmsr
    orl $(1 << 8), %eax         /* LME */
    wrmsr
    movl %cr0, %eax
    orl $0x80000001, %eax       /* PG | PE */
    movl %eax, %cr0
    ljmp $SEL_CODE64, $long_mode_entry

no_long_mode:
    movl $msg_no_lm, %esi
    call puts_32
1:  call echo_pending_32
    pause
    jmp 1b

/* uart_init: 115200 8N1, FIFOs on, DTR/RTS/OUT2, interrupts off. */
uart_init:
    UART_INIT
    ret

/* Identity map the low 4 GiB with 2 MiB pages (covers RAM, IOAPIC, LAPIC). */
build_page_tables:
    movl $pdpt, %eax
    orl $0x3, %eax              /* present, writable */
    movl %eax, pml4
    xorl %ecx, %ecx
1:  movl %ecx, %eax             /* PDPT[i] -> page directory i */
    shll $12, %eax
    addl $page_dirs, %eax
    orl $0x3, %eax
    movl %eax, pdpt(, %ecx, 8)
    incl %ecx
    cmpl $4, %ecx
    jb 1b
    xorl %ecx, %ecx
2:  movl %ecx, %eax             /* PDE[i] -> 2 MiB page at i * 2 MiB */
    shll $21, %eax
    orl $0x83, %eax             /* present, writable, page size */
    movl %eax, page_dirs(, %ecx, 8)
    movl %ecx, %eax
    shrl $11, %eax
    movl %eax, page_dirs + 4(, %ecx, 8)
    incl %ecx
    cmpl $2048, %ecx
    jb 2b
    ret

/* 64-bit interrupt gates, one per vector, each pointing at its stub. */
build_idt64:
    IDT_FILL_GATES idt64, isr_stubs, SEL_CODE64, 16
    ret

    SERIAL_ROUTINES 32

/* ----------------------------------------------------------- 64-bit part */

    .code64
long_mode_entry:
    movl $SEL_DATA, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %ss
    movl %eax, %fs
    movl %eax, %gs
    movl $stack_top, %esp       /* zero-extends into RSP */
    lidt idt64_descriptor(%rip)

    movl $msg_long_mode, %esi
    call puts_64

    /* Mask the 8259s; ignore ExtINT on LINT0. */
    PIC_MASK_ALL

    movl $LAPIC_BASE, %edi
    movl $(LAPIC_SVR_ENABLE | VEC_SPURIOUS), LAPIC_REG_SVR(%rdi)
    movl $0, LAPIC_REG_TPR(%rdi)
    orl $LAPIC_LVT_MASKED, LAPIC_REG_LVT_LINT0(%rdi)
    movl LAPIC_REG_ID(%rdi), %ebx   /* EBX[31:24] = our APIC ID */
    andl $0xFF000000, %ebx

    /* IOAPIC pin 4 (COM1): vector 0x34, fixed, physical, edge, high. */
    movl $IOAPIC_BASE, %edi
    movl $IOAPIC_REDTBL_HI(UART_IOAPIC_PIN), IOAPIC_REG_REGSEL(%rdi)
    movl %ebx, IOAPIC_REG_WIN(%rdi)
    movl $IOAPIC_REDTBL_LO(UART_IOAPIC_PIN), IOAPIC_REG_REGSEL(%rdi)
    movl $VEC_UART, IOAPIC_REG_WIN(%rdi)

    /* Slow periodic LAPIC timer as a fallback wake-up. */
    movl $LAPIC_BASE, %edi
    movl $LAPIC_TIMER_DIV16, LAPIC_REG_TIMER_DCR(%rdi)
    movl $(LAPIC_TIMER_PERIODIC | VEC_TIMER), LAPIC_REG_LVT_TIMER(%rdi)
    movl $TIMER_COUNT, LAPIC_REG_TIMER_ICR(%rdi)

    /* Received-data-available interrupt on. */
    movw $UART_IER, %dx
    movb $0x01, %al
    outb %al, %dx

    movq %rsp, saved_rsp(%rip)
echo_loop64:
    cli
    call echo_pending_64
    sti
    hlt
    jmp echo_loop64

/* Interrupt stubs: 16 bytes each, push the vector and join isr_common64. */
    ISR_STUBS isr_stubs, isr_common64

isr_common64:
    movq (%rsp), %rax
    cmpq $VEC_UART, %rax
    je 1f
    cmpq $VEC_TIMER, %rax
    je 1f
    cmpq $VEC_SPURIOUS, %rax
    je 2f
    cmpq $0x20, %rax
    jb unexpected64
    cmpq $0x2F, %rax
    ja unexpected64
    PIC_EOI_BOTH                /* stray 8259 interrupt: acknowledge */
    jmp 2f
1:  movl $LAPIC_BASE, %edi
    movl $0, LAPIC_REG_EOI(%rdi)
2:  movq saved_rsp(%rip), %rsp  /* drop the interrupt frame */
    jmp echo_loop64

unexpected64:
    movq %rax, %rbx
    movl $msg_unexpected, %esi
    call puts_64
    movb %bl, %al
    call puthex8_64
    movl $msg_poweroff, %esi
    call puts_64
    I8042_RESET
1:  hlt
    jmp 1b

    SERIAL_ROUTINES 64

/* ------------------------------------------------------------------ data */

    .section .rodata
msg_banner:     .asciz "Kite demo guest: type and I echo; press q to power off\r\n"
msg_long_mode:  .asciz "(running in 64-bit long mode)\r\n"
msg_no_lm:      .asciz "(no long mode on this CPU; staying in 32-bit protected mode)\r\n"
msg_bye:        .asciz "\r\nbye\r\n"
msg_crlf:       .asciz "\r\n"
msg_unexpected: .asciz "\r\ndemo: unexpected interrupt or exception, vector 0x"
msg_poweroff:   .asciz "; powering off\r\n"

    .balign 8
gdt:
    .quad GDT_ENTRY_NULL
    .quad GDT_ENTRY_CODE32      /* SEL_CODE32 */
    .quad GDT_ENTRY_DATA        /* SEL_DATA */
    .quad GDT_ENTRY_CODE64      /* SEL_CODE64 */
gdt_end:
    TABLE_DESCRIPTOR gdt_descriptor, gdt_end-gdt-1, gdt

    .balign 8
    .skip 6
idt64_descriptor:
    .word 256 * 16 - 1
    .long idt64, 0

    .data
    .balign 8
saved_rsp:  .quad 0

    .bss
    .balign 4096
pml4:       .skip 4096
pdpt:       .skip 4096
page_dirs:  .skip 4 * 4096
idt64:      .skip 256 * 16
    .balign 16
            .skip 16384
stack_top:

    .section .note.GNU-stack, "", @progbits
