/* test_clip.c - gradient clipping: norm clipping keeps the direction and
 * leaves the norm at the threshold; value clipping bounds every component
 * and leaves those inside alone; none changes nothing; bad specs are
 * refused with a message. */
#include <math.h>
#include <string.h>

#include "../check.h"
#include "clip.h"
#include "rng.h"
#include "status.h"

enum { N = 1000 };
static check_tally tally;

static void random_grad(real *g, rng_t *r, double scale)
{
    for (int k = 0; k < N; k++)
        g[k] = (real)(scale * rng_normal(r));
}

static void test_norm(rng_t *r)
{
    real g[N], orig[N];
    clip_spec c;
    char err[RNB_ERRLEN];
    CHECK(&tally, clip_parse(&c, "norm:2.5", err) == RNB_OK && c.kind == CLIP_NORM &&
                      c.threshold == 2.5, "norm:2.5 parses");
    random_grad(g, r, 1.0);
    memcpy(orig, g, sizeof g);
    double before = grad_norm(g, N);
    double after = clip_apply(&c, g, N, before);
    CHECK(&tally, before > 2.5, "the test gradient is above the threshold (%g)", before);
    CHECK(&tally, fabs(after - 2.5) < 1e-5 * 2.5, "norm after clipping %.9g, want 2.5", after);
    CHECK(&tally, fabs(grad_norm(g, N) - after) < 1e-9, "reported norm is the actual norm");
    /* direction kept: g = s * orig with one s for every component */
    double s = 2.5 / before, worst = 0;
    for (int k = 0; k < N; k++)
        worst = fmax(worst, fabs(g[k] - s * orig[k]) / (fabs(s * orig[k]) + 1e-30));
    CHECK(&tally, worst < 1e-6, "direction changed: worst relative deviation %g", worst);
    /* below the threshold: untouched */
    random_grad(g, r, 0.01);
    memcpy(orig, g, sizeof g);
    before = grad_norm(g, N);
    after = clip_apply(&c, g, N, before);
    CHECK(&tally, after == before && memcmp(g, orig, sizeof g) == 0,
          "a gradient under the threshold was changed");
}

static void test_value(rng_t *r)
{
    real g[N], orig[N];
    clip_spec c;
    char err[RNB_ERRLEN];
    CHECK(&tally, clip_parse(&c, "value:0.5", err) == RNB_OK && c.kind == CLIP_VALUE,
          "value:0.5 parses");
    random_grad(g, r, 1.0);
    memcpy(orig, g, sizeof g);
    double before = grad_norm(g, N);
    double after = clip_apply(&c, g, N, before);
    int out = 0, changed_inside = 0, clipped = 0;
    for (int k = 0; k < N; k++) {
        out += fabs(g[k]) > 0.5;
        if (fabs(orig[k]) <= 0.5)
            changed_inside += g[k] != orig[k];
        else
            clipped += g[k] == (orig[k] > 0 ? (real)0.5 : (real)-0.5);
    }
    CHECK(&tally, out == 0, "%d components outside [-0.5, 0.5]", out);
    CHECK(&tally, changed_inside == 0, "%d components inside the bound were changed", changed_inside);
    CHECK(&tally, clipped > 100, "only %d components clipped to the bound", clipped);
    CHECK(&tally, after < before && fabs(after - grad_norm(g, N)) < 1e-9,
          "norm after %g, before %g", after, before);
}

static void test_none_and_parse(rng_t *r)
{
    real g[N], orig[N];
    clip_spec c;
    char err[RNB_ERRLEN];
    CHECK(&tally, clip_parse(&c, "none", err) == RNB_OK && c.kind == CLIP_NONE, "none parses");
    random_grad(g, r, 100.0);
    memcpy(orig, g, sizeof g);
    double before = grad_norm(g, N);
    CHECK(&tally, clip_apply(&c, g, N, before) == before && memcmp(g, orig, sizeof g) == 0,
          "none changed the gradient");

    const char *bad[] = {"norm", "norm:", "norm:0", "norm:-1", "norm:abc", "value:inf",
                         "value:1x", "clip:1", "", "Norm:1", "norm:nan"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        int rc = clip_parse(&c, bad[i], err);
        CHECK(&tally, rc == RNB_EINVAL && strlen(err) > 10, "'%s' accepted (rc %d, err '%s')",
              bad[i], rc, err);
    }
}

int main(void)
{
    rng_t r;
    rng_seed(&r, 42, 1);
    test_norm(&r);
    test_value(&r);
    test_none_and_parse(&r);
    return check_done(&tally);
}
