/* blas_threads.h - how many threads BLAS may use inside one run. */
#ifndef RNB_BLAS_THREADS_H
#define RNB_BLAS_THREADS_H

void blas_set_threads(int n);

#endif
