/*
 * uart_irq - the 16550's THRE interrupt delivered through the IOAPIC.
 *
 * Sets up a GDT (common.inc) and an IDT of 32-bit interrupt gates, masks the
 * 8259s and LINT0, enables the local APIC (spurious vector 0xFF), routes
 * IOAPIC pin 4 (ISA IRQ 4, COM1) to vector 0x34 (fixed, physical, edge,
 * active high, unmasked, destination = this CPU's APIC ID), enables the UART
 * THRE interrupt (IER = 0x02) and waits with `sti; hlt`.
 *
 * The vector 0x34 handler reads IIR, disables UART interrupts, prints
 * "uart irq: vector 0x34 IIR=0x..", counts the interrupt and sends the LAPIC
 * EOI, then resumes the wait loop (no IRET; see isr_common). main then checks that IIR reported THRE and prints "uart_irq: passed"
 * (v = 0x10, status 33).
 *
 * Watchdog: the LAPIC timer (periodic, vector 0x40, ~17 ms at KVM's 1 GHz APIC
 * bus) wakes the hlt loop; after TIMEOUT_TICKS ticks without the UART
 * interrupt the guest prints "uart_irq: timeout" and exits with v = 0x11.
 * Any other vector prints "uart_irq: unexpected vector 0x.." and fails.
 */
#include "common.inc"
#include "apic.inc"

#define VEC_UART        0x34
#define VEC_TIMER       0x40
#define VEC_SPURIOUS    0xFF
#define UART_IOAPIC_PIN 4
#define TIMER_COUNT     0x100000
#define TIMEOUT_TICKS   500

    .text
    .globl main
main:
    PUTS "uart_irq: setting up IDT, LAPIC and IOAPIC\r\n"
    call build_idt
    lidt idt_descriptor

    /* Mask every 8259 input; nothing should come from the legacy PICs. */
    PIC_MASK_ALL

    /* Local APIC: software enable, spurious vector 0xFF, accept all
     * priorities, and mask LINT0 (ExtINT from the 8259). */
    movl $(LAPIC_SVR_ENABLE | VEC_SPURIOUS), LAPIC_SVR
    movl $0, LAPIC_TPR
    orl $LAPIC_LVT_MASKED, LAPIC_LVT_LINT0
    movl LAPIC_ID, %ebx
    shrl $24, %ebx                  /* EBX = our APIC ID */
    PUTS "uart_irq: LAPIC enabled, APIC ID "
    movl %ebx, %eax
    call putdec
    PUTS "\r\n"

    /* IOAPIC redirection entry for pin 4: high dword (destination) first,
     * then the low dword, which unmasks it. */
    movl $IOAPIC_REDTBL_HI(UART_IOAPIC_PIN), IOAPIC_REGSEL
    movl %ebx, %eax
    shll $24, %eax
    movl %eax, IOAPIC_WIN
    movl $IOAPIC_REDTBL_LO(UART_IOAPIC_PIN), IOAPIC_REGSEL
    movl $VEC_UART, IOAPIC_WIN      /* fixed, physical, edge, high, unmasked */
    movl $IOAPIC_REDTBL_LO(UART_IOAPIC_PIN), IOAPIC_REGSEL
    movl IOAPIC_WIN, %eax
    PUTS "uart_irq: IOAPIC pin 4 redirection low = 0x"
    PUTHEX %eax, 8
    PUTS "\r\n"
    andl $(0x10000 | 0xFF), %eax    /* mask bit and vector */
    cmpl $VEC_UART, %eax
    je 1f
    PUTS "uart_irq: FAIL IOAPIC redirection entry did not read back\r\n"
    EXIT EXIT_FAIL
1:
    /* LAPIC timer watchdog. */
    movl $LAPIC_TIMER_DIV16, LAPIC_TIMER_DCR
    movl $(LAPIC_TIMER_PERIODIC | VEC_TIMER), LAPIC_LVT_TIMER
    movl $TIMER_COUNT, LAPIC_TIMER_ICR

    PUTS "uart_irq: enabling THRE interrupt (IER=0x02)\r\n"
    movw $UART_IER, %dx
    movb $0x02, %al
    outb %al, %dx

    movl %esp, wait_esp
