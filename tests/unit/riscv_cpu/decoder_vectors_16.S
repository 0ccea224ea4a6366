# Base instructions that have a compressed form, covering every RVC
# instruction and its immediate extremes. gen_decoder_vectors.sh assembles
# this with and without C and pairs the results: decode(compressed) must equal
# decode(expanded) apart from the length.
    .option norelax
    addi x8, x2, 4          # c.addi4spn
    addi x15, x2, 1020
    fld f8, 0(x9)           # c.fld
    fld f15, 248(x15)
    lw x8, 0(x9)            # c.lw
    lw x15, 124(x8)
    ld x8, 248(x15)         # c.ld
    ld x9, 8(x10)
    fsd f8, 248(x9)         # c.fsd
    sw x8, 124(x9)          # c.sw
    sw x15, 4(x8)
    sd x8, 248(x15)         # c.sd
    addi x0, x0, 0          # c.nop
    addi x1, x1, -32        # c.addi
    addi x31, x31, 31
    addiw x1, x1, -32       # c.addiw
    addiw x2, x2, 0
    addi x5, x0, -32        # c.li
    addi x6, x0, 31
    addi x2, x2, -512       # c.addi16sp
    addi x2, x2, 496
    addi x2, x2, 16
    lui x1, 0xfffe0         # c.lui (nzimm negative)
    lui x3, 0x1f
    lui x31, 1
    srli x8, x8, 1          # c.srli
    srli x15, x15, 63
    srai x9, x9, 32         # c.srai
    andi x10, x10, -32      # c.andi
    andi x11, x11, 31
    sub x8, x8, x9          # c.sub
    xor x10, x10, x11       # c.xor
    or x12, x12, x13        # c.or
    and x14, x14, x15       # c.and
    subw x8, x8, x15        # c.subw
    addw x9, x9, x10        # c.addw
#ifdef __riscv_compressed                   // gas will not compress a jal by itself
    c.j .+2046
    c.j .-2048
#else
    jal x0, .+2046
    jal x0, .-2048
#endif
    beq x8, x0, .+254       # c.beqz
    beq x15, x0, .-256
    bne x9, x0, .+2         # c.bnez
    slli x1, x1, 1          # c.slli
    slli x31, x31, 63
    fld f1, 504(x2)         # c.fldsp
    fld f31, 0(x2)
    lw x1, 252(x2)          # c.lwsp
    lw x31, 0(x2)
    ld x1, 504(x2)          # c.ldsp
    ld x5, 8(x2)
    jr x1                   # c.jr
    jr x31
    add x1, x0, x2          # c.mv
    add x31, x0, x30
    ebreak                  # c.ebreak
    jalr x5                 # c.jalr
    add x1, x1, x2          # c.add
    add x31, x31, x31
    fsd f1, 504(x2)         # c.fsdsp
    sw x1, 252(x2)          # c.swsp
    sw x31, 0(x2)
    sd x1, 504(x2)          # c.sdsp
    sd x5, 8(x2)
