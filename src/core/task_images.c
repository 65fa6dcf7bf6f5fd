/* task_images.c - classification of whole images read one piece per step:
 *   smnist   pixel by pixel in raster order, L = 784 steps of I = 1 (Le,
 *            Jaitly & Hinton 2015's sequential MNIST);
 *   psmnist  the same pixels under one fixed random permutation (theirs,
 *            permuted), drawn from perm_seed;
 *   rmnist   row by row, L = 28 steps of I = 28.
 * Pixels scaled to [0, 1]. The class is read from the last step's readout,
 * a 10-way softmax cross-entropy; metric accuracy; the memoryless baseline
 * ln 10 (Fashion-MNIST's classes are balanced). Training batches walk the
 * training images in an order shuffled afresh each epoch from the run's
 * stream; the held-out set is the test images in their file's order. */
#include <string.h>

#include "fmath.h"
#include "images.h"
#include "loss.h"

/* A run's place in its epoch, and its pixel order: followed in the same
 * block by perm (IMAGE_PIXELS), pixel perm[t] at step t, and order (n),
 * this epoch's order of the training images. No pointers, so that the
 * state is plain bytes a checkpoint can copy (task.h). */
typedef struct {
    long n, next;           /* training images; the next position in order (n: a new epoch) */
} image_state;

static int *perm_of(image_state *s) { return (int *)(s + 1); }
static int *order_of(image_state *s) { return perm_of(s) + IMAGE_PIXELS; }

static const image_set *set_of(const void *data) { return data; }

static long images_split_size(const void *data, task_split split) { return set_of(data)->n[split]; }

static size_t images_state_bytes(const void *data)
{
    return sizeof(image_state) + (IMAGE_PIXELS + (size_t)set_of(data)->n[SPLIT_TRAIN]) * sizeof(int);
}

static image_state *state_setup(void *state, const void *data)
{
    image_state *s = state;
    s->n = s->next = set_of(data)->n[SPLIT_TRAIN];
    for (long i = 0; i < s->n; i++)
        order_of(s)[i] = (int)i;
    return s;
}

static void raster_init(void *state, const void *data, uint64_t perm_seed)
{
    (void)perm_seed;
    image_state *s = state_setup(state, data);
    for (int p = 0; p < IMAGE_PIXELS; p++)
        perm_of(s)[p] = p;
}

static void permuted_init(void *state, const void *data, uint64_t perm_seed)
{
    image_permutation(perm_of(state_setup(state, data)), IMAGE_PIXELS, perm_seed);
}

static void shuffle(int *a, long n, rng_t *r)
{
    for (long i = n - 1; i > 0; i--) {
        long j = (long)rng_below(r, (uint64_t)i + 1);
        int t = a[i];
        a[i] = a[j], a[j] = t;
    }
}

void image_permutation(int *perm, int n, uint64_t seed)
{
    rng_t r;
    rng_seed(&r, seed, RNG_STREAM_PERM);
    for (int i = 0; i < n; i++)
        perm[i] = i;
    shuffle(perm, n, &r);
}

/* Which image is row b of the batch: the next of the epoch's order
 * (training), or the index-th of the test set onwards, wrapping round. */
static long image_of(const task_source *src, int b, rng_t *r)
{
    const image_set *d = set_of(src->data);
    if (src->split == SPLIT_HELDOUT)
        return (src->index + b) % d->n[SPLIT_HELDOUT];
    image_state *s = src->state;
    if (s->next == s->n) {
        shuffle(order_of(s), s->n, r);
        s->next = 0;
    }
    return order_of(s)[s->next++];
}

/* x (L, B, I): step t of row b holds pixels t*I .. t*I + I-1 of the
 * image's order (raster, or perm). */
static void images_sample(batch *bt, int T, int B, rng_t *r, const task_source *src)
{
    const image_set *d = set_of(src->data);
    const int *perm = perm_of(src->state);
    const int I = IMAGE_PIXELS / T;
    for (int b = 0; b < B; b++) {
        long i = image_of(src, b, r);
        const unsigned char *px = d->pixels[src->split] + i * IMAGE_PIXELS;
        for (int t = 0; t < T; t++)
            for (int j = 0; j < I; j++)
                bt->x[((size_t)t * B + b) * I + j] = (real)(px[perm[t * I + j]] / 255.0);
        bt->labels[b] = d->labels[src->split][i];
    }
}

static int images_length(int T) { return T; }
static double images_baseline(int T) { (void)T; return fm_log(IMAGE_CLASSES); }
static double images_metric(const real *y, const batch *bt, int T, int B)
{
    (void)T;
    return accuracy(y, bt->labels, B, IMAGE_CLASSES);
}
/* A benchmark, not a threshold: its result is the test accuracy. */
static bool images_solved(double loss, double metric)
{
    (void)loss, (void)metric;
    return false;
}

#define IMAGE_TASK(NAME, T_, I_, INIT, PERMUTED, SUMMARY, SOURCE)                            \
    const task_type task_##NAME = {                                                      \
        .name = #NAME, .summary = SUMMARY, .source = SOURCE,                             \
        .in_dim = I_, .out_dim = IMAGE_CLASSES, .min_T = T_,                             \
        .readout = READOUT_LAST, .loss = LOSS_XENT,                                      \
        .metric_name = "accuracy",                                                       \
        .solved_rule = "no solved rule (a benchmark: read its test accuracy)",          \
        .length = images_length, .sample = images_sample, .baseline = images_baseline,   \
        .metric = images_metric, .solved = images_solved,                                \
        .dataset = "fashion-mnist", .fixed_T = T_, .split_size = images_split_size,      \
        .state_bytes = images_state_bytes, .state_init = INIT, .permuted = PERMUTED,     \
    };

IMAGE_TASK(smnist, IMAGE_PIXELS, 1, raster_init, false,
           "classify a 28x28 image (Fashion-MNIST) read one pixel a step, in raster order: T = 784; 10-way cross-entropy at the last step",
           "Le, Jaitly & Hinton 2015 (sequential MNIST); Xiao, Rasul & Vollgraf 2017 (Fashion-MNIST)")
IMAGE_TASK(psmnist, IMAGE_PIXELS, 1, permuted_init, true,
           "smnist with the pixels in one fixed random order (perm_seed): T = 784",
           "Le, Jaitly & Hinton 2015 (permuted MNIST); Xiao, Rasul & Vollgraf 2017 (Fashion-MNIST)")
IMAGE_TASK(rmnist, IMAGE_ROWS, IMAGE_COLS, raster_init, false,
           "classify a 28x28 image (Fashion-MNIST) read one row a step: T = 28, I = 28",
           "row-by-row MNIST; Xiao, Rasul & Vollgraf 2017 (Fashion-MNIST)")
