/* test_idx.c - the IDX reader on a few files it writes itself (no test
 * needs the real dataset): a good set, gzipped and plain, is read byte
 * for byte; each kind of bad file is refused with one message that names
 * the file and the problem. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "../check.h"
#include "idx.h"
#include "status.h"

static check_tally tally;

enum { N_TRAIN = 4, N_TEST = 2 };

/* One IDX file: magic, dims sizes, then bytes (the first n of them) */
static void write_idx(const char *dir, const char *name, bool gz, unsigned magic, int dims, const long *size,
                      const unsigned char *bytes, long n)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s%s", dir, name, gz ? ".gz" : "");
    unsigned char head[16];
    const unsigned v[4] = {magic, (unsigned)size[0], dims > 1 ? (unsigned)size[1] : 0, dims > 2 ? (unsigned)size[2] : 0};
    for (int i = 0; i <= dims; i++)
        for (int k = 0; k < 4; k++)
            head[4 * i + k] = (unsigned char)(v[i] >> (24 - 8 * k));
    gzFile g = gzopen(path, gz ? "wb" : "wbT");     /* T: plain, no gzip */
    if (!g || gzwrite(g, head, (unsigned)(4 + 4 * dims)) <= 0 || (n && gzwrite(g, bytes, (unsigned)n) <= 0)) {
        perror(path);
        exit(1);
    }
    gzclose(g);
}

static unsigned char pixels[N_TRAIN * IMAGE_PIXELS], labels[N_TRAIN];

/* A whole good set in dir; one file then spoiled by the caller. */
static void write_set(const char *dir, bool gz)
{
    mkdir(dir, 0777);
    for (long p = 0; p < N_TRAIN * IMAGE_PIXELS; p++)
        pixels[p] = (unsigned char)(p * 31 % 256);
    for (int i = 0; i < N_TRAIN; i++)
        labels[i] = (unsigned char)(9 - i);
    long tr[] = {N_TRAIN, 28, 28}, te[] = {N_TEST, 28, 28}, ntr[] = {N_TRAIN}, nte[] = {N_TEST};
    write_idx(dir, IDX_TRAIN_IMAGES, gz, 0x803, 3, tr, pixels, N_TRAIN * IMAGE_PIXELS);
    write_idx(dir, IDX_TRAIN_LABELS, gz, 0x801, 1, ntr, labels, N_TRAIN);
    write_idx(dir, IDX_TEST_IMAGES, gz, 0x803, 3, te, pixels, N_TEST * IMAGE_PIXELS);
    write_idx(dir, IDX_TEST_LABELS, gz, 0x801, 1, nte, labels, N_TEST);
}

static void test_good(const char *dir, bool gz)
{
    write_set(dir, gz);
    image_files f;
    char err[RNB_ERRLEN] = "";
    int rc = image_files_load(&f, dir, err);
    CHECK(&tally, rc == RNB_OK, "%s set: %s", gz ? "gzipped" : "plain", err);
    if (rc)
        return;
    const image_set *s = &f.set;
    CHECK(&tally, s->n[SPLIT_TRAIN] == N_TRAIN && s->n[SPLIT_HELDOUT] == N_TEST, "counts %ld, %ld", s->n[0], s->n[1]);
    CHECK(&tally, memcmp(s->pixels[SPLIT_TRAIN], pixels, sizeof pixels) == 0 &&
                  memcmp(s->pixels[SPLIT_HELDOUT], pixels, N_TEST * IMAGE_PIXELS) == 0 &&
                  memcmp(s->labels[SPLIT_TRAIN], labels, N_TRAIN) == 0 &&
                  memcmp(s->labels[SPLIT_HELDOUT], labels, N_TEST) == 0,
          "%s set: bytes as written", gz ? "gzipped" : "plain");
    image_files_free(&f);
}

/* dir's set with one file rewritten by spoil(): refused, err naming file and what */
static void test_bad(const char *dir, const char *what, void (*spoil)(const char *dir), const char *file,
                     const char *says)
{
    write_set(dir, true);
    spoil(dir);
    image_files f;
    char err[RNB_ERRLEN] = "";
    int rc = image_files_load(&f, dir, err);
    CHECK(&tally, rc == RNB_EINVAL && strstr(err, file) && strstr(err, says) && !strchr(err, '\n'),
          "%s: rc %d, message '%s' (wanted %s and '%s')", what, rc, err, file, says);
    CHECK(&tally, f.set.pixels[0] == NULL && f.bytes[0] == NULL, "%s: nothing kept", what);
}

