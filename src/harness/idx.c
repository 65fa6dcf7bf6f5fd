#include "idx.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "status.h"

enum { MAX_IMAGES = 10000000 };     /* 7.8 GB of pixels: beyond it, a header is wrong */

/* Opens dir/name.gz, else dir/name; path gets the one opened, or the
 * one at fault (the .gz when neither is there). */
static gzFile open_idx(char *path, size_t n, const char *dir, const char *name)
{
    snprintf(path, n, "%s/%s.gz", dir, name);
    FILE *probe = fopen(path, "rb");
    if (!probe && errno == ENOENT) {
        snprintf(path, n, "%s/%s", dir, name);
        probe = fopen(path, "rb");
        if (!probe && errno == ENOENT)      /* neither: name the one Debian ships */
            snprintf(path, n, "%s/%s.gz", dir, name);
    }
    if (!probe)
        return NULL;
    fclose(probe);
    return gzopen(path, "rb");
}

static int read_error(gzFile g, const char *path, long got, long want, char *err)
{
    int zerr = Z_OK;
    const char *why = gzerror(g, &zerr);
    if (zerr != Z_OK && zerr != Z_BUF_ERROR)   /* Z_BUF_ERROR: a .gz cut short, said below */
        return rnb_error(err, RNB_EINVAL, "%s: not readable as IDX (%s)", path, why);
    return rnb_error(err, RNB_EINVAL, "%s: truncated: %ld of the %ld bytes its header announces", path, got, want);
}

/* The header of an open IDX file of unsigned bytes with dims dimensions:
 * the sizes into dim[] (dim[0] the count) and the data's bytes. */
static int read_header(gzFile g, const char *path, int dims, long *dim, long *total, char *err)
{
    unsigned char head[4 + 4 * 3];
    const int head_n = 4 + 4 * dims;
    int got = gzread(g, head, (unsigned)head_n);
    const uint32_t magic = 0x800u + (uint32_t)dims;
    uint32_t seen = got >= 4 ? (uint32_t)head[0] << 24 | head[1] << 16 | head[2] << 8 | head[3] : 0;
    if (got < 0)
        return read_error(g, path, 0, head_n, err);
    if (got < 4 || seen != magic)
        return rnb_error(err, RNB_EINVAL, "%s: magic number 0x%08x, not 0x%08x (IDX, unsigned bytes, %d dimension%s)",
                         path, (unsigned)seen, (unsigned)magic, dims, dims > 1 ? "s" : "");
    if (got < head_n)
        return rnb_error(err, RNB_EINVAL, "%s: truncated in its header", path);
    for (int d = 0; d < dims; d++) {
        const unsigned char *p = head + 4 + 4 * d;
        dim[d] = (long)((uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]);
    }
    if (dims == 3 && (dim[1] != IMAGE_ROWS || dim[2] != IMAGE_COLS))
        return rnb_error(err, RNB_EINVAL, "%s: images of %ld x %ld pixels, not %d x %d", path, dim[1], dim[2],
                         IMAGE_ROWS, IMAGE_COLS);
    if (dim[0] < 1 || dim[0] > MAX_IMAGES)
        return rnb_error(err, RNB_EINVAL, "%s: a count of %ld, not 1 to %d", path, dim[0], MAX_IMAGES);
    *total = dim[0] * (dims == 3 ? IMAGE_PIXELS : 1);     /* checked: no overflow */
    return RNB_OK;
}

/* The data after the header: exactly total bytes, into a new buffer grown
 * as they arrive (a header's count alone does not decide an allocation). */
static int read_body(gzFile g, const char *path, long total, unsigned char **out, char *err)
{
    long done = 0, cap = 0;
    while (done < total) {
        if (done == cap) {
            long want = cap ? 2 * cap : 1L << 20;
            cap = want < total ? want : total;
            unsigned char *grown = realloc(*out, (size_t)cap);
            if (!grown)
                return rnb_error(err, RNB_ENOMEM, "%s: out of memory for %ld bytes", path, cap);
            *out = grown;
        }
        int n = gzread(g, *out + done, (unsigned)(cap - done));
        if (n <= 0)
            return read_error(g, path, done, total, err);
        done += n;
    }
    unsigned char extra;
    if (gzread(g, &extra, 1) != 0)
        return rnb_error(err, RNB_EINVAL, "%s: longer than the %ld bytes its header announces", path, total);
    return RNB_OK;
}