wait_loop:
    sti
    hlt
    cli
wait_check:
    cmpl $0, uart_irq_count
    jne got_irq
    cmpl $TIMEOUT_TICKS, timer_ticks
    jb wait_loop
    movw $UART_IER, %dx
    movb $0x00, %al
    outb %al, %dx
    PUTS "uart_irq: timeout (no UART interrupt after "
    movl timer_ticks, %eax
    call putdec
    PUTS " LAPIC timer ticks)\r\n"
    EXIT EXIT_FAIL

got_irq:
    movl $0, LAPIC_TIMER_ICR        /* stop the watchdog */
    movl $(LAPIC_LVT_MASKED | VEC_TIMER), LAPIC_LVT_TIMER
    movzbl iir_value, %eax
    andb $0x0F, %al
    cmpb $0x02, %al                 /* interrupt pending, source = THRE */
    je 2f
    PUTS "uart_irq: FAIL IIR did not report a THRE interrupt\r\n"
    EXIT EXIT_FAIL
2:  PUTS "uart_irq: passed\r\n"
    EXIT EXIT_PASS

/* build_idt: one 32-bit interrupt gate per vector, each pointing at its stub. */
build_idt:
    pushal
    IDT_FILL_GATES idt, isr_stubs, SEL_CODE32, 8
    popal
    ret

/* Interrupt stubs: 16 bytes each, push the vector and join isr_common. */
    ISR_STUBS isr_stubs, isr_common

/*
 * isr_common: interrupts are only ever enabled at the `sti; hlt` in
 * wait_loop, so a handler never needs to resume an arbitrary context: instead
 * of `iret` it reloads the wait loop's stack pointer and jumps back to the
 * loop's checks (the loop re-enables interrupts itself). Besides being simple, this keeps
 * the guest runnable on KVM implementations that execute protected-mode
 * supervisor code through KVM's instruction emulator (e.g. the software-only
 * PVM flavour), which cannot emulate a protected-mode IRET or INT n.
 */
isr_common:
    movl (%esp), %eax               /* the vector pushed by the stub */
    cmpl $VEC_UART, %eax
    je uart_isr
    cmpl $VEC_TIMER, %eax
    je timer_isr
    cmpl $VEC_SPURIOUS, %eax
    je resume_wait                  /* spurious: no EOI */
    cmpl $0x20, %eax
    jb unexpected
    cmpl $0x2F, %eax
    ja unexpected
    /* A stray 8259 interrupt (e.g. spurious IRQ 7/15): acknowledge, ignore. */
    PIC_EOI_BOTH
    jmp resume_wait

unexpected:
    PUTS "uart_irq: unexpected vector 0x"
    PUTHEX %eax, 2
    PUTS "\r\n"
    EXIT EXIT_FAIL

uart_isr:
    movl %eax, %ebx
    movw $UART_IIR, %dx
    inb %dx, %al
    movb %al, iir_value
    movw $UART_IER, %dx             /* no further UART interrupts */
    movb $0x00, %al
    outb %al, %dx
    PUTS "uart irq: vector 0x"
    PUTHEX %ebx, 2
    PUTS " IIR=0x"
    movzbl iir_value, %eax
    PUTHEX %eax, 2
    PUTS "\r\n"
    incl uart_irq_count
    movl $0, LAPIC_EOI
    jmp resume_wait

timer_isr:
    incl timer_ticks
    movl $0, LAPIC_EOI

resume_wait:
    movl wait_esp, %esp             /* drop the interrupt frame */
    jmp wait_check

    .section .rodata
    TABLE_DESCRIPTOR idt_descriptor, 256*8-1, idt

    .data
    .balign 4
wait_esp:       .long 0
uart_irq_count: .long 0
timer_ticks:    .long 0
iir_value:      .byte 0

    .bss
    .balign 8
idt:
    .skip 256 * 8
