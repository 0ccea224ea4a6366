/* UART echo: prints a banner on the virt board's 16550 (0x1000_0000), then
 * echoes every byte it receives, forever, polling the line status register.
 * Bare metal in M-mode (`--firmware none`); the system tests use it to signal
 * and stop a running riscv64 Kite. Not an ISA test: run through `kite run`. */
    .equ UART, 0x10000000
    .equ LSR, 5
    .equ LSR_DATA_READY, 0x01
    .equ LSR_THR_EMPTY, 0x20

    .section .text.init
    .globl _start
_start:
    li s0, UART
    lla s1, banner
print:
    lbu a0, 0(s1)
    beqz a0, echo
    call put
    addi s1, s1, 1
    j print
echo:
    lbu t0, LSR(s0)
    andi t0, t0, LSR_DATA_READY
    beqz t0, echo
    lbu a0, 0(s0)
    call put
    j echo

/* put(a0): waits until the transmitter takes a byte, then writes a0. */
put:
    lbu t0, LSR(s0)
    andi t0, t0, LSR_THR_EMPTY
    beqz t0, put
    sb a0, 0(s0)
    ret

    .section .rodata
banner:
    .asciz "uart echo ready\n"
