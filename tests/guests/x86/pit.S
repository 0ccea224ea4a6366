/*
 * pit - the in-kernel PIT: channel 0 counts down and raises IRQ0.
 *
 * Masks every 8259 input (so nothing is delivered: this KVM cannot emulate
 * IRET, see README.md) and checks that IRQ0 is not pending in the master
 * PIC's IRR. Programs PIT channel 0 as a rate generator (mode 2, lobyte then
 * hibyte, count PIT_COUNT, about 10 ms), then:
 *   - latches and reads the counter four times with short waits in between
 *     ("pit: counter reads ...") and needs at least two of the three steps
 *     to go down (at most one can wrap around to the reload value);
 *   - polls the master PIC's IRR (OCW3 "read IRR") until bit 0, IRQ0, is set
 *     ("pit: IRQ0 pending in the PIC after N polls"); an 8259 latches a
 *     request in IRR whether or not the input is masked.
 * Passes with v = 0x10 (status 33), fails with v = 0x11 (status 35).
 */
#include "common.inc"
#include "apic.inc"

#define PIT_CH0         0x40
#define PIT_CMD         0x43
#define PIT_CH0_MODE2   0x34    /* channel 0, lobyte/hibyte, mode 2, binary */
#define PIT_CH0_LATCH   0x00    /* channel 0, counter latch */
#define PIT_COUNT       11932   /* 1.193182 MHz / 11932: about 100 Hz */
#define PIC_OCW3_IRR    0x0A    /* OCW3: the next read of the command port gives IRR */
#define SAMPLES         4
#define SAMPLE_WAIT     2000    /* pause instructions between counter reads */
#define IRR_POLLS       500000

    .text
    .globl main
main:
    PIC_MASK_ALL
    call read_irr
    testb $1, %al
    jz 1f
    PUTS "pit: FAIL IRQ0 pending in the PIC before the PIT was programmed\r\n"
    EXIT EXIT_FAIL

1:  PUTS "pit: programming channel 0, mode 2, count 11932\r\n"
    movb $PIT_CH0_MODE2, %al
    outb %al, $PIT_CMD
    movw $PIT_COUNT, %ax
    outb %al, $PIT_CH0
    movb %ah, %al
    outb %al, $PIT_CH0

    /* Counter samples into `samples`. */
    xorl %edi, %edi
2:  movb $PIT_CH0_LATCH, %al
    outb %al, $PIT_CMD
    inb $PIT_CH0, %al
    movb %al, %bl
    inb $PIT_CH0, %al
    movb %al, %bh
    movw %bx, samples(,%edi,2)
    movl $SAMPLE_WAIT, %ecx
3:  pause
    loop 3b
    incl %edi
    cmpl $SAMPLES, %edi
    jb 2b

    PUTS "pit: counter reads"
    xorl %edi, %edi
4:  PUTS " 0x"
    movzwl samples(,%edi,2), %eax
    PUTHEX %eax, 4
    incl %edi
    cmpl $SAMPLES, %edi
    jb 4b
    PUTS "\r\n"

    /* Count the steps that went down. */
    xorl %edx, %edx
    movl $1, %edi
5:  movw samples-2(,%edi,2), %ax
    cmpw samples(,%edi,2), %ax
    jbe 6f
    incl %edx
6:  incl %edi
    cmpl $SAMPLES, %edi
    jb 5b
    cmpl $2, %edx
    jae 7f
    PUTS "pit: FAIL the counter does not count down\r\n"
    EXIT EXIT_FAIL
7:  PUTS "pit: counter counts down\r\n"

    /* IRQ0 in the master PIC's IRR. */
    xorl %edi, %edi
8:  call read_irr
    testb $1, %al
    jnz 9f
    incl %edi
    cmpl $IRR_POLLS, %edi
    jb 8b
    PUTS "pit: FAIL timeout: IRQ0 never became pending in the PIC\r\n"
    EXIT EXIT_FAIL
9:  PUTS "pit: IRQ0 pending in the PIC after "
    movl %edi, %eax
    call putdec
    PUTS " polls\r\n"
    PUTS "pit: passed\r\n"
    EXIT EXIT_PASS

/* read_irr: AL = the master 8259's interrupt request register. */
read_irr:
    movb $PIC_OCW3_IRR, %al
    outb %al, $PIC1_CMD
    inb $PIC1_CMD, %al
    ret

    .data
    .balign 2
samples:
    .skip 2 * SAMPLES
