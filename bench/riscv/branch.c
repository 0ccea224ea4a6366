/* Branches and indirect calls: a switch-dispatched bytecode interpreter
 * running a randomly generated program (jump table = indirect jumps, data-
 * dependent skips), a function-pointer table called with data-dependent
 * indices, a byte-class tokenizer state machine, and qsort() with a
 * comparator (indirect calls from libc, unpredictable branches). */
#include "bench.h"
#include <string.h>

enum { OP_ADD, OP_SUB, OP_XOR, OP_MUL, OP_SHR, OP_ROL, OP_ADDI, OP_SKIPODD, OP_SKIPLT, OP_CALL,
       N_RANDOM_OPS, OP_LOOP = N_RANDOM_OPS, OP_HALT };
struct insn { uint8_t op, a, b, c; int32_t imm; };

typedef uint64_t (*fn_t)(uint64_t, uint64_t);
static uint64_t f0(uint64_t x, uint64_t y) { return x + y; }
static uint64_t f1(uint64_t x, uint64_t y) { return x ^ (y << 3); }
static uint64_t f2(uint64_t x, uint64_t y) { return x * 31 + y; }
static uint64_t f3(uint64_t x, uint64_t y) { return (x >> 5) | (y << 59); }
static uint64_t f4(uint64_t x, uint64_t y) { return x > y ? x - y : y - x; }
static uint64_t f5(uint64_t x, uint64_t y) { return (x & 0xffff) * (y & 0xffff); }
static uint64_t f6(uint64_t x, uint64_t y) { return ~x + (y >> 7); }
static uint64_t f7(uint64_t x, uint64_t y) { return (x ^ y) & 1 ? x + 1 : y + 2; }
static uint64_t f8(uint64_t x, uint64_t y) { return x - (y | 1); }
static uint64_t f9(uint64_t x, uint64_t y) { return (x << 1) ^ (y >> 1); }
static uint64_t f10(uint64_t x, uint64_t y) { return x % 7 == 0 ? y : x; }
static uint64_t f11(uint64_t x, uint64_t y) { return x + 0x9e3779b97f4a7c15ull - y; }
static uint64_t f12(uint64_t x, uint64_t y) { return (int64_t)x < (int64_t)y ? x : y; }
static uint64_t f13(uint64_t x, uint64_t y) { return x * y + 1; }
static uint64_t f14(uint64_t x, uint64_t y) { return x & 3 ? x >> 2 : x ^ y; }
static uint64_t f15(uint64_t x, uint64_t y) { return (x | y) - (x & y); }
static fn_t const table[16] = {f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15};

static uint64_t interpret(const struct insn *prog, uint64_t *r) {
    uint32_t pc = 0;
    for (;;) {
        const struct insn *in = &prog[pc++];
        switch (in->op) {
        case OP_ADD: r[in->a] = r[in->b] + r[in->c]; break;
        case OP_SUB: r[in->a] = r[in->b] - r[in->c]; break;
        case OP_XOR: r[in->a] = r[in->b] ^ r[in->c]; break;
        case OP_MUL: r[in->a] = r[in->b] * (r[in->c] | 1); break;
        case OP_SHR: r[in->a] = r[in->b] >> (in->imm & 63); break;
        case OP_ROL: { unsigned s = (in->imm & 62) + 1; r[in->a] = (r[in->b] << s) | (r[in->b] >> (64 - s)); break; }
        case OP_ADDI: r[in->a] += (int64_t)in->imm; break;
        case OP_SKIPODD: if (r[in->a] & 1) pc++; break;
        case OP_SKIPLT: if (r[in->a] < r[in->b]) pc++; break;
        case OP_CALL: r[in->a] = table[r[in->b] & 15](r[in->a], r[in->c]); break;
        case OP_LOOP: if (--r[7]) pc = (uint32_t)in->imm; break;
        case OP_HALT: return r[0] ^ r[1] ^ r[2] ^ r[3] ^ r[4] ^ r[5] ^ r[6];
        default: return ~0ull;
        }
    }
}

