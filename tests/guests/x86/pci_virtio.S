/*
 * pci_virtio - enumerates PCI bus 0 through configuration mechanism #1
 * (ports 0xCF8/0xCFC), finds the modern virtio-blk device (1AF4:1042) and
 * reads its configuration through the virtio-pci capabilities.
 *
 *   - prints "pci: 00:SS.0 VVVV:DDDD" for every slot that answers;
 *   - for the first virtio-blk: enables memory decoding, walks the capability
 *     list for the vendor-specific common (type 1) and device (type 4)
 *     configuration structures, and turns each (bar, offset) into an address
 *     from the BAR the firmware (or Kite, acting as one) programmed; a 64-bit
 *     BAR must lie below 4 GiB (paging is off);
 *   - reads device_feature[32..63] (VERSION_1 must be offered), num_queues,
 *     and the disk's capacity in 512-byte sectors from the device
 *     configuration: "pci_virtio: capacity N sectors".
 * Passes with v = 0x10 (status 33), fails with v = 0x11 (status 35).
 * The same program runs on QEMU with -device virtio-blk-pci,disable-legacy=on.
 */
#include "common.inc"

#define PCI_CONFIG_ADDRESS  0xcf8
#define PCI_CONFIG_DATA     0xcfc
#define PCI_ENABLE          0x80000000
#define VIRTIO_BLK_ID       0x10421af4  /* device << 16 | vendor */
#define PCI_COMMAND         0x04
#define PCI_BAR0            0x10
#define PCI_CAP_POINTER     0x34
#define PCI_INTERRUPT       0x3c
#define CMD_MEMORY_MASTER   0x0006      /* Memory Space | Bus Master */
#define CAP_VENDOR          0x09
#define CFG_COMMON          1
#define CFG_DEVICE          4
#define COMMON_DFSELECT     0x00        /* device_feature_select */
#define COMMON_DF           0x04        /* device_feature */
#define COMMON_NUM_QUEUES   0x12
#define MAX_CAPS            48

/* FAIL "text": reports and exits with failure. */
.macro FAIL text
    PUTS "pci_virtio: FAIL \text\r\n"
    EXIT EXIT_FAIL
.endm

    .text
    .globl main
main:
    PUTS "pci_virtio: scanning bus 0 through 0xcf8\r\n"
    movl $-1, blk_slot
    xorl %edi, %edi
1:  movl %edi, %eax
    shll $11, %eax
    call config_read            /* register 0: vendor and device ID */
    cmpw $0xffff, %ax
    je 2f
    PUTS "pci: 00:"
    PUTHEX %edi, 2
    PUTS ".0 "
    PUTHEX %eax, 4
    movl %eax, %ebx
    shrl $16, %ebx
    PUTS ":"
    PUTHEX %ebx, 4
    PUTS "\r\n"
    cmpl $VIRTIO_BLK_ID, %eax
    jne 2f
    cmpl $-1, blk_slot
    jne 2f
    movl %edi, blk_slot
2:  incl %edi
    cmpl $32, %edi
    jb 1b

    movl blk_slot, %edi
    cmpl $-1, %edi
    jne 3f
    FAIL "no virtio-blk (1af4:1042) on bus 0"
3:  shll $11, %edi              /* EDI: the device's config address from now on */
    PUTS "pci_virtio: virtio-blk at 00:"
    movl blk_slot, %eax
    PUTHEX %eax, 2
    PUTS ".0\r\n"

    /* Interrupt pin: INTA. */
    movl %edi, %eax
    orl $PCI_INTERRUPT, %eax
    call config_read
    cmpb $1, %ah
    je 4f
    FAIL "interrupt pin is not INTA"
4:
    /* Command: memory decoding and bus mastering on (a word write, so the
     * status register's write-1-to-clear bits are left alone). */
    movl %edi, %eax
    orl $PCI_COMMAND, %eax
    call config_read
    orw $CMD_MEMORY_MASTER, %ax
    movl %eax, %ebx
    movl %edi, %eax
    orl $PCI_COMMAND, %eax
    call config_write16

    /* The capability list. */
    movl %edi, %eax
    orl $PCI_CAP_POINTER, %eax
    call config_read
    movzbl %al, %ebx
    andl $0xfc, %ebx
    movl $MAX_CAPS, %ebp
5:  testl %ebx, %ebx
    jz 8f
    decl %ebp
    jnz 6f
    FAIL "the capability list does not end"
