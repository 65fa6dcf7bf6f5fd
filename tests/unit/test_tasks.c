/* test_tasks.c - the task generators: layout, targets, and that a
 * memoryless predictor scores the baseline each task claims; and that a
 * stream seeded alike gives the same batch. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "loss.h"
#include "rng.h"
#include "images.h"
#include "task.h"

static check_tally tally;
/* the synthetic tasks read no data */
static const task_source synthetic = {.split = SPLIT_TRAIN};

static void alloc_batch(batch *bt, const task_type *t, int T, int B)
{
    int L = t->length(T);
    bt->x = calloc((size_t)L * B * t->in_dim, sizeof(real));
    bt->labels = calloc((size_t)L * B, sizeof(int));
    bt->values = calloc((size_t)B * t->out_dim, sizeof(real));
}

static void free_batch(batch *bt)
{
    free(bt->x), free(bt->labels), free(bt->values);
}

/* copy (delimiter at T+9) and copy_exprnn (at T+10, the first recall
 * step): the same targets, loss and baseline */
static void test_copy(const char *name, int delim_at)
{
    const task_type *t = task_find(name);
    const int T = 30, B = 64, L = T + 20, I = 10;
    CHECK(&tally, t && t->length(T) == L && t->in_dim == 10 && t->out_dim == 9,
          "%s: L = T+20, 10 inputs, 9 classes", name);
    batch bt;
    alloc_batch(&bt, t, T, B);
    rng_t r;
    rng_seed(&r, 3, RNG_STREAM_DATA);
    t->sample(&bt, T, B, &r, &synthetic);
    int bad_onehot = 0, bad_layout = 0, bad_target = 0;
    int counts[10] = {0};
    for (int b = 0; b < B; b++)
        for (int s = 0; s < L; s++) {
            const real *x = bt.x + ((size_t)s * B + b) * I;
            int sym = -1, ones = 0;
            for (int k = 0; k < I; k++) {
                ones += x[k] == 1;
                if (x[k] == 1)
                    sym = k;
                else if (x[k] != 0)
                    ones += 100;
            }
            bad_onehot += ones != 1;
            int label = bt.labels[s * B + b];
            if (s < 10) {                       /* data symbols 1-8 */
                bad_layout += sym < 1 || sym > 8;
                counts[sym]++;
                /* the same symbol is the target 10 steps after the delimiter */
                bad_target += bt.labels[(T + 10 + s) * B + b] != sym;
            } else if (s == T + delim_at) {
                bad_layout += sym != 9;         /* the delimiter */
            } else {
                bad_layout += sym != 0;         /* blanks */
            }
            if (s < T + 10)
                bad_target += label != 0;
        }
    CHECK(&tally, bad_onehot == 0, "%s: %d inputs not one-hot", name, bad_onehot);
    CHECK(&tally, bad_layout == 0, "%s: %d inputs out of place", name, bad_layout);
    CHECK(&tally, bad_target == 0, "%s: %d targets wrong", name, bad_target);
    int lo = B * 10, hi = 0;
    for (int k = 1; k <= 8; k++)
        lo = counts[k] < lo ? counts[k] : lo, hi = counts[k] > hi ? counts[k] : hi;
    CHECK(&tally, lo > 40 && hi < 120, "%s: data symbols not uniform on 1-8 (%d..%d of 640)", name, lo, hi);

    /* The memoryless predictor: blank for sure until the delimiter, then
     * uniform over the 8 data symbols. Its loss is 10 ln 8 / (T+20). */
    real *y = calloc((size_t)L * B * 9, sizeof(real)), *dy = calloc((size_t)L * B * 9, sizeof(real));
    for (int s = 0; s < L; s++)
        for (int b = 0; b < B; b++) {
            real *z = y + ((size_t)s * B + b) * 9;
            for (int k = 0; k < 9; k++)
                z[k] = s < T + 10 ? (k == 0 ? 0 : -200) : (k == 0 ? -200 : 0);
        }
    double loss = loss_xent(dy, y, bt.labels, L * B, 9);
    CHECK(&tally, fabs(loss - t->baseline(T)) < 1e-9,
          "%s: memoryless loss %.9g, baseline says %.9g", name, loss, t->baseline(T));
    CHECK(&tally, fabs(t->baseline(T) - 10 * log(8.0) / (T + 20)) < 1e-15, "%s: baseline formula", name);
    double m = t->metric(y, &bt, T, B);
    CHECK(&tally, m >= 0 && m <= 0.2, "%s: metric of a constant guess %g, expected about 1/8", name, m);
    /* a perfect predictor scores 1 */
    for (int s = 0; s < L; s++)
        for (int b = 0; b < B; b++) {
            real *z = y + ((size_t)s * B + b) * 9;
            for (int k = 0; k < 9; k++)
                z[k] = k == bt.labels[s * B + b] ? 10 : 0;
        }
    CHECK(&tally, t->metric(y, &bt, T, B) == 1.0, "%s: perfect metric", name);
    CHECK(&tally, t->solved(0.0, 1.0) && !t->solved(0.0, 0.9), "%s: solved rule", name);
    free(y), free(dy);
    free_batch(&bt);
}

