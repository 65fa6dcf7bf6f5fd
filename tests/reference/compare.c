/*
 * compare OUT.h5 FIXTURE.h5 TOL
 *
 * Checks the output of `rnnbench grad` against a reference fixture made by
 * tests/reference/gen_fixtures.py.  For every dataset under /expected/ in
 * FIXTURE (recursively, e.g. expected/grad/weight_ih_l0) the dataset of the
 * same path without the "expected/" prefix is read from OUT (both as double,
 * whatever their stored float type) and compared:
 *
 *   - normwise relative error of the whole tensor, ||a-b||_2 / ||b||_2
 *     (b = reference; if ||b|| = 0 the absolute ||a-b||_2 is used);
 *   - for y, dx [T,B,*], dh [K,T,B,H], dh_norm and dc_norm [K,T], dh0 and dc0 [K,B,H]
 *     also the same measure for every slice of the leading axes (layer l
 *     and/or step t) separately, ||a_s-b_s|| / ||b_s||: y and dx per t, dh
 *     per (l,t), dh_norm and dc_norm per element, dh0 and dc0 per layer. A whole-tensor
 *     norm would hide errors at steps, or in layers, where dh is 1e-33.
 *     (The layer axis may be absent, as in the one-layer files of old:
 *     dh [T,B,H] is then measured per t, dh0 [B,H] whole.)
 *
 * The worst of these numbers must be <= TOL.  Non-finite values fail.
 * Every numeric attribute of the fixture's /expected group (a cell's
 * constants as the engine must have used them: cornn_dt, cornn_gamma,
 * cornn_eps) must be a root attribute of OUT with exactly that value.
 * A dataset under OUT's grad/ with no expected/grad/ counterpart fails too:
 * the gradients written must be exactly the tensors the cell has (no
 * bias_hh for a one-bias cell, no weight_hh for one without recurrence).
 * Exit status: 0 all passed, 1 some dataset failed / missing / mis-shaped,
 * 2 usage error or unreadable file.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

#if defined(H5_VERSION_GE) && H5_VERSION_GE(1, 12, 0)
typedef H5L_info2_t link_info_t;
#else
typedef H5L_info_t link_info_t;
#endif

#define MAX_RANK 8

/* ---------------------------------------------------------------- names */

typedef struct {
    char **names;
    size_t count, cap;
    int oom;
} name_list;

static herr_t collect_datasets(hid_t group, const char *name,
                               const link_info_t *info, void *data)
{
    name_list *list = data;
    hid_t obj;
    int is_dataset;

    if (info->type != H5L_TYPE_HARD)
        return 0;
    obj = H5Oopen(group, name, H5P_DEFAULT);
    if (obj < 0)
        return 0;
    is_dataset = H5Iget_type(obj) == H5I_DATASET;
    H5Oclose(obj);
    if (!is_dataset)
        return 0;
    if (list->count == list->cap) {
        size_t cap = list->cap ? 2 * list->cap : 16;
        char **p = realloc(list->names, cap * sizeof *p);
        if (!p) {
            list->oom = 1;
            return -1;
        }
        list->names = p;
        list->cap = cap;
    }
    list->names[list->count] = malloc(strlen(name) + 1);
    if (!list->names[list->count]) {
        list->oom = 1;
        return -1;
    }
    strcpy(list->names[list->count++], name);
    return 0;
}

/* ------------------------------------------------------------- numerics */

/* Scaled sum of squares (as in LAPACK's dnrm2): no overflow or underflow
 * for any finite data.  norm = scale * sqrt(ssq). */
typedef struct {
    double scale, ssq;
    int nonfinite;
} nrm_acc;

static void nrm_add(nrm_acc *acc, double v)
{
    double av;
    if (!isfinite(v)) {
        acc->nonfinite = 1;
        return;
    }
    av = fabs(v);
    if (av == 0.0)
        return;
    if (acc->scale < av) {
        double r = acc->scale / av;
        acc->ssq = 1.0 + acc->ssq * r * r;
        acc->scale = av;
    } else {
        double r = av / acc->scale;
        acc->ssq += r * r;
    }
}

static double nrm_value(const nrm_acc *acc)
{
    if (acc->nonfinite)
        return INFINITY;
    return acc->scale * sqrt(acc->ssq);
}

/* Relative error of a[0..n) against reference b[0..n); *absolute is set when
 * ||b|| = 0 and the absolute error is returned instead.  Non-finite values in
 * a (or b) give NaN, which fails every "err <= tol" test. */
