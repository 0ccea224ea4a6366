/*
 * triple_fault - loads an empty IDT (limit 0) and raises an exception.
 * Delivering it fails (#GP), delivering #GP fails (#DF), delivering #DF
 * fails: triple fault, which Kite treats as a shutdown (exit status 0).
 *
 * The exception is #UD from ud2 rather than #BP from int3: on KVMs that run
 * protected-mode guest code through KVM's instruction emulator (e.g. the
 * software-only PVM flavour), INT3/INT n cannot be emulated and the VM dies
 * with an emulation failure instead, while an exception raised by the CPU
 * (or the emulator) is delivered normally and triple-faults as intended.
 */
#include "common.inc"

    .text
    .globl main
main:
    PUTS "about to triple fault\r\n"
    cli
    lidt empty_idt_descriptor
    ud2
    PUTS "triple_fault: still running after ud2 with an empty IDT\r\n"
    EXIT EXIT_FAIL

    .section .rodata
    TABLE_DESCRIPTOR empty_idt_descriptor, 0, 0