static int cmp_u32(const void *x, const void *y) {
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return (a > b) - (a < b);
}

int main(int argc, char **argv) {
    unsigned scale = bench_scale(argc, argv);
    uint64_t seed = 7, sum = 0;
    double t0 = bench_now_ms();

    /* 1. bytecode interpreter: 48 random instructions in a counted loop */
    enum { BODY = 48 };
    struct insn prog[BODY + 2];
    for (int i = 0; i < BODY; i++) {
        uint64_t z = bench_mix(&seed);
        prog[i] = (struct insn){(uint8_t)(z % N_RANDOM_OPS), (uint8_t)((z >> 8) % 7), (uint8_t)((z >> 16) % 7),
                                (uint8_t)((z >> 24) % 7), (int32_t)(z >> 32)};
    }
    prog[BODY] = (struct insn){OP_LOOP, 0, 0, 0, 0};
    prog[BODY + 1] = (struct insn){OP_HALT, 0, 0, 0, 0};
    uint64_t regs[8];
    for (int i = 0; i < 7; i++) regs[i] = bench_mix(&seed);
    regs[7] = 200000ull * scale;
    sum += interpret(prog, regs);

    /* 2. function-pointer table, data-dependent index and branches */
    uint64_t x = 1, y = bench_mix(&seed);
    for (uint64_t i = 0, n = 3000000ull * scale; i < n; i++) {
        fn_t f = table[(x ^ (x >> 17)) & 15];
        BENCH_OPAQUE(f);
        x = f(x, y) + i;
        if (x & 0x100) y += x; else y ^= x >> 3;
    }
    sum ^= x + y;

    /* 3. tokenizer state machine over 256 KiB of pseudo-random text */
    enum { TEXT = 256 << 10 };
    static unsigned char text[TEXT];
    static const char alphabet[] = "abcdefghij  0123456789+-*/(){};,\"\\\n ";
    for (uint32_t i = 0; i < TEXT; i++) text[i] = (unsigned char)alphabet[bench_mix(&seed) % (sizeof alphabet - 1)];
    uint64_t counts[6] = {0};
    for (unsigned pass = 0; pass < 4 * scale; pass++) {
        enum { S_SPACE, S_IDENT, S_NUMBER, S_STRING, S_ESCAPE } st = S_SPACE;
        for (uint32_t i = 0; i < TEXT; i++) {
            unsigned char c = text[(i + pass * 977u) & (TEXT - 1)];
            switch (st) {
            case S_SPACE:
                if (c >= 'a' && c <= 'j') { st = S_IDENT; counts[0]++; }
                else if (c >= '0' && c <= '9') { st = S_NUMBER; counts[1]++; }
                else if (c == '"') { st = S_STRING; counts[2]++; }
                else if (c != ' ' && c != '\n') counts[3]++;
                break;
            case S_IDENT:
                if (!((c >= 'a' && c <= 'j') || (c >= '0' && c <= '9'))) { st = S_SPACE; i--; }
                break;
            case S_NUMBER:
                if (c < '0' || c > '9') { st = S_SPACE; i--; }
                else counts[4] += c - '0';
                break;
            case S_STRING:
                if (c == '\\') st = S_ESCAPE;
                else if (c == '"') st = S_SPACE;
                else if (c == '\n') { st = S_SPACE; counts[5]++; }
                break;
            case S_ESCAPE: st = S_STRING; break;
            }
        }
    }
    for (int i = 0; i < 6; i++) sum = sum * 1000003u + counts[i];

    /* 4. qsort with a comparator */
    enum { NSORT = 100000 };
    static uint32_t v[NSORT];
    for (unsigned rep = 0; rep < 2 * scale; rep++) {
        for (uint32_t i = 0; i < NSORT; i++) v[i] = (uint32_t)bench_mix(&seed);
        qsort(v, NSORT, sizeof v[0], cmp_u32);
        for (uint32_t i = 0; i < NSORT; i += 997) sum = sum * 31 + v[i];
    }
    bench_report("branch", t0, sum);
    return 0;
}