static double rel_error(const double *a, const double *b, size_t n, int *absolute)
{
    nrm_acc diff = {0.0, 1.0, 0}, ref = {0.0, 1.0, 0};
    double nd, nb;
    size_t i;

    for (i = 0; i < n; i++) {
        if (!isfinite(a[i]) || !isfinite(b[i])) {
            *absolute = 0;
            return NAN;
        }
        nrm_add(&diff, a[i] - b[i]);
        nrm_add(&ref, b[i]);
    }
    nd = nrm_value(&diff);
    nb = nrm_value(&ref);
    if (nb == 0.0) {
        *absolute = 1;
        return nd;
    }
    *absolute = 0;
    return nd / nb;
}

/* ------------------------------------------------------------- datasets */

static void format_shape(char *buf, size_t len, int rank, const hsize_t *dims)
{
    size_t pos = 0;
    int i;
    pos += (size_t)snprintf(buf + pos, len - pos, "[");
    for (i = 0; i < rank && pos < len; i++)
        pos += (size_t)snprintf(buf + pos, len - pos, "%s%llu", i ? "x" : "",
                                (unsigned long long)dims[i]);
    if (rank == 0 && pos < len)
        pos += (size_t)snprintf(buf + pos, len - pos, "scalar");
    if (pos < len)
        snprintf(buf + pos, len - pos, "]");
}

/* Opens `path` in `file`, gets its shape and reads it as double.
 * Returns 0 on success, -1 if the dataset does not exist or is not a
 * dataset, -2 if it exists but cannot be read (bad rank, type, memory). */
static int read_dataset(hid_t file, const char *path, int *rank, hsize_t *dims,
                        double **data, size_t *count)
{
    hid_t dset, space;
    int r, i;
    size_t n = 1;
    double *buf;
    herr_t status;

    *data = NULL;
    if (H5Lexists(file, path, H5P_DEFAULT) <= 0)
        return -1;
    dset = H5Dopen2(file, path, H5P_DEFAULT);
    if (dset < 0)
        return -1;
    space = H5Dget_space(dset);
    r = space < 0 ? -1 : H5Sget_simple_extent_ndims(space);
    if (r < 0 || r > MAX_RANK) {
        if (space >= 0)
            H5Sclose(space);
        H5Dclose(dset);
        return -2;
    }
    H5Sget_simple_extent_dims(space, dims, NULL);
    H5Sclose(space);
    for (i = 0; i < r; i++)
        n *= (size_t)dims[i];
    buf = malloc((n ? n : 1) * sizeof *buf);
    if (!buf) {
        H5Dclose(dset);
        return -2;
    }
    status = n ? H5Dread(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) : 0;
    H5Dclose(dset);
    if (status < 0) {
        free(buf);
        return -2;
    }
    *rank = r;
    *count = n;
    *data = buf;
    return 0;
}

/* The datasets measured slice by slice: a slice is the last base_rank()
 * axes; every index of the axes before it (layer, time) is one slice.
 * -1: whole tensor only. */
static int base_rank(const char *name)
{
    if (strcmp(name, "y") == 0 || strcmp(name, "dx") == 0 || strcmp(name, "dh") == 0 ||
        strcmp(name, "dh0") == 0 || strcmp(name, "dc0") == 0)
        return 2;
    if (strcmp(name, "dh_norm") == 0 || strcmp(name, "dc_norm") == 0)
        return 0;
    return -1;
}

/* "t=3", "l=1 t=3" or "l=1": slice s of a dataset with `lead` leading axes. */
static void format_slice(char *buf, size_t len, const char *name, int lead,
                         const hsize_t *dims, size_t s)
{
    int per_layer = strcmp(name, "dh0") == 0 || strcmp(name, "dc0") == 0;
    if (lead == 2)
        snprintf(buf, len, "l=%llu t=%llu", (unsigned long long)(s / dims[1]),
                 (unsigned long long)(s % dims[1]));
    else if (lead == 1)
        snprintf(buf, len, "%s=%zu", per_layer ? "l" : "t", s);
    else
        snprintf(buf, len, "slice %zu", s);
}

/* Compares one dataset; prints one line; returns 1 if passed, 0 if failed,
 * -1 if the fixture itself could not be read. */
