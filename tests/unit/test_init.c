/* test_init.c - initial weights: PyTorch's uniform bound, orthogonal
 * blocks (W W^T = gain^2 I), identity blocks with zero biases, the forget
 * bias, that the same seed gives the same weights; the new cells' paper
 * inits (IndRNN's bounds on u per layer, its constraint; minGRU and
 * minLSTM's nn.Linear default) and what a diagonal or absent recurrence
 * refuses. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "config.h"
#include "init.h"
#include "model.h"
#include "spectral.h"
#include "status.h"

static check_tally tally;
enum { I = 7, H = 33 };

static real *make(const cell_type *cell, layer_params *p)
{
    real *slab = calloc(layer_param_count(cell, I, H), sizeof(real));
    layer_params_view(p, slab, cell, I, H);
    return slab;
}

static void test_uniform(void)
{
    const cell_type *cell = cell_find("lstm");
    layer_params p;
    real *slab = make(cell, &p);
    init_spec s;
    char err[RNB_ERRLEN];
    init_parse(&s, "uniform", err);
    rng_t r;
    rng_seed(&r, 1, RNG_STREAM_INIT);
    CHECK(&tally, init_layer(&p, cell, I, H, &s, &r, err) == RNB_OK, "uniform: %s", err);
    size_t n = layer_param_count(cell, I, H);
    double bound = 1 / sqrt((double)H), mx = 0, mean = 0;
    for (size_t k = 0; k < n; k++)
        mx = fmax(mx, fabs(slab[k])), mean += slab[k];
    mean /= n;
    CHECK(&tally, mx <= bound && mx > 0.95 * bound, "uniform: max |w| %g, bound %g", mx, bound);
    CHECK(&tally, fabs(mean) < 0.05 * bound, "uniform: mean %g", mean);
    /* same seed, same weights */
    layer_params q;
    real *again = make(cell, &q);
    rng_seed(&r, 1, RNG_STREAM_INIT);
    init_layer(&q, cell, I, H, &s, &r, err);
    CHECK(&tally, memcmp(slab, again, n * sizeof(real)) == 0, "uniform: not reproducible");
    free(slab), free(again);
}

static void test_orthogonal(void)
{
    const cell_type *cell = cell_find("gru");
    layer_params p;
    real *slab = make(cell, &p);
    init_spec s;
    char err[RNB_ERRLEN];
    CHECK(&tally, init_parse(&s, "orthogonal:1.5", err) == RNB_OK && s.gain == 1.5, "parse");
    rng_t r;
    rng_seed(&r, 2, RNG_STREAM_INIT);
    CHECK(&tally, init_layer(&p, cell, I, H, &s, &r, err) == RNB_OK, "orthogonal: %s", err);
    for (int blk = 0; blk < cell->G; blk++) {
        const real *w = p.w_hh + (size_t)blk * H * H;
        double worst = 0;
        for (int i = 0; i < H; i++)
            for (int j = 0; j < H; j++) {
                double dot = 0;
                for (int k = 0; k < H; k++)
                    dot += (double)w[i * H + k] * w[j * H + k];
                worst = fmax(worst, fabs(dot - (i == j ? 2.25 : 0)));
            }
        CHECK(&tally, worst < 1e-5, "orthogonal block %d: |W W^T - gain^2 I| up to %g", blk, worst);
    }
    CHECK(&tally, memcmp(p.w_hh, p.w_hh + H * H, H * H * sizeof(real)) != 0,
          "orthogonal: blocks are distinct draws");
    free(slab);
}