static void test_adding(void)
{
    const task_type *t = task_find("adding");
    const int T = 40, B = 20000;
    CHECK(&tally, t && t->length(T) == T && t->in_dim == 2 && t->out_dim == 1,
          "adding: L = T, 2 inputs, 1 output");
    batch bt;
    alloc_batch(&bt, t, T, B);
    rng_t r;
    rng_seed(&r, 5, RNG_STREAM_DATA);
    t->sample(&bt, T, B, &r, &synthetic);
    int bad_markers = 0, bad_target = 0, bad_values = 0;
    double sum_v = 0;
    for (int b = 0; b < B; b++) {
        int first = -1, second = -1, n = 0;
        double want = 0;
        for (int s = 0; s < T; s++) {
            const real *x = bt.x + ((size_t)s * B + b) * 2;
            bad_values += !(x[0] >= 0 && x[0] < 1);
            sum_v += x[0];
            if (x[1] == 1) {
                n++;
                want += x[0];
                if (first < 0)
                    first = s;
                else
                    second = s;
            } else if (x[1] != 0) {
                bad_markers++;
            }
        }
        bad_markers += n != 2 || first < 0 || first >= T / 2 || second < T / 2 || second >= T;
        bad_target += fabs(bt.values[b] - want) > 1e-6;
    }
    CHECK(&tally, bad_markers == 0, "adding: %d sequences without one marker in each half", bad_markers);
    CHECK(&tally, bad_target == 0, "adding: %d targets not the sum of the marked values", bad_target);
    CHECK(&tally, bad_values == 0, "adding: %d values outside [0, 1)", bad_values);
    double mean = sum_v / ((double)T * B);
    CHECK(&tally, fabs(mean - 0.5) < 0.01, "adding: values' mean %g, want 0.5", mean);

    /* Always predicting 1 scores the baseline 1/6, within sampling error. */
    real *y = malloc(B * sizeof(real)), *dy = malloc(B * sizeof(real));
    for (int b = 0; b < B; b++)
        y[b] = 1;
    double loss = loss_mse(dy, y, bt.values, B);
    CHECK(&tally, fabs(loss - t->baseline(T)) < 0.03 * t->baseline(T),
          "adding: predicting 1 gives MSE %g, baseline says %g", loss, t->baseline(T));
    double m = t->metric(y, &bt, T, B);
    CHECK(&tally, m > 0.02 && m < 0.1, "adding: metric of a constant guess %g", m);
    CHECK(&tally, t->solved(0.005, 0) && !t->solved(0.02, 1), "adding: solved rule");
    free(y), free(dy);
    free_batch(&bt);
}