static int compare_one(hid_t out, hid_t fix, const char *name, double tol)
{
    char epath[1024], shape_e[128], shape_o[128];
    hsize_t edims[MAX_RANK], odims[MAX_RANK];
    char where[64];
    int erank = 0, orank = 0, rc, i, ok, abs_whole = 0, abs_s = 0, base, lead = 0;
    size_t en = 0, on = 0, worst_s = 0;
    int worst_set = 0;
    double *ev = NULL, *ov = NULL, whole, worst_slice = 0.0, worst;

    snprintf(epath, sizeof epath, "expected/%s", name);
    rc = read_dataset(fix, epath, &erank, edims, &ev, &en);
    if (rc != 0) {
        fprintf(stderr, "compare: cannot read /%s from the fixture\n", epath);
        return -1;
    }
    format_shape(shape_e, sizeof shape_e, erank, edims);

    rc = read_dataset(out, name, &orank, odims, &ov, &on);
    if (rc == -1) {
        printf("FAIL  %-22s %-14s missing in output\n", name, shape_e);
        free(ev);
        return 0;
    }
    if (rc != 0) {
        printf("FAIL  %-22s %-14s unreadable as double in output\n", name, shape_e);
        free(ev);
        return 0;
    }
    format_shape(shape_o, sizeof shape_o, orank, odims);
    ok = orank == erank;
    for (i = 0; ok && i < erank; i++)
        ok = odims[i] == edims[i];
    if (!ok) {
        printf("FAIL  %-22s %-14s output has shape %s\n", name, shape_e, shape_o);
        free(ev);
        free(ov);
        return 0;
    }

    whole = rel_error(ov, ev, en, &abs_whole);
    worst = whole;
    base = base_rank(name);
    if (base >= 0 && erank > base && en > 0) {
        size_t n_slices = 1, step, s;
        lead = erank - base;
        for (i = 0; i < lead; i++)
            n_slices *= (size_t)edims[i];
        step = en / n_slices;
        for (s = 0; s < n_slices; s++) {
            int absolute = 0;
            double e = rel_error(ov + s * step, ev + s * step, step, &absolute);
            /* keep the worst slice; a NaN (non-finite output) counts as worst */
            if (!worst_set || (isnan(e) && !isnan(worst_slice)) || e > worst_slice) {
                worst_slice = e;
                worst_s = s;
                worst_set = 1;
                abs_s = absolute;
            }
        }
        if (isnan(worst_slice) || worst_slice > worst)
            worst = worst_slice;
    }
    ok = worst <= tol; /* false for NaN */

    printf("%s  %-22s %-14s ", ok ? "PASS" : "FAIL", name, shape_e);
    if (worst_set) {
        format_slice(where, sizeof where, name, lead, edims, worst_s);
        printf("worst %s err %.3g at %s (whole tensor %s err %.3g)\n",
               abs_s ? "ABS" : "rel", worst_slice, where,
               abs_whole ? "ABS" : "rel", whole);
    } else
        printf("worst %s err %.3g (whole tensor)\n", abs_whole ? "ABS" : "rel", whole);
    free(ev);
    free(ov);
    return ok;
}

/* The datasets under OUT's grad/ that the fixture does not expect: one FAIL
 * line each; returns how many, or -1 if OUT's grad/ cannot be listed. */
static int unexpected_grads(hid_t out, hid_t fix)
{
    name_list list = {NULL, 0, 0, 0};
    hid_t g;
    size_t i;
    int n = 0;

    if (H5Lexists(out, "grad", H5P_DEFAULT) <= 0)
        return 0;
    g = H5Gopen2(out, "grad", H5P_DEFAULT);
    if (g < 0)
        return -1;
    if (H5Lvisit(g, H5_INDEX_NAME, H5_ITER_INC, collect_datasets, &list) < 0 || list.oom)
        n = -1;
    H5Gclose(g);
    for (i = 0; n >= 0 && i < list.count; i++) {
        char epath[1024];
        snprintf(epath, sizeof epath, "expected/grad/%s", list.names[i]);
        if (H5Lexists(fix, "expected/grad", H5P_DEFAULT) > 0 &&
            H5Lexists(fix, epath, H5P_DEFAULT) > 0)
            continue;
        printf("FAIL  grad/%-17s not expected: the cell has no such tensor\n", list.names[i]);
        n++;
    }
    for (i = 0; i < list.count; i++)
        free(list.names[i]);
    free(list.names);
    return n;
}

/* ----------------------------------------------------------- attributes */

/* A scalar (or one-element) numeric attribute as double; -1 if it is none. */
static int read_attr_double(hid_t loc, const char *name, double *v)
{
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT), t, space;
    int rc = -1;
    if (a < 0)
        return -1;
    t = H5Aget_type(a);
    space = H5Aget_space(a);
    if (t >= 0 && space >= 0 && (H5Tget_class(t) == H5T_FLOAT || H5Tget_class(t) == H5T_INTEGER) &&
        H5Sget_simple_extent_npoints(space) == 1 && H5Aread(a, H5T_NATIVE_DOUBLE, v) >= 0)
        rc = 0;
    if (space >= 0)
        H5Sclose(space);
    if (t >= 0)
        H5Tclose(t);
    H5Aclose(a);
    return rc;
}

typedef struct {
    hid_t out;
    int passed, failed;
} attr_ctx;

