/* kernels_tile.h - what a kernel path provides (kernels.c drives it).
 *
 * A tile function computes an MR x NR tile of C over kc steps of k:
 *     acc[r][j] = c_in ? c_in[r*ldc_in + j] : 0     (ldc_in 0: a bias row)
 *     for k = 0 .. kc-1:  acc[r][j] = fma(a_r[k*a_k], b[k*ldb + j], acc[r][j])
 *     c[r*ldc + j] = acc[r][j]                     (r < rows only)
 * where a_r = a + r*a_row for r < rows; rows beyond read row 0 (valid
 * memory) and neither read c_in nor write c: a row edge of C is a tile
 * like any other. Every lane
 * holds one output element's chain, in k order: the bits do not depend on
 * MR, NR or the vector width. */
#ifndef RNB_KERNELS_TILE_H
#define RNB_KERNELS_TILE_H

#include <stdbool.h>
#include <stddef.h>

#include "real.h"

typedef void tile_fn(int kc, const real *a, ptrdiff_t a_row, ptrdiff_t a_k, int rows,
                     const real *b, ptrdiff_t ldb, real *c, ptrdiff_t ldc, const real *c_in,
                     ptrdiff_t ldc_in);

/* n rounds of independent FMA chains at the path's width (the machine's
 * FMA peak, for the benchmark); returns the FLOPs done. */
typedef double fma_burn_fn(long n);

typedef struct {
    const char *name;
    int mr, nr;             /* the tile's shape: nr a multiple of the vector width */
    tile_fn *tile;
    tile_fn *tile_half;     /* the same, mr / 2 rows: a row edge of at most that
                               many costs half a tile (batch 20 = 8 + 8 + 4) */
    bool (*supported)(void);
    fma_burn_fn *burn;
} kernel_path;

/* The x86-64 paths (kernels_x86.c); a build for another CPU has none. */
extern const kernel_path kernels_avx2, kernels_avx512;

/* The largest tile of any path, for the driver's buffers. */
enum { TILE_MR_MAX = 8, TILE_NR_MAX = 32 };

#endif