/* adding_pascanu: markers in [0, 0.1T) and [0.1T, 0.5T), both reached;
 * the target their mean; predicting 0.5 scores 1/24; their criterion
 * (squared error <= 0.04) holds for a constant 0.5 with probability
 * 1 - 2 (2 * 0.3^2) = 0.64 (the mean of two uniforms is triangular) */
static void test_adding_pascanu(void)
{
    const task_type *t = task_find("adding_pascanu");
    const int T = 40, B = 20000;
    CHECK(&tally, t && t->length(T) == T && t->in_dim == 2 && t->out_dim == 1, "adding_pascanu: L = T, 2 in, 1 out");
    batch bt;
    alloc_batch(&bt, t, T, B);
    rng_t r;
    rng_seed(&r, 6, RNG_STREAM_DATA);
    t->sample(&bt, T, B, &r, &synthetic);
    int bad = 0, lo1 = T, hi1 = -1, lo2 = T, hi2 = -1;
    for (int b = 0; b < B; b++) {
        int pos[3], n = 0;
        double sum = 0;
        for (int s = 0; s < T; s++) {
            const real *x = bt.x + ((size_t)s * B + b) * 2;
            bad += !(x[0] >= 0 && x[0] < 1) || (x[1] != 0 && x[1] != 1);
            if (x[1] == 1 && n < 3)
                pos[n++] = s, sum += x[0];
        }
        bad += n != 2 || fabs(bt.values[b] - sum / 2) > 1e-6;
        if (n == 2) {
            lo1 = pos[0] < lo1 ? pos[0] : lo1, hi1 = pos[0] > hi1 ? pos[0] : hi1;
            lo2 = pos[1] < lo2 ? pos[1] : lo2, hi2 = pos[1] > hi2 ? pos[1] : hi2;
        }
    }
    CHECK(&tally, bad == 0 && lo1 == 0 && hi1 == 3 && lo2 == 4 && hi2 == 19,
          "adding_pascanu: %d bad; first marker %d..%d (0..3), second %d..%d (4..19)", bad, lo1, hi1, lo2, hi2);
    real *y = malloc(B * sizeof(real)), *dy = malloc(B * sizeof(real));
    for (int b = 0; b < B; b++)
        y[b] = 0.5;
    const double loss = loss_mse(dy, y, bt.values, B), m = t->metric(y, &bt, T, B);
    CHECK(&tally, fabs(loss / t->baseline(T) - 1) < 0.03 && fabs(t->baseline(T) - 1.0 / 24) < 1e-15,
          "adding_pascanu: predicting 0.5 gives MSE %g, baseline 1/24", loss);
    CHECK(&tally, fabs(m - 0.64) < 0.015, "adding_pascanu: a constant 0.5 within 0.2 for %g (0.64)", m);
    CHECK(&tally, t->solved(1, 0.995) && !t->solved(0, 0.98), "adding_pascanu: solved at under 1%% wrong");
    free(y), free(dy);
    free_batch(&bt);
}

/* Which symbol of I a one-hot input row holds; -1 if it is not one-hot. */
static int onehot(const real *x, int I)
{
    int sym = -1, ones = 0;
    for (int k = 0; k < I; k++) {
        if (x[k] == 1)
            sym = k, ones++;
        else if (x[k] != 0)
            return -1;
    }
    return ones == 1 ? sym : -1;
}

