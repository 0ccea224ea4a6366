/*
 * acpi_poweroff - powers the machine off the way an ACPI OS does: writes
 * SLP_EN with the S5 sleep type (the pc board's _S5 package gives 0) to the
 * PM1a control block at port 0x604, as the FADT names it. Kite ends with
 * status 0; if the write comes back, the guest reports failure.
 */
#include "common.inc"

#define PM1A_CNT        0x604
#define SLP_EN          (1 << 13)
#define S5_SLP_TYP      0

    .text
    .globl main
main:
    PUTS "acpi_poweroff: writing SLP_TYP=S5|SLP_EN to PM1a_CNT\r\n"
    movw $(SLP_EN | (S5_SLP_TYP << 10)), %ax
    movw $PM1A_CNT, %dx
    outw %ax, %dx
    PUTS "acpi_poweroff: FAIL still running\r\n"
    EXIT EXIT_FAIL
