# Sv39 paging: a gigapage for supervisor code, 4 KiB user pages, hardware A/D
# updates, page faults of each access type with the faulting address in tval,
# SUM, MXR and MPRV.
#
# Virtual layout (built at run time):
#   0x8000_0000 (1 GiB, identity, S only, RWX)   this program, run by S too
#   0x4000_0000  user code page        U R X
#   0x4000_1000  user data page        U R W   (A and D clear: set by hardware)
#   0x4000_2000  supervisor data page  R W
#   0x4000_3000  user read-only page   U R
#   0x4000_4000  user execute-only     U X
#
# The M handler records mcause/mtval/mepc in s8/s9/s10 and resumes M at s11.
#include "riscv_test.h"

#define PTE_V 1
#define PTE_R 2
#define PTE_W 4
#define PTE_X 8
#define PTE_U 16
#define PTE_A 64
#define PTE_D 128
#define VA_UCODE 0x40000000
#define VA_UDATA 0x40001000
#define VA_SDATA 0x40002000
#define VA_URO   0x40003000
#define VA_UXO   0x40004000

/* table[index] = leaf/pointer for physical address `pa_reg` with `flags` */
#define SET_PTE(table, index, pa_reg, flags)                                  \
    lla t1, table;                                                            \
    srli t2, pa_reg, 12;                                                      \
    slli t2, t2, 10;                                                          \
    ori t2, t2, flags;                                                        \
    sd t2, (index) * 8(t1)

/* Runs the code at virtual address t3 in mode mpp; resumes at 1f. */
#define RUN_AT_T3(mpp)                                                        \
    li t0, MSTATUS_MPP;                                                       \
    csrc mstatus, t0;                                                         \
    li t0, (mpp) << 11;                                                       \
    csrs mstatus, t0;                                                         \
    csrw mepc, t3;                                                            \
    lla s11, 1f;                                                              \
    li s8, -1;                                                                \
    li s9, -1;                                                                \
    mret;                                                                     \
1:

/* reg = the virtual address of a label in the user code page. */
#define UVA(reg, label)                                                       \
    lla reg, label;                                                           \
    lla t4, user_code;                                                        \
    sub reg, reg, t4;                                                         \
    li t4, VA_UCODE;                                                          \
    add reg, reg, t4

#define RUN_USER(label)                                                       \
    UVA(t3, label);                                                           \
    RUN_AT_T3(0)

#define RUN_SUPER(label)                                                      \
    lla t3, label;                                                            \
    RUN_AT_T3(1)

