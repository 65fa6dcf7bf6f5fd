/* idx.h - MNIST's IDX files (LeCun & Cortes' format, as Fashion-MNIST and
 * Debian's dataset-fashion-mnist ship them): a big-endian header (magic
 * 0x0000080D: unsigned bytes, D dimensions; then D sizes) and the bytes,
 * gzipped or not (zlib reads both). A folder's four files become the
 * image set the image tasks read. */
#ifndef RNB_IDX_H
#define RNB_IDX_H

#include "config.h"
#include "images.h"

/* The file names in a folder; each is looked for as NAME.gz, then NAME. */
#define IDX_TRAIN_IMAGES "train-images-idx3-ubyte"
#define IDX_TRAIN_LABELS "train-labels-idx1-ubyte"
#define IDX_TEST_IMAGES  "t10k-images-idx3-ubyte"
#define IDX_TEST_LABELS  "t10k-labels-idx1-ubyte"

typedef struct {
    char dir[256];
    image_set set;          /* views of bytes[] */
    unsigned char *bytes[4];    /* train images, train labels, test images, test labels */
} image_files;

/* Reads and checks the folder's four files: magic numbers, 28 x 28
 * images, as many labels as images, labels 0..9, no byte missing or left
 * over. On bad input RNB_EINVAL and err names the file and the problem (a
 * missing file also names the Debian package); RNB_ENOMEM. */
int image_files_load(image_files *f, const char *dir, char *err);
void image_files_free(image_files *f);
/* The bytes a loaded set holds. */
double image_files_bytes(const image_files *f);

/* The image sets of a sweep or a run, each folder read once and shared
 * read-only by every run that names it. */
enum { IMAGE_CACHE_DIRS = 4 };
typedef struct {
    image_files f[IMAGE_CACHE_DIRS];
    int n;
} image_cache;

/* For a run over a dataset (s->task->dataset): its folder's set, read
 * now if it is new, becomes s->task_data. Nothing for synthetic tasks. */
int image_cache_attach(image_cache *c, const char *dir, run_spec *s, char *err);
void image_cache_free(image_cache *c);
double image_cache_bytes(const image_cache *c);

#endif
