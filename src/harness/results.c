/* gethostname (POSIX), with C11 strict: */
#define _DEFAULT_SOURCE
#include "results.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "h5io.h"
#include "images.h"
#include "status.h"

/* FNV-1a, 64 bits: enough to tell an edited experiment file from the
 * one a part was made by (not a defence against a forger). */
static unsigned long long fnv1a64(const char *s)
{
    unsigned long long h = 14695981039346656037ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

void results_init(results *r, const experiment *e, const char *out)
{
    r->e = e;
    r->out = out;
    snprintf(r->parts, sizeof r->parts, "%s.parts", out);
    snprintf(r->text_hash, sizeof r->text_hash, "fnv1a64:%016llx", fnv1a64(e->text ? e->text : ""));
}

/* Parts are named by grid index: a run's name can be longer than a file
 * name may be. (--resume needs the same experiment text, so the same grid.) */
static void part_path(const results *r, const grid_run *g, char *buf, size_t n)
{
    snprintf(buf, n, "%s/%06ld.h5", r->parts, (long)(g - r->e->runs));
}

static bool exists(const char *path) { return access(path, F_OK) == 0; }

/* Every parameter of the run, as an attribute of its own type. */
static int write_params(h5file *f, const char *grp, const grid_run *g, char *err)
{
    int rc = RNB_OK;
    for (int k = 0; k < config_key_count() && !rc; k++) {
        cfg_str v;
        config_key_value(&g->cfg, k, v, sizeof v);
        const char *key = config_key_name(k);
        switch (config_key_type(k)) {
        case CFG_T_INT:
            rc = h5io_set_attr_long(f, grp, key, strtol(v, NULL, 10), err);
            break;
        case CFG_T_U64:
            rc = h5io_set_attr_u64(f, grp, key, strtoull(v, NULL, 10), err);
            break;
        case CFG_T_REAL:
            rc = h5io_set_attr_double(f, grp, key, strtod(v, NULL), err);
            break;
        case CFG_T_OPTREAL:     /* NaN: none */
            rc = h5io_set_attr_double(f, grp, key, strcmp(v, "none") ? strtod(v, NULL) : NAN, err);
            break;
        default:
            rc = h5io_set_attr_str(f, grp, key, v, err);
        }
    }
    return rc;
}

typedef struct {
    char (*names)[EXP_NAME_LEN];
    int n, cap;
    bool nomem;
} name_list;

static void collect(const char *name, void *ctx)
{
    name_list *l = ctx;
    if (l->n == l->cap) {
        int cap = l->cap ? 2 * l->cap : 64;
        void *q = realloc(l->names, sizeof *l->names * cap);
        if (!q) {
            l->nomem = true;
            return;
        }
        l->names = q, l->cap = cap;
    }
    snprintf(l->names[l->n++], EXP_NAME_LEN, "%s", name);
}

int results_run_names(h5file *f, char (**names)[EXP_NAME_LEN], int *n, char *err)
{
    name_list l = {0};
    int rc = h5io_list(f, "runs", collect, &l, err);
    if (!rc && l.nomem)
        rc = rnb_error(err, RNB_ENOMEM, "out of memory");
    if (rc) {
        free(l.names);
        l.names = NULL, l.n = 0;
    }
    *names = l.names, *n = l.n;
    return rc;
}

int results_read_params(h5file *f, const char *grp, config *c, char *err)
{
    config_defaults(c);
    int rc = RNB_OK;
    for (int k = 0; k < config_key_count() && !rc; k++) {
        const char *key = config_key_name(k);
        if (!h5io_has_attr(f, grp, key))
            continue;   /* a key newer than the file (variable_length): its default */
        cfg_str v;
        long l;
        unsigned long long u;
        double d;
        switch (config_key_type(k)) {
        case CFG_T_INT:
            if (!(rc = h5io_get_attr_long(f, grp, key, &l, err)))
                snprintf(v, sizeof v, "%ld", l);
            break;
        case CFG_T_U64:
            if (!(rc = h5io_get_attr_u64(f, grp, key, &u, err)))
                snprintf(v, sizeof v, "%llu", u);
            break;
        case CFG_T_REAL:
        case CFG_T_OPTREAL:
            if (!(rc = h5io_get_attr_double(f, grp, key, &d, err)))
                snprintf(v, sizeof v, isnan(d) ? "none" : "%.17g", d);
            break;
        default:
            rc = h5io_get_attr_str(f, grp, key, v, sizeof v, err);
        }
        if (!rc && config_set(c, key, v, err))
            rc = RNB_EINVAL;
    }
    return rc;
}

static const char *const clip_names[] = {"none", "norm", "value", "step"};

/* The per-tensor gradient norms, and the tensors' names as its attribute
 * "names", in its columns' order. */
static int tensor_names(h5file *f, const char *ds, const run_spec *s, const run_record *rec,
                        const long *dims, char *err)
{
    model_tensor *t = malloc((size_t)rec->n_tensors * sizeof *t);
    const char **names = malloc((size_t)rec->n_tensors * sizeof *names);
    int rc = RNB_ENOMEM;
    if (t && names) {
        model_tensors(t, s->cell, s->task, s->K, s->H, s->learn_h0);
        for (int i = 0; i < rec->n_tensors; i++)
            names[i] = t[i].name;
        if (!(rc = h5io_write_series_double(f, ds, 2, dims, rec->tensor_norm, err)))
            rc = h5io_set_attr_str_list(f, ds, "names", names, rec->n_tensors, err);
    } else {
        rnb_error(err, rc, "out of memory");
    }
    free(t);
    free(names);
    return rc;
}

/* The CRC-32 of the dataset a run over one read. */
static unsigned data_crc(const run_spec *s) { return ((const image_set *)s->task_data)->crc32; }

/* psmnist's pixel order, as it was drawn: step t saw pixel [t]. */
static int write_permutation(h5file *f, const char *name, uint64_t seed, char *err)
{
    int perm[IMAGE_PIXELS];
    long p[IMAGE_PIXELS];
    const long dims[] = {IMAGE_PIXELS};
    image_permutation(perm, IMAGE_PIXELS, seed);
    for (int i = 0; i < IMAGE_PIXELS; i++)
        p[i] = perm[i];
    return h5io_write_series_long(f, name, 1, dims, p, err);
}

static int write_run(h5file *f, const char *grp, const grid_run *g, const run_record *rec,
                     const char *text_hash, char *err)
{
    const run_spec *s = &g->spec;
    char path[EXP_NAME_LEN + 64];
#define DS(name) (snprintf(path, sizeof path, "%s/%s", grp, name), path)
    const long n = rec->steps_done, m = rec->n_logged;
    const long d_steps[] = {n}, d_log[] = {m}, d_norms[] = {m, rec->K, rec->L},
               d_blocks[] = {m, rec->K, rec->G}, d_tensors[] = {n, rec->n_tensors};
    int rc = tensor_names(f, DS("grad_norm_tensor"), s, rec, d_tensors, err);
    if (rc)
        return rc;
    if ((rc = h5io_write_series_double(f, DS("loss"), 1, d_steps, rec->loss, err)) ||
        (rc = h5io_write_series_double(f, DS("metric"), 1, d_steps, rec->metric, err)) ||
        (rc = h5io_write_series_double(f, DS("grad_norm"), 1, d_steps, rec->grad_norm, err)) ||
        (rc = h5io_write_series_double(f, DS("grad_norm_clipped"), 1, d_steps, rec->grad_norm_clipped, err)) ||
        (rec->omega && (rc = h5io_write_series_double(f, DS("omega"), 1, d_steps, rec->omega, err))) ||
        (rc = h5io_write_series_long(f, DS("log_step"), 1, d_log, rec->log_step, err)) ||
        (rc = h5io_write_series_double(f, DS("dh_norm"), 3, d_norms, rec->dh_norm, err)) ||
        (rec->has_c && (rc = h5io_write_series_double(f, DS("dc_norm"), 3, d_norms, rec->dc_norm, err))) ||
        (rc = h5io_write_series_double(f, DS("dh_log10"), 3, d_norms, rec->dh_log10, err)) ||
        (rec->has_c && (rc = h5io_write_series_double(f, DS("dc_log10"), 3, d_norms, rec->dc_log10, err))) ||
        (rc = h5io_write_series_double(f, DS("eval_loss"), 1, d_log, rec->eval_loss, err)) ||
        (rc = h5io_write_series_double(f, DS("eval_metric"), 1, d_log, rec->eval_metric, err)) ||
        ((s->cell->recurrence != REC_NONE || s->cell->radius) &&     /* no recurrence, no spectrum */
         ((rc = h5io_write_series_double(f, DS("w_hh_radius"), 3, d_blocks, rec->w_hh_radius, err)) ||
          (rc = h5io_write_series_double(f, DS("w_hh_sigma"), 3, d_blocks, rec->w_hh_sigma, err)))) ||
        (rec->w_hh_orth_error &&
         (rc = h5io_write_series_double(f, DS("w_hh_orth_error"), 2, d_blocks, rec->w_hh_orth_error, err))) ||
        (s->task->permuted && (rc = write_permutation(f, DS("pixel_permutation"), s->perm_seed, err))))
        return rc;
    char crc[16];
    if (s->task_data && (snprintf(crc, sizeof crc, "%08x", data_crc(s)),
                         (rc = h5io_set_attr_str(f, grp, "data_crc32", crc, err))))
        return rc;
#undef DS
    if ((rc = write_params(f, grp, g, err)) ||
        (rc = h5io_set_attr_str(f, grp, "clip_mode", clip_names[s->clip.kind], err)) ||
        (rc = h5io_set_attr_double(f, grp, "clip_threshold", s->clip.threshold, err)) ||
        (rc = h5io_set_attr_str(f, grp, "status", run_status_name(rec->status), err)) ||
        (rc = h5io_set_attr_long(f, grp, "steps_done", rec->steps_done, err)) ||
        (rc = h5io_set_attr_long(f, grp, "diverged_step", rec->diverged_step, err)) ||
        (rc = h5io_set_attr_double(f, grp, "wall_seconds", rec->wall_seconds, err)) ||
        (rc = h5io_set_attr_double(f, grp, "final_loss", rec->final_loss, err)) ||
        (rc = h5io_set_attr_double(f, grp, "final_metric", rec->final_metric, err)) ||
        (rc = h5io_set_attr_long(f, grp, "final_eval_size", rec->final_eval_size, err)) ||
        (rc = h5io_set_attr_double(f, grp, "baseline", run_baseline(s), err)) ||
        (rc = h5io_set_attr_long(f, grp, "solved", rec->solved, err)) ||
        (rc = h5io_set_attr_long(f, grp, "solve_step", rec->solve_step, err)) ||
        (rc = h5io_set_attr_long(f, grp, "seq_total", rec->L, err)) ||
        (rc = h5io_set_attr_str(f, grp, "precision", RNB_PRECISION, err)) ||
        (rc = h5io_set_attr_str(f, grp, "rnnbench_version", RNNBENCH_VERSION, err)) ||
        (rc = h5io_set_attr_str(f, grp, "experiment_hash", text_hash, err)) ||
        (rc = h5io_set_attr_str(f, grp, "name", g->name, err)))
        return rc;
    return RNB_OK;
}

/* Creates path by writing a temporary file in the parts folder (so that a
 * kill leaves nothing outside it) and renaming: path is whole or absent. */
static int write_atomically(const results *r, const char *path,
                            int (*fill)(h5file *f, const void *ctx, char *err),
                            const void *ctx, char *err)
{
    /* host and pid: unique among the processes of an MPI job, whose ranks
     * share the parts folder (one writer per process at a time) */
    char tmp[2400], host[256] = "host";
    gethostname(host, sizeof host - 1);
    host[strcspn(host, "/")] = '\0';
    snprintf(tmp, sizeof tmp, "%s/writing.tmp.%.200s.%ld", r->parts, host, (long)getpid());
    h5file *f;
    int rc = h5io_create(&f, tmp, err);
    if (rc)
        return rc;
    if ((rc = fill(f, ctx, err))) {
        h5io_close(f, NULL);
        return rc;
    }
    return h5io_commit(f, path, err);
}

typedef struct {
    const grid_run *g;
    const run_record *rec;
    const char *hash;
    trainer *tr;            /* a checkpoint: its state too; else NULL */
} part_ctx;

/* The trainer's state to (write) or from group grp's checkpoint, each
 * part as one uint8 dataset of its bytes. */
static int move_state(h5file *f, const char *grp, trainer *tr, bool write, char *err)
{
    trainer_state_part parts[TRAINER_STATE_MAX];
    int n = trainer_state(tr, parts), rc = RNB_OK;
    char path[EXP_NAME_LEN + 64];
    for (int i = 0; i < n && !rc; i++) {
        snprintf(path, sizeof path, "%s/checkpoint/%s", grp, parts[i].name);
        rc = write ? h5io_write_bytes(f, path, parts[i].data, parts[i].bytes, err)
                   : h5io_read_bytes(f, path, parts[i].data, parts[i].bytes, err);
    }
    return rc;
}

static int fill_part(h5file *f, const void *ctx, char *err)
{
    const part_ctx *p = ctx;
    int rc = write_run(f, "/run", p->g, p->rec, p->hash, err);
    return rc || !p->tr ? rc : move_state(f, "/run", p->tr, true, err);
}

static int make_parts_dir(const results *r, char *err)
{
    if (mkdir(r->parts, 0777) != 0 && errno != EEXIST)
        return rnb_error(err, RNB_EINVAL, "%s: cannot make the folder: %s", r->parts, strerror(errno));
    return RNB_OK;
}

/* Run g's part: its record, and tr's state when tr is given. */
static int write_part(const results *r, const grid_run *g, const run_record *rec, trainer *tr, char *err)
{
    int rc = make_parts_dir(r, err);    /* another rank's host may see it late */
    if (rc)
        return rc;
    char path[2048];
    part_path(r, g, path, sizeof path);
    part_ctx p = {g, rec, r->text_hash, tr};
    return write_atomically(r, path, fill_part, &p, err);
}

int results_write_part(const results *r, const grid_run *g, const run_record *rec, char *err)
{
    return write_part(r, g, rec, NULL, err);
}

int results_write_checkpoint(const results *r, const grid_run *g, const run_record *rec, trainer *tr,
                             char *err)
{
    return write_part(r, g, rec, tr, err);
}

/* Dataset name of group grp into buf, when it has the shape dims. */
static int read_rows(h5file *f, const char *grp, const char *name, int rank, const long *dims,
                     void *buf, bool whole, char *err)
{
    char path[EXP_NAME_LEN + 64];
    snprintf(path, sizeof path, "%s/%s", grp, name);
    return h5io_read_exact(f, path, whole ? H5IO_AS_LONG : H5IO_AS_DOUBLE, rank, dims, buf, err);
}

/* A checkpoint's record so far, from group grp: its attributes, then
 * every row. */
static int read_record(h5file *f, const char *grp, const grid_run *g, run_record *rec, char *err)
{
    const run_spec *s = &g->spec;
    long n = 0, m, solve = -1;
    int rank = 0;
    long d[H5IO_MAXRANK] = {0};
    int rc;
    char log_step[EXP_NAME_LEN + 64];
    snprintf(log_step, sizeof log_step, "%s/log_step", grp);
    if ((rc = h5io_get_attr_long(f, grp, "steps_done", &n, err)) ||
        (rc = h5io_get_attr_long(f, grp, "solve_step", &solve, err)) ||
        (rc = h5io_get_attr_double(f, grp, "wall_seconds", &rec->wall_seconds, err)) ||
        (rc = h5io_shape_any(f, log_step, &rank, d, err)))
        return rc;
    m = d[0];
    if (n < 0 || n > rec->steps || m < 0 || m > rec->n_log_cap || rank != 1)
        return rnb_error(err, RNB_EINVAL, "%s: steps_done %ld or %ld logged rows do not fit run %s",
                         h5io_path(f), n, m, g->name);
    const long d_steps[] = {n}, d_log[] = {m}, d_norms[] = {m, rec->K, rec->L},
               d_blocks[] = {m, rec->K, rec->G}, d_tensors[] = {n, rec->n_tensors};
    if ((rc = read_rows(f, grp, "loss", 1, d_steps, rec->loss, false, err)) ||
        (rc = read_rows(f, grp, "metric", 1, d_steps, rec->metric, false, err)) ||
        (rc = read_rows(f, grp, "grad_norm", 1, d_steps, rec->grad_norm, false, err)) ||
        (rc = read_rows(f, grp, "grad_norm_clipped", 1, d_steps, rec->grad_norm_clipped, false, err)) ||
        (rec->omega && (rc = read_rows(f, grp, "omega", 1, d_steps, rec->omega, false, err))) ||
        (rc = read_rows(f, grp, "grad_norm_tensor", 2, d_tensors, rec->tensor_norm, false, err)) ||
        (rc = read_rows(f, grp, "log_step", 1, d_log, rec->log_step, true, err)) ||
        (rc = read_rows(f, grp, "dh_norm", 3, d_norms, rec->dh_norm, false, err)) ||
        (rec->has_c && (rc = read_rows(f, grp, "dc_norm", 3, d_norms, rec->dc_norm, false, err))) ||
        (rc = read_rows(f, grp, "dh_log10", 3, d_norms, rec->dh_log10, false, err)) ||
        (rec->has_c && (rc = read_rows(f, grp, "dc_log10", 3, d_norms, rec->dc_log10, false, err))) ||
        (rc = read_rows(f, grp, "eval_loss", 1, d_log, rec->eval_loss, false, err)) ||
        (rc = read_rows(f, grp, "eval_metric", 1, d_log, rec->eval_metric, false, err)) ||
        ((s->cell->recurrence != REC_NONE || s->cell->radius) &&
         ((rc = read_rows(f, grp, "w_hh_radius", 3, d_blocks, rec->w_hh_radius, false, err)) ||
          (rc = read_rows(f, grp, "w_hh_sigma", 3, d_blocks, rec->w_hh_sigma, false, err)))) ||
        (rec->w_hh_orth_error && (rc = read_rows(f, grp, "w_hh_orth_error", 2, d_blocks, rec->w_hh_orth_error, false, err))))
        return rc;
    rec->steps_done = n;
    rec->n_logged = m;
    rec->solve_step = solve;
    return RNB_OK;
}

int results_read_checkpoint(const results *r, const grid_run *g, run_record *rec, trainer *tr, char *err)
{
    char path[2048];
    part_path(r, g, path, sizeof path);
    if (!exists(path))
        return RECORD_NO_CHECKPOINT;
    h5file *f;
    int rc = h5io_open_read(&f, path, err);
    if (rc)
        return rc;
    if (!h5io_exists(f, "/run/checkpoint"))
        rc = RECORD_NO_CHECKPOINT;
    else if (!(rc = read_record(f, "/run", g, rec, err)))
        rc = move_state(f, "/run", tr, false, err);
    h5io_close(f, NULL);
    return rc;
}

int results_part_status(const results *r, const grid_run *g, run_status *status)
{
    char path[2048], err[RNB_ERRLEN], name[32];
    part_path(r, g, path, sizeof path);
    if (!exists(path))
        return 0;
    h5file *f;
    if (h5io_open_read(&f, path, err))
        return 0;
    int found = h5io_get_attr_str(f, "/run", "status", name, sizeof name, err) == RNB_OK &&
                run_status_parse(status, name) == 0;
    h5io_close(f, NULL);
    return found;
}

/* The grid index of a part's file name "000042.h5", or -1. */
static long part_index(const char *name)
{
    size_t n = strspn(name, "0123456789");
    return n == 6 && strcmp(name + n, ".h5") == 0 ? strtol(name, NULL, 10) : -1;
}

/* The largest index among the parts, or -1 when there are none. */
static long last_part(const results *r)
{
    long last = -1;
    DIR *d = opendir(r->parts);
    for (struct dirent *ent; d && (ent = readdir(d));) {
        long i = part_index(ent->d_name);
        last = i > last ? i : last;
    }
    if (d)
        closedir(d);
    return last;
}

bool results_has_parts(const results *r) { return last_part(r) >= 0; }

/* Whether the run at grp of f is run g of this experiment, as this build
 * would make it: if not, what differs, in what. */
static bool differs(h5file *f, const char *grp, const grid_run *g, const char *hash, char *what, size_t n)
{
    char sub[RNB_ERRLEN], there[EXP_NAME_LEN], here[sizeof(cfg_str)];
    config c;
    if (results_read_params(f, grp, &c, sub)) {
        snprintf(what, n, "%s", sub);
        return true;
    }
    for (int k = 0; k < config_key_count(); k++) {
        config_key_value(&c, k, there, sizeof there);
        config_key_value(&g->cfg, k, here, sizeof here);
        if (strcmp(there, here)) {
            snprintf(what, n, "%s is %.100s there, %.100s in the experiment file", config_key_name(k), there, here);
            return true;
        }
    }
    const char *const keys[] = {"precision", "rnnbench_version", "experiment_hash"};
    const char *const want[] = {RNB_PRECISION, RNNBENCH_VERSION, hash};
    for (int k = 0; k < 3; k++) {
        if (!h5io_has_attr(f, grp, keys[k])) {
            snprintf(what, n, "it has no %s (an older rnnbench wrote it)", keys[k]);
            return true;
        }
        if (h5io_get_attr_str(f, grp, keys[k], there, sizeof there, sub) || strcmp(there, want[k])) {
            snprintf(what, n, "%s is %s there, %s here%s", keys[k], there, want[k],
                     k == 2 ? " (the experiment file was edited)" : "");
            return true;
        }
    }
    if (g->spec.task_data) {    /* the same data, not only the same folder */
        char here_crc[16];
        snprintf(here_crc, sizeof here_crc, "%08x", data_crc(&g->spec));
        there[0] = '\0';
        if (h5io_get_attr_str(f, grp, "data_crc32", there, sizeof there, sub) || strcmp(there, here_crc)) {
            snprintf(what, n, "its dataset's data_crc32 is %.16s there, %s in %.100s now", there, here_crc,
                     g->cfg.data_dir);
            return true;
        }
    }
    return false;
}

/* Whether the checkpoint of group grp (of OUT or of a part), if it has
 * one, restores run g: read into a trainer and a record made for g, as the
 * run will read it. */
static int check_checkpoint(h5file *f, const char *grp, const grid_run *g, char *err)
{
    char sub[RNB_ERRLEN] = "", ckpt[EXP_NAME_LEN + 32];
    snprintf(ckpt, sizeof ckpt, "%s/checkpoint", grp);
    if (!h5io_exists(f, ckpt))
        return RNB_OK;
    trainer tr;
    run_record rec;
    int rc = trainer_create(&tr, &g->spec, sub);
    if (rc)
        return rnb_error(err, rc, "run %s: %s", g->name, sub);
    if (record_alloc(&rec, &g->spec)) {
        trainer_free(&tr);
        return rnb_error(err, RNB_ENOMEM, "run %s: out of memory", g->name);
    }
    if (!(rc = read_record(f, grp, g, &rec, sub)))
        rc = move_state(f, grp, &tr, false, sub);
    record_free(&rec);
    trainer_free(&tr);
    const char *path = h5io_path(f), *why = sub;   /* the file is named once */
    size_t n = strlen(path);
    if (strncmp(sub, path, n) == 0 && strncmp(sub + n, ": ", 2) == 0)
        why += n + 2;
    return rc ? rnb_error(err, RNB_EINVAL, "%s: the checkpoint of run '%s' cannot be restored: %s; "
                          "--force starts over", path, g->name, why)
              : RNB_OK;
}

int results_check_parts(const results *r, char *err)
{
    long last = last_part(r);
    if (last >= r->e->n_runs)
        return rnb_error(err, RNB_EINVAL, "%s/%06ld.h5: no run of %s has that index (its grid has %d); "
                         "--force starts over", r->parts, last, r->e->path, r->e->n_runs);
    for (long i = 0; i <= last; i++) {
        const grid_run *g = &r->e->runs[i];
        char path[2048], what[EXP_NAME_LEN + 128];
        part_path(r, g, path, sizeof path);
        if (!exists(path))
            continue;
        h5file *f;
        int rc = h5io_open_read(&f, path, err);
        if (rc)
            return rc;
        if (differs(f, "/run", g, r->text_hash, what, sizeof what))
            rc = rnb_error(err, RNB_EINVAL, "%s: not run %s of %s as it is now: %s; --force starts over",
                           path, g->name, r->e->path, what);
        else
            rc = check_checkpoint(f, "/run", g, err);
        h5io_close(f, NULL);
        if (rc)
            return rc;
    }
    return RNB_OK;
}

typedef struct { h5file *src; const char *path; } copy_ctx;

static int fill_copy(h5file *f, const void *ctx, char *err)
{
    const copy_ctx *c = ctx;
    return h5io_copy(c->src, c->path, f, "/run", err);
}

/* The group of OUT that becomes run g's part, or false: none, one that a
 * part is already there for, or an interrupted one without a checkpoint
 * (run again). */
static bool reclaimable(h5file *f, const results *r, const grid_run *g, char *grp, size_t n)
{
    char name[32], path[2048], sub[RNB_ERRLEN], ckpt[EXP_NAME_LEN + 32];
    run_status st;
    snprintf(grp, n, "/runs/%s", g->name);
    part_path(r, g, path, sizeof path);
    snprintf(ckpt, sizeof ckpt, "%s/checkpoint", grp);
    return h5io_exists(f, grp) && !exists(path) &&
           !h5io_get_attr_str(f, grp, "status", name, sizeof name, sub) &&
           !run_status_parse(&st, name) && (st != RUN_INTERRUPTED || h5io_exists(f, ckpt));
}

int results_reclaim(const results *r, char *err)
{
    if (!exists(r->out))
        return RNB_OK;
    h5file *f;
    int rc = h5io_open_read(&f, r->out, err);
    if (rc)
        return rc;
    size_t n = strlen(r->e->text) + 1;
    char *text = malloc(n + 1);
    if (!text || h5io_get_attr_str(f, "/", "experiment_text", text, n + 1, err) ||
        strcmp(text, r->e->text) != 0) {
        free(text);
        h5io_close(f, NULL);
        return rnb_error(err, RNB_EINVAL, "%s: not the results of %s as it is now; "
                         "run without --resume into another file", r->out, r->e->path);
    }
    free(text);
    /* every run first, so that a refusal copies nothing */
    char grp[EXP_NAME_LEN + 8], what[EXP_NAME_LEN + 128];
    for (int i = 0; i < r->e->n_runs && !rc; i++) {
        const grid_run *g = &r->e->runs[i];
        if (!reclaimable(f, r, g, grp, sizeof grp))
            continue;
        if (differs(f, grp, g, r->text_hash, what, sizeof what))
            rc = rnb_error(err, RNB_EINVAL, "%s: run %s is not that of %s as it is now: %s; "
                           "--force starts over", r->out, g->name, r->e->path, what);
        else
            rc = check_checkpoint(f, grp, g, err);
    }
    for (int i = 0; i < r->e->n_runs && !rc; i++) {
        const grid_run *g = &r->e->runs[i];
        char path[2048];
        if (!reclaimable(f, r, g, grp, sizeof grp))
            continue;
        part_path(r, g, path, sizeof path);
        copy_ctx c = {f, grp};
        rc = write_atomically(r, path, fill_copy, &c, err);
    }
    h5io_close(f, NULL);
    return rc;
}

typedef struct { const results *r; int *n; } assemble_ctx;

static int fill_out(h5file *f, const void *ctx, char *err)
{
    const assemble_ctx *a = ctx;
    const results *r = a->r;
    const experiment *e = r->e;
    char created[32];
    time_t now = time(NULL);
    strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    int rc;
    if ((rc = h5io_set_attr_long(f, "/", "schema_version", RESULTS_SCHEMA_VERSION, err)) ||
        (rc = h5io_set_attr_str(f, "/", "rnnbench_version", RNNBENCH_VERSION, err)) ||
        (rc = h5io_set_attr_str(f, "/", "precision", RNB_PRECISION, err)) ||
        (rc = h5io_set_attr_str(f, "/", "experiment", e->name, err)) ||
        (rc = h5io_set_attr_str(f, "/", "description", e->description, err)) ||
        (rc = h5io_set_attr_str(f, "/", "experiment_text", e->text, err)) ||
        (rc = h5io_set_attr_long(f, "/", "runs_in_grid", e->n_runs, err)) ||
        (rc = h5io_set_attr_str(f, "/", "created", created, err)))
        return rc;
    *a->n = 0;
    for (int i = 0; i < e->n_runs; i++) {
        const grid_run *g = &e->runs[i];
        char path[2048], grp[EXP_NAME_LEN + 8];
        part_path(r, g, path, sizeof path);
        if (!exists(path))
            continue;
        h5file *p;
        if ((rc = h5io_open_read(&p, path, err)))
            return rc;
        snprintf(grp, sizeof grp, "/runs/%s", g->name);
        rc = h5io_copy(p, "/run", f, grp, err);
        h5io_close(p, NULL);
        if (rc)
            return rc;
        ++*a->n;
    }
    return RNB_OK;
}

/* What the parts folder holds (parts, and the .tmp files of a killed
 * sweep), the owner file too unless keep_owner, and then the folder. */
static void remove_parts(const results *r, bool keep_owner)
{
    DIR *d = opendir(r->parts);
    if (!d)
        return;
    for (struct dirent *ent; (ent = readdir(d));) {
        if (!strcmp(ent->d_name, ".") || !strcmp(ent->d_name, "..") ||
            (keep_owner && !strcmp(ent->d_name, "owner")))
            continue;
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", r->parts, ent->d_name);
        remove(path);
    }
    closedir(d);
    if (!keep_owner)
        rmdir(r->parts);
}

void results_discard(const results *r)
{
    remove(r->out);
    remove_parts(r, true);
}

int results_assemble(const results *r, char *err)
{
    int n = 0;
    assemble_ctx a = {r, &n};
    int rc = write_atomically(r, r->out, fill_out, &a, err);
    if (!rc)
        remove_parts(r, false);
    return rc;
}
