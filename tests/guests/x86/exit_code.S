/*
 * exit_code - reports value 0x2A through isa-debug-exit at port 0xF4, so Kite
 * exits with status (0x2A << 1) | 1 = 85.
 */
#include "common.inc"

    .text
    .globl main
main:
    PUTS "exit_code: writing 0x2a to port 0xf4\r\n"
    EXIT 0x2A