6:  movl %edi, %eax
    orl %ebx, %eax
    call config_read            /* id, next, cap_len, cfg_type */
    movl %eax, %ecx
    cmpb $CAP_VENDOR, %cl
    jne 7f
    shrl $24, %eax
    cmpl $CFG_COMMON, %eax
    jne 61f
    call cap_address
    movl %eax, common_cfg
    jmp 7f
61: cmpl $CFG_DEVICE, %eax
    jne 7f
    call cap_address
    movl %eax, device_cfg
7:  movzbl %ch, %ebx
    andl $0xfc, %ebx
    jmp 5b

8:  cmpl $0, common_cfg
    jne 9f
    FAIL "no common configuration capability"
9:  cmpl $0, device_cfg
    jne 10f
    FAIL "no device configuration capability"
10: PUTS "pci_virtio: common cfg at 0x"
    PUTHEX common_cfg, 8
    PUTS ", device cfg at 0x"
    PUTHEX device_cfg, 8
    PUTS "\r\n"

    /* device_feature bits 32-63: VERSION_1 is bit 32. */
    movl common_cfg, %esi
    movl $1, COMMON_DFSELECT(%esi)
    movl COMMON_DF(%esi), %eax
    testl $1, %eax
    jnz 11f
    FAIL "VERSION_1 not offered"
11: PUTS "pci_virtio: VERSION_1 offered, "
    movzwl COMMON_NUM_QUEUES(%esi), %eax
    call putdec
    PUTS " queue(s)\r\n"

    /* struct virtio_blk_config starts with the 64-bit capacity. */
    movl device_cfg, %esi
    movl 4(%esi), %eax
    testl %eax, %eax
    jz 12f
    FAIL "capacity above 2^32 sectors"
12: movl (%esi), %eax
    PUTS "pci_virtio: capacity "
    call putdec
    PUTS " sectors\r\n"
    PUTS "pci_virtio: passed\r\n"
    EXIT EXIT_PASS

/* config_read: EAX = bus/device/function/register (without the enable bit)
 * -> EAX = the register's dword. Preserves EDX. */
config_read:
    pushl %edx
    orl $PCI_ENABLE, %eax
    andl $~3, %eax
    movw $PCI_CONFIG_ADDRESS, %dx
    outl %eax, %dx
    movw $PCI_CONFIG_DATA, %dx
    inl %dx, %eax
    popl %edx
    ret

/* config_write16: EAX = config address of a word register, BX = value. */
config_write16:
    pushl %eax
    pushl %edx
    movl %eax, %edx
    orl $PCI_ENABLE, %eax
    andl $~3, %eax
    pushl %edx
    movw $PCI_CONFIG_ADDRESS, %dx
    outl %eax, %dx
    popl %edx
    andl $2, %edx
    addl $PCI_CONFIG_DATA, %edx
    movw %bx, %ax
    outw %ax, %dx
    popl %edx
    popl %eax
    ret

/* cap_address: EDI = device, EBX = offset of a virtio capability ->
 * EAX = the guest-physical address of the structure it describes.
 * Fails the test when the BAR is not a memory BAR below 4 GiB. */
cap_address:
    pushl %ecx
    pushl %edx
    movl %edi, %eax
    orl %ebx, %eax
    addl $4, %eax
    call config_read            /* bar (low byte) */
    movzbl %al, %ecx
    cmpl $5, %ecx
    jbe 1f
    FAIL "capability names a BAR above 5"
1:  leal PCI_BAR0(,%ecx,4), %eax
    orl %edi, %eax
    call config_read
    testb $1, %al
    jz 2f
    FAIL "capability in an I/O BAR"
2:  movl %eax, %edx
    andl $0x6, %edx
    cmpl $0x4, %edx             /* 64-bit: the upper half must be 0 */
    jne 3f
    pushl %eax
    leal PCI_BAR0+4(,%ecx,4), %eax
    orl %edi, %eax
    call config_read
    testl %eax, %eax
    popl %eax
    jz 3f
    FAIL "BAR above 4 GiB"
3:  andl $~0xf, %eax
    jnz 4f
    FAIL "BAR not programmed"
4:  movl %eax, %ecx
    movl %edi, %eax
    orl %ebx, %eax
    addl $8, %eax
    call config_read            /* offset */
    addl %ecx, %eax
    popl %edx
    popl %ecx
    ret

    .data
    .balign 4
blk_slot:   .long -1
common_cfg: .long 0
device_cfg: .long 0
