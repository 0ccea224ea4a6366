/* Integer workload: PRNG, table-driven CRC-32, FNV-style multiply hashing,
 * 64-bit division/remainder, shifts and rotates; all in registers or in a
 * 1 KiB table (L1-resident). */
#include "bench.h"

static uint32_t crc_table[256];

static void crc_init(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

static inline uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

int main(int argc, char **argv) {
    unsigned scale = bench_scale(argc, argv);
    const uint64_t iters = 8000000ull * scale;
    crc_init();
    double t0 = bench_now_ms();

    uint64_t s0 = 0x0123456789abcdefull, s1 = 0xfedcba9876543210ull; /* xoroshiro128+ */
    uint32_t crc = 0xffffffffu;
    uint64_t fnv = 0xcbf29ce484222325ull, acc = 0;
    int32_t w = 12345;
    for (uint64_t i = 0; i < iters; i++) {
        uint64_t r = s0 + s1;
        s1 ^= s0;
        s0 = rotl(s0, 24) ^ s1 ^ (s1 << 16);
        s1 = rotl(s1, 37);
        for (int b = 0; b < 8; b++) crc = crc_table[(crc ^ (uint32_t)(r >> (8 * b))) & 0xff] ^ (crc >> 8);
        fnv = (fnv ^ (r & 0xffff)) * 0x100000001b3ull;
        uint64_t d = (r >> 44) | 1;
        acc += r / d + r % (d + 7);                        /* divu/remu */
        acc ^= (uint64_t)((int64_t)r >> 13) * 0x9e3779b97f4a7c15ull;
        w = (int32_t)((uint32_t)w * 1103515245u + (uint32_t)(r >> 32)); /* mulw/addw */
        int32_t dv = ((int32_t)(r & 0x7f) + 2) * ((r & 0x80) ? -1 : 1);
        acc += (uint64_t)(int64_t)(w / dv) + (uint64_t)(int64_t)(w % dv); /* divw/remw */
        acc += __builtin_popcountll(r ^ fnv);
    }
    uint64_t sum = acc ^ fnv ^ ((uint64_t)crc << 32) ^ s0 ^ rotl(s1, 7) ^ (uint64_t)(uint32_t)w;
    bench_report("int", t0, sum);
    return 0;
}