static void test_temporal(const char *name, int K, const int *window, int classes)
{
    const task_type *t = task_find(name);
    const int T = 50, B = 4000, I = 6;
    CHECK(&tally, t && t->length(T) == T && t->in_dim == I && t->out_dim == classes && t->min_T == 10,
          "%s: L = T, 6 inputs, %d classes", name, classes);
    if (!t)
        return;
    batch bt;
    alloc_batch(&bt, t, T, B);
    rng_t r;
    rng_seed(&r, 7, RNG_STREAM_DATA);
    t->sample(&bt, T, B, &r, &synthetic);
    int bad = 0, counts[8] = {0}, distract[6] = {0};
    for (int b = 0; b < B; b++) {
        int k = 0, cls = 0;
        for (int s = 0; s < T; s++) {
            int sym = onehot(bt.x + ((size_t)s * B + b) * I, I);
            if (sym < 0) {
                bad++;
            } else if (sym < 2) {   /* a relevant symbol, in its window, in order */
                bad += k >= K || s < window[k] * T / 10 || s >= (window[k] + 1) * T / 10;
                cls = 2 * cls + sym, k++;
            } else {
                distract[sym]++;
            }
        }
        bad += k != K || bt.labels[b] != cls;
        if (cls >= 0 && cls < classes)
            counts[cls]++;
    }
    CHECK(&tally, bad == 0, "%s: %d sequences out of layout or with a wrong class", name, bad);
    int lo = B, hi = 0;
    for (int c = 0; c < classes; c++)
        lo = counts[c] < lo ? counts[c] : lo, hi = counts[c] > hi ? counts[c] : hi;
    CHECK(&tally, lo > 0.8 * B / classes && hi < 1.2 * B / classes, "%s: classes not uniform (%d..%d)", name, lo, hi);
    CHECK(&tally, distract[2] > 0.9 * distract[5] && distract[2] < 1.1 * distract[5], "%s: distractors not uniform", name);
    /* the memoryless predictor is chance: equal logits */
    real *y = calloc((size_t)B * classes, sizeof(real)), *dy = calloc((size_t)B * classes, sizeof(real));
    double loss = loss_xent(dy, y, bt.labels, B, classes);
    CHECK(&tally, fabs(loss - t->baseline(T)) < 1e-9 && fabs(t->baseline(T) - log(classes)) < 1e-15,
          "%s: chance %g, baseline says %g", name, loss, t->baseline(T));
    for (int b = 0; b < B; b++)
        y[(size_t)b * classes + bt.labels[b]] = 5;
    CHECK(&tally, t->metric(y, &bt, T, B) == 1.0 && t->solved(0, 0.995) && !t->solved(0, 0.98),
          "%s: perfect metric and solved rule", name);
    free(y), free(dy);
    free_batch(&bt);
}

static void test_permutation(void)
{
    const task_type *t = task_find("random_permutation");
    const int T = 20, B = 4000, I = 100;
    CHECK(&tally, t && t->length(T) == T && t->in_dim == I && t->out_dim == I, "random_permutation: shape");
    if (!t)
        return;
    batch bt;
    alloc_batch(&bt, t, T, B);
    rng_t r;
    rng_seed(&r, 8, RNG_STREAM_DATA);
    t->sample(&bt, T, B, &r, &synthetic);
    int bad = 0, ones = 0;
    for (int b = 0; b < B; b++)
        for (int s = 0; s < T; s++) {
            int sym = onehot(bt.x + ((size_t)s * B + b) * I, I);
            bad += s == 0 ? (sym != bt.labels[b] || sym < 0 || sym > 1) : (sym < 2);
            ones += s == 0 && sym == 1;
        }
    CHECK(&tally, bad == 0, "random_permutation: %d steps out of layout", bad);
    CHECK(&tally, ones > 0.45 * B && ones < 0.55 * B, "random_permutation: first symbol not 0/1 evenly (%d)", ones);
    /* memoryless: 1/2 on each of 0 and 1, nothing elsewhere */
    real *y = calloc((size_t)B * I, sizeof(real)), *dy = calloc((size_t)B * I, sizeof(real));
    for (int b = 0; b < B; b++)
        for (int k = 2; k < I; k++)
            y[(size_t)b * I + k] = -200;
    double loss = loss_xent(dy, y, bt.labels, B, I);
    CHECK(&tally, fabs(loss - t->baseline(T)) < 1e-9, "random_permutation: memoryless %g, baseline %g", loss, t->baseline(T));
    free(y), free(dy);
    free_batch(&bt);
}

