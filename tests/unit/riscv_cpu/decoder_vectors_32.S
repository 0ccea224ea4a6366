# Every 32-bit operation Kite decodes, with boundary immediates. Assembled by
# gen_decoder_vectors.sh; objdump's text for each word is the expectation.
    .option norvc
    .option norelax
    lui x1, 0xfffff
    lui x31, 0x1
    auipc x3, 0x80000
    jal x1, .+0xffffe
    jal x0, .-0x100000
    jalr x1, -2048(x2)
    jalr x0, 2047(x31)
    beq x1, x2, .+4094
    bne x3, x4, .-4096
    blt x5, x6, .+8
    bge x7, x8, .-2
    bltu x9, x10, .+16
    bgeu x11, x12, .+0
    lb x1, -1(x2)
    lh x3, 2047(x4)
    lw x5, -2048(x6)
    ld x7, 8(x8)
    lbu x9, 0(x10)
    lhu x11, 1(x12)
    lwu x13, 3(x14)
    sb x1, -1(x2)
    sh x3, 2047(x4)
    sw x5, -2048(x6)
    sd x7, 8(x8)
    addi x1, x2, -2048
    addi x0, x0, 0
    slti x3, x4, 2047
    sltiu x5, x6, -1
    xori x7, x8, -1
    ori x9, x10, 0x555
    andi x11, x12, -256
    slli x1, x2, 63
    srli x3, x4, 32
    srai x5, x6, 1
    add x1, x2, x3
    sub x4, x5, x6
    sll x7, x8, x9
    slt x10, x11, x12
    sltu x13, x14, x15
    xor x16, x17, x18
    srl x19, x20, x21
    sra x22, x23, x24
    or x25, x26, x27
    and x28, x29, x30
    addiw x1, x2, -1
    slliw x3, x4, 31
    srliw x5, x6, 0
    sraiw x7, x8, 17
    addw x1, x2, x3
    subw x4, x5, x6
    sllw x7, x8, x9
    srlw x10, x11, x12
    sraw x13, x14, x15
    fence rw, w
    fence r, r
    fence iorw, iorw
    fence.i
    ecall
    ebreak
    sret
    mret
    wfi
    sfence.vma x1, x2
    sfence.vma x0, x0
    csrrw x1, mstatus, x2
    csrrs x3, mip, x0
    csrrc x0, sstatus, x4
    csrrwi x5, mscratch, 31
    csrrsi x6, fcsr, 1
    csrrci x7, satp, 0
    csrrs x8, cycle, x0
    csrrs x9, 0x7c0, x0
    mul x1, x2, x3
    mulh x4, x5, x6
    mulhsu x7, x8, x9
    mulhu x10, x11, x12
    div x13, x14, x15
    divu x16, x17, x18
    rem x19, x20, x21
    remu x22, x23, x24
    mulw x25, x26, x27
    divw x28, x29, x30
    divuw x31, x1, x2
    remw x3, x4, x5
    remuw x6, x7, x8
    lr.w x1, (x2)
    lr.d.aq x3, (x4)
    sc.w.rl x5, x6, (x7)
    sc.d.aqrl x8, x9, (x10)
    amoswap.w x1, x2, (x3)
    amoadd.w x1, x2, (x3)
    amoxor.w x1, x2, (x3)
    amoand.w x1, x2, (x3)
    amoor.w x1, x2, (x3)
    amomin.w x1, x2, (x3)
    amomax.w x1, x2, (x3)
    amominu.w x1, x2, (x3)
    amomaxu.w x1, x2, (x3)
    amoswap.d.aq x4, x5, (x6)
    amoadd.d x4, x5, (x6)
    amoxor.d x4, x5, (x6)
    amoand.d x4, x5, (x6)
    amoor.d x4, x5, (x6)
    amomin.d x4, x5, (x6)
    amomax.d x4, x5, (x6)
    amominu.d x4, x5, (x6)
    amomaxu.d.rl x4, x5, (x6)
    flw f1, -4(x2)
    fsw f3, 2047(x4)
    fmadd.s f1, f2, f3, f4
    fmsub.s f5, f6, f7, f8, rtz
    fnmsub.s f9, f10, f11, f12, rdn
    fnmadd.s f13, f14, f15, f16, rup
    fadd.s f1, f2, f3, rmm
    fsub.s f4, f5, f6
    fmul.s f7, f8, f9, rne
    fdiv.s f10, f11, f12
    fsqrt.s f13, f14
    fsgnj.s f1, f2, f3
    fsgnjn.s f4, f5, f6
    fsgnjx.s f7, f8, f9
    fmin.s f10, f11, f12
    fmax.s f13, f14, f15
    fcvt.w.s x1, f2, rtz
    fcvt.wu.s x3, f4
    fcvt.l.s x5, f6, rdn
    fcvt.lu.s x7, f8
    fmv.x.w x9, f10
    fclass.s x11, f12
    feq.s x13, f14, f15
    flt.s x16, f17, f18
    fle.s x19, f20, f21
    fcvt.s.w f1, x2
    fcvt.s.wu f3, x4, rup
    fcvt.s.l f5, x6
    fcvt.s.lu f7, x8, rtz
    fmv.w.x f9, x10
    fld f1, 8(x2)
    fsd f3, -8(x4)
    fmadd.d f1, f2, f3, f4
    fmsub.d f5, f6, f7, f8
    fnmsub.d f9, f10, f11, f12
    fnmadd.d f13, f14, f15, f16, rmm
    fadd.d f1, f2, f3
    fsub.d f4, f5, f6, rtz
    fmul.d f7, f8, f9
    fdiv.d f10, f11, f12
    fsqrt.d f13, f14, rne
    fsgnj.d f1, f2, f3
    fsgnjn.d f4, f5, f6
    fsgnjx.d f7, f8, f9
    fmin.d f10, f11, f12
    fmax.d f13, f14, f15
    fcvt.s.d f1, f2
    fcvt.d.s f3, f4
    fcvt.w.d x1, f2
    fcvt.wu.d x3, f4, rtz
    fcvt.l.d x5, f6
    fcvt.lu.d x7, f8
    fmv.x.d x9, f10
    fclass.d x11, f12
    feq.d x13, f14, f15
    flt.d x16, f17, f18
    fle.d x19, f20, f21
    fcvt.d.w f1, x2
    fcvt.d.wu f3, x4
    fcvt.d.l f5, x6, rtz
    fcvt.d.lu f7, x8
    fmv.d.x f9, x10
    add.uw x1, x2, x3
    sh1add x4, x5, x6
    sh2add x7, x8, x9
    sh3add x10, x11, x12
    sh1add.uw x13, x14, x15
    sh2add.uw x16, x17, x18
    sh3add.uw x19, x20, x21
    slli.uw x22, x23, 63
    andn x1, x2, x3
    orn x4, x5, x6
    xnor x7, x8, x9
    clz x10, x11
    clzw x12, x13
    ctz x14, x15
    ctzw x16, x17
    cpop x18, x19
    cpopw x20, x21
    max x1, x2, x3
    maxu x4, x5, x6
    min x7, x8, x9
    minu x10, x11, x12
    sext.b x13, x14
    sext.h x15, x16
    zext.h x17, x18
    rol x1, x2, x3
    rolw x4, x5, x6
    ror x7, x8, x9
    rori x10, x11, 63
    roriw x12, x13, 31
    rorw x14, x15, x16
    orc.b x17, x18
    rev8 x19, x20
    bclr x1, x2, x3
    bclri x4, x5, 63
    bext x6, x7, x8
    bexti x9, x10, 0
    binv x11, x12, x13
    binvi x14, x15, 32
    bset x16, x17, x18
    bseti x19, x20, 1
