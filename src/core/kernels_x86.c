/* kernels_x86.c - the AVX2+FMA and AVX-512F tiles (kernels_tile.h says
 * what a tile computes). One shape per ISA: rows of op(A) broadcast, NR
 * columns of op(B) in vectors, MR x NR/W accumulators in registers, so
 * that the FMA units, not the loads, bound the loop. Each function carries
 * its target, so the file builds with the baseline flags and runs only
 * where kernels.c finds the features. */
#include "kernels_tile.h"

#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(RNB_GENERIC_ONLY)
#include <immintrin.h>

#ifdef RNB_DOUBLE
#define V2 __m256d
#define LOAD2 _mm256_loadu_pd
#define STORE2 _mm256_storeu_pd
#define ZERO2 _mm256_setzero_pd
#define BCAST2 _mm256_set1_pd
#define FMA2 _mm256_fmadd_pd
#define V5 __m512d
#define LOAD5 _mm512_loadu_pd
#define STORE5 _mm512_storeu_pd
#define ZERO5 _mm512_setzero_pd
#define BCAST5 _mm512_set1_pd
#define FMA5 _mm512_fmadd_pd
#else
#define V2 __m256
#define LOAD2 _mm256_loadu_ps
#define STORE2 _mm256_storeu_ps
#define ZERO2 _mm256_setzero_ps
#define BCAST2 _mm256_set1_ps
#define FMA2 _mm256_fmadd_ps
#define V5 __m512
#define LOAD5 _mm512_loadu_ps
#define STORE5 _mm512_storeu_ps
#define ZERO5 _mm512_setzero_ps
#define BCAST5 _mm512_set1_ps
#define FMA5 _mm512_fmadd_ps
#endif

/* W reals a vector; two vectors a row of the tile. */
#define W2 ((int)(32 / sizeof(real)))
#define W5 ((int)(64 / sizeof(real)))
enum { MR2 = 6, MR5 = 8 };

/* The tile, for one vector type: MR rows, 2 vectors a row. */
#define TILE_BODY(V, LOAD, STORE, ZERO, BCAST, FMA, MR, W)                                  \
    const real *ar[MR];                                                                     \
    for (int r = 0; r < MR; r++)                                                            \
        ar[r] = a + (r < rows ? r : 0) * a_row;                                             \
    V acc[MR][2];                                                                           \
    _Pragma("GCC unroll 8") for (int r = 0; r < MR; r++) {                                  \
        acc[r][0] = c_in && r < rows ? LOAD(c_in + r * ldc_in) : ZERO();                    \
        acc[r][1] = c_in && r < rows ? LOAD(c_in + r * ldc_in + W) : ZERO();                \
    }                                                                                       \
    for (int k = 0; k < kc; k++) {                                                          \
        const V b0 = LOAD(b + k * ldb), b1 = LOAD(b + k * ldb + W);                         \
        _Pragma("GCC unroll 8") for (int r = 0; r < MR; r++) {                              \
            const V x = BCAST(ar[r][k * a_k]);                                              \
            acc[r][0] = FMA(x, b0, acc[r][0]);                                              \
            acc[r][1] = FMA(x, b1, acc[r][1]);                                              \
        }                                                                                   \
    }                                                                                       \
    _Pragma("GCC unroll 8") for (int r = 0; r < MR && r < rows; r++) {                      \
        STORE(c + r * ldc, acc[r][0]);                                                      \
        STORE(c + r * ldc + W, acc[r][1]);                                                  \
    }

__attribute__((target("avx2,fma"))) static void tile_avx2(int kc, const real *a, ptrdiff_t a_row,
                                                          ptrdiff_t a_k, int rows, const real *b,
                                                          ptrdiff_t ldb, real *c, ptrdiff_t ldc,
                                                          const real *c_in, ptrdiff_t ldc_in)
{
    TILE_BODY(V2, LOAD2, STORE2, ZERO2, BCAST2, FMA2, MR2, W2)
}

