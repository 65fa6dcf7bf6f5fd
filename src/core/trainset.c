#include "trainset.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"

size_t trainset_bytes(const task_type *task, int T, int B)
{
    const size_t L = task->length(T);
    return L * task->in_dim * sizeof(real) + (task->loss == LOSS_XENT ? L * sizeof(int) : 0) +
           (task->loss == LOSS_MSE ? task->out_dim * sizeof(real) : 0) + (size_t)B * sizeof(long);
}

int trainset_init(trainset *s, const task_type *task, int T, int B, long n, uint64_t seed)
{
    const size_t L = task->length(T);
    memset(s, 0, sizeof *s);
    s->n = n, s->seed = seed;
    s->one.x = malloc(L * task->in_dim * sizeof(real));
    s->one.labels = task->loss == LOSS_XENT ? malloc(L * sizeof(int)) : NULL;
    s->one.values = task->loss == LOSS_MSE ? malloc(task->out_dim * sizeof(real)) : NULL;
    s->pick = malloc((size_t)B * sizeof(long));
    if (!s->one.x || (task->loss == LOSS_XENT && !s->one.labels) || (task->loss == LOSS_MSE && !s->one.values) ||
        !s->pick) {
        trainset_free(s);
        return RNB_ENOMEM;
    }
    return RNB_OK;
}

void trainset_free(trainset *s)
{
    free(s->one.x);
    free(s->one.labels);
    free(s->one.values);
    free(s->pick);
    memset(s, 0, sizeof *s);
}

static bool picked(const long *pick, int b, long j)
{
    for (int i = 0; i < b; i++)
        if (pick[i] == j)
            return true;
    return false;
}

/* Sequence j into column b of the batch's (L, B, ...) layout. */
static void put_column(batch *bt, const batch *one, const task_type *task, int L, int B, int b)
{
    const int I = task->in_dim, O = task->out_dim;
    for (int t = 0; t < L; t++)
        memcpy(bt->x + ((size_t)t * B + b) * I, one->x + (size_t)t * I, (size_t)I * sizeof(real));
    if (one->labels)
        for (int t = 0; t < L; t++)
            bt->labels[(size_t)t * B + b] = one->labels[t];
    if (one->values)
        memcpy(bt->values + (size_t)b * O, one->values, (size_t)O * sizeof(real));
}

void trainset_sample(trainset *s, batch *bt, const task_type *task, int T, int B, rng_t *r)
{
    const task_source train = {NULL, SPLIT_TRAIN, NULL, 0};
    for (int b = 0; b < B; b++) {       /* B distinct: B << n, so few redraws */
        long j;
        do
            j = (long)rng_below(r, (uint64_t)s->n);
        while (picked(s->pick, b, j));
        s->pick[b] = j;
        rng_t seq;
        rng_seed(&seq, s->seed, TRAINSET_STREAM + (uint64_t)j);
        task->sample(&s->one, T, 1, &seq, &train);
        put_column(bt, &s->one, task, task->length(T), B, b);
    }
}
