/* test_trainset.c - the fixed training set (train_set): each batch holds B
 * distinct sequences of the set; column b is sequence pick[b] as its own
 * stream gives it, whatever the batch size; a set as large as the batch
 * gives every step the same sequences; the picks are uniform over the
 * set; and trainer_step draws its batches from the set. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "config.h"
#include "status.h"
#include "trainer.h"
#include "trainset.h"

static check_tally tally;

static void alloc_batch(batch *bt, const task_type *t, int T, int B)
{
    const size_t L = t->length(T);
    bt->x = calloc(L * B * t->in_dim, sizeof(real));
    bt->labels = t->loss == LOSS_XENT ? calloc(L * B, sizeof(int)) : NULL;
    bt->values = t->loss == LOSS_MSE ? calloc((size_t)B * t->out_dim, sizeof(real)) : NULL;
}

static void free_batch(batch *bt) { free(bt->x), free(bt->labels), free(bt->values); }

/* Column b of bt against sequence j drawn alone from its stream. */
static bool column_is(const batch *bt, const task_type *t, int T, int B, int b, uint64_t seed, long j)
{
    const int L = t->length(T), I = t->in_dim, O = t->out_dim;
    batch one;
    alloc_batch(&one, t, T, 1);
    rng_t r;
    rng_seed(&r, seed, TRAINSET_STREAM + (uint64_t)j);
    const task_source train = {.split = SPLIT_TRAIN};
    t->sample(&one, T, 1, &r, &train);
    bool same = true;
    for (int s = 0; s < L; s++) {
        same &= memcmp(bt->x + ((size_t)s * B + b) * I, one.x + (size_t)s * I, (size_t)I * sizeof(real)) == 0;
        if (one.labels)
            same &= bt->labels[(size_t)s * B + b] == one.labels[s];
    }
    if (one.values)
        same &= memcmp(bt->values + (size_t)b * O, one.values, (size_t)O * sizeof(real)) == 0;
    free_batch(&one);
    return same;
}

/* Every column is its index's sequence, the indices distinct and uniform. */
static void test_batches(const char *task, int B)
{
    const task_type *t = task_find(task);
    const int T = 12, N = 50, STEPS = 2000;
    const uint64_t seed = 7;
    trainset s;
    batch bt;
    CHECK(&tally, trainset_init(&s, t, T, B, N, seed) == RNB_OK, "%s: trainset_init", task);
    alloc_batch(&bt, t, T, B);
    rng_t r;
    rng_seed(&r, seed, RNG_STREAM_DATA);
    long count[N];
    memset(count, 0, sizeof count);
    int wrong = 0, repeated = 0;
    for (int step = 0; step < STEPS; step++) {
        trainset_sample(&s, &bt, t, T, B, &r);
        for (int b = 0; b < B; b++) {
            count[s.pick[b]]++;
            wrong += step < 100 && !column_is(&bt, t, T, B, b, seed, s.pick[b]);
            for (int c = 0; c < b; c++)
                repeated += s.pick[c] == s.pick[b];
        }
    }
    CHECK(&tally, wrong == 0, "%s, B = %d: %d columns are not their sequence as its stream gives it", task, B, wrong);
    CHECK(&tally, repeated == 0, "%s, B = %d: %d repeated sequences in a batch", task, B, repeated);
    /* each index is picked with probability B/N a step: binomial counts */
    const double mean = (double)STEPS * B / N, sd = sqrt(mean * (1.0 - (double)B / N));
    int off = 0;
    for (int j = 0; j < N; j++)
        off += fabs(count[j] - mean) > 6 * sd;
    CHECK(&tally, off == 0, "%s, B = %d: %d of %d sequences picked outside %.0f +- 6 x %.1f times", task, B, off, N,
          mean, sd);
    free_batch(&bt);
    trainset_free(&s);
}

/* A set of B sequences: every step's batch is all of them. */
static void test_whole_set(void)
{
    const task_type *t = task_find("copy");
    const int T = 5, B = 6;
    trainset s;
    batch bt;
    CHECK(&tally, trainset_init(&s, t, T, B, B, 3) == RNB_OK, "trainset_init, N = B");
    alloc_batch(&bt, t, T, B);
    rng_t r;
    rng_seed(&r, 3, RNG_STREAM_DATA);
    int bad = 0;
    for (int step = 0; step < 50; step++) {
        trainset_sample(&s, &bt, t, T, B, &r);
        long seen = 0;
        for (int b = 0; b < B; b++)
            seen |= 1L << s.pick[b];
        bad += seen != (1L << B) - 1;
    }
    CHECK(&tally, bad == 0, "N = B = %d: %d of 50 batches are not the whole set", B, bad);
    free_batch(&bt);
    trainset_free(&s);
}

/* Through the trainer: with train_set = batch, two steps see the same B
 * sequences (as a multiset of columns); without it, other ones. */
static bool same_columns(const real *a, const real *b, int L, int B, int I)
{
    int matched = 0;
    for (int i = 0; i < B; i++)
        for (int j = 0; j < B; j++) {
            bool eq = true;
            for (int s = 0; s < L && eq; s++)
                eq = memcmp(a + ((size_t)s * B + i) * I, b + ((size_t)s * B + j) * I, (size_t)I * sizeof(real)) == 0;
            if (eq) {
                matched++;
                break;
            }
        }
    return matched == B;
}

static void test_trainer(const char *train_set, bool want_same)
{
    config c;
    char err[RNB_ERRLEN];
    config_defaults(&c);
    config_set(&c, "task", "copy", err);
    config_set(&c, "seq_len", "8", err);
    config_set(&c, "hidden", "8", err);
    config_set(&c, "batch", "4", err);
    config_set(&c, "train_set", train_set, err);
    run_spec s;
    trainer tr;
    if (config_resolve(&s, &c, err) || trainer_create(&tr, &s, err)) {
        CHECK(&tally, false, "train_set = %s: %s", train_set, err);
        return;
    }
    const size_t n = (size_t)tr.m.L * tr.m.B * tr.m.I;
    real *first = malloc(n * sizeof(real));
    step_record rec;
    trainer_step(&tr, &rec);
    memcpy(first, tr.m.bt.x, n * sizeof(real));
    trainer_step(&tr, &rec);
    CHECK(&tally, same_columns(first, tr.m.bt.x, tr.m.L, tr.m.B, tr.m.I) == want_same,
          "train_set = %s: the second step's batch %s the first's sequences", train_set,
          want_same ? "does not hold" : "holds");
    free(first);
    trainer_free(&tr);
}

int main(void)
{
    test_batches("copy", 8);
    test_batches("adding", 8);
    test_batches("adding", 1);
    test_whole_set();
    test_trainer("4", true);
    test_trainer("0", false);
    return check_done(&tally);
}