static void test_memorization(void)
{
    const task_type *t = task_find("memorization");
    const int T = 25, B = 64, L = T + 20, I = 7, O = 6;
    CHECK(&tally, t && t->length(T) == L && t->in_dim == I && t->out_dim == O, "memorization: shape");
    if (!t)
        return;
    batch bt;
    alloc_batch(&bt, t, T, B);
    rng_t r;
    rng_seed(&r, 9, RNG_STREAM_DATA);
    t->sample(&bt, T, B, &r, &synthetic);
    int bad = 0;
    for (int b = 0; b < B; b++)
        for (int s = 0; s < L; s++) {
            int sym = onehot(bt.x + ((size_t)s * B + b) * I, I), label = bt.labels[s * B + b];
            if (s < 10)
                bad += sym < 1 || sym > 5 || bt.labels[(T + 10 + s) * B + b] != sym;
            else
                bad += sym != (s == T + 9 ? 6 : 0);
            if (s < T + 10)
                bad += label != 0;
        }
    CHECK(&tally, bad == 0, "memorization: %d steps out of layout", bad);
    real *y = calloc((size_t)L * B * O, sizeof(real)), *dy = calloc((size_t)L * B * O, sizeof(real));
    for (int s = 0; s < L; s++)
        for (int b = 0; b < B; b++)
            for (int k = 0; k < O; k++)
                y[((size_t)s * B + b) * O + k] = s < T + 10 ? (k == 0 ? 0 : -200) : (k == 0 ? -200 : 0);
    double loss = loss_xent(dy, y, bt.labels, L * B, O);
    CHECK(&tally, fabs(loss - t->baseline(T)) < 1e-9 && fabs(t->baseline(T) - 10 * log(5.0) / (T + 20)) < 1e-15,
          "memorization: memoryless %g, baseline %g", loss, t->baseline(T));
    free(y), free(dy);
    free_batch(&bt);
}

static void test_multiplication(void)
{
    const task_type *t = task_find("multiplication");
    const int T = 30, B = 20000;
    CHECK(&tally, t && t->length(T) == T && t->in_dim == 2 && t->out_dim == 1, "multiplication: shape");
    if (!t)
        return;
    batch bt;
    alloc_batch(&bt, t, T, B);
    rng_t r;
    rng_seed(&r, 10, RNG_STREAM_DATA);
    t->sample(&bt, T, B, &r, &synthetic);
    int bad = 0;
    for (int b = 0; b < B; b++) {
        double want = 1;
        int n = 0;
        for (int s = 0; s < T; s++) {
            const real *x = bt.x + ((size_t)s * B + b) * 2;
            if (x[1] == 1)
                want *= x[0], n++, bad += n == 1 ? s >= T / 2 : s < T / 2;
        }
        bad += n != 2 || fabs(bt.values[b] - want) > 1e-6;
    }
    CHECK(&tally, bad == 0, "multiplication: %d targets not the product of the marked values", bad);
    /* predicting the mean 1/4 scores the baseline 7/144 */
    real *y = malloc(B * sizeof(real)), *dy = malloc(B * sizeof(real));
    for (int b = 0; b < B; b++)
        y[b] = 0.25;
    double loss = loss_mse(dy, y, bt.values, B);
    CHECK(&tally, fabs(loss - t->baseline(T)) < 0.03 * t->baseline(T),
          "multiplication: predicting 1/4 gives %g, baseline says %g", loss, t->baseline(T));
    CHECK(&tally, t->solved(0.002, 0) && !t->solved(0.004, 1), "multiplication: solved rule");
    free(y), free(dy);
    free_batch(&bt);
}

