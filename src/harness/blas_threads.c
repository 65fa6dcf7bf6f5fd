#include "blas_threads.h"

/* OpenBLAS's own call; Debian's libopenblas exports it whichever of its
 * threading variants (pthread, openmp, serial) is installed. */
void openblas_set_num_threads(int num_threads);

void blas_set_threads(int n) { openblas_set_num_threads(n); }
