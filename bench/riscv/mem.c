/* Memory workload: a dependent pointer chase through a random single cycle
 * over 4 MiB (TLB and cache misses, one load at a time), then streaming
 * copy / read-modify-write / strided-sum passes over two 4 MiB buffers. */
#include "bench.h"
#include <string.h>

#define CHASE_N (1u << 20)               /* uint32 entries: 4 MiB */
#define BUF_N (512u << 10)               /* uint64 entries: 4 MiB */

int main(int argc, char **argv) {
    unsigned scale = bench_scale(argc, argv);
    uint32_t *next = malloc(CHASE_N * sizeof *next);
    uint64_t *a = malloc(BUF_N * sizeof *a), *b = malloc(BUF_N * sizeof *b);
    if (!next || !a || !b) { puts("bench mem: out of memory"); return 1; }
    uint64_t seed = 42;

    double t0 = bench_now_ms();
    /* Sattolo's algorithm: a random permutation that is one single cycle. */
    for (uint32_t i = 0; i < CHASE_N; i++) next[i] = i;
    for (uint32_t i = CHASE_N - 1; i > 0; i--) {
        uint32_t j = (uint32_t)(bench_mix(&seed) % i);
        uint32_t t = next[i]; next[i] = next[j]; next[j] = t;
    }
    uint64_t sum = 0;
    uint32_t p = 0;
    for (uint64_t k = 0, steps = 2000000ull * scale; k < steps; k++) {
        p = next[p];
        sum += p;
    }
    sum ^= (uint64_t)p << 32;

    for (uint32_t i = 0; i < BUF_N; i++) a[i] = bench_mix(&seed);
    for (unsigned pass = 0; pass < 8 * scale; pass++) {
        memcpy(b, a, BUF_N * sizeof *a);
        for (uint32_t i = 0; i < BUF_N; i++) a[i] = b[BUF_N - 1 - i] + (a[i] >> 3) + pass; /* rmw + reverse read */
        for (uint32_t i = 0; i < BUF_N; i += 8) sum += a[i] ^ b[(i * 17u) & (BUF_N - 1)];    /* strided */
        unsigned char *bytes = (unsigned char *)b;                                          /* byte stream */
        for (uint32_t i = pass; i < BUF_N * 8; i += 61) sum += bytes[i];
    }
    bench_report("mem", t0, sum);
    free(next); free(a); free(b);
    return 0;
}