/* One IDX file, dir/name(.gz), with dims dimensions: sizes into dim[],
 * data into a new buffer *out, the file's path into path. */
static int read_idx(unsigned char **out, long *dim, int dims, char *path, size_t path_n, const char *dir,
                    const char *name, char *err)
{
    *out = NULL;
    gzFile g = open_idx(path, path_n, dir, name);
    if (!g)
        return rnb_error(err, RNB_EINVAL, "%s: %s (the Fashion-MNIST files: apt-get install dataset-fashion-mnist, "
                         "or set data_dir)", path, strerror(errno ? errno : ENOMEM));
    long total = 0;
    int rc = read_header(g, path, dims, dim, &total, err);
    if (!rc)
        rc = read_body(g, path, total, out, err);
    gzclose(g);
    if (rc) {
        free(*out);
        *out = NULL;
    }
    return rc;
}

/* One split: its images and labels, counted alike, labels 0..9. */
static int load_split(image_files *f, task_split s, const char *images, const char *labels, char *err)
{
    long di[3], dl[1];
    char ipath[600], lpath[600];
    unsigned char **px = &f->bytes[2 * s], **lb = &f->bytes[2 * s + 1];
    int rc = read_idx(px, di, 3, ipath, sizeof ipath, f->dir, images, err);
    if (!rc)
        rc = read_idx(lb, dl, 1, lpath, sizeof lpath, f->dir, labels, err);
    if (rc)
        return rc;
    if (dl[0] != di[0])
        return rnb_error(err, RNB_EINVAL, "%s: %ld labels for the %ld images of %s", lpath, dl[0], di[0], ipath);
    for (long i = 0; i < dl[0]; i++)
        if ((*lb)[i] >= IMAGE_CLASSES)
            return rnb_error(err, RNB_EINVAL, "%s: label %d of image %ld is not 0 to %d", lpath, (*lb)[i], i,
                             IMAGE_CLASSES - 1);
    f->set.n[s] = di[0];
    f->set.pixels[s] = *px;
    f->set.labels[s] = *lb;
    return RNB_OK;
}

int image_files_load(image_files *f, const char *dir, char *err)
{
    memset(f, 0, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "%s", dir);
    int rc = load_split(f, SPLIT_TRAIN, IDX_TRAIN_IMAGES, IDX_TRAIN_LABELS, err);
    if (!rc)
        rc = load_split(f, SPLIT_HELDOUT, IDX_TEST_IMAGES, IDX_TEST_LABELS, err);
    if (rc) {
        image_files_free(f);
        return rc;
    }
    uLong crc = crc32(0L, Z_NULL, 0);    /* train images, labels, test images, labels */
    for (int s = 0; s < 2; s++) {
        crc = crc32_z(crc, f->set.pixels[s], (size_t)f->set.n[s] * IMAGE_PIXELS);
        crc = crc32_z(crc, f->set.labels[s], (size_t)f->set.n[s]);
    }
    f->set.crc32 = (uint32_t)crc;
    return RNB_OK;
}

void image_files_free(image_files *f)
{
    for (int i = 0; i < 4; i++)
        free(f->bytes[i]);
    memset(f, 0, sizeof *f);
}

double image_files_bytes(const image_files *f)
{
    return (double)(f->set.n[0] + f->set.n[1]) * (IMAGE_PIXELS + 1);
}

int image_cache_attach(image_cache *c, const char *dir, run_spec *s, char *err)
{
    if (!s->task->dataset)
        return RNB_OK;
    int i = 0;
    while (i < c->n && strcmp(c->f[i].dir, dir) != 0)
        i++;
    if (i == c->n) {
        if (c->n == IMAGE_CACHE_DIRS)
            return rnb_error(err, RNB_EINVAL, "data_dir: more than %d folders in one sweep", IMAGE_CACHE_DIRS);
        int rc = image_files_load(&c->f[i], dir, err);
        if (rc)
            return rc;
        c->n++;
    }
    s->task_data = &c->f[i].set;
    return RNB_OK;
}

void image_cache_free(image_cache *c)
{
    for (int i = 0; i < c->n; i++)
        image_files_free(&c->f[i]);
    c->n = 0;
}

double image_cache_bytes(const image_cache *c)
{
    double b = 0;
    for (int i = 0; i < c->n; i++)
        b += image_files_bytes(&c->f[i]);
    return b;
}