static herr_t check_attr(hid_t loc, const char *name, const H5A_info_t *info, void *data)
{
    attr_ctx *c = data;
    double want, got;
    (void)info;
    if (read_attr_double(loc, name, &want) < 0) {
        printf("FAIL  %-22s %-14s in /expected, not a numeric scalar\n", name, "attribute");
        c->failed++;
    } else if (H5Aexists(c->out, name) <= 0) {
        printf("FAIL  %-22s %-14s missing in output (expected %.17g)\n", name, "attribute", want);
        c->failed++;
    } else if (read_attr_double(c->out, name, &got) < 0) {
        printf("FAIL  %-22s %-14s not a numeric scalar in output\n", name, "attribute");
        c->failed++;
    } else if (got != want) {
        printf("FAIL  %-22s %-14s %.17g, expected %.17g\n", name, "attribute", got, want);
        c->failed++;
    } else {
        printf("PASS  %-22s %-14s %.15g\n", name, "attribute", got);
        c->passed++;
    }
    return 0;
}

/* The attributes of the fixture's /expected against OUT's root ones;
 * adds to *passed and *failed; -1 if they cannot be listed. */
static int compare_attrs(hid_t out, hid_t fix, int *passed, int *failed)
{
    attr_ctx c = {-1, 0, 0};
    hid_t e = H5Gopen2(fix, "expected", H5P_DEFAULT);
    int rc = 0;
    if (e < 0)
        return -1;
    c.out = H5Oopen(out, "/", H5P_DEFAULT);
    if (c.out < 0 || H5Aiterate2(e, H5_INDEX_NAME, H5_ITER_INC, NULL, check_attr, &c) < 0)
        rc = -1;
    if (c.out >= 0)
        H5Oclose(c.out);
    H5Gclose(e);
    *passed += c.passed;
    *failed += c.failed;
    return rc;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    hid_t out, fix, expected;
    double tol;
    char *end;
    name_list list = {NULL, 0, 0, 0};
    size_t i;
    int passed = 0, failed = 0, status = 0;

    if (argc != 4) {
        fprintf(stderr, "usage: %s OUT.h5 FIXTURE.h5 TOL\n", argc ? argv[0] : "compare");
        return 2;
    }
    errno = 0;
    tol = strtod(argv[3], &end);
    if (errno || end == argv[3] || *end != '\0' || !(tol >= 0.0)) {
        fprintf(stderr, "compare: TOL must be a non-negative number, got '%s'\n", argv[3]);
        return 2;
    }

    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);

    fix = H5Fopen(argv[2], H5F_ACC_RDONLY, H5P_DEFAULT);
    if (fix < 0) {
        fprintf(stderr, "compare: cannot open fixture '%s' as HDF5\n", argv[2]);
        return 2;
    }
    out = H5Fopen(argv[1], H5F_ACC_RDONLY, H5P_DEFAULT);
    if (out < 0) {
        fprintf(stderr, "compare: cannot open output '%s' as HDF5\n", argv[1]);
        H5Fclose(fix);
        return 2;
    }
    expected = H5Lexists(fix, "expected", H5P_DEFAULT) > 0
                   ? H5Gopen2(fix, "expected", H5P_DEFAULT) : -1;
    if (expected < 0) {
        fprintf(stderr, "compare: fixture '%s' has no /expected group\n", argv[2]);
        H5Fclose(out);
        H5Fclose(fix);
        return 2;
    }
    if (H5Lvisit(expected, H5_INDEX_NAME, H5_ITER_INC, collect_datasets, &list) < 0 ||
        list.oom) {
        fprintf(stderr, "compare: cannot list /expected in '%s'\n", argv[2]);
        status = 2;
    } else if (list.count == 0) {
        fprintf(stderr, "compare: fixture '%s' has no datasets under /expected\n", argv[2]);
        status = 2;
    }
    H5Gclose(expected);

    if (status == 0) {
        qsort(list.names, list.count, sizeof *list.names, cmp_names);
        printf("compare %s against %s (tol %g)\n", argv[1], argv[2], tol);
        for (i = 0; i < list.count; i++) {
            int r = compare_one(out, fix, list.names[i], tol);
            if (r < 0) {
                status = 2;
                break;
            }
            if (r)
                passed++;
            else
                failed++;
        }
        if (status == 0) {
            int extra = unexpected_grads(out, fix);
            if (extra < 0) {
                fprintf(stderr, "compare: cannot list /grad in '%s'\n", argv[1]);
                status = 2;
            } else
                failed += extra;
        }
        if (status == 0 && compare_attrs(out, fix, &passed, &failed) < 0) {
            fprintf(stderr, "compare: cannot read the attributes of /expected in '%s'\n", argv[2]);
            status = 2;
        }
        if (status == 0) {
            printf("%d passed, %d failed\n", passed, failed);
            status = failed ? 1 : 0;
        }
    }

    for (i = 0; i < list.count; i++)
        free(list.names[i]);
    free(list.names);
    H5Fclose(out);
    H5Fclose(fix);
    return status;
}