static void test_identity_and_forget(void)
{
    const cell_type *cell = cell_find("rnn_relu");
    layer_params p;
    real *slab = make(cell, &p);
    init_spec s;
    char err[RNB_ERRLEN];
    init_parse(&s, "identity", err);
    rng_t r;
    rng_seed(&r, 3, RNG_STREAM_INIT);
    init_layer(&p, cell, I, H, &s, &r, err);
    int off = 0, nonzero_bias = 0;
    for (int i = 0; i < H; i++) {
        for (int j = 0; j < H; j++)
            off += p.w_hh[i * H + j] != (i == j ? 1 : 0);
        nonzero_bias += p.b_ih[i] != 0 || p.b_hh[i] != 0;
    }
    CHECK(&tally, off == 0 && nonzero_bias == 0, "identity: %d off entries, %d nonzero biases",
          off, nonzero_bias);
    free(slab);

    const cell_type *lstm = cell_find("lstm");
    slab = make(lstm, &p);
    init_parse(&s, "uniform", err);
    s.set_forget_bias = true, s.forget_bias = 1;
    init_layer(&p, lstm, I, H, &s, &r, err);
    int wrong = 0;
    for (int j = 0; j < H; j++)
        wrong += p.b_ih[H + j] != 1 || p.b_hh[H + j] != 0;
    CHECK(&tally, wrong == 0 && p.b_ih[0] != 1, "forget bias: %d wrong (block f = 1)", wrong);
    free(slab);

    slab = make(cell_find("gru"), &p);
    CHECK(&tally, init_layer(&p, cell_find("gru"), I, H, &s, &r, err) == RNB_EINVAL &&
                      strstr(err, "forget"), "forget bias on a gru: '%s'", err);
    free(slab);

    const char *bad[] = {"xavier", "orthogonal:", "orthogonal:x", "uniform:2", "identity:nan", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(&tally, init_parse(&s, bad[i], err) == RNB_EINVAL, "init '%s' accepted", bad[i]);
}

/* chrono: b_f = log u, u ~ U[1, tmax - 1], b_i = -b_f, their bias_hh 0;
 * the other gates as uniform; tmax defaults to the sequence length; cells
 * without input and forget gates refused. */
static void test_chrono(void)
{
    const cell_type *cell = cell_find("lstm");
    layer_params p;
    real *slab = make(cell, &p);
    init_spec s;
    char err[RNB_ERRLEN];
    CHECK(&tally, init_parse(&s, "chrono:100", err) == RNB_OK && s.kind == INIT_CHRONO && s.gain == 100,
          "chrono:100 parses: %s", err);
    rng_t r;
    rng_seed(&r, 2, RNG_STREAM_INIT);
    CHECK(&tally, init_layer(&p, cell, I, H, &s, &r, err) == RNB_OK, "chrono: %s", err);
    const real *bi = p.b_ih, *bf = p.b_ih + H, *hi = p.b_hh, *hf = p.b_hh + H;
    int bad = 0;
    double mean_u = 0, bound = 1 / sqrt((double)H);
    for (int j = 0; j < H; j++) {
        bad += !(bf[j] >= 0 && bf[j] <= (real)log(99.0)) || bi[j] != -bf[j] || hi[j] != 0 || hf[j] != 0;
        bad += fabs(p.b_ih[2 * H + j]) > bound || fabs(p.b_hh[3 * H + j]) > bound;   /* g, o: uniform */
        mean_u += exp(bf[j]) / H;
    }
    CHECK(&tally, bad == 0, "chrono: %d biases out of place", bad);
    CHECK(&tally, mean_u > 35 && mean_u < 65, "chrono: exp(b_f) averages %g, want about 50 (U[1, 99])", mean_u);
    /* tmax from the task: copy at T = 30 is 50 steps long */
    config c;
    run_spec rs;
    config_defaults(&c);
    config_set(&c, "task", "copy", err), config_set(&c, "seq_len", "30", err), config_set(&c, "init", "chrono", err);
    CHECK(&tally, config_resolve(&rs, &c, err) == RNB_OK && rs.init.gain == 50, "chrono: tmax %g, want L = 50", rs.init.gain);
    config_set(&c, "cell", "gru", err);
    CHECK(&tally, config_resolve(&rs, &c, err) != RNB_OK && strstr(err, "input and forget gates"),
          "chrono on gru refused: '%s'", err);
    config_set(&c, "cell", "lstm", err), config_set(&c, "forget_bias", "1", err);
    CHECK(&tally, config_resolve(&rs, &c, err) != RNB_OK, "chrono with a forget_bias refused");
    CHECK(&tally, init_parse(&s, "chrono:2", err) != RNB_OK && init_parse(&s, "chrono:x", err) != RNB_OK,
          "chrono:2 and chrono:x refused");
    free(slab);
}

/* The largest |value| among a layer's first n parameters. */
static double top_abs(const real *v, size_t n)
{
    double top = 0;
    for (size_t k = 0; k < n; k++)
        top = fmax(top, fabs(v[k]));
    return top;
}

/* A layer of cell drawn by init = paper (where spec says), into *p; the
 * slab to free. */
static real *paper_layer(const char *name, layer_params *p, int layer, int layers, int seq_len,
                         bool forget, uint64_t seed)
{
    const cell_type *cell = cell_find(name);
    real *slab = make(cell, p);
    init_spec s;
    char err[RNB_ERRLEN];
    init_parse(&s, "paper", err);
    s.layer = layer, s.layers = layers, s.seq_len = seq_len;
    s.set_forget_bias = forget, s.forget_bias = 2;
    rng_t r;
    rng_seed(&r, seed, 0);
    CHECK(&tally, init_layer(p, cell, I, H, &s, &r, err) == RNB_OK, "%s paper: %s", name, err);
    return slab;
}

/* IndRNN (Li et al. 2018, the authors' adding.py): W_ih ~ N(0, 0.001^2),
 * bias 0, u ~ U(0, 2^(1/L)) below the last layer and U(2^(-1/L), 2^(1/L))
 * in it; after an update |u| is clipped to 2^(1/L); no orthogonal init. */
static void test_indrnn(void)
{
    const double hi = pow(2.0, 1.0 / 100);
    layer_params p;
    for (int layer = 0; layer < 3; layer++) {
        real *slab = paper_layer("indrnn", &p, layer, 3, 100, false, 5 + layer);
        const double lo = layer == 2 ? 1 / hi : 0;
        double umin = 1e9, umax = -1e9, sq = 0;
        for (int j = 0; j < H; j++)
            umin = fmin(umin, p.w_hh[j]), umax = fmax(umax, p.w_hh[j]);
        for (int k = 0; k < H * I; k++)
            sq += (double)p.w_ih[k] * p.w_ih[k];
        double sd = sqrt(sq / (H * I));
        CHECK(&tally, umin >= lo && umax <= hi && umax - umin > 0.5 * (hi - lo),
              "indrnn layer %d: u in [%.6f, %.6f], want within [%.6f, %.6f] and spread", layer, umin, umax, lo, hi);
        CHECK(&tally, top_abs(p.b_ih, H) == 0 && sd > 0.0008 && sd < 0.0012,
              "indrnn layer %d: bias 0, W_ih sd %g (0.001)", layer, sd);
        free(slab);
    }
    real *slab = paper_layer("indrnn", &p, 0, 1, 100, false, 9);
    const cell_type *cell = cell_find("indrnn");
    p.w_hh[0] = 3, p.w_hh[1] = -3, p.w_hh[2] = (real)0.5;
    cell->constrain(&p, H, 100);
    CHECK(&tally, p.w_hh[0] == (real)hi && p.w_hh[1] == -(real)hi && p.w_hh[2] == (real)0.5,
          "indrnn constraint: %g %g %g, want %g %g 0.5", p.w_hh[0], p.w_hh[1], p.w_hh[2], hi, -hi);
    init_spec s;
    char err[RNB_ERRLEN];
    rng_t r;
    rng_seed(&r, 10, 0);
    init_parse(&s, "orthogonal", err);
    CHECK(&tally, init_layer(&p, cell, I, H, &s, &r, err) == RNB_EINVAL && strstr(err, "no dense weight_hh"),
          "orthogonal on indrnn refused: '%s'", err);
    free(slab);
}

/* minGRU and minLSTM: nn.Linear's default, U(+-1/sqrt(I)) on W_ih and the
 * bias; no weight_hh, no bias_hh; a forget bias lands in bias_ih. coRNN:
 * its i2h, nn.Linear(I + 2H, H), U(+-1/sqrt(I + 2H)) on every weight (V, W,
 * W_z) and the bias; its constants' defaults the authors' adding values. */
static void test_linear_inits(void)
{
    const char *names[] = {"mingru", "minlstm"};
    layer_params p;
    for (int c = 0; c < 2; c++) {
        const cell_type *cell = cell_find(names[c]);
        real *slab = paper_layer(names[c], &p, 0, 1, 10, false, 6);
        const size_t GH = (size_t)cell->G * H;
        const double top = top_abs(slab, GH * I + GH), bound = 1 / sqrt((double)I);
        CHECK(&tally, !p.w_hh && !p.b_hh && layer_param_count(cell, I, H) == GH * (I + 1) &&
                          top <= bound && top > 0.9 * bound,
              "%s: no w_hh, b_hh; |w| max %g within U(+-%g)", names[c], top, bound);
        free(slab);
    }
    const cell_type *minlstm = cell_find("minlstm");
    real *slab = paper_layer("minlstm", &p, 0, 1, 10, true, 7);
    const real *bf = p.b_ih + (size_t)minlstm->forget_block * H;
    CHECK(&tally, bf[0] == 2 && bf[H - 1] == 2, "minlstm forget bias in bias_ih");
    free(slab);

    const cell_type *cornn = cell_find("cornn");
    slab = paper_layer("cornn", &p, 0, 1, 10, false, 8);
    const size_t n = layer_param_count(cornn, I, H);
    const double top = top_abs(slab, n), bound = 1 / sqrt((double)(I + 2 * H));
    CHECK(&tally, p.w_ch && p.w_ch == p.w_hh + H * H && !p.b_hh && n == (size_t)H * (I + 2 * H + 1) &&
                      top <= bound && top > 0.9 * bound,
          "cornn: W, W_z, one bias; |w| max %g within U(+-%g)", top, bound);
    CHECK(&tally, cornn->n_const == 3 && cornn->const_default[0] == 0.06 && cornn->const_default[1] == 66 &&
                      cornn->const_default[2] == 15,
          "cornn: dt, gamma, eps default 0.06, 66, 15");
    free(slab);
}

/* expRNN (the authors' initialization.py): A holds 2x2 skew blocks
 * [[0, s], [-s, 0]] on the diagonal, s ~ U(-pi, pi) (henaff, = paper) or
 * s = -sqrt((1 - cos u)/(1 + cos u)) = -tan(u/2), u ~ U(0, pi/2) (cayley:
 * s in [-1, 0]); the formed W_hh = exp(-S) is then the rotations
 * [[cos s, -sin s], [sin s, cos s]]: orthogonal, and checks expm against
 * the closed form. W_ih ~ N(0, 2/I), b ~ U(+-0.01); other inits refused. */
static void test_exprnn(void)
{
    const cell_type *cell = cell_find("exprnn");
    const char *kinds[] = {"paper", "henaff", "cayley"};
    double *work = malloc(cell->reparam_work(H) * sizeof(double));
    int *iwork = malloc(H * sizeof(int));
    real *w = malloc((size_t)H * H * sizeof(real));
    for (int c = 0; c < 3; c++) {
        layer_params p;
        real *slab = make(cell, &p);
        init_spec s;
        char err[RNB_ERRLEN];
        init_parse(&s, kinds[c], err);
        rng_t r;
        rng_seed(&r, 11 + c, 0);
        CHECK(&tally, init_layer(&p, cell, I, H, &s, &r, err) == RNB_OK, "exprnn %s: %s", kinds[c], err);
        int off_block = 0;
        double smin = 1e9, smax = -1e9, worst = 0;
        for (int i = 0; i < H; i++)
            for (int j = 0; j < H; j++) {
                const bool in_block = i / 2 == j / 2 && i != j && i / 2 < H / 2;
                off_block += !in_block && p.w_hh[(size_t)i * H + j] != 0;
            }
        cell->reparam_form(w, p.w_hh, H, work, iwork);
        for (int k = 0; k < H / 2; k++) {
            const double sk = p.w_hh[(size_t)(2 * k) * H + 2 * k + 1];
            off_block += p.w_hh[(size_t)(2 * k + 1) * H + 2 * k] != -sk;
            smin = fmin(smin, sk), smax = fmax(smax, sk);
            const double want[4] = {cos(sk), -sin(sk), sin(sk), cos(sk)};
            const real got[4] = {w[(size_t)(2 * k) * H + 2 * k], w[(size_t)(2 * k) * H + 2 * k + 1],
                                 w[(size_t)(2 * k + 1) * H + 2 * k], w[(size_t)(2 * k + 1) * H + 2 * k + 1]};
            for (int e = 0; e < 4; e++)
                worst = fmax(worst, fabs(got[e] - want[e]));
        }
        worst = fmax(worst, fabs(w[(size_t)H * H - 1] - 1));     /* H odd: the last unit's 1 */
        const bool cayley = c == 2;
        CHECK(&tally, off_block == 0, "exprnn %s: A is 2x2 skew blocks (%d entries off)", kinds[c], off_block);
        CHECK(&tally, cayley ? smin >= -1 && smax <= 0 && smin < -0.7 : smin >= -3.14159265358979 && smax <= 3.14159265358979 && smax - smin > 4,
              "exprnn %s: s in [%g, %g]", kinds[c], smin, smax);
        CHECK(&tally, worst < 1e-6, "exprnn %s: exp(-S) is the blocks' rotations to %.3g", kinds[c], worst);
        double sq = 0;
        for (int k = 0; k < H * I; k++)
            sq += (double)p.w_ih[k] * p.w_ih[k];
        const double sd = sqrt(sq / (H * I)), want_sd = sqrt(2.0 / I), b = top_abs(p.extra, H);
        CHECK(&tally, !p.b_ih && !p.b_hh && fabs(sd / want_sd - 1) < 0.15 && b <= 0.01 && b > 0.005,
              "exprnn %s: no bias; W_ih sd %g (%g); |b| max %g (0.01)", kinds[c], sd, want_sd, b);
        init_parse(&s, "uniform", err);
        CHECK(&tally, init_layer(&p, cell, I, H, &s, &r, err) == RNB_EINVAL && strstr(err, "reparametrised"),
              "uniform on exprnn refused: '%s'", err);
        free(slab);
    }
    layer_params p;
    real *slab = make(cell_find("lstm"), &p);
    init_spec s;
    char err[RNB_ERRLEN];
    rng_t r;
    rng_seed(&r, 14, 0);
    init_parse(&s, "henaff", err);
    CHECK(&tally, init_layer(&p, cell_find("lstm"), I, H, &s, &r, err) == RNB_EINVAL,
          "henaff on lstm refused: '%s'", err);
    free(slab), free(work), free(iwork), free(w);
}

/* LRU (the authors' lru/model.py): the ring, |lambda| = exp(-exp(nu))
 * in [r_min, r_max] and its phase exp(theta) in [0, max_phase], both
 * spread; gamma = sqrt(1 - |lambda|^2); B ~ N(0, 1/(2I)), C ~ N(0, 1/N),
 * D ~ N(0, 1); any init but paper refused. */
static double sd_of(const real *v, size_t n)
{
    double sq = 0;
    for (size_t k = 0; k < n; k++)
        sq += (double)v[k] * v[k];
    return sqrt(sq / n);
}

/* exprnn's readout, as their 1_copying.py: kaiming normal, bias 0 */
static void test_exprnn_readout(void)
{
    model m;
    init_spec s;
    rng_t r;
    char err[RNB_ERRLEN];
    rng_seed(&r, 4, RNG_STREAM_INIT);
    init_parse(&s, "paper", err);
    CHECK(&tally, model_create(&m, cell_find("exprnn"), task_find("copy"), 1, 5, 2, 64, false) == 0, "exprnn model");
    for (int k = 0; k < m.O; k++)
        m.b_out[k] = 1;     /* so that a bias left alone shows */
    model_init_readout(&m, &s, &r);
    const double sd = sd_of(m.w_out, (size_t)m.O * m.H), want = sqrt(2.0 / 64);
    CHECK(&tally, fabs(sd / want - 1) < 0.1 && top_abs(m.b_out, m.O) == 0,
          "exprnn: the readout N(0, 2/H) (sd %g, want %g), bias 0", sd, want);
    model_free(&m);
}


static void test_lru(void)
{
    enum { HL = 64, N = HL / 2, IL = 64 };
    const cell_type *cell = cell_find("lru");
    const double rings[2][3] = {{0, 1, 6.28}, {0.9, 0.999, 3.14159265358979 / 10}};
    for (int c = 0; c < 2; c++) {
        real *slab = calloc(layer_param_count(cell, IL, HL), sizeof(real));
        layer_params p;
        layer_params_view(&p, slab, cell, IL, HL);
        init_spec s;
        char err[RNB_ERRLEN];
        init_parse(&s, "paper", err);
        s.r_min = rings[c][0], s.r_max = rings[c][1], s.max_phase = rings[c][2];
        rng_t r;
        rng_seed(&r, 21 + c, 0);
        CHECK(&tally, init_layer(&p, cell, IL, HL, &s, &r, err) == RNB_OK, "lru paper: %s", err);
        double rmin = 9, rmax = -9, phmin = 99, phmax = -1, gworst = 0;
        for (int j = 0; j < N; j++) {
            const double mod = exp(-exp((double)p.extra[j])), ph = exp((double)p.extra[N + j]);
            rmin = fmin(rmin, mod), rmax = fmax(rmax, mod), phmin = fmin(phmin, ph), phmax = fmax(phmax, ph);
            gworst = fmax(gworst, fabs(exp((double)p.extra[2 * N + j]) - sqrt(1 - mod * mod)));
        }
        const double span = rings[c][1] - rings[c][0];
        CHECK(&tally, rmin >= rings[c][0] - 1e-6 && rmax <= rings[c][1] + 1e-6 && rmax - rmin > 0.5 * span,
              "lru ring %g..%g: |lambda| in [%g, %g]", rings[c][0], rings[c][1], rmin, rmax);
        CHECK(&tally, phmin >= 0 && phmax <= rings[c][2] * (1 + 1e-6) && phmax - phmin > 0.5 * rings[c][2],
              "lru phase in [%g, %g], max_phase %g", phmin, phmax, rings[c][2]);
        CHECK(&tally, gworst < 1e-5, "lru gamma = sqrt(1 - |lambda|^2) to %.3g", gworst);
        const double sb = sd_of(p.w_ih, (size_t)HL * IL), sc = sd_of(p.w_y, (size_t)HL * HL), sdd = sd_of(p.d_y, HL);
        CHECK(&tally, fabs(sb * sqrt(2.0 * IL) - 1) < 0.1 && fabs(sc * sqrt((double)N) - 1) < 0.1 && fabs(sdd - 1) < 0.35,
              "lru: B sd %g (%g), C sd %g (%g), D sd %g (1)", sb, 1 / sqrt(2.0 * IL), sc, 1 / sqrt((double)N), sdd);
        init_parse(&s, "uniform", err);
        CHECK(&tally, init_layer(&p, cell, IL, HL, &s, &r, err) == RNB_EINVAL && strstr(err, "paper"),
              "uniform on lru refused: '%s'", err);
        free(slab);
    }
}

/* Pascanu et al.'s inits: normal:std, N(0, std^2) weights and zero
 * biases; sparse:k:rho, k entries kept in each column of W_hh (N(0,
 * 0.01^2)), spectral radius rho, W_ih N(0, 0.01^2); the readout's std;
 * the parse's refusals. */
static void test_pascanu(void)
{
    const cell_type *cell = cell_find("rnn_tanh");
    layer_params p;
    real *slab = make(cell, &p);
    init_spec s;
    char err[RNB_ERRLEN];
    rng_t r;
    rng_seed(&r, 31, 0);
    CHECK(&tally, init_parse(&s, "normal:0.1", err) == RNB_OK && s.kind == INIT_NORMAL && s.gain == 0.1,
          "normal:0.1 parses: %s", err);
    CHECK(&tally, init_layer(&p, cell, I, H, &s, &r, err) == RNB_OK, "normal: %s", err);
    const double si = sd_of(p.w_ih, (size_t)H * I), sh = sd_of(p.w_hh, (size_t)H * H);
    CHECK(&tally, fabs(si / 0.1 - 1) < 0.15 && fabs(sh / 0.1 - 1) < 0.05 && top_abs(p.b_ih, H) == 0 &&
                      top_abs(p.b_hh, H) == 0, "normal:0.1: W_ih sd %g, W_hh sd %g, biases 0", si, sh);
    enum { O = 1000 };
    real w[O * 5], b[O];
    CHECK(&tally, init_readout(&s, w, b, O, 5, &r) && fabs(sd_of(w, O * 5) / 0.1 - 1) < 0.05 && top_abs(b, O) == 0,
          "normal:0.1: the readout N(0, 0.1^2), sd %g", sd_of(w, O * 5));

    CHECK(&tally, init_parse(&s, "sparse:5:0.95", err) == RNB_OK && s.kind == INIT_SPARSE && s.sparse_k == 5 &&
                      s.gain == 0.95, "sparse:5:0.95 parses: %s", err);
    CHECK(&tally, init_layer(&p, cell, I, H, &s, &r, err) == RNB_OK, "sparse: %s", err);
    int bad_cols = 0;
    for (int c = 0; c < H; c++) {
        int nz = 0;
        for (int i = 0; i < H; i++)
            nz += p.w_hh[(size_t)i * H + c] != 0;
        bad_cols += nz != 5;
    }
    spectral_ws sw;
    double rho, sigma;
    if (spectral_ws_alloc(&sw, H))
        abort();
    spectral_blocks(&sw, p.w_hh, 1, &rho, &sigma);
    spectral_ws_free(&sw);
    CHECK(&tally, bad_cols == 0 && fabs(rho - 0.95) < 1e-4, "sparse:5:0.95: %d columns without 5 entries, "
          "spectral radius %.6f", bad_cols, rho);
    CHECK(&tally, fabs(sd_of(p.w_ih, (size_t)H * I) / 0.01 - 1) < 0.15 && top_abs(p.b_ih, H) == 0 &&
                      init_readout(&s, w, b, O, 5, &r) && fabs(sd_of(w, O * 5) / 0.01 - 1) < 0.05,
          "sparse: W_ih and the readout N(0, 0.01^2), biases 0");
    free(slab);
    slab = make(cell_find("indrnn"), &p);
    CHECK(&tally, init_layer(&p, cell_find("indrnn"), I, H, &s, &r, err) == RNB_EINVAL && strstr(err, "dense"),
          "sparse on indrnn refused: '%s'", err);
    free(slab);
    /* glorot on lstm: U(+-sqrt(6/(I+H))) on W_ih, U(+-sqrt(6/2H)) on W_hh, biases 0; the readout's */
    const cell_type *lstm = cell_find("lstm");
    slab = make(lstm, &p);
    CHECK(&tally, init_parse(&s, "glorot", err) == RNB_OK && init_layer(&p, lstm, I, H, &s, &r, err) == RNB_OK,
          "glorot: %s", err);
    const double bi = sqrt(6.0 / (I + H)), bh = sqrt(6.0 / (2.0 * H)), ti = top_abs(p.w_ih, (size_t)4 * H * I),
                 th = top_abs(p.w_hh, (size_t)4 * H * H);
    CHECK(&tally, ti <= bi && ti > 0.9 * bi && th <= bh && th > 0.98 * bh && top_abs(p.b_ih, 4 * H) == 0 &&
                      top_abs(p.b_hh, 4 * H) == 0, "glorot: |W_ih| max %g (%g), |W_hh| max %g (%g), biases 0",
          ti, bi, th, bh);
    const double bo = sqrt(6.0 / (5 + O));
    CHECK(&tally, init_readout(&s, w, b, O, 5, &r), "glorot sets the readout");
    const double to = top_abs(w, O * 5);
    CHECK(&tally, to <= bo && to > 0.98 * bo && top_abs(b, O) == 0, "glorot: the readout U(+-%g), max %g", bo, to);
    free(slab);
    /* lstm_vo: V_o (weight_co [H, H]) between weight_hh and the biases,
     * glorot's U(+-sqrt(6/2H)) as W_hh */
    const cell_type *vo = cell_find("lstm_vo");
    slab = make(vo, &p);
    CHECK(&tally, init_layer(&p, vo, I, H, &s, &r, err) == RNB_OK, "glorot on lstm_vo: %s", err);
    const double tco = top_abs(p.w_co, (size_t)H * H);
    CHECK(&tally, p.w_co == p.w_hh + (size_t)4 * H * H && p.b_ih == p.w_co + (size_t)H * H &&
                      layer_param_count(vo, I, H) == (size_t)4 * H * (I + H + 2) + (size_t)H * H &&
                      tco <= bh && tco > 0.9 * bh && top_abs(p.b_ih, 4 * H) == 0,
          "lstm_vo: weight_co after weight_hh, before the biases; |V_o| max %g within U(+-%g)", tco, bh);
    free(slab);
    /* glorot_identity on rnn_relu (their IRNN): W_hh = I, W_ih glorot's
     * draw, the readout glorot's */
    const cell_type *relu = cell_find("rnn_relu");
    layer_params q;
    real *slab2 = make(relu, &q);
    slab = make(relu, &p);
    rng_t r1, r2;
    rng_seed(&r1, 9, RNG_STREAM_INIT), rng_seed(&r2, 9, RNG_STREAM_INIT);
    init_spec sg, sid;
    init_parse(&sg, "glorot", err);
    CHECK(&tally, init_parse(&sid, "glorot_identity", err) == RNB_OK && init_layer(&p, relu, I, H, &sid, &r1, err) == RNB_OK &&
                      init_layer(&q, relu, I, H, &sg, &r2, err) == RNB_OK, "glorot_identity: %s", err);
    int off_eye = 0;
    for (int i = 0; i < H; i++)
        for (int j = 0; j < H; j++)
            off_eye += p.w_hh[(size_t)i * H + j] != (i == j);
    CHECK(&tally, off_eye == 0 && memcmp(p.w_ih, q.w_ih, (size_t)H * I * sizeof(real)) == 0 &&
                      top_abs(p.b_ih, H) == 0 && top_abs(p.b_hh, H) == 0 && init_readout(&sid, w, b, O, 5, &r) &&
                      top_abs(w, O * 5) <= bo && top_abs(w, O * 5) > 0.98 * bo,
          "glorot_identity: W_hh = I (%d entries off), W_ih as glorot's, biases 0, the readout U(+-%g)", off_eye, bo);
    free(slab), free(slab2);
    static const char *const bad[] = {"normal", "normal:-1", "normal:x", "sparse:0:0.9", "sparse:5", "sparse:5:x",
                                      "sparse:5:0"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = 0;
        CHECK(&tally, init_parse(&s, bad[i], err) == RNB_EINVAL && strstr(err, bad[i]),
              "init '%s' refused naming itself: '%s'", bad[i], err);
    }
}

int main(void)
{
    test_uniform();
    test_chrono();
    test_orthogonal();
    test_identity_and_forget();
    test_indrnn();
    test_linear_inits();
    test_exprnn();
    test_exprnn_readout();
    test_lru();
    test_pascanu();
    return check_done(&tally);
}