static void test_determinism(void)
{
    const task_type *t = task_find("copy");
    const int T = 10, B = 4;
    batch a, b;
    alloc_batch(&a, t, T, B);
    alloc_batch(&b, t, T, B);
    rng_t ra, rb;
    rng_seed(&ra, 11, RNG_STREAM_DATA);
    rng_seed(&rb, 11, RNG_STREAM_DATA);
    t->sample(&a, T, B, &ra, &synthetic);
    t->sample(&b, T, B, &rb, &synthetic);
    size_t nx = (size_t)t->length(T) * B * t->in_dim;
    CHECK(&tally, memcmp(a.x, b.x, nx * sizeof(real)) == 0, "same seed, same batch");
    rng_seed(&rb, 12, RNG_STREAM_DATA);
    t->sample(&b, T, B, &rb, &synthetic);
    CHECK(&tally, memcmp(a.x, b.x, nx * sizeof(real)) != 0, "another seed, another batch");
    rng_seed(&rb, 11, RNG_STREAM_INIT);
    t->sample(&b, T, B, &rb, &synthetic);
    CHECK(&tally, memcmp(a.x, b.x, nx * sizeof(real)) != 0, "another stream, another batch");
    free_batch(&a), free_batch(&b);
    CHECK(&tally, task_find("nope") == NULL, "unknown task");
}

/* The image tasks over a few images of known pixels: pixel p of image i
 * of a split is (i * 7 + p + 100 * split) mod 256, its label i. */
enum { N_TRAIN = 7, N_TEST = 3 };
static unsigned char px_train[N_TRAIN * IMAGE_PIXELS], px_test[N_TEST * IMAGE_PIXELS];
static unsigned char lb_train[N_TRAIN], lb_test[N_TEST];

static image_set known_images(void)
{
    for (int i = 0; i < N_TRAIN; i++)
        for (int p = 0; p < IMAGE_PIXELS; p++)
            px_train[i * IMAGE_PIXELS + p] = (unsigned char)((i * 7 + p) % 256), lb_train[i] = (unsigned char)i;
    for (int i = 0; i < N_TEST; i++)
        for (int p = 0; p < IMAGE_PIXELS; p++)
            px_test[i * IMAGE_PIXELS + p] = (unsigned char)((i * 7 + p + 100) % 256), lb_test[i] = (unsigned char)i;
    return (image_set){.n = {N_TRAIN, N_TEST}, .pixels = {px_train, px_test}, .labels = {lb_train, lb_test}};
}

/* Step t of row b of bt holds the pixels order[t*I .. t*I+I-1] of image
 * `image` of the split: the count of those that do not. */
static int misplaced(const batch *bt, int T, int B, int b, int I, const int *order, int image, int split)
{
    int bad = 0;
    for (int t = 0; t < T; t++)
        for (int j = 0; j < I; j++) {
            int p = order ? order[t * I + j] : t * I + j;
            double want = ((image * 7 + p + 100 * split) % 256) / 255.0;
            bad += fabs(bt->x[((size_t)t * B + b) * I + j] - want) > 1e-7;
        }
    return bad;
}

