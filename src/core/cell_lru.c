/* cell_lru.c - the linear recurrent unit of Orvieto, Smith, Gu, Fernando,
 * Gulcehre, Pascanu & De 2023 ("Resurrecting recurrent neural networks
 * for long sequences"), as NicolasZucchet/minimal-LRU's lru/model.py
 * computes it, with N = H/2 complex units:
 *   x_t = lambda * x_{t-1} + gamma * (B u_t),  lambda = exp(-exp(nu) + i exp(theta)),
 *   gamma = exp(gamma_log),   y_t = Re(C x_t) + D * u_t,
 * followed, as in their SequenceLayer, by gelu (the tanh form, flax's
 * default), so that layers stack: h_t = gelu(y_t). Complex numbers as
 * pairs of reals: the state c = [Re x | Im x] (H reals; ||dL/dc_t|| is
 * ||dL/dx_t||, dc_norm), gates = B u = [B_re u | B_im u] from
 * weight_ih = [B_re; B_im] [H, I]; no bias. The output map (cell.h's
 * out_map) is the layer's: C = [C_re | C_im] (weight_y [H, N+N]), D [H],
 * u the layer's input (I = H: the model's encoder makes the first
 * layer's so, as their StackedEncoderModel). Extras: nu_log, theta_log,
 * gamma_log [N] each, the authors' names.
 *
 * init = paper, as their code: nu_log = log(-log(U (r_max^2 - r_min^2) +
 * r_min^2) / 2), theta_log = log(max_phase U) (the ring of radii r_min..
 * r_max, phases 0..max_phase: keys lru_r_min, lru_r_max, lru_max_phase,
 * their defaults 0, 1, 6.28), gamma_log = log(sqrt(1 - |lambda|^2));
 * B_re, B_im ~ N(0, 1)/sqrt(2I), C_re, C_im ~ N(0, 1)/sqrt(N), D ~ N(0, 1). */
#include <math.h>

#include "activation.h"
#include "cell.h"
#include "fmath.h"
#include "init.h"
#include "kernels.h"
#include "layer.h"

/* lambda = p + i q, gamma, and d(p, q)/d(nu_log, theta_log) of unit j:
 * p = r cos(phi), q = r sin(phi), r = exp(-exp(nu)), phi = exp(theta). */
typedef struct {
    double p, q, gamma, e_nu, e_theta;
} lru_unit;

/* cos(2 pi v) for any v >= 0 (fm_cos2pi wants [0, 1); floor is exact). */
static double cos2pi_any(double v) { return fm_cos2pi(v - floor(v)); }

static lru_unit unit_of(const real *extra, int N, int j)
{
    const double nu = extra[j], theta = extra[N + j], gl = extra[2 * N + j];
    lru_unit u;
    u.e_nu = fm_exp(nu), u.e_theta = fm_exp(theta);
    const double r = fm_exp(-u.e_nu), v = u.e_theta * 0.15915494309189533577;  /* phi / (2 pi) */
    u.p = r * cos2pi_any(v);
    u.q = r * cos2pi_any(v + 0.75);     /* sin(phi) = cos(phi - pi/2) */
    u.gamma = fm_exp(gl);
    return u;
}

/* lambda and gamma of every unit, as reals (N each); each unit's whole
 * lru_unit into u when u is not NULL (the backward pass's chain rule). */
static void units_of(const real *extra, int N, real *p, real *q, real *g, lru_unit *u)
{
    for (int j = 0; j < N; j++) {
        const lru_unit v = unit_of(extra, N, j);
        p[j] = (real)v.p, q[j] = (real)v.q, g[j] = (real)v.gamma;
        if (u)
            u[j] = v;
    }
}

/* One batch row: c = lambda c_prev + gamma Bu, complex. */
GATE_LOOP static void lru_forward_row(int N, const real *restrict p, const real *restrict q, const real *restrict g,
                                      const real *restrict cp, const real *restrict bu, real *restrict c)
{
    for (int j = 0; j < N; j++) {
        const real a = cp[j], im = cp[N + j];
        c[j] = p[j] * a - q[j] * im + g[j] * bu[j];
        c[N + j] = q[j] * a + p[j] * im + g[j] * bu[N + j];
    }
}

static void lru_forward(const cell_step *s)
{
    const int H = s->H, N = H / 2;
    real p[N], q[N], g[N];
    units_of(s->extra, N, p, q, g, NULL);
    for (int b = 0; b < s->B; b++) {
        const size_t row = (size_t)b * H;
        lru_forward_row(N, p, q, g, s->c_prev + row, s->gates + row, s->c + row);
    }
}

/* One batch row of the backward pass: dBu, dc_{t-1} in place of dc, and
 * the row's terms of dL/dp, dL/dq, dL/dgamma added to dp, dq, dg. */
