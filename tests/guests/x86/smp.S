/*
 * smp - bring up the application processors with INIT/SIPI.
 *
 * The BSP copies a real-mode trampoline to 0x8000, enables its local APIC,
 * prints "cpu <id> online (bsp)", sends INIT to all-excluding-self, waits
 * ~10 ms, then sends the startup IPI (vector 0x08 => CS:IP = 0800:0000) twice.
 *
 * Each AP starts in real mode at 0x8000, takes a spinlock (xchg), reads its
 * APIC ID from CPUID leaf 1 EBX[31:24], prints "cpu <id> online", increments
 * the counter, releases the lock and halts with interrupts off forever.
 *
 * The BSP waits until the counter has not changed for QUIET_TSC cycles (about
 * a second), prints "smp: N cpus online" (N = counter + 1) and exits with
 * v = 0x10 (status 33). The checking of N is left to the test.
 *
 * The trampoline is assembled as part of the kernel image and copied to
 * TRAMP_BASE at run time; everything in it refers to its own data through
 * AP_ABS(), i.e. by its address after the copy.
 */
#include "common.inc"
#include "apic.inc"

#define TRAMP_BASE      0x8000
#define AP_ABS(sym)     ((sym) - ap_trampoline + TRAMP_BASE)
#define AP_STACK_TOP    (TRAMP_BASE + 0xFF0)  /* shared; only used under the lock */
#define SIPI_VECTOR     (TRAMP_BASE >> 12)

#define ICR_INIT_ALL_BUT_SELF   0x000C4500  /* INIT, assert, all excluding self */
#define ICR_SIPI_ALL_BUT_SELF   (0x000C4600 | SIPI_VECTOR)

#define DELAY_10MS_TSC  0x02000000  /* >= 10 ms below 3.3 GHz */
#define DELAY_200US_TSC 0x00100000
#define QUIET_TSC       0xC0000000  /* ~1 s at 3 GHz without a new AP */

/* SMP_LOCK_ACQUIRE: take the spinlock at AP_ABS(ap_lock), shared by the BSP
 * (32-bit code) and the APs (16-bit code). Clobbers AL. */
.macro SMP_LOCK_ACQUIRE
.Lsmp_lock_retry\@:
    movb $1, %al
    xchgb %al, AP_ABS(ap_lock)
    testb %al, %al
    jz .Lsmp_lock_taken\@
    pause
    jmp .Lsmp_lock_retry\@
.Lsmp_lock_taken\@:
.endm

    .text
    .globl main
main:
    /* Copy the trampoline to 0x8000 (this also zeroes the lock and count). */
    movl $ap_trampoline, %esi
    movl $TRAMP_BASE, %edi
    movl $(ap_trampoline_end - ap_trampoline), %ecx
    cmpl $(AP_STACK_TOP - TRAMP_BASE - 0x100), %ecx
    jbe 1f
    PUTS "smp: AP trampoline too large\r\n"
    EXIT EXIT_FAIL
1:  rep movsb

    movl $(LAPIC_SVR_ENABLE | 0xFF), LAPIC_SVR

    movl $1, %eax
    cpuid
    shrl $24, %ebx
    call smp_lock
    PUTS "cpu "
    movl %ebx, %eax
    call putdec
    PUTS " online (bsp)\r\n"
    call smp_unlock

    /* INIT, wait, SIPI, SIPI (the second is ignored by a CPU already running). */
    movl $0, LAPIC_ICR_HI
    movl $ICR_INIT_ALL_BUT_SELF, LAPIC_ICR_LO
    call wait_icr_idle
    movl $DELAY_10MS_TSC, %eax
    call tsc_delay
    movl $ICR_SIPI_ALL_BUT_SELF, LAPIC_ICR_LO
    call wait_icr_idle
    movl $DELAY_200US_TSC, %eax
    call tsc_delay
    movl $ICR_SIPI_ALL_BUT_SELF, LAPIC_ICR_LO
    call wait_icr_idle

    /* Wait until the AP count has been stable for QUIET_TSC cycles. */
    movl AP_ABS(ap_count), %ebx
    rdtsc
    movl %eax, %esi
    movl %edx, %edi