static void test_images(const char *name, int T, int I)
{
    const task_type *t = task_find(name);
    CHECK(&tally, t && t->fixed_T == T && t->length(T) == T && t->in_dim == I && t->out_dim == 10 && t->dataset,
          "%s: %d steps of %d, 10 classes, over a dataset", name, T, I);
    if (!t)
        return;
    image_set d = known_images();
    const int B = 3, perm_seed = 5;
    void *state = malloc(t->state_bytes(&d));
    t->state_init(state, &d, perm_seed);
    int perm[IMAGE_PIXELS], *order = NULL;
    if (t->permuted) {
        image_permutation(perm, IMAGE_PIXELS, perm_seed);
        order = perm;
    }
    batch bt;
    alloc_batch(&bt, t, T, B);
    rng_t r;
    rng_seed(&r, 4, RNG_STREAM_DATA);
    /* two epochs in batches of 3: each shows every image once, in another order */
    int seen[2][N_TRAIN] = {{0}}, bad = 0, pos = 0, first[N_TRAIN], second[N_TRAIN];
    for (int k = 0; k < (2 * N_TRAIN + B - 1) / B; k++) {
        t->sample(&bt, T, B, &r, &(task_source){.data = &d, .split = SPLIT_TRAIN, .state = state});
        for (int b = 0; b < B && pos < 2 * N_TRAIN; b++, pos++) {
            int i = bt.labels[b];
            bad += i < 0 || i >= N_TRAIN || misplaced(&bt, T, B, b, I, order, i, 0) != 0;
            if (i >= 0 && i < N_TRAIN) {
                seen[pos / N_TRAIN][i]++;
                (pos < N_TRAIN ? first : second)[pos % N_TRAIN] = i;
            }
        }
    }
    int once = 0;
    for (int e = 0; e < 2; e++)
        for (int i = 0; i < N_TRAIN; i++)
            once += seen[e][i] == 1;
    CHECK(&tally, bad == 0, "%s: %d training rows not their image in %s order", name, bad, order ? "perm's" : "raster");
    CHECK(&tally, once == 2 * N_TRAIN, "%s: an epoch is not a permutation of the training images", name);
    CHECK(&tally, memcmp(first, second, sizeof first) != 0, "%s: two epochs in the same order", name);
    /* held out: the index-th test image on, wrapping round */
    t->sample(&bt, T, B, &r, &(task_source){.data = &d, .split = SPLIT_HELDOUT, .state = state, .index = 2});
    bad = 0;
    for (int b = 0; b < B; b++)
        bad += bt.labels[b] != (2 + b) % N_TEST || misplaced(&bt, T, B, b, I, order, (2 + b) % N_TEST, 1) != 0;
    CHECK(&tally, bad == 0, "%s: %d held-out rows not test images 2, 0, 1", name, bad);
    CHECK(&tally, t->split_size(&d, SPLIT_TRAIN) == N_TRAIN && t->split_size(&d, SPLIT_HELDOUT) == N_TEST,
          "%s: split sizes", name);
    /* uniform logits score the baseline ln 10, and 1/10 of the rows right */
    real y[3 * 10] = {0}, dy[3 * 10];
    double loss = loss_xent(dy, y, bt.labels, B, 10);
    CHECK(&tally, fabs(loss - t->baseline(T)) < 1e-12 && fabs(t->baseline(T) - log(10.0)) < 1e-15,
          "%s: uniform logits %g, baseline %g", name, loss, t->baseline(T));
    free(state);
    free_batch(&bt);
}

/* psmnist's order: a permutation, not the raster, fixed by its seed. */
static void test_pixel_permutation(void)
{
    int a[IMAGE_PIXELS], b[IMAGE_PIXELS], c[IMAGE_PIXELS], count[IMAGE_PIXELS] = {0}, fixed = 0;
    image_permutation(a, IMAGE_PIXELS, 1);
    image_permutation(b, IMAGE_PIXELS, 1);
    image_permutation(c, IMAGE_PIXELS, 2);
    for (int p = 0; p < IMAGE_PIXELS; p++)
        count[a[p]]++, fixed += a[p] == p;
    int ones = 0;
    for (int p = 0; p < IMAGE_PIXELS; p++)
        ones += count[p] == 1;
    CHECK(&tally, ones == IMAGE_PIXELS && fixed < 10, "permutation: %d of 784 pixels once, %d in place", ones, fixed);
    CHECK(&tally, memcmp(a, b, sizeof a) == 0 && memcmp(a, c, sizeof a) != 0, "permutation: fixed by its seed");
}

int main(void)
{
    test_copy("copy", 9);
    test_copy("copy_exprnn", 10);
    test_adding_pascanu();
    test_adding();
    test_temporal("temporal_order", 2, (const int[]){1, 5}, 4);
    test_temporal("temporal_order3", 3, (const int[]){1, 3, 6}, 8);
    test_permutation();
    test_memorization();
    test_multiplication();
    test_determinism();
    test_images("smnist", 784, 1);
    test_images("psmnist", 784, 1);
    test_images("rmnist", 28, 28);
    test_pixel_permutation();
    return check_done(&tally);
}
