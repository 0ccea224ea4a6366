/*
 * acpi_madt - finds the ACPI tables as an OS does and counts the CPUs: scans
 * 0xE0000-0xFFFFF for the RSDP ("RSD PTR " on a 16-byte boundary, checksum),
 * follows the XSDT (revision 2+, extended checksum) or else the RSDT to the
 * MADT ("APIC"), checks every table's checksum, and counts the enabled
 * Processor Local APIC (type 0) and x2APIC (type 9) entries. Prints
 * "acpi_madt: N local APICs" and passes; any inconsistency fails.
 */
#include "common.inc"

#define BIOS_AREA       0xE0000
#define BIOS_AREA_END   0x100000
#define SIG_RSD_        0x20445352      /* "RSD " */
#define SIG_PTR_        0x20525450      /* "PTR " */
#define SIG_XSDT        0x54445358
#define SIG_RSDT        0x54445352
#define SIG_APIC        0x43495041

    .text
    .globl main
main:
    movl $BIOS_AREA, %esi
1:  cmpl $SIG_RSD_, (%esi)
    jne 2f
    cmpl $SIG_PTR_, 4(%esi)
    jne 2f
    movl $20, %ecx
    call sum_bytes
    testb %al, %al
    je found_rsdp
2:  addl $16, %esi
    cmpl $BIOS_AREA_END, %esi
    jb 1b
    PUTS "acpi_madt: FAIL no RSDP in 0xE0000-0xFFFFF\r\n"
    EXIT EXIT_FAIL

found_rsdp:
    PUTS "acpi_madt: RSDP at 0x"
    PUTHEX %esi, 5
    PUTS "\r\n"
    cmpb $2, 15(%esi)               /* revision */
    jb use_rsdt
    movl 20(%esi), %ecx             /* the ACPI 2.0 RSDP's length */
    call sum_bytes
    testb %al, %al
    jne bad_rsdp
    movl 24(%esi), %ebx             /* XsdtAddress, below 4 GiB */
    cmpl $0, 28(%esi)
    jne bad_rsdp
    testl %ebx, %ebx
    je use_rsdt
    cmpl $SIG_XSDT, (%ebx)
    jne bad_root
    movl $8, %edi
    PUTS "acpi_madt: XSDT\r\n"
    jmp walk_root
use_rsdt:
    movl 16(%esi), %ebx
    cmpl $SIG_RSDT, (%ebx)
    jne bad_root
    movl $4, %edi
    PUTS "acpi_madt: RSDT\r\n"

walk_root:                          /* EBX: root table, EDI: entry size */
    movl %ebx, %esi
    movl 4(%ebx), %ecx
    call sum_bytes
    testb %al, %al
    jne bad_root
    leal 36(%ebx), %esi
    leal (%ebx,%ecx), %edx
3:  cmpl %edx, %esi
    jae no_madt
    movl (%esi), %eax
    cmpl $SIG_APIC, (%eax)
    je found_madt
    addl %edi, %esi
    jmp 3b

found_madt:
    movl %eax, %ebx
    movl %ebx, %esi
    movl 4(%ebx), %ecx
    call sum_bytes
    testb %al, %al
    jne bad_madt
    leal 44(%ebx), %esi             /* after the header, LAPIC address and flags */
    leal (%ebx,%ecx), %edx
    xorl %ebp, %ebp                 /* enabled local APICs */
4:  cmpl %edx, %esi
    jae counted
    movzbl (%esi), %eax             /* type */
    movzbl 1(%esi), %ecx            /* length */
    cmpl $2, %ecx
    jb bad_madt
    cmpl $0, %eax
    jne 5f
    testl $1, 4(%esi)               /* Processor Local APIC: flags.Enabled */
    jz 6f
    incl %ebp
    jmp 6f
5:  cmpl $9, %eax
    jne 6f
    testl $1, 8(%esi)               /* Processor Local x2APIC: flags.Enabled */
    jz 6f
    incl %ebp
6:  addl %ecx, %esi
    jmp 4b

counted:
    testl %ebp, %ebp
    je bad_madt
    PUTS "acpi_madt: "
    movl %ebp, %eax
    call putdec
    PUTS " local APICs\r\n"
    EXIT EXIT_PASS

bad_rsdp:
    PUTS "acpi_madt: FAIL bad RSDP\r\n"
    EXIT EXIT_FAIL
bad_root:
    PUTS "acpi_madt: FAIL bad root table\r\n"
    EXIT EXIT_FAIL
no_madt:
    PUTS "acpi_madt: FAIL no MADT\r\n"
    EXIT EXIT_FAIL
bad_madt:
    PUTS "acpi_madt: FAIL bad MADT\r\n"
    EXIT EXIT_FAIL

/* sum_bytes: AL = the sum of ECX bytes from ESI (clobbers EAX only). */
sum_bytes:
    pushl %esi
    pushl %ecx
    xorl %eax, %eax
7:  addb (%esi), %al
    incl %esi
    decl %ecx
    jnz 7b
    popl %ecx
    popl %esi
    ret