wait_aps:
    pause
    movl AP_ABS(ap_count), %eax
    cmpl %ebx, %eax
    je 1f
    movl %eax, %ebx                 /* another AP checked in: restart quiet period */
    rdtsc
    movl %eax, %esi
    movl %edx, %edi
    jmp wait_aps
1:  rdtsc
    subl %esi, %eax
    sbbl %edi, %edx
    jnz aps_done
    cmpl $QUIET_TSC, %eax
    jb wait_aps
aps_done:
    call smp_lock
    PUTS "smp: "
    leal 1(%ebx), %eax
    call putdec
    PUTS " cpus online\r\n"
    call smp_unlock
    EXIT EXIT_PASS

/* smp_lock / smp_unlock: the same spinlock the APs use, at its copied address. */
smp_lock:
    pushl %eax
    SMP_LOCK_ACQUIRE
    popl %eax
    ret

smp_unlock:
    movb $0, AP_ABS(ap_lock)
    ret

/* wait_icr_idle: spin (bounded) until the ICR delivery-status bit clears. */
wait_icr_idle:
    pushl %ecx
    movl $0x100000, %ecx
1:  testl $LAPIC_ICR_BUSY, LAPIC_ICR_LO
    jz 2f
    pause
    loop 1b
2:  popl %ecx
    ret

/* tsc_delay: EAX = number of TSC cycles to wait. */
tsc_delay:
    pushal
    movl %eax, %ebx
    rdtsc
    movl %eax, %esi
    movl %edx, %edi
1:  pause
    rdtsc
    subl %esi, %eax
    sbbl %edi, %edx
    jnz 2f
    cmpl %ebx, %eax
    jb 1b
2:  popal
    ret

/* ------------------------------------------------------------------------
 * AP trampoline: copied to TRAMP_BASE, entered in real mode at CS:IP =
 * 0800:0000 after the SIPI. Position independent apart from AP_ABS().
 */
    .code16
    .balign 16
ap_trampoline:
    cli
    cld
    xorw %ax, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    /* Take the lock before touching the (shared) stack. */
    SMP_LOCK_ACQUIRE
    movw $AP_STACK_TOP, %sp
    movw $AP_ABS(ap_msg_cpu), %si
    call ap_puts
    movl $1, %eax
    cpuid
    shrl $24, %ebx
    movw %bx, %ax
    call ap_putdec
    movw $AP_ABS(ap_msg_online), %si
    call ap_puts
    lock incl AP_ABS(ap_count)
    movb $0, AP_ABS(ap_lock)
3:  cli
    hlt
    jmp 3b

/* ap_putc: AL = byte. Clobbers nothing. */
ap_putc:
    pushw %ax
    pushw %dx
    UART_PUTC_POLL
    popw %dx
    popw %ax
    ret

/* ap_puts: DS:SI = NUL-terminated string. Clobbers AX, SI. */
ap_puts:
1:  lodsb
    testb %al, %al
    jz 2f
    call ap_putc
    jmp 1b
2:  ret

/* ap_putdec: AX = unsigned value. Clobbers AX, BX, CX, DX. */
ap_putdec:
    movw $10, %bx
    xorw %cx, %cx
1:  xorw %dx, %dx
    divw %bx
    pushw %dx
    incw %cx
    testw %ax, %ax
    jnz 1b
2:  popw %ax
    addb $'0', %al
    call ap_putc
    loop 2b
    ret

    .balign 4
ap_lock:        .long 0
ap_count:       .long 0
ap_msg_cpu:     .asciz "cpu "
ap_msg_online:  .asciz " online\r\n"
ap_trampoline_end:
    .code32