__attribute__((target("avx512f"))) static void tile_avx512(int kc, const real *a, ptrdiff_t a_row,
                                                           ptrdiff_t a_k, int rows, const real *b,
                                                           ptrdiff_t ldb, real *c, ptrdiff_t ldc,
                                                           const real *c_in, ptrdiff_t ldc_in)
{
    TILE_BODY(V5, LOAD5, STORE5, ZERO5, BCAST5, FMA5, MR5, W5)
}

/* Half the rows: the same chains (the bits do not depend on MR). */
__attribute__((target("avx2,fma"))) static void tile_avx2_half(int kc, const real *a, ptrdiff_t a_row,
                                                               ptrdiff_t a_k, int rows, const real *b,
                                                               ptrdiff_t ldb, real *c, ptrdiff_t ldc,
                                                               const real *c_in, ptrdiff_t ldc_in)
{
    TILE_BODY(V2, LOAD2, STORE2, ZERO2, BCAST2, FMA2, MR2 / 2, W2)
}

__attribute__((target("avx512f"))) static void tile_avx512_half(int kc, const real *a, ptrdiff_t a_row,
                                                                ptrdiff_t a_k, int rows, const real *b,
                                                                ptrdiff_t ldb, real *c, ptrdiff_t ldc,
                                                                const real *c_in, ptrdiff_t ldc_in)
{
    TILE_BODY(V5, LOAD5, STORE5, ZERO5, BCAST5, FMA5, MR5 / 2, W5)
}

/* NACC independent accumulators: enough to cover the FMA latency of two
 * ports (4-5 cycles x 2 ports, with margin), and all in registers with x
 * and y: AVX2 has 16 of them (12 + 2; 16 accumulators spilled three to
 * the stack, whose store-to-load chains held the "peak" at 53 GFLOP/s on
 * a Zen 3 where the recurrent product ran at 67), AVX-512 32. */
#define BURN_BODY(V, ZERO, BCAST, FMA, W, NACC)                                             \
    V acc[NACC];                                                                            \
    for (int i = 0; i < NACC; i++)                                                          \
        acc[i] = ZERO();                                                                    \
    const V x = BCAST((real)0.999999), y = BCAST((real)1e-7);                               \
    for (long k = 0; k < n; k++)                                                            \
        _Pragma("GCC unroll 16") for (int i = 0; i < NACC; i++) acc[i] = FMA(acc[i], x, y); \
    real out[64 / sizeof(real)];                                                            \
    V s = acc[0];                                                                           \
    for (int i = 1; i < NACC; i++)                                                          \
        s = FMA(s, x, acc[i]);                                                              \
    memcpy(out, &s, sizeof s);                                                              \
    __asm__ volatile("" : : "r"(out[0]));   /* keep the work */                             \
    return 2.0 * NACC * W * n;

__attribute__((target("avx2,fma"))) static double burn_avx2(long n) { BURN_BODY(V2, ZERO2, BCAST2, FMA2, W2, 12) }
__attribute__((target("avx512f"))) static double burn_avx512(long n) { BURN_BODY(V5, ZERO5, BCAST5, FMA5, W5, 16) }

static bool has_avx2(void) { return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"); }
static bool has_avx512(void) { return __builtin_cpu_supports("avx512f"); }

const kernel_path kernels_avx2 = {"avx2", MR2, 2 * (32 / sizeof(real)), tile_avx2, tile_avx2_half, has_avx2,
                                  burn_avx2};
const kernel_path kernels_avx512 = {"avx512", MR5, 2 * (64 / sizeof(real)), tile_avx512, tile_avx512_half,
                                    has_avx512, burn_avx512};

#else
static bool none(void) { return false; }
const kernel_path kernels_avx2 = {"avx2", 1, 1, 0, 0, none, 0};
const kernel_path kernels_avx512 = {"avx512", 1, 1, 0, 0, none, 0};
#endif