RVTEST_BEGIN
    SET_TVEC(mtvec, m_handler)

    /* root[2]: gigapage 0x8000_0000 (supervisor RWX, A and D preset) */
    li t0, 0x80000000
    SET_PTE(root, 2, t0, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)
    /* root[1] -> l1, l1[0] -> l0 */
    lla t0, l1
    SET_PTE(root, 1, t0, PTE_V)
    lla t0, l0
    SET_PTE(l1, 0, t0, PTE_V)
    lla t0, user_code
    SET_PTE(l0, 0, t0, PTE_V | PTE_U | PTE_R | PTE_X | PTE_A)
    lla t0, udata
    SET_PTE(l0, 1, t0, PTE_V | PTE_U | PTE_R | PTE_W)
    lla t0, sdata
    SET_PTE(l0, 2, t0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
    lla t0, urodata
    SET_PTE(l0, 3, t0, PTE_V | PTE_U | PTE_R | PTE_A)
    lla t0, uxodata
    SET_PTE(l0, 4, t0, PTE_V | PTE_U | PTE_X | PTE_A)

    lla t0, root
    srli t0, t0, 12
    li t1, 8 << 60
    or t0, t0, t1
    csrw satp, t0
    sfence.vma

    /* U loads from its data page: works, sets A but not D */
    li TESTNUM, 1
    li a0, VA_UDATA
    RUN_USER(u_load)
    CHECK(s8, CAUSE_ECALL_U)
    CHECK(a1, 0x1111)
    li TESTNUM, 2
    ld a2, l0 + 8
    andi a3, a2, PTE_A | PTE_D
    CHECK(a3, PTE_A)
    li TESTNUM, 3                      # a store sets D
    li a0, VA_UDATA + 8
    li a1, 0x2222
    RUN_USER(u_store)
    CHECK(s8, CAUSE_ECALL_U)
    ld a2, l0 + 8
    andi a3, a2, PTE_A | PTE_D
    CHECK(a3, PTE_A | PTE_D)
    ld a2, udata + 8
    CHECK(a2, 0x2222)

    /* U faults: load from a supervisor page, store to a read-only page,
       fetch from a non-executable page, load from an unmapped page */
    li TESTNUM, 10
    li a0, VA_SDATA
    RUN_USER(u_load)
    CHECK(s8, CAUSE_LOAD_PAGE_FAULT)
    CHECK(s9, VA_SDATA)
    UVA(t0, u_load)
    bne s10, t0, fail
    li TESTNUM, 11
    li a0, VA_URO + 16
    RUN_USER(u_store)
    CHECK(s8, CAUSE_STORE_PAGE_FAULT)
    CHECK(s9, VA_URO + 16)
    li TESTNUM, 12
    li a0, VA_UDATA + 0x40
    RUN_USER(u_jump)
    CHECK(s8, CAUSE_FETCH_PAGE_FAULT)
    CHECK(s9, VA_UDATA + 0x40)
    li TESTNUM, 13
    li a0, 0x40010000
    RUN_USER(u_load)
    CHECK(s8, CAUSE_LOAD_PAGE_FAULT)
    CHECK(s9, 0x40010000)
    li TESTNUM, 14                     # AMO to a read-only page: store/AMO page fault
    li a0, VA_URO
    RUN_USER(u_amo)
    CHECK(s8, CAUSE_STORE_PAGE_FAULT)
    CHECK(s9, VA_URO)
    li TESTNUM, 15                     # execute-only page is not readable...
    li a0, VA_UXO
    RUN_USER(u_load)
    CHECK(s8, CAUSE_LOAD_PAGE_FAULT)
    li TESTNUM, 16                     # ... unless MXR is set
    li t0, MSTATUS_MXR
    csrs mstatus, t0
    li a0, VA_UXO
    RUN_USER(u_load)
    CHECK(s8, CAUSE_ECALL_U)
    CHECK(a1, 0x3333)
    li t0, MSTATUS_MXR
    csrc mstatus, t0

    /* S and user pages: data needs SUM, execution is never allowed */
    li TESTNUM, 20
    li a0, VA_UDATA
    RUN_SUPER(s_load)
    CHECK(s8, CAUSE_LOAD_PAGE_FAULT)
    CHECK(s9, VA_UDATA)
    li TESTNUM, 21
    li t0, MSTATUS_SUM
    csrs mstatus, t0
    li a0, VA_UDATA
    RUN_SUPER(s_load)
    CHECK(s8, CAUSE_ECALL_S)
    CHECK(a1, 0x1111)
    li TESTNUM, 22
    UVA(t3, u_load); RUN_AT_T3(1)
    CHECK(s8, CAUSE_FETCH_PAGE_FAULT)
    UVA(t0, u_load)
    bne s9, t0, fail
    li t0, MSTATUS_SUM
    csrc mstatus, t0
    li TESTNUM, 23                     # S reads its own page
    li a0, VA_SDATA
    RUN_SUPER(s_load)
    CHECK(s8, CAUSE_ECALL_S)
    CHECK(a1, 0x4444)

    /* Non-canonical address (bit 38 not copied above) */
    li TESTNUM, 30
    li a0, 0x0000008000000000
    RUN_SUPER(s_load)
    CHECK(s8, CAUSE_LOAD_PAGE_FAULT)
    CHECK(s9, 0x0000008000000000)

    /* MPRV: M-mode loads translated as if in MPP's mode */
    li TESTNUM, 40
    li t0, MSTATUS_MPP
    csrc mstatus, t0                   # MPP = U
    li t0, MSTATUS_MPRV
    csrs mstatus, t0
    li a0, VA_UDATA
    ld a1, 0(a0)
    li t0, MSTATUS_MPRV
    csrc mstatus, t0
    CHECK(a1, 0x1111)
    li TESTNUM, 41
    lla s11, 2f
    li s8, -1
    li t0, MSTATUS_MPRV
    csrs mstatus, t0
    li a0, VA_SDATA                    # supervisor page, MPP = U: faults
    ld a1, 0(a0)
2:  li t0, MSTATUS_MPRV
    csrc mstatus, t0
    CHECK(s8, CAUSE_LOAD_PAGE_FAULT)
    CHECK(s9, VA_SDATA)

    /* Delegated page faults go to S with stval */
    li TESTNUM, 50
    li t0, 1 << CAUSE_LOAD_PAGE_FAULT
    csrw medeleg, t0
    SET_TVEC(stvec, s_handler)
    li a0, VA_SDATA
    RUN_USER(u_load)
    CHECK(s8, CAUSE_ECALL_S)           # the S handler's report
    CHECK(s5, CAUSE_LOAD_PAGE_FAULT)
    CHECK(s6, VA_SDATA)
    csrw medeleg, zero

    csrw satp, zero
    RVTEST_PASS

s_load:
    ld a1, 0(a0)
    ecall

    .align 2
s_handler:
    csrr s5, scause
    csrr s6, stval
    ecall

    .align 2
m_handler:
    csrr s8, mcause
    csrr s9, mtval
    csrr s10, mepc
    li t0, MSTATUS_MPP
    csrs mstatus, t0
    csrw mepc, s11
    mret

    /* The user code page: position-independent snippets ending in ecall. */
    .align 12
user_code:
u_load:
    ld a1, 0(a0)
    ecall
u_store:
    sd a1, 0(a0)
    ecall
u_jump:
    jr a0
u_amo:
    amoadd.d a1, a1, (a0)
    ecall
    .align 12

    .data
    .align 12
root:    .skip 4096
l1:      .skip 4096
l0:      .skip 4096
udata:   .dword 0x1111
         .align 12
sdata:   .dword 0x4444
         .align 12
urodata: .dword 0x5555
         .align 12
uxodata: .dword 0x3333
         .align 12
RVTEST_END