static void wrong_magic(const char *dir)
{
    long n[] = {N_TRAIN};
    write_idx(dir, IDX_TRAIN_LABELS, true, 0x803, 1, n, labels, N_TRAIN);
}
static void truncated(const char *dir)
{
    long te[] = {N_TEST, 28, 28};
    write_idx(dir, IDX_TEST_IMAGES, true, 0x803, 3, te, pixels, N_TEST * IMAGE_PIXELS - 100);
}
static void too_long(const char *dir)
{
    long n[] = {N_TEST};
    write_idx(dir, IDX_TEST_LABELS, true, 0x801, 1, n, labels, N_TEST + 1);
}
static void label_count(const char *dir)
{
    long n[] = {N_TRAIN - 1};
    write_idx(dir, IDX_TRAIN_LABELS, true, 0x801, 1, n, labels, N_TRAIN - 1);
}
static void label_range(const char *dir)
{
    long n[] = {N_TRAIN};
    unsigned char bad[N_TRAIN] = {1, 2, 10, 3};
    write_idx(dir, IDX_TRAIN_LABELS, true, 0x801, 1, n, bad, N_TRAIN);
}
static void image_size(const char *dir)
{
    long tr[] = {N_TRAIN, 27, 28};
    write_idx(dir, IDX_TRAIN_IMAGES, true, 0x803, 3, tr, pixels, N_TRAIN * 27 * 28);
}
static void zero_count(const char *dir)
{
    long n[] = {0};
    write_idx(dir, IDX_TEST_LABELS, true, 0x801, 1, n, labels, 0);
}
static void huge_count(const char *dir)    /* a header that promises 7.8 GB: read, not allocated */
{
    long tr[] = {9999999, 28, 28};
    write_idx(dir, IDX_TRAIN_IMAGES, true, 0x803, 3, tr, pixels, N_TRAIN * IMAGE_PIXELS);
}
static void past_max(const char *dir)
{
    long tr[] = {4000000000L, 28, 28};
    write_idx(dir, IDX_TRAIN_IMAGES, true, 0x803, 3, tr, pixels, N_TRAIN * IMAGE_PIXELS);
}
static void missing(const char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.gz", dir, IDX_TEST_LABELS);
    remove(path);
}
static void not_gzip(const char *dir)   /* a .gz that is not: zlib reads it as plain, the header fails */
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.gz", dir, IDX_TRAIN_IMAGES);
    FILE *f = fopen(path, "wb");
    fputs("<html>not found</html>", f);
    fclose(f);
}

int main(void)
{
    test_good("idx_gz", true);
    test_good("idx_plain", false);
    test_bad("idx_bad", "a wrong magic number", wrong_magic, IDX_TRAIN_LABELS ".gz", "magic number 0x00000803, not 0x00000801");
    test_bad("idx_bad", "a truncated file", truncated, IDX_TEST_IMAGES ".gz", "truncated: 1468 of the 1568 bytes");
    test_bad("idx_bad", "bytes after the data", too_long, IDX_TEST_LABELS ".gz", "longer than the 2 bytes");
    test_bad("idx_bad", "fewer labels than images", label_count, IDX_TRAIN_LABELS, "3 labels for the 4 images");
    test_bad("idx_bad", "a label out of range", label_range, IDX_TRAIN_LABELS, "label 10 of image 2 is not 0 to 9");
    test_bad("idx_bad", "27 x 28 images", image_size, IDX_TRAIN_IMAGES ".gz", "images of 27 x 28 pixels, not 28 x 28");
    test_bad("idx_bad", "a count of 0", zero_count, IDX_TEST_LABELS ".gz", "a count of 0, not 1 to 10000000");
    test_bad("idx_bad", "a count of 9,999,999 over 4 images", huge_count, IDX_TRAIN_IMAGES ".gz",
             "truncated: 3136 of the 7839999216 bytes");
    test_bad("idx_bad", "a count past 2^31", past_max, IDX_TRAIN_IMAGES ".gz", "a count of 4000000000, not 1 to");
    test_bad("idx_bad", "a missing file", missing, IDX_TEST_LABELS, "No such file or directory (the Fashion-MNIST "
             "files: apt-get install dataset-fashion-mnist");
    test_bad("idx_bad", "a file that is not IDX", not_gzip, IDX_TRAIN_IMAGES ".gz", "magic number 0x3c68746d");
    /* the cache reads a folder once and hands every run the same set */
    write_set("idx_gz", true);
    image_cache c = {0};
    run_spec a = {.task = task_find("smnist")}, b = {.task = task_find("rmnist")}, s = {.task = task_find("copy")};
    char err[RNB_ERRLEN] = "";
    int rc = image_cache_attach(&c, "idx_gz", &a, err) || image_cache_attach(&c, "idx_gz", &b, err) ||
             image_cache_attach(&c, "nowhere", &s, err);
    CHECK(&tally, !rc && c.n == 1 && a.task_data == b.task_data && a.task_data && !s.task_data,
          "cache: one read for two runs, none for a synthetic task (%s)", err);
    image_cache_free(&c);
    return check_done(&tally);
}
