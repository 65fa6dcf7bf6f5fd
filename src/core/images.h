/* images.h - labelled images in MNIST's layout (28 x 28 bytes, 10
 * classes), as the harness hands them to the image tasks: read-only, one
 * split for training and one held out (the test set). Fashion-MNIST, from
 * Debian's dataset-fashion-mnist, is what rnnbench ships experiments for. */
#ifndef RNB_IMAGES_H
#define RNB_IMAGES_H

#include <stdint.h>

#include "task.h"

enum { IMAGE_ROWS = 28, IMAGE_COLS = 28, IMAGE_PIXELS = IMAGE_ROWS * IMAGE_COLS, IMAGE_CLASSES = 10 };

typedef struct {
    uint32_t crc32;                     /* of the four files' data, as read (the harness's):
                                           which copy of the dataset a run saw */
    long n[2];                          /* images in [SPLIT_TRAIN] and [SPLIT_HELDOUT] */
    const unsigned char *pixels[2];     // (n, IMAGE_ROWS, IMAGE_COLS) 0..255, row-major
    const unsigned char *labels[2];     // (n) 0..IMAGE_CLASSES-1
} image_set;

/* psmnist's pixel order: the permutation of 0..n-1 that seed draws (a
 * stream of its own, Fisher-Yates), the same on every machine. Pixel
 * perm[t] is the one seen at step t. */
void image_permutation(int *perm, int n, uint64_t seed);

#endif