GATE_LOOP static void lru_backward_row(int N, const real *restrict p, const real *restrict q, const real *restrict g,
                                       const real *restrict cp, const real *restrict bu, real *restrict dc,
                                       real *restrict dbu, real *restrict dp, real *restrict dq, real *restrict dg)
{
    for (int j = 0; j < N; j++) {
        const real da = dc[j], db = dc[N + j], a = cp[j], im = cp[N + j];
        dbu[j] = g[j] * da;
        dbu[N + j] = g[j] * db;
        dp[j] += da * a + db * im;
        dq[j] += db * a - da * im;
        dg[j] += da * bu[j] + db * bu[N + j];
        dc[j] = p[j] * da + q[j] * db;
        dc[N + j] = p[j] * db - q[j] * da;
    }
}

/* From dL/dc_t (dc, in: total; out: dL/dc_{t-1} through c_t), with
 * (da', db') its two halves: dBu = gamma (da', db'); dc_{t-1} =
 * conj(lambda) (da', db'); dp += da' a + db' b, dq += db' a - da' b, and
 * through p, q: dnu = -e^nu (p dp + q dq), dtheta = e^theta (p dq - q dp),
 * dgamma_log = gamma (da' Bu_re + db' Bu_im). */
static void lru_backward(const cell_step *s, cell_grad *gr)
{
    const int H = s->H, N = H / 2;
    gr->dc_sumsq = sum_squares(gr->dc, (size_t)s->B * H);
    real p[N], q[N], g[N], dp[N], dq[N], dg[N];
    lru_unit un[N];
    units_of(s->extra, N, p, q, g, un);
    for (int j = 0; j < N; j++)
        dp[j] = dq[j] = dg[j] = 0;
    for (int b = 0; b < s->B; b++) {
        const size_t row = (size_t)b * H;
        lru_backward_row(N, p, q, g, s->c_prev + row, s->gates + row, gr->dc + row, gr->dxp + row, dp, dq, dg);
    }
    for (int j = 0; j < N; j++) {
        const lru_unit u = un[j];
        gr->dextra[j] += (real)(-u.e_nu * (u.p * dp[j] + u.q * dq[j]));
        gr->dextra[N + j] += (real)(u.e_theta * (u.p * dq[j] - u.q * dp[j]));
        gr->dextra[2 * N + j] += g[j] * dg[j];
    }
}

/* max |lambda_j| = exp(-exp(min nu_log)), of the diagonal complex recurrence. */
static double lru_radius(const layer_params *p, int H)
{
    /* Not fmax: GCC 12 for aarch64 fails (an internal compiler error) on
     * vectorising that reduction at -O3. Every term is >= 0, not NaN
     * unless nu_log is, and then both forms skip it. */
    double m = 0;
    for (int j = 0; j < H / 2; j++) {
        const double r = fm_exp(-fm_exp(p->extra[j]));
        m = r > m ? r : m;
    }
    return m;
}

static void lru_init_paper(layer_params *p, int I, int H, const init_spec *spec, rng_t *r)
{
    const int N = H / 2;
    const double lo2 = spec->r_min * spec->r_min, hi2 = spec->r_max * spec->r_max;
    for (int j = 0; j < N; j++) {
        const double nu = fm_log(-0.5 * fm_log(rng_uniform(r) * (hi2 - lo2) + lo2));
        const double theta = fm_log(spec->max_phase * rng_uniform(r));
        const double mod = fm_exp(-fm_exp(nu));             /* |lambda| */
        p->extra[j] = (real)nu, p->extra[N + j] = (real)theta;
        p->extra[2 * N + j] = (real)fm_log(sqrt(1 - mod * mod));
    }
    const double sb = 1 / sqrt(2.0 * I), sc = 1 / sqrt((double)N);
    for (size_t k = 0; k < (size_t)H * I; k++)
        p->w_ih[k] = (real)(sb * rng_normal(r));
    for (size_t k = 0; k < (size_t)H * H; k++)
        p->w_y[k] = (real)(sc * rng_normal(r));
    for (int j = 0; j < H; j++)
        p->d_y[j] = (real)rng_normal(r);
}

const cell_type cell_lru = {
    .name = "lru",
    .summary = "x' = lambda*x + gamma*(B u), lambda = exp(-exp(nu) + i exp(theta)); h = gelu(Re(C x') + D*u)",
    .source = "Orvieto et al. 2023 (LRU), NicolasZucchet/minimal-LRU lru/model.py; gelu as their SequenceLayer",
    .G = 1, .A = 0, .E_half = 3, .n_parts = 3, .part_name = {"nu_log", "theta_log", "gamma_log"},
    .recurrence = REC_NONE, .no_bias = true, .has_c = true, .out_map = true, .square_input = true,
    .forget_block = -1, .input_block = -1, .out_block = -1,
    .forward = lru_forward, .backward = lru_backward,
    .init_paper = lru_init_paper, .own_init_only = true,
    .radius = lru_radius,
    .init_paper_summary = "the ring: |lambda| in [lru_r_min, lru_r_max], phase in [0, lru_max_phase]; "
                          "gamma = sqrt(1 - |lambda|^2); B ~ N(0, 1/(2I)), C ~ N(0, 1/N), D ~ N(0, 1)",
};
