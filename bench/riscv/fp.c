/* Floating point (double): the classic 5-body simulation (fmul/fadd/fdiv/
 * fsqrt, fused multiply-add where GCC contracts), a 96x96 matrix multiply,
 * and a transcendental/conversion mix (libm exp/log/sin, int<->double,
 * float<->double).  The checksum is built from the exact bit patterns of the
 * results, so any rounding difference shows. */
#include "bench.h"
#include <math.h>
#include <string.h>

#define PI 3.141592653589793
#define SOLAR_MASS (4 * PI * PI)
#define DAYS_PER_YEAR 365.24

struct body { double x, y, z, vx, vy, vz, mass; };

static void advance(struct body *b, int n, double dt) {
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) {
            double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
            double d2 = dx * dx + dy * dy + dz * dz;
            double mag = dt / (d2 * sqrt(d2));
            b[i].vx -= dx * b[j].mass * mag; b[i].vy -= dy * b[j].mass * mag; b[i].vz -= dz * b[j].mass * mag;
            b[j].vx += dx * b[i].mass * mag; b[j].vy += dy * b[i].mass * mag; b[j].vz += dz * b[i].mass * mag;
        }
    for (int i = 0; i < n; i++) { b[i].x += dt * b[i].vx; b[i].y += dt * b[i].vy; b[i].z += dt * b[i].vz; }
}

static double energy(const struct body *b, int n) {
    double e = 0;
    for (int i = 0; i < n; i++) {
        e += 0.5 * b[i].mass * (b[i].vx * b[i].vx + b[i].vy * b[i].vy + b[i].vz * b[i].vz);
        for (int j = i + 1; j < n; j++) {
            double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
            e -= b[i].mass * b[j].mass / sqrt(dx * dx + dy * dy + dz * dz);
        }
    }
    return e;
}

static uint64_t bits(double d) { uint64_t u; memcpy(&u, &d, sizeof u); return u; }

#define MN 96
static double ma[MN][MN], mb[MN][MN], mc[MN][MN];

int main(int argc, char **argv) {
    unsigned scale = bench_scale(argc, argv);
    struct body b[5] = {
        {0, 0, 0, 0, 0, 0, SOLAR_MASS},
        {4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01, 1.66007664274403694e-03 * DAYS_PER_YEAR,
         7.69901118419740425e-03 * DAYS_PER_YEAR, -6.90460016972063023e-05 * DAYS_PER_YEAR, 9.54791938424326609e-04 * SOLAR_MASS},
        {8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01, -2.76742510726862411e-03 * DAYS_PER_YEAR,
         4.99852801234917238e-03 * DAYS_PER_YEAR, 2.30417297573763929e-05 * DAYS_PER_YEAR, 2.85885980666130812e-04 * SOLAR_MASS},
        {1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01, 2.96460137564761618e-03 * DAYS_PER_YEAR,
         2.37847173959480950e-03 * DAYS_PER_YEAR, -2.96589568540237556e-05 * DAYS_PER_YEAR, 4.36624404335156298e-05 * SOLAR_MASS},
        {1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01, 2.68067772490389322e-03 * DAYS_PER_YEAR,
         1.62824170038242295e-03 * DAYS_PER_YEAR, -9.51592254519715870e-05 * DAYS_PER_YEAR, 5.15138902046611451e-05 * SOLAR_MASS},
    };
    double t0 = bench_now_ms();

    /* 1. n-body */
    double px = 0, py = 0, pz = 0;
    for (int i = 0; i < 5; i++) { px += b[i].vx * b[i].mass; py += b[i].vy * b[i].mass; pz += b[i].vz * b[i].mass; }
    b[0].vx = -px / SOLAR_MASS; b[0].vy = -py / SOLAR_MASS; b[0].vz = -pz / SOLAR_MASS;
    uint64_t sum = bits(energy(b, 5));
    for (unsigned i = 0, n = 200000u * scale; i < n; i++) advance(b, 5, 0.01);
    sum = sum * 31 + bits(energy(b, 5));

    /* 2. matrix multiply */
    uint64_t seed = 99;
    for (int i = 0; i < MN; i++)
        for (int j = 0; j < MN; j++) {
            ma[i][j] = (double)(int64_t)(bench_mix(&seed) % 2001) / 1000.0 - 1.0;
            mb[i][j] = (double)(int64_t)(bench_mix(&seed) % 2001) / 977.0 - 1.0;
        }
    for (unsigned rep = 0; rep < 3 * scale; rep++) {
        for (int i = 0; i < MN; i++)
            for (int j = 0; j < MN; j++) mc[i][j] = 0;
        for (int i = 0; i < MN; i++)
            for (int k = 0; k < MN; k++) {
                double aik = ma[i][k];
                for (int j = 0; j < MN; j++) mc[i][j] += aik * mb[k][j];
            }
        for (int i = 0; i < MN; i++)
            for (int j = 0; j < MN; j++) ma[i][j] = mc[i][j] / (1.0 + fabs(mc[i][j]));
    }
    double trace = 0;
    for (int i = 0; i < MN; i++) trace += ma[i][i] + ma[i][MN - 1 - i];
    sum = sum * 31 + bits(trace);

    /* 3. libm + conversions */
    double acc = 0;
    float facc = 0;
    int64_t iacc = 0;
    for (unsigned i = 1, n = 60000u * scale; i <= n; i++) {
        double x = (double)i * 1e-4;
        acc += exp(-x) * sin(x * 3.0) + log(1.0 + x);
        float f = (float)x;
        facc += f * 0.5f / (1.0f + f);
        iacc += (int64_t)(acc * 1000.0) ^ (int64_t)lrint(x * 7.3);
    }
    sum = sum * 31 + bits(acc);
    sum = sum * 31 + bits((double)facc);
    sum = sum * 31 + (uint64_t)iacc;
    bench_report("fp", t0, sum);
    return 0;
}
