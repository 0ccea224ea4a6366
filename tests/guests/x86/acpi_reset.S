/*
 * acpi_reset - resets the machine through the ACPI reset register the FADT
 * names: the byte 0x06 to the reset control register at port 0xCF9. Kite
 * ends with status 0, as for every guest reset; if the write comes back, the
 * guest reports failure.
 */
#include "common.inc"

#define RESET_CONTROL   0xcf9
#define RESET_VALUE     0x06

    .text
    .globl main
main:
    PUTS "acpi_reset: writing 0x06 to port 0xcf9\r\n"
    movb $RESET_VALUE, %al
    movw $RESET_CONTROL, %dx
    outb %al, %dx
    PUTS "acpi_reset: FAIL still running\r\n"
    EXIT EXIT_FAIL
