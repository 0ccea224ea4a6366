/* Shared helpers for Kite's riscv64 guest CPU benchmarks (the .c files in bench/riscv).
 *
 * Every program does a fixed amount of deterministic work, times it with
 * CLOCK_MONOTONIC and prints one line:
 *     bench <name> <milliseconds> <checksum>
 * The checksum depends only on the work (never on addresses or time), so the
 * same binary must print the same checksum under every correct RV64GC CPU.
 * An optional argv[1] scales the amount of work (default 1, for calibration;
 * the checksum then differs). */
#ifndef KITE_RV_BENCH_H
#define KITE_RV_BENCH_H

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline double bench_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static inline unsigned bench_scale(int argc, char **argv) {
    if (argc > 1) {
        long s = strtol(argv[1], NULL, 0);
        if (s > 0) return (unsigned)s;
    }
    return 1;
}

static inline void bench_report(const char *name, double t0_ms, uint64_t checksum) {
    double ms = bench_now_ms() - t0_ms;
    printf("bench %s %.3f %016" PRIx64 "\n", name, ms, checksum);
    fflush(stdout);
}

/* splitmix64: the PRNG every program uses to generate its inputs. */
static inline uint64_t bench_mix(uint64_t *state) {
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Keeps the compiler from treating a value as known or unused. */
#define BENCH_OPAQUE(x) __asm__ volatile("" : "+r"(x))

#endif
